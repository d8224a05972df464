/** analyzeTraining() against a numpy oracle (summaries, debiased EMA, spikes) and behaviour on a real trainer_state.json. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeTraining, minMaxDownsample } from '../server/src/analysis/training';
import { AnalysisError, type MetricSeries } from '../server/src/analysis/types';
import { assertClose, assertFieldsClose, loadOracle } from './oracles/analyses-oracle';

const { training } = loadOracle();

function series(raw: Record<string, { steps: number[]; values: (number | null)[] }>): Record<string, MetricSeries> {
  const out: Record<string, MetricSeries> = {};
  for (const [k, v] of Object.entries(raw)) out[k] = { steps: Float64Array.from(v.steps), values: Float64Array.from(v.values.map((x) => (x === null ? NaN : x))) };
  return out;
}

test('training summaries, smoothing and spikes match the numpy oracle', () => {
  const r = analyzeTraining({ run: 'oracle-run', series: series(training.input.series) }, { maxPoints: 100000 });
  assert.equal(r.steps, training.expected.steps);
  assertFieldsClose(r.metrics, training.expected.metrics, 'metrics', 1e-12);
  for (const [name, ema] of Object.entries(training.expected.ema as Record<string, { steps: number[]; values: number[] }>)) {
    assertFieldsClose(r.smoothed[name]!.map((p) => p[1]), ema.values, `ema ${name}`, 1e-12);
  }
  for (const [name, steps] of Object.entries(training.expected.spike_steps as Record<string, number[]>)) {
    if (name === 'learning_rate') continue; // schedules are excluded from spike detection by design
    const got = r.alerts.filter((a) => a.type === 'spike' && a.metric === name).map((a) => a.step);
    assert.deepEqual(got, steps.slice(0, 5), `spikes of ${name}`);
  }
  assert.ok(training.expected.spike_steps.loss.includes(1201), 'the injected spike is in the oracle');
  const nan = r.alerts.find((a) => a.type === 'nan');
  assert.deepEqual([nan?.metric, nan?.step], ['loss', 2001]);
  const overfit = r.alerts.find((a) => a.type === 'overfit');
  // eval_loss 0.87 (1750) -> 0.875 -> 0.89 -> 0.91 (2500): the third rise in a row, while loss keeps falling.
  assert.equal(overfit?.step, 2500, JSON.stringify(r.alerts));
  assert.deepEqual(r.groups.rewards, ['rewards/chosen', 'rewards/rejected']);
  assert.deepEqual(r.groups.loss, ['loss', 'eval_loss']);
});

test('downsampling keeps at most maxPoints and the extremes', () => {
  const n = 100_000;
  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = Math.sin(i / 1000) + (i === 54321 ? 50 : 0) - (i === 7777 ? 40 : 0);
  const keep = minMaxDownsample(v, 2000);
  assert.ok(keep.length <= 2000, `${keep.length} points`);
  assert.ok(keep.includes(54321) && keep.includes(7777) && keep[0] === 0 && keep[keep.length - 1] === n - 1);
  assert.deepEqual(keep, [...keep].sort((a, b) => a - b));
});

test('a real trainer_state.json: loss summary equals a direct scan of log_history', (t) => {
  const file = path.resolve(__dirname, '..', '..', 'shared', 'fixtures', 'real', 'trainer_state', 'star_large_2000entries_trainer_state.json');
  if (!fs.existsSync(file)) {
    t.skip(`${file} is absent (../shared fixtures not available)`);
    return;
  }
  const log = (JSON.parse(fs.readFileSync(file, 'utf8')) as { log_history: Record<string, number>[] }).log_history;
  const raw: Record<string, { steps: number[]; values: number[] }> = {};
  for (const entry of log) {
    for (const [k, v] of Object.entries(entry)) {
      if (k === 'step' || typeof v !== 'number') continue;
      (raw[k] ??= { steps: [], values: [] }).steps.push(entry.step!);
      raw[k]!.values.push(v);
    }
  }
  const r = analyzeTraining({ run: 'star', series: series(raw) });
  const losses = log.filter((e) => typeof e.loss === 'number');
  const min = Math.min(...losses.map((e) => e.loss!));
  assert.equal(r.metrics.loss!.count, losses.length);
  assertClose(r.metrics.loss!.min, min, 'min loss', 0);
  assert.equal(r.metrics.loss!.min_step, losses.find((e) => e.loss === min)!.step);
  for (const s of Object.values(r.series)) assert.ok(s.length <= 2000);
});

test('a run without metrics is an AnalysisError', () => {
  assert.throws(() => analyzeTraining({ run: 'x', series: {} }), (e: unknown) => e instanceof AnalysisError && /no metrics/.test(e.message));
});

test('stalled: a loss that stops improving for the last stretch of the run', () => {
  const n = 400;
  const steps = Float64Array.from({ length: n }, (_, i) => (i + 1) * 10);
  // Falls for 150 points, then wobbles above its best.
  const values = Float64Array.from({ length: n }, (_, i) => (i < 150 ? 2 - i / 100 : 0.6 + 0.05 * Math.abs(Math.sin(i))));
  const r = analyzeTraining({ run: 'flat', series: { loss: { steps, values } } });
  const stalled = r.alerts.filter((a) => a.type === 'stalled');
  assert.equal(stalled.length, 1, JSON.stringify(r.alerts));
  assert.equal(stalled[0]!.step, 4000);
  assert.match(stalled[0]!.message, /loss has not improved over its last 200 logged points/);
  const improving = analyzeTraining({ run: 'ok', series: { loss: { steps, values: Float64Array.from({ length: n }, (_, i) => 2 - i / 300) } } });
  assert.equal(improving.alerts.filter((a) => a.type === 'stalled').length, 0);
});

test('a 500k-point run is analysed without stack overflows and drawn with at most 2000 points', () => {
  const n = 500_000;
  const steps = Float64Array.from({ length: n }, (_, i) => i);
  const values = Float64Array.from({ length: n }, (_, i) => 1 + Math.cos(i / 5000) * 0.1);
  const r = analyzeTraining({ run: 'long', series: { loss: { steps, values } } });
  assert.equal(r.metrics.loss!.count, n);
  assert.ok(r.series.loss!.length <= 2000);
  assert.ok(r.alerts.some((a) => a.type === 'stalled'), JSON.stringify(r.alerts));
});

test('metric groups: TRL prefixes, with train/ and eval/ looked through; losses; KL', () => {
  const none = { steps: Float64Array.from([1]), values: Float64Array.from([1]) };
  const names = ['train/rewards/chosen', 'train/rewards/rejected', 'eval/rewards/margins', 'rewards/accuracies', 'train/loss', 'eval_loss', 'objective/kl', 'objective/entropy', 'kl', 'learning_rate'];
  const r = analyzeTraining({ run: 'g', series: Object.fromEntries(names.map((n) => [n, none])) });
  assert.deepEqual(r.groups, {
    rewards: ['train/rewards/chosen', 'train/rewards/rejected', 'eval/rewards/margins', 'rewards/accuracies'],
    loss: ['train/loss', 'eval_loss'],
    objective: ['objective/kl', 'objective/entropy'],
  });
});
