/**
 * "New Training Config (Wizard)...": a webview form (webviews/src/wizard) whose every change is
 * estimated by the language server (`rlhfLens/trainingPlan`, the hover's engine) and which writes
 * an RLHF Lens TrainingConfig, an axolotl or a TRL config. Same page rules as the dashboards: nonce
 * CSP, resources only from dist/webviews, messages validated in both directions. The dataset is
 * picked by the host (a quick pick of the workspace's data files, or a file dialog) and its shape
 * checked by the server; the file to write is the form's workspace-relative path, resolved here and
 * refused outside the workspace folder; an existing file is never replaced without asking.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Methods } from '../../../server/src/protocol/lsp';
import { DEFAULT_FORM, defaultOutput, WizardHostMessage, WizardViewMessage, type TrainingPlanResult, type WizardForm } from '../../../server/src/protocol/wizard';
import { contentSecurityPolicy } from '../../../server/src/report/html';
import { plural } from '../../../server/src/text/plural';
import { GPU_CHOICES } from './hardware';
import { resolveOutputPath } from './output-path';

let current: vscode.WebviewPanel | undefined;

export function registerTrainingWizard(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined): void {
  context.subscriptions.push(vscode.commands.registerCommand('rlhfLens.trainingWizard', () => openWizard(context, getClient)));
}

function page(panel: vscode.WebviewPanel, dist: vscode.Uri): string {
  const nonce = randomBytes(18).toString('base64');
  const scriptUri = panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'wizard.js')).toString();
  const styleUri = panel.webview.asWebviewUri(vscode.Uri.joinPath(dist, 'styles.css')).toString();
  const csp = contentSecurityPolicy({ view: 'phases', title: '', nonce, assets: { kind: 'linked', scriptUri, styleUri, cspSource: panel.webview.cspSource } });
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta property="csp-nonce" content="${nonce}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>RLHF Lens: Training Wizard</title>
<link rel="stylesheet" href="${esc(styleUri)}">
</head>
<body>
<main id="root" data-view="wizard"><p class="subtitle">Loading…</p></main>
<script nonce="${nonce}" src="${esc(scriptUri)}"></script>
</body>
</html>`;
}

async function openWizard(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined): Promise<void> {
  if (current) {
    current.reveal();
    return;
  }
  const dist = vscode.Uri.joinPath(context.extensionUri, 'dist', 'webviews');
  const panel = vscode.window.createWebviewPanel('rlhfLens.wizard', 'RLHF Lens: Training Wizard', vscode.ViewColumn.Active, { enableScripts: true, localResourceRoots: [dist], retainContextWhenHidden: true });
  current = panel;
  panel.onDidDispose(() => (current = undefined));
  panel.webview.html = page(panel, dist);
  const log = vscode.window.createOutputChannel('RLHF Lens Wizard');
  const post = (m: WizardHostMessage): void => {
    try {
      WizardHostMessage(m);
    } catch (err) {
      log.appendLine(`[wizard] not sending an invalid ${m.type}: ${(err as Error).message}`);
      return;
    }
    void panel.webview.postMessage(m);
  };
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  let form: WizardForm = { ...DEFAULT_FORM };
  const ask = async (f: WizardForm, configFile?: string): Promise<TrainingPlanResult | undefined> => {
    const client = getClient();
    if (!client) {
      post({ type: 'error', message: 'The RLHF Lens language server is not running.' });
      return undefined;
    }
    try {
      return await client.sendRequest<TrainingPlanResult>(Methods.trainingPlan, { form: f, ...(configFile ? { configFile } : {}) });
    } catch (err) {
      post({ type: 'error', message: `RLHF Lens: ${(err as Error).message}` });
      return undefined;
    }
  };
  const refresh = async (): Promise<void> => {
    const r = await ask(form);
    if (!r) return;
    const d = r.dataset;
    post({
      type: 'plan',
      lines: r.plan.lines,
      ...(r.plan.problem ? { problem: r.plan.problem } : {}),
      ...(r.plan.memory?.fits !== undefined ? { fits: r.plan.memory.fits ? 'yes' : 'no' } : {}),
      ...(d
        ? {
            datasetPath: d.path,
            dataset: `${vscode.workspace.asRelativePath(d.path)}: ${d.rows === null ? 'not counted' : plural(d.rows, 'row', { format: (n) => n.toLocaleString('en-US') })}, ${d.shape.label}`,
            ...(d.shape.trainingFormat ? { datasetFormat: d.shape.trainingFormat } : {}),
          }
        : {}),
      ...(r.datasetProblem ? { datasetProblem: r.datasetProblem } : {}),
    });
  };

  /** The form's output path inside the workspace folder, or why it cannot be written there. */
  const resolveOutput = async (output: string): Promise<vscode.Uri | string> => {
    if (!folder) {
      const picked = await vscode.window.showSaveDialog({ title: 'RLHF Lens: write the training config', filters: { 'Training config': ['yaml', 'yml'] } });
      return picked ?? '';
    }
    const r = resolveOutputPath(folder, output.trim() || defaultOutput(form));
    return 'file' in r ? vscode.Uri.file(r.file) : r.refused;
  };

  const write = async (): Promise<void> => {
    const target = await resolveOutput(form.output);
    if (target === '') return;
    if (typeof target === 'string') {
      post({ type: 'error', message: `Not written: ${target}.` });
      return;
    }
    // Never replace a file without asking.
    if (fs.existsSync(target.fsPath)) {
      const answer = await vscode.window.showWarningMessage(`${vscode.workspace.asRelativePath(target)} exists. Replace it?`, { modal: true }, 'Replace');
      if (answer !== 'Replace') return;
    }
    const r = await ask(form, target.fsPath);
    if (!r?.text) {
      post({ type: 'error', message: r?.plan.problem ?? 'This form cannot be written in this format.' });
      return;
    }
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(r.text));
    post({ type: 'written', file: vscode.workspace.asRelativePath(target) });
    await vscode.window.showTextDocument(target, { viewColumn: vscode.ViewColumn.Beside });
  };

  /** The workspace's data files in a quick pick (typed to filter, as Quick Open), or a file dialog. */
  const pickDataset = async (): Promise<string | undefined> => {
    const BROWSE = 'Browse...';
    const files = folder ? await vscode.workspace.findFiles('**/*.{jsonl,csv,tsv,parquet,jsonl.gz,csv.gz,tsv.gz}', '**/{node_modules,.git}/**', 2000) : [];
    let browse = files.length === 0;
    if (!browse) {
      const items = files
        .map((f) => ({ label: path.basename(f.fsPath), description: path.dirname(vscode.workspace.asRelativePath(f)), uri: f }))
        .sort((a, b) => a.description.localeCompare(b.description) || a.label.localeCompare(b.label));
      const picked = await vscode.window.showQuickPick<vscode.QuickPickItem & { uri?: vscode.Uri }>([...items, { label: BROWSE, description: 'a file anywhere in the workspace' }], { title: 'RLHF Lens: training data', placeHolder: 'A data file of the workspace (type to filter)', matchOnDescription: true });
      if (!picked) return undefined;
      if (picked.uri) return picked.uri.fsPath;
      browse = true;
    }
    const chosen = await vscode.window.showOpenDialog({ title: 'RLHF Lens: training data', canSelectMany: false, filters: { Data: ['jsonl', 'csv', 'tsv', 'gz', 'json', 'parquet'] }, ...(folder ? { defaultUri: vscode.Uri.file(folder) } : {}) });
    return chosen?.[0]?.fsPath;
  };

  panel.webview.onDidReceiveMessage(async (raw: unknown) => {
    let m: WizardViewMessage;
    try {
      m = WizardViewMessage(raw);
    } catch (err) {
      log.appendLine(`[wizard] rejected a message from the view: ${(err as Error).message}`);
      return;
    }
    switch (m.type) {
      case 'ready':
        post({ type: 'init', form, gpus: [...GPU_CHOICES] });
        return;
      case 'change':
        // The dataset is the host's (picked through a dialog), never a path the view invents.
        form = { ...m.form, dataset: form.dataset, ...(form.datasetFormat ? { datasetFormat: form.datasetFormat } : {}) };
        return refresh();
      case 'pickDataset': {
        const picked = await pickDataset();
        if (!picked) return;
        form = { ...form, dataset: picked };
        delete form.datasetFormat;
        return refresh();
      }
      case 'write':
        form = { ...m.form, dataset: form.dataset };
        return write();
    }
  });
}
