/**
 * "RLHF Lens: Set Connection Password": asks for a connection's user and password and keeps them in
 * VS Code's SecretStorage (never in a file, never logged), then sends every stored credential to
 * the language server sealed with this server's key (server/src/connections/secrets.ts), at start
 * and whenever they change. Environment variables named by the connection (user_env,
 * password_env) still win over them (connections/credentials.ts).
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Methods } from '../../../server/src/protocol/lsp';
import { sealSecrets, secretKeyName, type ConnectionSecret } from '../../../server/src/connections/secrets';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** Names only (the values are in SecretStorage), so the stored credentials can be listed. */
const NAMES_KEY = 'rlhfLens.connectionsWithSecrets';

/** Connection names declared in the workspace's .rlhf-lens.yaml files (a plain scan of `connections:` keys). */
async function declaredConnections(): Promise<string[]> {
  const names = new Set<string>();
  for (const uri of await vscode.workspace.findFiles('**/.rlhf-lens.yaml', '**/node_modules/**', 20)) {
    const text = Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('utf8');
    const lines = text.split(/\r?\n/);
    const start = lines.findIndex((l) => /^connections:\s*$/.test(l));
    if (start < 0) continue;
    for (const l of lines.slice(start + 1)) {
      if (/^\S/.test(l)) break;
      const m = /^ {2}([A-Za-z0-9][A-Za-z0-9_.-]*):/.exec(l);
      if (m) names.add(m[1]!);
    }
  }
  return [...names].sort();
}

export function registerConnectionSecrets(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined, key: Buffer): { send(): Promise<void> } {
  const send = async () => {
    const client = getClient();
    if (!client) return;
    const secrets: Record<string, ConnectionSecret> = {};
    for (const name of context.globalState.get<string[]>(NAMES_KEY, [])) {
      const user = await context.secrets.get(secretKeyName(name, 'user'));
      const password = await context.secrets.get(secretKeyName(name, 'password'));
      if (user !== undefined || password !== undefined) secrets[name] = { ...(user !== undefined ? { user } : {}), ...(password !== undefined ? { password } : {}) };
    }
    await client.sendNotification(Methods.connectionSecrets, { sealed: sealSecrets(key, secrets) });
  };
  context.subscriptions.push(
    context.secrets.onDidChange((e) => {
      if (e.key.startsWith('rlhfLens.connection.')) void send();
    }),
    vscode.commands.registerCommand('rlhfLens.setConnectionPassword', async (given?: string) => {
      const declared = await declaredConnections();
      let name = typeof given === 'string' ? given : undefined;
      if (!name) {
        name = declared.length
          ? await vscode.window.showQuickPick(declared, { title: 'RLHF Lens: connection (from .rlhf-lens.yaml)', placeHolder: 'Connection whose password to keep in the secret storage' })
          : await vscode.window.showInputBox({ title: 'RLHF Lens: connection name', prompt: 'A name under connections: in .rlhf-lens.yaml', validateInput: (v) => (NAME.test(v) ? undefined : 'letters, digits, ".", "_" or "-"') });
      }
      if (!name || !NAME.test(name)) return false;
      const user = await vscode.window.showInputBox({ title: `RLHF Lens: user for "${name}"`, prompt: 'Empty: the user from user_env, else "default"', value: (await context.secrets.get(secretKeyName(name, 'user'))) ?? '' });
      if (user === undefined) return false;
      const password = await vscode.window.showInputBox({ title: `RLHF Lens: password for "${name}"`, prompt: 'Kept in VS Code\'s secret storage; environment variables named by password_env win over it', password: true });
      if (password === undefined) return false;
      if (user) await context.secrets.store(secretKeyName(name, 'user'), user);
      else await context.secrets.delete(secretKeyName(name, 'user'));
      await context.secrets.store(secretKeyName(name, 'password'), password);
      const names = new Set(context.globalState.get<string[]>(NAMES_KEY, []));
      names.add(name);
      await context.globalState.update(NAMES_KEY, [...names].sort());
      await send();
      void vscode.window.showInformationMessage(`RLHF Lens: the password of connection "${name}" is kept in the secret storage.`);
      return true;
    }),
  );
  return { send };
}
