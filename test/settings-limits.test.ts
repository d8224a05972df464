/** The rlhfLens.limits.* settings reach the server over workspace/configuration and change what it accepts. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient } from './support/lsp';
import { readSettings, DEFAULT_SETTINGS } from '../server/src/server-context';

const nested = (depth: number) =>
  `apiVersion: rlhf-lens/v1\nkind: Pipeline\nmetadata: {name: p}\nstages: []\nparams:\n  deep: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;

test('a lower rlhfLens.limits.maxNestingDepth refuses what the default accepts', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-limits-'));
  const text = nested(40);
  const strict = await LspClient.start({ rootPath: dir, configuration: (s) => (s === 'rlhfLens' ? { limits: { maxNestingDepth: 16 } } : null) });
  const lenient = await LspClient.start({ rootPath: dir });
  try {
    // The settings are pulled after `initialized`; a status round trip orders us after that pull.
    await strict.request('rlhfLens/status', {});
    const refused = await strict.openAndWait(path.join(dir, 'a.pipeline.yaml'), text, 'rlhf-pipeline');
    assert.deepEqual(refused.map((d) => d.code), ['yaml/limit']);
    assert.match(refused[0]!.message, /nested more than 16 levels/);
    const accepted = await lenient.openAndWait(path.join(dir, 'a.pipeline.yaml'), text, 'rlhf-pipeline');
    assert.equal(accepted.some((d) => d.code === 'yaml/limit'), false, JSON.stringify(accepted));
  } finally {
    await strict.stop();
    await lenient.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('out-of-range limit settings fall back to the defaults instead of disabling a guard', () => {
  const s = readSettings({ limits: { maxAliasCount: -1, maxDocumentChars: 'big', maxNestingDepth: 1e9, ruleTimeBudgetMs: 0.5 } });
  assert.deepEqual(s.limits, DEFAULT_SETTINGS.limits);
  assert.equal(s.ruleTimeBudgetMs, DEFAULT_SETTINGS.ruleTimeBudgetMs);
  assert.equal(readSettings({ limits: { maxNestingDepth: 64 } }).limits.maxNestingDepth, 64);
});
