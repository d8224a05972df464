/**
 * Runs inside the VS Code extension host (loaded by run.ts): the extension activates, reports the
 * example pipeline's rule ids as diagnostics, registers its commands, and answers hovers.
 * The host calls run(); a thrown error fails the run.
 */
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

async function until<T>(what: string, read: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const checks: [string, () => Promise<void>][] = [];
const check = (name: string, body: () => Promise<void>) => checks.push([name, body]);

const folder = () => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? assert.fail('no workspace folder open');

check('the extension activates', async () => {
  const ext = vscode.extensions.getExtension('rlhf-lens.rlhf-lens');
  assert.ok(ext, 'rlhf-lens.rlhf-lens is not installed in this VS Code');
  await ext.activate();
  assert.equal(ext.isActive, true);
});

check('the broken example pipeline gets its rule ids as diagnostics', async () => {
  const uri = vscode.Uri.file(path.join(folder(), 'pipelines', 'broken.pipeline.yaml'));
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
  const codes = await until('diagnostics on broken.pipeline.yaml', () => {
    const diags = vscode.languages.getDiagnostics(uri);
    return diags.length > 0 ? diags.map((d) => String(typeof d.code === 'object' ? d.code.value : d.code)) : undefined;
  });
  for (const rule of ['pipeline/cycle', 'pipeline/unknown-need']) assert.ok(codes.includes(rule), `${rule} missing from ${codes.join(', ')}`);
});

check('the dashboard commands are registered', async () => {
  const all = await vscode.commands.getCommands(true);
  for (const id of ['rlhfLens.openDashboard', 'rlhfLens.analyzeFile']) assert.ok(all.includes(id), `${id} is not registered`);
});

check('hovering `phase` shows its documentation', async () => {
  const uri = vscode.Uri.file(path.join(folder(), 'pipelines', 'broken.pipeline.yaml'));
  const doc = await vscode.workspace.openTextDocument(uri);
  const line = doc.getText().split('\n').findIndex((l) => /^\s+phase:/.test(l));
  assert.ok(line >= 0, 'the example has a phase key');
  const col = doc.lineAt(line).firstNonWhitespaceCharacterIndex + 1;
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, col));
  const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
  assert.match(text, /phase/i, `hover text: ${text}`);
});

export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const [name, body] of checks) {
    try {
      await body();
      console.log(`ok   ${name}`);
    } catch (err) {
      console.log(`FAIL ${name}: ${(err as Error).message}`);
      failures.push(name);
    }
  }
  if (failures.length > 0) throw new Error(`${failures.length} of ${checks.length} checks failed: ${failures.join('; ')}`);
}
