/**
 * The language server: wiring only. Transport comes from the command line
 * (`--stdio`, `--node-ipc`, `--socket=N`), as vscode-languageserver decides.
 */
import { createConnection, MessageType, ProposedFeatures, ShowMessageNotification, TextDocuments, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SETTINGS, readSettings, type ServerContext } from './server-context';
import { Methods, SetTrustParams, ConnectionSecretsParams, InitializationOptions, type StatusResult } from './protocol/lsp';
import { MessageError } from './protocol/check';
import { registerDiagnostics } from './handlers/diagnostics';
import { EDITOR_CAPABILITIES, registerEditorFeatures } from './handlers/editor-features';
import { VERSION } from './version';
import * as path from 'node:path';
import { AnalysisService } from './engine/service';
import { registerAnalyze, registerFollow } from './handlers/analyze';
import { historyInWorker } from './engine/follow';
import { registerRuns } from './handlers/runs';
import { registerChecks } from './handlers/checks';
import { registerOverview } from './handlers/overview';
import { registerWizard } from './handlers/wizard';
import { registerChatFacts } from './handlers/chat-facts';
import { registerDashboard } from './handlers/dashboard';
import { FileSystemFacts } from './workspace/index';
import { ProjectSettings } from './workspace/project-settings';
import { editorSecrets, setEditorSecrets, takeSecretKey, unsealSecrets, SecretsError } from './connections/secrets';

export function startServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(TextDocument);

  // Created before the context (no hook filled in later); it reads the folders the context holds when asked.
  const project = new ProjectSettings(() => ctx.workspaceFolders, (m) => connection.console.warn(m));
  const ctx: ServerContext = {
    connection,
    documents,
    settings: { ...DEFAULT_SETTINGS },
    trusted: false,
    workspaceFolders: [],
    project,
    // A file's kind honours the `files:` map of its folder's .rlhf-lens.yaml.
    files: new FileSystemFacts((p) => project.kindMapFor(p)),
    guard: (what, fn) => {
      try {
        return fn();
      } catch (err) {
        connection.console.error(`rlhf-lens: ${what} failed: ${(err as Error).stack ?? err}`);
        return undefined;
      }
    },
  };

  // A notification, not window.showWarningMessage: that is a request, and a client without it would reject it unhandled and stop the server.
  const warnUser = (message: string) => void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message });
  // Analyses run in worker threads (dist/server/worker.js beside this bundle), never on this thread.
  // The key the extension sealed connection credentials with; gone from the environment from here on.
  const secretKey = takeSecretKey();
  const analysis = new AnalysisService({
    workerFile: path.join(__dirname, 'worker.js'),
    secrets: editorSecrets,
    onRecovered: (file, aside) => warnUser(`RLHF Lens: the results database ${file} could not be read; it was moved to ${aside} and a new one was started.`),
    onSaveFailed: (file, message) => warnUser(`RLHF Lens: could not save the results database ${file} (${message}); results are kept in memory until a write succeeds.`),
  });
  // Answered once every analysis worker has stopped: exiting while one is in a DuckDB query would abort the process.
  connection.onShutdown(() => analysis.dispose());

  // Every feature, with what it needs passed in (no hook filled in later, so the order below is only readability).
  const diagnostics = registerDiagnostics(ctx);
  registerAnalyze(ctx, analysis);
  // A followed trainer_state.json (up to 256 MB) is parsed in a worker thread of its own, like the analyses.
  registerFollow(ctx, () => historyInWorker(path.join(__dirname, 'worker.js')));
  registerRuns(ctx);
  const checks = registerChecks(ctx, analysis);
  registerEditorFeatures(ctx, checks.statusText);
  registerDashboard(ctx, analysis, checks);
  registerOverview(ctx, checks);
  registerWizard(ctx);
  registerChatFacts(ctx);

  let canPullConfiguration = false;
  const pullSettings = async (): Promise<void> => {
    if (!canPullConfiguration) return;
    try {
      const [section] = (await connection.workspace.getConfiguration([{ section: 'rlhfLens' }])) as unknown[];
      ctx.settings = readSettings(section);
      diagnostics.revalidateAll();
    } catch (err) {
      connection.console.warn(`rlhf-lens: could not read settings: ${(err as Error).message}`);
    }
  };

  connection.onInitialize((params) => {
    canPullConfiguration = params.capabilities.workspace?.configuration === true;
    try {
      const init = InitializationOptions(params.initializationOptions ?? {});
      ctx.trusted = init.trusted ?? false;
      analysis.storagePath = init.storagePath;
    } catch (err) {
      connection.console.warn(`rlhf-lens: ignoring initializationOptions: ${(err as Error).message}`);
    }
    ctx.workspaceFolders = (params.workspaceFolders ?? [])
      .map((f) => f.uri)
      .concat(params.rootUri && !params.workspaceFolders ? [params.rootUri] : [])
      .filter((u) => u.startsWith('file:'))
      .map((u) => fileURLToPath(u));
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        ...EDITOR_CAPABILITIES,
        // Pipeline check results: pulled, so they live beside (not over) the config diagnostics.
        diagnosticProvider: { identifier: 'rlhf-lens-checks', interFileDependencies: true, workspaceDiagnostics: false },
      },
      serverInfo: { name: 'rlhf-lens', version: VERSION },
    };
  });

  connection.onInitialized(() => void pullSettings());
  connection.onDidChangeConfiguration((change) => {
    if (canPullConfiguration) void pullSettings();
    else {
      ctx.settings = readSettings((change.settings as { rlhfLens?: unknown } | null)?.rlhfLens);
      diagnostics.revalidateAll();
    }
  });

  connection.onRequest(Methods.status, (): StatusResult => ({
    version: VERSION,
    trusted: ctx.trusted,
    openDocuments: documents.keys().length,
  }));

  connection.onNotification(Methods.connectionSecrets, (raw: unknown) => {
    // Never logged: a refusal says why, not what was sent.
    try {
      if (!secretKey) throw new SecretsError('this server was started without a key for credentials');
      setEditorSecrets(unsealSecrets(secretKey, ConnectionSecretsParams(raw).sealed));
    } catch (err) {
      if (err instanceof MessageError || err instanceof SecretsError) connection.console.warn(`rlhf-lens: rejected ${Methods.connectionSecrets}: ${err.message}`);
      else throw err;
    }
  });

  connection.onNotification(Methods.setTrust, (raw: unknown) => {
    try {
      ctx.trusted = SetTrustParams(raw).trusted;
    } catch (err) {
      if (err instanceof MessageError) connection.console.warn(`rlhf-lens: rejected ${Methods.setTrust}: ${err.message}`);
      else throw err;
    }
  });


  documents.listen(connection);
  connection.listen();
}
