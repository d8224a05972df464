/** The in-editor suite in a desktop VS Code (run.ts), when VSCODE_EXECUTABLE names one; skipped otherwise. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

test('RLHF Lens in a desktop VS Code (@vscode/test-electron)', { timeout: 300_000 }, (t) => {
  if (!process.env.VSCODE_EXECUTABLE) return t.skip('skipped: VSCODE_EXECUTABLE is not set (point it at an installed VS Code to run this suite)');
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'run.ts')], { encoding: 'utf8', timeout: 280_000 });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.doesNotMatch(r.stdout, /did not run/, r.stdout);
});
