/**
 * The commands behind the Get Started walkthrough (package.json contributes.walkthroughs): open the
 * example workspace (generated on the spot by examples/generate.ts, the same seeded generator as
 * the repository's copy), show a problem with its quick fix, and declare the hardware in
 * `.rlhf-lens.yaml`. Each step completes on the command it offers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { writeWorkspace } from '../../../examples/generate';
import type { LanguageClient } from 'vscode-languageclient/node';
import { Methods, type HardwareSettingsResult } from '../../../server/src/protocol/lsp';
import { GPU_CHOICES } from '../wizard/hardware';
import { plural } from '../../../server/src/text/plural';

export const WALKTHROUGH_ID = 'rlhf-lens.rlhf-lens#rlhfLens.gettingStarted';
const EXAMPLE_FOLDER = 'rlhf-lens-example';

export function registerWalkthrough(context: vscode.ExtensionContext, getClient: () => LanguageClient | undefined): void {
  const declareHardware = (): Promise<string | undefined> => declareHardwareWith(getClient);
  context.subscriptions.push(
    vscode.commands.registerCommand('rlhfLens.openWalkthrough', () => vscode.commands.executeCommand('workbench.action.openWalkthrough', WALKTHROUGH_ID, false)),
    vscode.commands.registerCommand('rlhfLens.openExampleWorkspace', openExampleWorkspace),
    vscode.commands.registerCommand('rlhfLens.showProblem', showProblem),
    vscode.commands.registerCommand('rlhfLens.declareHardware', declareHardware),
  );
}

/** Writes the example workspace into `<picked folder>/rlhf-lens-example` (or reuses it) and opens it. */
async function openExampleWorkspace(target?: unknown): Promise<string | undefined> {
  let parent: string | undefined = typeof target === 'string' ? target : undefined;
  if (!parent) {
    const picked = await vscode.window.showOpenDialog({ title: 'RLHF Lens: where to create the example workspace', canSelectFolders: true, canSelectFiles: false, openLabel: `Create ${EXAMPLE_FOLDER} here` });
    parent = picked?.[0]?.fsPath;
  }
  if (!parent) return undefined;
  const folder = path.join(parent, EXAMPLE_FOLDER);
  try {
    // An existing copy is opened as it is: the user's edits there are theirs.
    if (!fs.existsSync(folder)) {
      const files = writeWorkspace(folder);
      void vscode.window.showInformationMessage(`RLHF Lens: wrote ${plural(files.length, 'file')} to ${folder}.`);
    }
  } catch (err) {
    void vscode.window.showErrorMessage(`RLHF Lens: could not create the example workspace: ${(err as Error).message}`);
    return undefined;
  }
  await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(folder), { forceNewWindow: false });
  return folder;
}

/** Opens the first RLHF Lens problem of the workspace at its range and asks for its quick fixes. */
async function showProblem(): Promise<boolean> {
  const all = vscode.languages
    .getDiagnostics()
    .flatMap(([uri, diags]) => diags.filter((d) => d.source === 'rlhf-lens').map((d) => ({ uri, d })))
    .sort((a, b) => a.d.severity - b.d.severity || a.uri.fsPath.localeCompare(b.uri.fsPath));
  if (all.length === 0) {
    await vscode.commands.executeCommand('rlhfLens.validateWorkspace');
    void vscode.window.showInformationMessage('RLHF Lens: no problems found. Open pipelines/broken.pipeline.yaml of the example workspace to see some.');
    return false;
  }
  const { uri, d } = all[0]!;
  const editor = await vscode.window.showTextDocument(uri, { selection: d.range, preview: true });
  editor.revealRange(d.range, vscode.TextEditorRevealType.InCenter);
  // The light bulb needs the server's code actions for the new selection; give them a moment.
  await new Promise((r) => setTimeout(r, 500));
  await vscode.commands.executeCommand('editor.action.quickFix');
  return true;
}

/** Asks for the GPU model and count and writes `hardware:` into the workspace's `.rlhf-lens.yaml`. */
async function declareHardwareWith(getClient: () => LanguageClient | undefined): Promise<string | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) {
    void vscode.window.showWarningMessage('RLHF Lens: open a folder first; the hardware goes into its .rlhf-lens.yaml.');
    return undefined;
  }
  const gpu = await vscode.window.showQuickPick(
    GPU_CHOICES.map((g) => ({ label: g.gpu, description: g.memory, choice: g })),
    { title: 'RLHF Lens: which GPU do your training runs get?', placeHolder: 'GPU model (memory per GPU)' },
  );
  if (!gpu) return undefined;
  const count = await vscode.window.showInputBox({
    title: 'RLHF Lens: how many GPUs per run?',
    value: '8',
    validateInput: (v) => (/^[1-9]\d{0,3}$/.test(v.trim()) ? undefined : 'a whole number of GPUs, 1 or more'),
  });
  if (!count) return undefined;
  // The server reads .rlhf-lens.yaml and answers with its new text (other keys and comments kept).
  const client = getClient();
  if (!client) {
    void vscode.window.showWarningMessage('RLHF Lens: the language server is not running.');
    return undefined;
  }
  let file: string;
  let text: string;
  try {
    ({ file, text } = await client.sendRequest<HardwareSettingsResult>(Methods.hardwareSettings, { folder: folder.uri.fsPath, hardware: { gpus: Number(count.trim()), gpu_memory: gpu.choice.memory, gpu: gpu.choice.gpu } }));
  } catch (err) {
    void vscode.window.showErrorMessage(`RLHF Lens: ${(err as Error).message}`);
    return undefined;
  }
  await vscode.workspace.fs.writeFile(vscode.Uri.file(file), new TextEncoder().encode(text));
  await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
  return file;
}
