/** `npm run demo` (scripts/demo.mjs) on the built bundles: it lints, analyses and finishes cleanly. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './support/lsp';
import { runCli } from './support/cli';

test('the demo shows the planted lint findings and every analysis, and exits 0', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-demo-'));
  try {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'demo.mjs'), '--no-build', '--report', path.join(dir, 'report.html')], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, CI: 'true' },
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    for (const id of ['pipeline/cycle', 'pipeline/unknown-need', 'experiment/traffic-sum', 'training/method-requirements', 'framework/preference-data']) {
      assert.ok(r.stdout.includes(id), `lint finding ${id} missing from the demo`);
    }
    const commands = runCli(['--help']).stdout;
    if (/^ {2}analyze /m.test(commands)) {
      for (const analysis of ['calibration', 'ab', 'agreement', 'drift', 'training', 'latency', 'uncertainty', 'data-quality']) {
        assert.match(r.stdout, new RegExp(`== Analyze: ${analysis}\\n\\$ rlhf-lens analyze ${analysis} .*\\n  ${analysis} of `), `analysis ${analysis}`);
      }
      assert.doesNotMatch(r.stdout, /analysis step\(s\) reporting a problem/);
    }
    if (/^ {2}check /m.test(commands)) assert.match(r.stdout, /== Pipeline checks\n[\s\S]*\b(\d+) checks: \1 passed, 0 failed/, 'the example pipeline\'s checks should all pass');
    if (/^ {2}report /m.test(commands)) assert.ok(fs.existsSync(path.join(dir, 'report.html')), 'the report was not written');
    assert.match(r.stdout, /\nDone\.\n$/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
