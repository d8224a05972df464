/** `rlhf-lens analyze preference-eval` as a process: the JSON contract, --models, lengths from texts, bad input. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './support/cli';
import { LspClient } from './support/lsp';
import { analyzePreferenceEval } from '../server/src/analysis/preference-eval';
import { responseLength } from '../server/src/engine/preference-inputs';
import { mulberry32 } from '../server/src/analysis/stats/random';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-pref-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

const random = mulberry32(42);
const rows = Array.from({ length: 300 }, (_, i) => {
  const chosen = 'x'.repeat(20 + Math.floor(random() * 200));
  const rejected = 'y'.repeat(20 + Math.floor(random() * 200));
  const bias = (chosen.length - rejected.length) / 100;
  return {
    id: i,
    subset: ['alpacaeval-easy', 'mt-bench-hard', 'hep-python'][i % 3],
    chosen,
    rejected,
    a_chosen: Number((random() * 2 + 0.4 + bias).toFixed(3)),
    a_rejected: Number((random() * 2).toFixed(3)),
    b_chosen: Number((random() * 2 + 0.1).toFixed(3)),
    b_rejected: Number((random() * 2).toFixed(3)),
  };
});
const file = path.join(dir, 'pairs.jsonl');
fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n' + '{"id": "broken", "a_chosen": "n/a"}\n');

test('analyze preference-eval --models a,b: the contract fields, the same numbers as the pure function', () => {
  const r = runCli(['analyze', 'preference-eval', file, '--models', 'a,b', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  for (const k of ['n', 'accuracy', 'accuracy_ci', 'categories', 'longer_chosen_share', 'longer_baseline_accuracy', 'length_margin_spearman', 'models', 'comparisons']) assert.ok(k in out, `field ${k}`);
  assert.equal(out.n, 300);
  assert.equal(out.skipped.count, 1);
  assert.deepEqual(out.models.map((m: { name: string }) => m.name), ['a', 'b']);
  for (const k of ['a', 'b', 'accuracy_difference', 'mcnemar_p_value', 'p_value_adjusted']) assert.ok(k in out.comparisons[0], `comparison field ${k}`);
  assert.deepEqual(out.categories.map((c: { name: string }) => c.name), ['alpacaeval-easy', 'hep-python', 'mt-bench-hard']);
  assert.deepEqual(out.sections.map((s: { name: string }) => s.name), ['Chat', 'Chat Hard', 'Reasoning']);
  const expected = analyzePreferenceEval({
    models: ['a', 'b'].map((m) => ({ name: m, chosen: Float64Array.from(rows, (x) => x[`${m}_chosen` as 'a_chosen']), rejected: Float64Array.from(rows, (x) => x[`${m}_rejected` as 'a_rejected']) })),
    category: rows.map((x) => x.subset),
    chosenLength: Float64Array.from(rows, (x) => x.chosen.length),
    rejectedLength: Float64Array.from(rows, (x) => x.rejected.length),
  });
  delete out.skipped;
  assert.deepEqual(out, JSON.parse(JSON.stringify(expected)));
  assert.ok(out.length_margin_spearman > 0.2, 'model a prefers longer responses');
});

test('analyze preference-eval text output names the comparison and the RewardBench sections', () => {
  const r = runCli(['analyze', 'preference-eval', file, '--models', 'a,b', '--bootstrap', '200']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /accuracy_ci \(Wilson\)/);
  assert.match(r.stdout, /RewardBench section/);
  assert.match(r.stdout, /mcnemar p/);
});

test('without --models a file of named-model columns is refused with what it needs', () => {
  const r = runCli(['analyze', 'preference-eval', file, '--format', 'json']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no usable rows: 301 read, 301 skipped \(line 1: missing "chosen_score"\).*--models/);
  const bad = runCli(['analyze', 'preference-eval', file, '--models', 'a,a']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /names a model twice/);
  const missing = runCli(['analyze', 'preference-eval', file, '--models', 'a,c']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /c_chosen/);
});

test('response lengths count code points, and chat messages by their content', () => {
  assert.equal(responseLength('héllo'), 5);
  assert.equal(responseLength('a😀b'), 3);
  assert.equal(responseLength([{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }]), 7);
  assert.equal(responseLength([{ role: 'assistant', content: [{ type: 'text', text: 'abc' }] }]), 3);
  assert.equal(responseLength(42), undefined);
});

test('the language server\'s rlhfLens/analyze gives the CLI\'s numbers (one implementation)', async () => {
  const client = await LspClient.start({ rootPath: dir, initializationOptions: { trusted: true, storagePath: path.join(dir, 'storage') } });
  try {
    const r = await client.request<{ result: Record<string, unknown> }>('rlhfLens/analyze', { analysis: 'preference-eval', path: file, options: { models: ['a', 'b'], bootstrap: 100 } });
    const cli = JSON.parse(runCli(['analyze', 'preference-eval', file, '--models', 'a,b', '--bootstrap', '100', '--format', 'json']).stdout);
    delete cli.skipped;
    assert.deepEqual(r.result, cli);
  } finally {
    await client.stop();
  }
});
