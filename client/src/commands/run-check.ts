/**
 * "Run check" (the code lens above a pipeline check): asks the server to evaluate the check now and
 * says the verdict with the measured values. The server refuses in untrusted workspaces and says why.
 */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Methods, RunCheckParams, type CheckResult } from '../../../server/src/protocol/lsp';

export function describeCheck(r: CheckResult): string {
  const where = `${r.stageId} check ${r.checkIndex + 1} (${r.analysis})`;
  if (r.error) return `${where}: could not run: ${r.error}`;
  const asserts = r.asserts.map((a) => `${a.passed ? '✓' : '✗'} ${a.message}`).join('; ');
  return `${where} ${r.passed ? 'passed' : 'failed'}: ${asserts}`;
}

export function registerRunCheck(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('rlhfLens.runCheck', async (raw: unknown) => {
      const client = getClient();
      if (!client) return undefined;
      let params: RunCheckParams;
      try {
        params = RunCheckParams(raw);
      } catch (err) {
        void vscode.window.showErrorMessage(`RLHF Lens: Run check needs a check of an open pipeline (${(err as Error).message}).`);
        return undefined;
      }
      try {
        const results = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `RLHF Lens: running ${params.stageId} checks`, cancellable: false },
          () => client.sendRequest<CheckResult[]>(Methods.runCheck, params),
        );
        for (const r of results) {
          const text = `RLHF Lens: ${describeCheck(r)}`;
          if (r.passed) void vscode.window.showInformationMessage(text);
          else void vscode.window.showWarningMessage(text);
        }
        return results;
      } catch (err) {
        void vscode.window.showErrorMessage(`RLHF Lens: ${(err as Error).message}`);
        return undefined;
      }
    }),
  );
}
