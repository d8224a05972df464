/**
 * The RLHF Lens activity-bar container's views (Configs, Data Files, Checks): one workspace overview
 * from the server (`rlhfLens/workspaceOverview`), refreshed when files, diagnostics or check results
 * change, turned into tree items by the pure tree-model.ts. Problem counts are the published
 * diagnostics (the Problems panel's numbers); the first time the views show, the server checks every
 * config file (Validate Workspace, without its notification) so that files not open have counts too.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Methods, ValidateWorkspaceResult, type WorkspaceOverview } from '../../../server/src/protocol/lsp';
import { checkNodes, configNodes, dataFileNodes, type ProblemCounts, type ViewNode } from './tree-model';

export const VIEW_IDS = { configs: 'rlhfLens.configs', dataFiles: 'rlhfLens.dataFiles', checks: 'rlhfLens.checks' } as const;

const SOURCE = 'rlhf-lens';

function problemsOf(file: string): ProblemCounts | undefined {
  const uri = vscode.Uri.file(file);
  const diags = vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
  if (diags.length === 0 && !checked.has(uri.fsPath)) return undefined;
  return {
    errors: diags.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length,
    warnings: diags.filter((d) => d.severity === vscode.DiagnosticSeverity.Warning).length,
  };
}

/** Files the server has checked (Validate Workspace, or diagnostics published for them), so "no problems" is known, not guessed. */
const checked = new Set<string>();

class NodeTree implements vscode.TreeDataProvider<ViewNode> {
  private readonly changed = new vscode.EventEmitter<ViewNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  nodes: ViewNode[] = [];

  set(nodes: ViewNode[]): void {
    this.nodes = nodes;
    this.changed.fire(undefined);
  }

  getChildren(element?: ViewNode): ViewNode[] {
    return element ? (element.children ?? []) : this.nodes;
  }

  getTreeItem(n: ViewNode): vscode.TreeItem {
    const item = new vscode.TreeItem(n.label, n.children?.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = n.id;
    if (n.description !== undefined) item.description = n.description;
    if (n.tooltip !== undefined) item.tooltip = n.tooltip;
    if (n.icon) item.iconPath = new vscode.ThemeIcon(n.icon.id, n.icon.color ? new vscode.ThemeColor(n.icon.color) : undefined);
    if (n.contextValue) item.contextValue = n.contextValue;
    if (n.resource) item.resourceUri = vscode.Uri.file(n.resource);
    if (n.command) item.command = { title: n.command.kind === 'runCheck' ? 'Run check' : 'Open', command: 'rlhfLens.views.activate', arguments: [n] };
    return item;
  }
}

export interface RlhfLensViews {
  refresh(): Promise<void>;
  /** The last overview (tests and the status bar read it). */
  readonly overview: WorkspaceOverview | undefined;
  /** Fires after each new overview. */
  readonly onDidChange: vscode.Event<WorkspaceOverview>;
}

export function registerViews(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined): RlhfLensViews {
  const trees = { configs: new NodeTree(), dataFiles: new NodeTree(), checks: new NodeTree() };
  const views = {
    configs: vscode.window.createTreeView(VIEW_IDS.configs, { treeDataProvider: trees.configs, showCollapseAll: true }),
    dataFiles: vscode.window.createTreeView(VIEW_IDS.dataFiles, { treeDataProvider: trees.dataFiles }),
    checks: vscode.window.createTreeView(VIEW_IDS.checks, { treeDataProvider: trees.checks, showCollapseAll: true }),
  };
  let overview: WorkspaceOverview | undefined;
  const changed = new vscode.EventEmitter<WorkspaceOverview>();
  context.subscriptions.push(changed);
  let validated = false;
  let pending: NodeJS.Timeout | undefined;
  const relative = (file: string): string => vscode.workspace.asRelativePath(file, false);

  const render = (): void => {
    if (!overview) return;
    trees.configs.set(configNodes(overview, problemsOf, relative));
    trees.dataFiles.set(dataFileNodes(overview, relative));
    trees.checks.set(checkNodes(overview, relative));
    views.configs.message = undefined;
    changed.fire(overview);
  };

  const refresh = async (): Promise<void> => {
    const client = getClient();
    if (!client || !vscode.workspace.workspaceFolders?.length) {
      overview = { trusted: vscode.workspace.isTrusted, configs: [], dataFiles: [], pipelines: [] };
      render();
      return;
    }
    try {
      await client.start();
      if (!validated) {
        validated = true;
        // Problem counts for files that are not open: the server checks them and publishes their diagnostics.
        ValidateWorkspaceResult(await client.sendRequest(Methods.validateWorkspace, {}));
        for (const d of vscode.languages.getDiagnostics()) checked.add(d[0].fsPath);
        overview = await client.sendRequest<WorkspaceOverview>(Methods.workspaceOverview, {});
        for (const c of overview.configs) checked.add(vscode.Uri.file(c.path).fsPath);
      } else overview = await client.sendRequest<WorkspaceOverview>(Methods.workspaceOverview, {});
      render();
    } catch (err) {
      views.configs.message = `RLHF Lens could not list the workspace: ${(err as Error).message}`;
    }
  };

  const later = (ms = 400): void => {
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => {
      pending = undefined;
      void refresh();
    }, ms);
  };

  const activate = async (n: ViewNode): Promise<void> => {
    const c = n.command;
    if (!c) return;
    if (c.kind === 'open') {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(c.path));
      const at = new vscode.Position(c.line ?? 0, 0);
      await vscode.window.showTextDocument(doc, { preview: true, ...(c.line !== undefined ? { selection: new vscode.Range(at, at) } : {}) });
      return;
    }
    await runCheck(c.path, c.stageId, c.checkIndex);
  };

  const runCheck = async (file: string, stageId: string, checkIndex: number): Promise<void> => {
    // The server evaluates checks of open documents: open it (without showing it) first.
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.commands.executeCommand('rlhfLens.runCheck', { uri: doc.uri.toString(), stageId, checkIndex });
    await refresh();
  };

  const nodeOf = (arg: unknown): ViewNode | undefined => (arg && typeof arg === 'object' && 'id' in arg ? (arg as ViewNode) : undefined);
  const checkArgs = (n: ViewNode | undefined): { path: string; stageId: string; checkIndex: number } | undefined => {
    const m = /^check:(.*):([^:]+):(\d+)$/.exec(n?.id ?? '');
    return m ? { path: m[1]!, stageId: m[2]!, checkIndex: Number(m[3]) } : undefined;
  };

  context.subscriptions.push(
    ...Object.values(views),
    vscode.commands.registerCommand('rlhfLens.views.refresh', () => refresh()),
    vscode.commands.registerCommand('rlhfLens.views.activate', (arg: unknown) => {
      const n = nodeOf(arg);
      return n ? activate(n) : undefined;
    }),
    vscode.commands.registerCommand('rlhfLens.views.runCheck', async (arg: unknown) => {
      const a = checkArgs(nodeOf(arg));
      if (a) await runCheck(a.path, a.stageId, a.checkIndex);
    }),
    vscode.commands.registerCommand('rlhfLens.views.openCheck', async (arg: unknown) => {
      const n = nodeOf(arg);
      const a = checkArgs(n);
      const line = n?.command?.kind === 'open' ? n.command.line : undefined;
      if (a) await activate({ id: n!.id, label: '', command: { kind: 'open', path: a.path, ...(line !== undefined ? { line } : {}) } });
    }),
    vscode.commands.registerCommand('rlhfLens.views.analyzeDataFile', (arg: unknown) => {
      const n = nodeOf(arg);
      return n?.resource ? vscode.commands.executeCommand('rlhfLens.analyzeFile', vscode.Uri.file(n.resource)) : undefined;
    }),
    vscode.commands.registerCommand('rlhfLens.views.openDashboard', (arg: unknown) => {
      const n = nodeOf(arg);
      return n?.resource ? vscode.commands.executeCommand('rlhfLens.openDashboard', vscode.Uri.file(n.resource)) : undefined;
    }),
    vscode.languages.onDidChangeDiagnostics((e) => {
      for (const uri of e.uris) checked.add(uri.fsPath);
      if (overview) render();
      // A check result arrives as pull diagnostics of the pipeline: fetch the new verdicts.
      if (e.uris.some((u) => /\.ya?ml$/i.test(u.fsPath))) later(800);
    }),
    vscode.workspace.onDidSaveTextDocument(() => later()),
    vscode.workspace.onDidCreateFiles(() => later()),
    vscode.workspace.onDidDeleteFiles(() => later()),
    vscode.workspace.onDidRenameFiles(() => later()),
    vscode.workspace.onDidChangeWorkspaceFolders(() => later(0)),
  );
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.{jsonl,ndjson,csv,tsv,gz,zst,parquet,arrow,json,yaml,yml}');
  context.subscriptions.push(watcher, watcher.onDidCreate(() => later(1000)), watcher.onDidDelete(() => later(1000)), watcher.onDidChange(() => later(2000)));

  // Listing the workspace waits until a view is first shown: a user who never opens the container pays nothing.
  let started = false;
  const start = (): void => {
    if (started) return;
    started = true;
    void refresh();
  };
  for (const v of Object.values(views)) {
    if (v.visible) start();
    context.subscriptions.push(v.onDidChangeVisibility((e) => e.visible && start()));
  }

  return {
    refresh: async () => {
      started = true;
      await refresh();
    },
    onDidChange: changed.event,
    get overview() {
      return overview;
    },
  };
}
