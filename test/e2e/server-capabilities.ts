/**
 * What the built extension can do today, asked of the real pieces: the language server's
 * initialize result (hover, completion, code actions) and, for commands, whether the client bundle
 * registers them. The suite runs a step only when its feature exists and says plainly otherwise.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';

export interface ServerProbe {
  capabilities: Record<string, unknown>;
  /** Per file: diagnostics (code, 0-based line) and the titles of quick fixes offered for each. */
  quickFixes: { file: string; code: string; line: number; character: number; title: string }[];
  diagnostics: Map<string, { code: string; line: number }[]>;
}

interface Diagnostic {
  code?: string | number;
  range: { start: { line: number; character: number } };
}

/** Starts the built server over stdio, opens `files` and collects what an editor would get. */
export async function probeServer(serverJs: string, root: string, files: string[]): Promise<ServerProbe> {
  const proc = spawn(process.execPath, [serverJs, '--stdio'], { stdio: 'pipe' });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const published = new Map<string, Diagnostic[]>();
  const waiters = new Map<string, () => void>();
  conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => {
    published.set(p.uri, p.diagnostics);
    waiters.get(p.uri)?.();
  });
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.listen();
  try {
    const rootUri = pathToFileURL(root).toString();
    const init = (await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: [{ uri: rootUri, name: path.basename(root) }],
      capabilities: {
        textDocument: {
          publishDiagnostics: { codeDescriptionSupport: true, dataSupport: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
        },
        workspace: { configuration: true, workspaceFolders: true },
      },
      initializationOptions: { trusted: true },
    })) as { capabilities: Record<string, unknown> };
    await conn.sendNotification('initialized', {});
    const quickFixes: ServerProbe['quickFixes'] = [];
    const diagnostics = new Map<string, { code: string; line: number }[]>();
    for (const file of files) {
      const uri = pathToFileURL(file).toString();
      const got = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics for ${file} within 15 s`)), 15_000);
        waiters.set(uri, () => {
          clearTimeout(timer);
          resolve();
        });
      });
      const languageId = /\.pipeline\.ya?ml$/.test(file) ? 'rlhf-pipeline' : 'yaml';
      await conn.sendNotification('textDocument/didOpen', {
        textDocument: { uri, languageId, version: 1, text: fs.readFileSync(file, 'utf8') },
      });
      await got;
      const diags = published.get(uri) ?? [];
      diagnostics.set(file, diags.map((d) => ({ code: String(d.code ?? ''), line: d.range.start.line })));
      if (!init.capabilities.codeActionProvider) continue;
      for (const d of diags) {
        const actions = (await conn.sendRequest('textDocument/codeAction', {
          textDocument: { uri },
          range: d.range,
          context: { diagnostics: [d], only: ['quickfix'] },
        })) as { title: string; kind?: string }[] | null;
        for (const a of actions ?? []) {
          quickFixes.push({ file, code: String(d.code ?? ''), line: d.range.start.line, character: d.range.start.character, title: a.title });
        }
      }
    }
    return { capabilities: init.capabilities, quickFixes, diagnostics };
  } finally {
    conn.dispose();
    proc.kill();
  }
}

/** Whether the client bundle registers a command (package.json may list commands not built yet). */
export function clientRegisters(clientJs: string, command: string): boolean {
  return fs.readFileSync(clientJs, 'utf8').includes(JSON.stringify(command).slice(1, -1));
}
