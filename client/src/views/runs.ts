/**
 * The Runs view (`rlhfLens.runs`, in the RLHF Lens container): every training run the server finds in
 * the workspace (`rlhfLens/listRuns`), grouped by folder, with status, last step and headline metrics,
 * refreshed when logs change. Selecting runs and choosing Compare Runs opens the comparison panel,
 * whose data comes from `rlhfLens/compareRuns` (engine-side downsampling and smoothing).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CompareMethods, ListRunsResult, type RunEntry } from '../../../server/src/protocol/compare';
import { compareSource } from '../panels/compare-source';
import { DashboardPanel } from '../panels/dashboard-panel';
import { plural } from '../../../server/src/text/plural';

export const RUNS_VIEW_ID = 'rlhfLens.runs';

type Node = { kind: 'group'; label: string; runs: RunEntry[] } | { kind: 'run'; run: RunEntry };

const STATUS_ICON: Record<string, [string, string | undefined]> = {
  running: ['sync~spin', 'charts.blue'],
  finished: ['pass', 'testing.iconPassed'],
  stalled: ['warning', 'list.warningForeground'],
};

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4)));
}

/** "finished · step 600 · loss 0.332 · eval_loss 0.398" */
export function runDescription(r: RunEntry): string {
  const parts = [r.error ? 'unreadable' : r.status, `step ${r.last_step}${r.max_steps ? `/${r.max_steps}` : ''}`];
  for (const [k, v] of Object.entries(r.headline).slice(0, 2)) parts.push(`${k} ${fmt(v)}`);
  return parts.join(' · ');
}

class RunsTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  runs: RunEntry[] = [];

  set(runs: RunEntry[]): void {
    this.runs = runs;
    this.changed.fire(undefined);
  }

  getChildren(element?: Node): Node[] {
    if (element) return element.kind === 'group' ? element.runs.map((run) => ({ kind: 'run', run })) : [];
    const groups = new Map<string, RunEntry[]>();
    for (const r of this.runs) (groups.get(r.group) ?? groups.set(r.group, []).get(r.group)!).push(r);
    return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true })).map(([label, runs]) => ({ kind: 'group', label, runs }));
  }

  getTreeItem(n: Node): vscode.TreeItem {
    if (n.kind === 'group') {
      const item = new vscode.TreeItem(n.label === '.' ? '(workspace root)' : n.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `runs-group:${n.label}`;
      item.iconPath = new vscode.ThemeIcon('folder');
      item.description = plural(n.runs.length, 'run');
      return item;
    }
    const r = n.run;
    const item = new vscode.TreeItem(r.name, vscode.TreeItemCollapsibleState.None);
    item.id = `run:${r.path}`;
    item.description = runDescription(r);
    const [icon, color] = r.error ? ['error', 'errorForeground'] : (STATUS_ICON[r.status] ?? ['circle-outline', undefined]);
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.tooltip = new vscode.MarkdownString(
      [`**${r.name}** (${r.format})`, '', `${r.error ?? `${r.status}, step ${r.last_step}${r.max_steps ? ` of ${r.max_steps}` : ''}`}`, '', ...Object.entries(r.headline).map(([k, v]) => `- ${k}: ${fmt(v)}`), '', vscode.workspace.asRelativePath(r.log)].join('\n'),
    );
    item.contextValue = 'rlhfLens.run';
    item.resourceUri = vscode.Uri.file(r.log);
    item.command = { title: 'Open log', command: 'vscode.open', arguments: [vscode.Uri.file(r.log)] };
    return item;
  }
}

export function registerRunsView(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined): { refresh(): Promise<void>; readonly runs: RunEntry[] } {
  const tree = new RunsTree();
  const view = vscode.window.createTreeView(RUNS_VIEW_ID, { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true });
  let pending: NodeJS.Timeout | undefined;

  const refresh = async (): Promise<void> => {
    const client = getClient();
    if (!client || !vscode.workspace.workspaceFolders?.length) return tree.set([]);
    try {
      await client.start();
      tree.set(ListRunsResult(await client.sendRequest(CompareMethods.listRuns, {})).runs);
      view.message = undefined;
    } catch (err) {
      view.message = `RLHF Lens could not list the runs: ${(err as Error).message}`;
    }
  };
  const later = (ms: number): void => {
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => void refresh(), ms);
  };

  const compare = async (clicked?: unknown, selected?: unknown): Promise<void> => {
    const fromTree = (Array.isArray(selected) ? selected : clicked ? [clicked] : [...view.selection]) as Node[];
    let runs = fromTree.filter((n): n is Extract<Node, { kind: 'run' }> => n?.kind === 'run').map((n) => n.run);
    if (runs.length < 2) {
      if (!tree.runs.length) await refresh();
      const picked = await vscode.window.showQuickPick(
        tree.runs.map((r) => ({ label: r.name, description: runDescription(r), detail: vscode.workspace.asRelativePath(r.path), picked: runs.some((x) => x.path === r.path), run: r })),
        { canPickMany: true, title: 'RLHF Lens: runs to compare', placeHolder: 'Pick two or more runs' },
      );
      if (!picked) return;
      runs = picked.map((p) => p.run);
    }
    if (runs.length === 0) return;
    const client = getClient();
    if (!client) throw new Error('the language server is not running');
    const paths = runs.map((r) => r.path);
    const title = runs.map((r) => r.name).join(' vs ');
    DashboardPanel.show(context, 'compare', paths.join(path.delimiter), compareSource(() => client, paths, title), client.outputChannel);
  };

  const watcher = vscode.workspace.createFileSystemWatcher('**/{trainer_state.json,metrics.csv,meta.yaml,*.tfevents.*,*.wandb}');
  context.subscriptions.push(
    view,
    watcher,
    watcher.onDidCreate(() => later(1000)),
    watcher.onDidDelete(() => later(1000)),
    // A running job rewrites its log every few steps: refresh at most every few seconds.
    watcher.onDidChange(() => later(3000)),
    vscode.workspace.onDidChangeWorkspaceFolders(() => later(0)),
    vscode.commands.registerCommand('rlhfLens.runs.refresh', () => refresh()),
    // Internal (not in the palette): the runs selected in the view, for @rlhf-lens "what changed between these runs?".
    vscode.commands.registerCommand('rlhfLens.runs.selection', (): RunEntry[] => view.selection.filter((n): n is Extract<Node, { kind: 'run' }> => n?.kind === 'run').map((n) => n.run)),
    vscode.commands.registerCommand('rlhfLens.compareRuns', async (clicked?: unknown, selected?: unknown) => {
      try {
        await compare(clicked, selected);
      } catch (err) {
        void vscode.window.showErrorMessage(`RLHF Lens: ${(err as Error).message}`);
      }
    }),
  );
  // Statuses age (running -> stalled) without any file event: look again every minute while visible.
  const timer = setInterval(() => view.visible && void refresh(), 60_000);
  context.subscriptions.push({ dispose: () => clearInterval(timer) });
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    void refresh();
  };
  if (view.visible) start();
  context.subscriptions.push(view.onDidChangeVisibility((e) => e.visible && start()));
  return {
    refresh: async () => {
      started = true;
      await refresh();
    },
    get runs() {
      return tree.runs;
    },
  };
}
