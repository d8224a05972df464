/**
 * Tells the user when RLHF Lens runs in restricted mode: in an untrusted workspace the server still
 * validates config files but runs no analyses (they read data files and spawn workers). A status
 * bar item says so until the user grants trust; the server learns of the grant in extension.ts.
 */
import * as vscode from 'vscode';

export const RESTRICTED_TEXT = '$(shield) RLHF Lens: Restricted';
export const RESTRICTED_TOOLTIP =
  'This workspace is not trusted: RLHF Lens validates config files but runs no analyses. Click to manage workspace trust.';

export function registerTrustStatus(context: vscode.ExtensionContext): void {
  if (vscode.workspace.isTrusted) return;
  const item = vscode.window.createStatusBarItem('rlhfLens.trust', vscode.StatusBarAlignment.Left, 0);
  item.name = 'RLHF Lens Workspace Trust';
  item.text = RESTRICTED_TEXT;
  item.tooltip = RESTRICTED_TOOLTIP;
  item.command = 'workbench.trust.manage';
  item.show();
  context.subscriptions.push(item, vscode.workspace.onDidGrantWorkspaceTrust(() => item.dispose()));
}
