/**
 * Real third-party YAML: the DVC pipeline files are not configs of ours (the CLI skips them when
 * searching folders); the axolotl and LLaMA-Factory examples are framework configs (kind.ts) and lint
 * with zero errors. Forcing any of it through each of our kinds' checks gives clear schema diagnostics,
 * never a crash or a failing rule.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './support/lsp';
import { runCli } from './support/cli';
import { yamlFiles } from './support/files';
import { lintText } from '../server/src/config/lint';
import { isConfigFile, isFrameworkKind, detectKind } from '../server/src/config/kind';

const REAL = path.resolve(ROOT, '..', 'shared', 'fixtures', 'real');

test('real third-party YAML is not mistaken for RLHF Lens config; real framework configs are framework configs', (t) => {
  if (!fs.existsSync(REAL)) {
    t.skip(`${REAL} is absent`);
    return;
  }
  const files = yamlFiles(REAL);
  assert.ok(files.length > 0);
  const configs = path.join(REAL, 'configs') + path.sep;
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    if (f.startsWith(configs)) assert.ok(isFrameworkKind(detectKind(f, text)), f);
    else assert.equal(isConfigFile(f, text), false, f);
  }
  const r = runCli(['lint', '--format', 'json', path.join(REAL, 'pipelines')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { summary: { files: number } }).summary.files, 0);
});

test('forced through every kind, real YAML gets located schema diagnostics and no rule failures', (t) => {
  if (!fs.existsSync(REAL)) {
    t.skip(`${REAL} is absent`);
    return;
  }
  for (const f of yamlFiles(REAL)) {
    const text = fs.readFileSync(f, 'utf8');
    const lineCount = text.split('\n').length;
    for (const suffix of ['pipeline', 'experiment', 'training']) {
      const diags = lintText(text, { path: f.replace(/\.ya?ml$/, `.${suffix}.yaml`) });
      assert.ok(diags.length > 0, `${f} as ${suffix}`);
      for (const d of diags) {
        assert.notEqual(d.code, 'internal/rule-failed', `${f} as ${suffix}: ${d.message}`);
        assert.ok(d.range.start.line < lineCount && d.message.length > 10, `${f}: ${JSON.stringify(d)}`);
      }
    }
  }
});
