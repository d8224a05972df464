/**
 * The extension host side: wiring only. Starts the language server over IPC, tells it whether the
 * workspace is trusted, and registers the commands; each command lives in commands/.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { Methods } from '../../server/src/protocol/lsp';
import { registerDashboardCommands } from './commands/dashboards';
import { registerTemplateCommands } from './commands/templates';
import { registerValidateWorkspace } from './commands/validate-workspace';
import { registerRunCheck } from './commands/run-check';
import { registerConnectionSecrets } from './commands/connection-secrets';
import { newSecretKey, SECRET_KEY_ENV } from '../../server/src/connections/secrets';
import { registerLanguageDetection } from './language-detection';
import { registerTrustStatus } from './trust';
import { registerYamlExtensionCheck } from './yaml-extension';
import { registerViews } from './views/trees';
import { registerRunsView } from './views/runs';
import { registerWalkthrough } from './views/walkthrough';
import { registerStatus } from './status';
import { registerTrainingWizard } from './wizard/panel';
import { registerChatParticipant } from './chat/participant';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server', 'server.js'));
  // Connection credentials from SecretStorage travel sealed under this key (only this server process has it).
  const secretKey = newSecretKey();
  const env = { ...process.env, [SECRET_KEY_ENV]: secretKey.toString('base64') };
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc, options: { env } },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { env, execArgv: ['--nolazy', '--inspect=6010'] } },
  };
  const storage = context.storageUri?.fsPath ?? context.globalStorageUri.fsPath;
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'rlhf-pipeline' },
      { scheme: 'file', language: 'rlhf-experiment' },
      { scheme: 'file', language: 'rlhf-training' },
      { scheme: 'untitled', language: 'rlhf-pipeline' },
      { scheme: 'untitled', language: 'rlhf-experiment' },
      { scheme: 'untitled', language: 'rlhf-training' },
      // Framework configs (axolotl, LLaMA-Factory, TRL: YAML; DeepSpeed: JSON) keep their language; the
      // server's kind detector picks them out and says nothing about any other YAML or JSON file.
      { scheme: 'file', language: 'yaml' },
      { scheme: 'file', language: 'json' },
      { scheme: 'untitled', language: 'yaml' },
    ],
    synchronize: {
      configurationSection: 'rlhfLens',
      fileEvents: vscode.workspace.createFileSystemWatcher('**/*.{yaml,yml,jsonl,csv,tsv,json,gz}'),
    },
    initializationOptions: { trusted: vscode.workspace.isTrusted, storagePath: storage },
  };
  client = new LanguageClient('rlhfLens', 'RLHF Lens', serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void client?.sendNotification(Methods.setTrust, { trusted: true });
    }),
  );
  registerLanguageDetection(context);
  registerYamlExtensionCheck(context, client.outputChannel);
  registerTemplateCommands(context);
  registerValidateWorkspace(context, getClient);
  registerRunCheck(context, getClient);
  const secrets = registerConnectionSecrets(context, getClient, secretKey);
  registerDashboardCommands(context, getClient);
  registerTrustStatus(context);
  registerStatus(context, registerViews(context, getClient));
  registerWalkthrough(context, getClient);
  registerTrainingWizard(context, getClient);
  registerChatParticipant(context, getClient);
  registerRunsView(context, getClient);
  await client.start();
  await secrets.send();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

export function getClient(): LanguageClient | undefined {
  return client;
}
