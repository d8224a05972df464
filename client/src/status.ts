/**
 * The RLHF Lens status bar items: the running analyses (below), and for the pipeline in the active editor, the last result of its
 * checks ("$(pass) 3 checks: 3 passed", "$(error) 4 checks: 1 failed, 3 not run"); click opens the
 * Checks view. Results come from the server through the views' workspace overview (tree-model.ts
 * names them), so the item, the Checks view and the code lenses agree.
 */
import * as vscode from 'vscode';
import { WorkDoneProgress, type LanguageClient } from 'vscode-languageclient/node';
import { checksStatusText } from './views/tree-model';
import type { RlhfLensViews } from './views/trees';

export function registerStatus(context: vscode.ExtensionContext, views: RlhfLensViews): void {
  const item = vscode.window.createStatusBarItem('rlhfLens.checks', vscode.StatusBarAlignment.Left, 1);
  item.name = 'RLHF Lens Checks';
  item.command = 'rlhfLens.checks.focus';
  context.subscriptions.push(item);
  let asked = false;
  const update = (): void => {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'rlhf-pipeline' || doc.uri.scheme !== 'file') {
      item.hide();
      return;
    }
    if (!views.overview && !asked) {
      asked = true;
      void views.refresh();
    }
    const shown = checksStatusText(views.overview, doc.uri.fsPath);
    if (!shown) {
      item.hide();
      return;
    }
    item.text = shown.text;
    item.tooltip = shown.tooltip;
    item.show();
  };
  context.subscriptions.push(vscode.window.onDidChangeActiveTextEditor(update), views.onDidChange(update));
  update();
}

/**
 * The running analyses in the status bar: "$(sync~spin) RLHF Lens: calibration of rm_preds.jsonl ·
 * 120,000 rows read" (the server's work-done progress), click to cancel. Several at once show as
 * a count; the item goes away when the last one ends.
 */
export class AnalysisStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('rlhfLens.analysis', vscode.StatusBarAlignment.Left, 2);
  private readonly running = new Map<number, { label: string; progress?: string; cancel: vscode.CancellationTokenSource }>();
  private next = 0;
  private readonly command: vscode.Disposable;

  constructor() {
    this.item.name = 'RLHF Lens Analysis';
    this.item.command = 'rlhfLens.cancelAnalysis';
    this.command = vscode.commands.registerCommand('rlhfLens.cancelAnalysis', () => {
      for (const r of this.running.values()) r.cancel.cancel();
    });
  }

  /** Runs `work` with a cancellation token and a progress token for the server; shows it while it runs. */
  async track<T>(client: LanguageClient, label: string, work: (token: vscode.CancellationToken, progressToken: string) => Promise<T>): Promise<T> {
    const id = this.next++;
    const cancel = new vscode.CancellationTokenSource();
    const progressToken = `rlhf-lens-analysis-${id}-${Date.now()}`;
    const entry: { label: string; progress?: string; cancel: vscode.CancellationTokenSource } = { label, cancel };
    this.running.set(id, entry);
    const listener = client.onProgress(WorkDoneProgress.type, progressToken, (v) => {
      if (v.kind !== 'end' && v.message) {
        entry.progress = v.message;
        this.render();
      }
    });
    this.render();
    try {
      return await work(cancel.token, progressToken);
    } finally {
      listener.dispose();
      cancel.dispose();
      this.running.delete(id);
      this.render();
    }
  }

  private render(): void {
    const all = [...this.running.values()];
    if (all.length === 0) {
      this.item.hide();
      return;
    }
    const first = all[0]!;
    this.item.text = `$(sync~spin) RLHF Lens: ${first.label}${first.progress ? ` · ${first.progress}` : ''}${all.length > 1 ? ` (+${all.length - 1})` : ''}`;
    this.item.tooltip = `${all.map((r) => r.label).join('\n')}\nClick to cancel.`;
    this.item.show();
  }

  dispose(): void {
    for (const r of this.running.values()) r.cancel.cancel();
    this.item.dispose();
    this.command.dispose();
  }
}
