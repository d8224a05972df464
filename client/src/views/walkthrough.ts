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
import { GPU_CHOICES, withHardware } from '../wizard/hardware';
import { plural } from '../../../server/src/text/plural';

export const WALKTHROUGH_ID = 'rlhf-lens.rlhf-lens#rlhfLens.gettingStarted';
const EXAMPLE_FOLDER = 'rlhf-lens-example';
const SETTINGS_FILE = '.rlhf-lens.yaml';

export function registerWalkthrough(context: vscode.ExtensionContext): void {
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
  await vscode.commands.executeCommand('editor.action.quickFix');
  return true;
}

/** Asks for the GPU model and count and writes `hardware:` into the workspace's `.rlhf-lens.yaml`. */
async function declareHardware(): Promise<string | undefined> {
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
  const file = path.join(folder.uri.fsPath, SETTINGS_FILE);
  let existing: string | undefined;
  try {
    existing = fs.readFileSync(file, 'utf8');
  } catch {
    existing = undefined;
  }
  let text: string;
  try {
    text = withHardware(existing, { gpus: Number(count.trim()), gpu_memory: gpu.choice.memory, gpu: gpu.choice.gpu });
  } catch (err) {
    void vscode.window.showErrorMessage(`RLHF Lens: not changing ${SETTINGS_FILE}: ${(err as Error).message}`);
    return undefined;
  }
  await vscode.workspace.fs.writeFile(vscode.Uri.file(file), new TextEncoder().encode(text));
  await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
  return file;
}
