/**
 * The RLHF Lens status bar item: for the pipeline in the active editor, the last result of its
 * checks ("$(pass) 3 checks: 3 passed", "$(error) 4 checks: 1 failed, 3 not run"); click opens the
 * Checks view. Results come from the server through the views' workspace overview (tree-model.ts
 * names them), so the item, the Checks view and the code lenses agree.
 */
import * as vscode from 'vscode';
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
