/**
 * A real LSP client for tests: starts the server process (`rlhf-lens lsp --stdio`), speaks
 * JSON-RPC over its stdio, and lets tests await what an editor would receive.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'bin', 'rlhf-lens.js');

/** A URI as given (`file://…`, `untitled:Untitled-1`), or the file URI of a path. */
function toUri(filePath: string): string {
  return /^[a-z][a-z0-9+.-]+:/i.test(filePath) ? filePath : pathToFileURL(filePath).toString();
}

export interface LspDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity?: number;
  code?: string | number;
  codeDescription?: { href: string };
  source?: string;
  message: string;
  relatedInformation?: { location: { uri: string; range: LspDiagnostic['range'] }; message: string }[];
  data?: unknown;
}

export interface PublishDiagnosticsParams {
  uri: string;
  version?: number;
  diagnostics: LspDiagnostic[];
}

type Waiter = { uri: string; pred: (p: PublishDiagnosticsParams) => boolean; resolve: (p: PublishDiagnosticsParams) => void };

export class LspClient {
  readonly connection: MessageConnection;
  readonly published = new Map<string, PublishDiagnosticsParams>();
  readonly logs: string[] = [];
  private waiters: Waiter[] = [];
  private versions = new Map<string, number>();
  stderr = '';

  private constructor(readonly proc: ChildProcessWithoutNullStreams) {
    this.connection = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.published.set(p.uri, p);
      this.waiters = this.waiters.filter((w) => {
        if (w.uri === p.uri && w.pred(p)) {
          w.resolve(p);
          return false;
        }
        return true;
      });
    });
    this.connection.onNotification('window/logMessage', (p: { message: string }) => {
      this.logs.push(p.message);
    });
    this.connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => null));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.listen();
  }

  /** Starts `rlhf-lens lsp --stdio` and completes the initialize handshake. */
  static async start(
    options: {
      rootPath?: string;
      initializationOptions?: unknown;
      capabilities?: unknown;
      /** Another server to start instead (e.g. yaml-language-server for benchmarks): node script and args. */
      command?: string[];
      /** Answers `workspace/configuration` requests by section. */
      configuration?: (section: string | undefined) => unknown;
    } = {},
  ): Promise<LspClient> {
    const proc = spawn(process.execPath, options.command ?? [CLI, 'lsp', '--stdio'], { stdio: 'pipe' });
    const client = new LspClient(proc);
    if (options.configuration) {
      const answer = options.configuration;
      client.connection.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => p.items.map((i) => answer(i.section) ?? null));
    }
    const rootUri = options.rootPath ? pathToFileURL(options.rootPath).toString() : null;
    await client.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri,
      workspaceFolders: rootUri ? [{ uri: rootUri, name: path.basename(options.rootPath!) }] : null,
      capabilities: options.capabilities ?? {
        textDocument: {
          publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true, dataSupport: true },
          completion: { completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] } },
          hover: { contentFormat: ['markdown', 'plaintext'] },
        },
        window: { workDoneProgress: true },
        workspace: { configuration: true, workspaceFolders: true },
      },
      initializationOptions: options.initializationOptions ?? { trusted: true },
    });
    await client.connection.sendNotification('initialized', {});
    return client;
  }

  open(filePath: string, text: string, languageId = 'yaml'): string {
    const uri = toUri(filePath);
    this.versions.set(uri, 1);
    void this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    return uri;
  }

  change(uri: string, text: string): number {
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    void this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ text }],
    });
    return version;
  }

  /** Sends the edit from `before` to `after` as one incremental change (a range and its new text), the way VS Code does. */
  changeIncremental(uri: string, before: string, after: string): number {
    let p = 0;
    while (p < before.length && p < after.length && before.charCodeAt(p) === after.charCodeAt(p)) p++;
    let s = 0;
    while (s < before.length - p && s < after.length - p && before.charCodeAt(before.length - 1 - s) === after.charCodeAt(after.length - 1 - s)) s++;
    const position = (offset: number) => {
      const lineStart = before.lastIndexOf('\n', offset - 1) + 1;
      let line = 0;
      for (let i = before.indexOf('\n'); i >= 0 && i < offset; i = before.indexOf('\n', i + 1)) line++;
      return { line, character: offset - lineStart };
    };
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    void this.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: position(p), end: position(before.length - s) }, text: after.slice(p, after.length - s) }],
    });
    return version;
  }

  /** Resolves with the first publishDiagnostics for `uri` that satisfies `pred` (default: for the latest version sent when it arrives). */
  diagnostics(uri: string, pred?: (p: PublishDiagnosticsParams) => boolean, timeoutMs = 10_000): Promise<PublishDiagnosticsParams> {
    const test = pred ?? ((p: PublishDiagnosticsParams) => p.version === undefined || p.version === this.versions.get(uri));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms; stderr: ${this.stderr}`)), timeoutMs);
      this.waiters.push({
        uri,
        pred: test,
        resolve: (p) => {
          clearTimeout(timer);
          resolve(p);
        },
      });
    });
  }

  /** Opens a document and waits for its first diagnostics. */
  async openAndWait(filePath: string, text: string, languageId = 'yaml'): Promise<LspDiagnostic[]> {
    const uri = toUri(filePath);
    const p = this.diagnostics(uri, () => true);
    this.open(uri, text, languageId);
    return (await p).diagnostics;
  }

  request<R>(method: string, params: unknown): Promise<R> {
    return this.connection.sendRequest(method, params) as Promise<R>;
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.connection.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      void this.connection.sendNotification('exit');
    } catch {
      /* the process may already be gone */
    }
    this.connection.dispose();
    if (this.proc.exitCode === null) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.proc.kill('SIGKILL');
          resolve();
        }, 2000);
        this.proc.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}
