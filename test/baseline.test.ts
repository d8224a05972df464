/** Baseline regressions (pure judge, run figures with noise) and the run history kept in the store. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { judgeAgainstBaseline, parseChange, tailNoise, NOISE_Z } from '../server/src/analysis/baseline';
import { runFigure } from '../server/src/engine/runs';
import { Store } from '../server/src/engine/store';
import { AnalysisError } from '../server/src/analysis/types';
import { runCli } from './support/cli';
import { ROOT } from './support/lsp';
import { mulberry32 } from '../server/src/analysis/stats/random';

const WS = path.join(ROOT, 'examples', 'workspace');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-baseline-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

test('max_vs_baseline +2%: within passes, beyond fails with the numbers, beyond but within noise passes', () => {
  const [ok] = judgeAgainstBaseline('eval_loss.last', 0.404, 0.4, { max_vs_baseline: '+2%' });
  assert.equal(ok!.passed, true);
  assert.equal(ok!.limit, 0.4 * 1.02);
  const [bad] = judgeAgainstBaseline('eval_loss.last', 0.41, 0.4, { max_vs_baseline: '+2%' });
  assert.equal(bad!.passed, false);
  assert.equal(bad!.message, 'eval_loss.last 0.41 > 0.408 (baseline 0.4 +2%)');
  // 0.002 over the limit; noise sd sqrt(0.001^2 + 0.001^2) = 0.00141: 2 sd = 0.00283 > 0.002, so within noise.
  const [noisy] = judgeAgainstBaseline('eval_loss.last', 0.41, 0.4, { max_vs_baseline: '+2%' }, { value: 0.001, baseline: 0.001 });
  assert.equal(noisy!.passed, true);
  assert.match(noisy!.message, /within noise \(2 x 0\.001414\)/);
  const [loud] = judgeAgainstBaseline('eval_loss.last', 0.42, 0.4, { max_vs_baseline: '+2%' }, { value: 0.001, baseline: 0.001 });
  assert.equal(loud!.passed, false);
  assert.match(loud!.message, /by more than noise/);
  assert.equal(NOISE_Z, 2);
});

test('min_vs_baseline for higher-is-better figures, absolute changes, and bad bounds', () => {
  const [drop] = judgeAgainstBaseline('rewards/accuracies.last', 0.7, 0.75, { min_vs_baseline: '-1%' });
  assert.equal(drop!.passed, false);
  assert.equal(drop!.message, 'rewards/accuracies.last 0.7 < 0.7425 (baseline 0.75 -1%)');
  const [abs] = judgeAgainstBaseline('loss.min', 0.31, 0.3, { max_vs_baseline: 0.02 });
  assert.equal(abs!.passed, true);
  assert.deepEqual(parseChange('+2.5%', 'x'), { relative: 0.025 });
  assert.deepEqual(parseChange('-0.01', 'x'), { absolute: -0.01 });
  assert.throws(() => parseChange('two percent', 'max_vs_baseline'), /max_vs_baseline must be a percentage/);
  assert.throws(() => judgeAgainstBaseline('x', 1, 1, {}), AnalysisError);
  assert.throws(() => judgeAgainstBaseline('x', NaN, 1, { max_vs_baseline: '+1%' }), /the run has no finite value/);
});

test('tailNoise: the robust spread of step-to-step changes, not the trend', () => {
  // A straight line has no noise; a falling line plus N(0, 0.01) noise has noise 0.01, whatever the slope.
  const steps = Float64Array.from({ length: 4000 }, (_, i) => i);
  assert.ok(Math.abs(tailNoise({ steps, values: Float64Array.from(steps, (s) => 1 - 0.01 * s) })) < 1e-12);
  const random = mulberry32(5);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  for (const slope of [0, -0.001, -0.1]) {
    const noisy = tailNoise({ steps, values: Float64Array.from(steps, (s) => 1 + slope * s + 0.01 * gauss()) }, 4000);
    assert.ok(Math.abs(noisy - 0.01) < 0.0008, `slope ${slope}: noise ${noisy}`);
  }
  // One spike in the tail does not make the run noisy.
  const spiky = Float64Array.from({ length: 20 }, (_, i) => 1 - 0.01 * i);
  spiky[15] = 5;
  assert.ok(tailNoise({ steps: steps.slice(0, 20), values: spiky }) < 1e-9);
  assert.equal(tailNoise({ steps: Float64Array.from([1, 2, 3]), values: Float64Array.from([1, 2, 3]) }), 0);
});

test('runFigure reads NAME.STAT of a run folder with its noise; the example r32 run against the first as baseline', async () => {
  const base = await runFigure(path.join(WS, 'runs/rm-llama8b-lora'), 'eval_loss.last');
  const cur = await runFigure(path.join(WS, 'runs/rm-llama8b-lora-r32'), 'eval_loss.last');
  assert.equal(base.value, 0.398);
  assert.equal(cur.value, 0.4029);
  assert.ok(base.noise > 0 && cur.noise > 0);
  // +1.2%: passes at +2%, and at +0.5% it is over the limit.
  assert.equal(judgeAgainstBaseline('eval_loss.last', cur.value, base.value, { max_vs_baseline: '+2%' }, { value: cur.noise, baseline: base.noise })[0]!.passed, true);
  const strict = judgeAgainstBaseline('eval_loss.last', cur.value, base.value, { max_vs_baseline: '+0.5%' })[0]!;
  assert.equal(strict.passed, false);
  await assert.rejects(runFigure(path.join(WS, 'runs/rm-llama8b-lora'), 'nope.last'), /has no finite values of "nope"/);
  await assert.rejects(runFigure(path.join(WS, 'runs/rm-llama8b-lora'), 'loss.median'), /NAME\.last, \.min/);
});

test('the store keeps run summaries with their hashes; an unchanged run is not recorded twice', async () => {
  const db = path.join(tmp, 'history.sqlite');
  const args = ['compare', path.join(WS, 'runs/rm-llama8b-lora'), path.join(WS, 'runs/rm-llama8b-lora-r32'), '--db', db, '--format', 'json'];
  assert.equal(runCli(args).code, 0);
  assert.equal(runCli(args).code, 0);
  const store = await Store.open(db);
  try {
    const all = store.runSummaries();
    assert.equal(all.length, 2);
    const r32 = store.runSummaries(path.join(WS, 'runs/rm-llama8b-lora-r32'))[0]!;
    assert.equal(r32.name, 'rm-llama8b-lora-r32');
    assert.match(r32.inputHash, /^[0-9a-f]{64}$/);
    assert.match(r32.configHash, /^[0-9a-f]{64}$/);
    const summary = r32.summary as { metrics: Record<string, { last: number }>; hyperparameters: Record<string, unknown> };
    assert.equal(summary.metrics['eval_loss']!.last, 0.4029);
    assert.equal(summary.hyperparameters['r'], 32);
    // A changed config is a new history entry.
    assert.equal(store.putRunSummary({ ...r32, configHash: 'x'.repeat(64) }), true);
    assert.equal(store.runSummaries(r32.path).length, 2);
  } finally {
    store.close();
  }
});
