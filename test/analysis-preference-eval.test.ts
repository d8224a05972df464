/** analyzePreferenceEval() against the numpy/scipy/statsmodels oracle (test/oracles/preference_eval.py) and hand-worked cases. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzePreferenceEval, averageRanks, mcnemarExact, wilsonInterval, type PreferenceEvalInput } from '../server/src/analysis/preference-eval';
import { AnalysisError } from '../server/src/analysis/types';
import { assertClose, assertFieldsClose } from './oracles/analyses-oracle';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const oracle = JSON.parse(fs.readFileSync(path.resolve(__dirname, 'fixtures', 'oracles', 'preference-eval.json'), 'utf8')) as { cases: any[] };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toInput(raw: any): PreferenceEvalInput {
  const lengths = (xs: (number | null)[] | null) => (xs ? Float64Array.from(xs, (x) => (x === null ? NaN : x)) : undefined);
  const input: PreferenceEvalInput = {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    models: raw.models.map((m: any) => ({ name: m.name, chosen: Float64Array.from(m.chosen), rejected: Float64Array.from(m.rejected) })),
  };
  if (raw.category) input.category = raw.category.map((c: string | null) => c ?? undefined);
  const cl = lengths(raw.chosenLength);
  const rl = lengths(raw.rejectedLength);
  if (cl && rl) {
    input.chosenLength = cl;
    input.rejectedLength = rl;
  }
  return input;
}

for (const c of oracle.cases) {
  test(`preference-eval matches the scipy/statsmodels oracle: ${c.name}`, () => {
    const result = analyzePreferenceEval(toInput(c.input), c.options);
    const { calibration, ...rest } = c.expected;
    assertFieldsClose(result, rest, c.name, 1e-6);
    // Bootstrap intervals use the same mulberry32 resamples: they agree to rounding.
    if (rest.accuracy_bootstrap_ci) assertFieldsClose(result.accuracy_bootstrap_ci, rest.accuracy_bootstrap_ci, `${c.name} bootstrap`, 1e-12);
    else assert.equal(result.accuracy_bootstrap_ci, null);
    // The calibration of sigmoid(margin) is the calibration analysis itself (its own oracle covers the temperature).
    const { n, accuracy, ece, mce, adaptive_ece, brier, nll, bins } = calibration;
    assertFieldsClose(result.calibration, { n, accuracy, ece, mce, adaptive_ece, brier, nll, bins }, `${c.name} calibration`, 1e-9);
    assert.equal(result.comparisons.length, (result.models.length * (result.models.length - 1)) / 2);
  });
}

test('the oracle covers RewardBench sections, ties in scores and lengths, and a tiny McNemar p-value', () => {
  const [one, three, two] = oracle.cases;
  assert.ok(one.expected.sections.length >= 3 && one.expected.rewardbench_score !== null);
  assert.ok(one.expected.ties > 0, 'score ties');
  assert.ok(three.expected.comparisons.length === 3);
  assert.ok(two.expected.comparisons[0].mcnemar_p_value < 1e-30, 'a p-value small enough to test relative precision');
});

test('Wilson interval: statsmodels proportion_confint(81, 100, method="wilson")', () => {
  // statsmodels 0.13: (0.7222115462093562, 0.8748524849023126)
  const [lo, hi] = wilsonInterval(81, 100, 0.95);
  assertClose(lo, 0.7222115462093562, 'low', 1e-9);
  assertClose(hi, 0.8748524849023126, 'high', 1e-9);
});

test('exact McNemar: b = 1, c = 9 gives 2 * P(X <= 1 | 10, 1/2) = 22/1024; no discordant pairs gives 1', () => {
  assertClose(mcnemarExact(1, 9), 22 / 1024, 'p', 1e-12);
  assertClose(mcnemarExact(9, 1), 22 / 1024, 'p symmetric', 1e-12);
  assert.equal(mcnemarExact(0, 0), 1);
  assert.equal(mcnemarExact(5, 5), 1);
});

test('average ranks share ties as scipy.stats.rankdata does', () => {
  assert.deepEqual(Array.from(averageRanks(Float64Array.from([3, 1, 3, 2, 3]))), [4, 1, 4, 2, 4]);
});

test('a hand-worked case: 3 of 4 right, a tie counts as wrong, the longer response chosen in 2 of 3 different-length pairs', () => {
  const r = analyzePreferenceEval(
    {
      models: [{ name: 'm', chosen: Float64Array.from([2, 1, 0.5, 3]), rejected: Float64Array.from([1, 1, 0, 1]) }],
      category: ['a', 'a', 'b', undefined],
      chosenLength: Float64Array.from([10, 5, 7, 7]),
      rejectedLength: Float64Array.from([5, 10, 3, 7]),
    },
    { bootstrapIterations: 0 },
  );
  assert.equal(r.n, 4);
  assert.equal(r.ties, 1);
  assert.equal(r.accuracy, 0.75);
  assert.deepEqual(r.categories.map((c) => [c.name, c.n, c.accuracy]), [
    ['a', 2, 0.5],
    ['b', 1, 1],
  ]);
  assert.equal(r.longer_chosen_share, 2 / 3);
  // (2 longer chosen + 0.5 for the equal-length pair) / 4
  assert.equal(r.longer_baseline_accuracy, 2.5 / 4);
  assert.deepEqual(r.sections, []);
  assert.equal(r.rewardbench_score, null);
  assert.equal(r.accuracy_bootstrap_ci, null);
  assert.deepEqual(r.comparisons, []);
});

test('bad input is an AnalysisError, never NaN', () => {
  const m = (name: string, c: number[], r: number[]) => ({ name, chosen: Float64Array.from(c), rejected: Float64Array.from(r) });
  assert.throws(() => analyzePreferenceEval({ models: [] }), AnalysisError);
  assert.throws(() => analyzePreferenceEval({ models: [m('x', [], [])] }), /at least one pair/);
  assert.throws(() => analyzePreferenceEval({ models: [m('x', [1, NaN], [0, 0])] }), /row 2: chosen_score is NaN/);
  assert.throws(() => analyzePreferenceEval({ models: [m('x', [1], [0]), m('x', [1], [0])] }), /named twice/);
  assert.throws(() => analyzePreferenceEval({ models: [m('x', [1, 2], [0, 0]), m('y', [1], [0])] }), /first model 2/);
  assert.throws(() => analyzePreferenceEval({ models: [m('x', [1], [0])] }, { bootstrapIterations: 1 }), /bootstrapIterations/);
  const one = analyzePreferenceEval({ models: [m('x', [1], [0])] });
  assert.equal(one.length_margin_spearman, null);
  assert.ok(Number.isFinite(one.accuracy_ci[0]) && Number.isFinite(one.margin.std));
});
