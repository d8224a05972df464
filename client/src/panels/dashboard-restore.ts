/**
 * Dashboards survive a window reload: each panel's webview keeps, in its own state (the shell's
 * `vscode.setState`, beside the tab, bins and smoothing), a descriptor of what it shows; VS Code
 * hands that state back to the serializer registered here, which re-opens the same dashboard in the
 * restored panel. The descriptor is checked like any message from a view, and its files must lie
 * inside the workspace folders.
 */
import * as vscode from 'vscode';
import { VIEWS } from '../../../server/src/protocol/webview';
import { descriptorFromState, type DashboardDescriptor } from './dashboard-descriptor';

export type { DashboardDescriptor };

/** Registers one serializer per dashboard view type (`rlhfLens.<view>`); `reopen` fills the restored panel. */
export function registerDashboardSerializers(context: vscode.ExtensionContext, reopen: (panel: vscode.WebviewPanel, descriptor: DashboardDescriptor) => void, log: vscode.OutputChannel): void {
  for (const view of VIEWS) {
    context.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(`rlhfLens.${view}`, {
        deserializeWebviewPanel: async (panel, state) => {
          const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
          const d = descriptorFromState(state, roots);
          if (typeof d === 'string') {
            log.appendLine(`[dashboard] not restoring a ${view} panel: ${d}`);
            panel.dispose();
            return;
          }
          reopen(panel, d);
        },
      }),
    );
  }
}
