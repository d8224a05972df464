/** "Validate Workspace": asks the server to check every config file, then shows the Problems panel. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Methods, ValidateWorkspaceResult } from '../../../server/src/protocol/lsp';
import { plural } from '../../../server/src/text/plural';

export function registerValidateWorkspace(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('rlhfLens.validateWorkspace', async () => {
      const client = getClient();
      if (!client) {
        void vscode.window.showWarningMessage('RLHF Lens: the language server is not running.');
        return undefined;
      }
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: 'RLHF Lens: validating workspace' },
        async () => ValidateWorkspaceResult(await client.sendRequest(Methods.validateWorkspace, {})),
      );
      const message = `RLHF Lens: ${plural(result.files, 'file')} checked: ${plural(result.errors, 'error')}, ${plural(result.warnings, 'warning')}.`;
      if (result.errors + result.warnings > 0) {
        void vscode.commands.executeCommand('workbench.actions.view.problems');
        void vscode.window.showWarningMessage(message);
      } else void vscode.window.showInformationMessage(message);
      return result;
    }),
  );
}
