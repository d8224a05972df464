/**
 * Every analysis on many small random and degenerate inputs (one row, all equal, ties, extreme
 * values): it returns a result with no NaN/undefined anywhere, or throws an AnalysisError; never
 * anything else.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyzeAb } from '../server/src/analysis/ab';
import { analyzeAgreement } from '../server/src/analysis/agreement';
import { calibrate } from '../server/src/analysis/calibration';
import { analyzeDrift } from '../server/src/analysis/drift';
import { analyzeLatency } from '../server/src/analysis/latency';
import { mulberry32 } from '../server/src/analysis/stats/random';
import { analyzeTraining } from '../server/src/analysis/training';
import { selectUncertain } from '../server/src/analysis/uncertainty';
import { analyzePreferenceEval } from '../server/src/analysis/preference-eval';
import { AnalysisError } from '../server/src/analysis/types';

const random = mulberry32(424242);
const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
/** Values with many ties, zeros, and occasionally huge magnitudes. */
function value(): number {
  const r = random();
  if (r < 0.2) return 0;
  if (r < 0.4) return int(0, 3);
  if (r < 0.45) return (random() - 0.5) * 1e12;
  return random() * 10 - 5;
}
function column(n: number, f: () => number): Float64Array {
  return Float64Array.from({ length: n }, f);
}

/** Fails on NaN, undefined, or Infinity outside the places where the contract allows none. */
function assertClean(x: unknown, where: string): void {
  if (typeof x === 'number') assert.ok(Number.isFinite(x), `${where} is ${x}`);
  else if (x === undefined) assert.fail(`${where} is undefined`);
  else if (Array.isArray(x)) x.forEach((v, i) => assertClean(v, `${where}[${i}]`));
  else if (x && typeof x === 'object') for (const [k, v] of Object.entries(x)) assertClean(v, `${where}.${k}`);
}

function check(name: string, run: () => unknown): 'ok' | 'error' {
  try {
    assertClean(run(), name);
    return 'ok';
  } catch (e) {
    if (e instanceof AnalysisError) return 'error';
    throw e;
  }
}

test('no analysis returns NaN or throws anything but AnalysisError on random small inputs', () => {
  const outcomes: Record<string, number> = {};
  const tally = (name: string, r: 'ok' | 'error') => (outcomes[`${name} ${r}`] = (outcomes[`${name} ${r}`] ?? 0) + 1);
  for (let round = 0; round < 300; round++) {
    const n = int(0, 12);
    tally('calibration', check('calibration', () => calibrate({ kind: 'pairs', chosen: column(n, value), rejected: column(n, value) }, { bins: int(1, 20), bootstrapIterations: int(0, 1) * 5 })));
    tally('calibration', check('calibration', () => calibrate({ kind: 'top-label', confidence: column(n, () => int(0, 4) / 4), correct: Uint8Array.from({ length: n }, () => int(0, 1)) }, { bins: int(1, 20) })));
    const k = int(2, 4);
    tally('calibration', check('calibration', () => calibrate({ kind: 'multiclass', values: column(n * k, value), classes: k, label: Int32Array.from({ length: n }, () => int(0, k - 1)), logits: true })));
    tally('drift', check('drift', () => analyzeDrift({ kind: 'numeric', reference: column(n, value), current: column(int(0, 12), value) })));
    tally('drift', check('drift', () => analyzeDrift({ kind: 'categorical', reference: Array.from({ length: n }, () => `c${int(0, 2)}`), current: Array.from({ length: int(0, 5) }, () => `c${int(0, 3)}`) })));
    const ratings = Array.from({ length: n }, () => ({ item: `i${int(0, 4)}`, annotator: `a${int(0, 3)}`, label: int(1, 3) }));
    for (const level of ['nominal', 'ordinal', 'interval', 'ratio'] as const) tally('agreement', check('agreement', () => analyzeAgreement(ratings, { level })));
    tally('latency', check('latency', () => analyzeLatency({ timestamp: column(n, () => int(0, 5) * 30_000), latency: column(n, () => int(1, 3) * 10), success: Uint8Array.from({ length: n }, () => int(0, 1)), group: Array.from({ length: n }, () => `g${int(0, 1)}`) }, { anomalyWindow: 3 })));
    tally('uncertainty', check('uncertainty', () => selectUncertain({ ids: Array.from({ length: n }, (_, i) => `r${i}`), values: column(n * 3, value), classes: 3, logits: true, embeddings: { values: column(n * 2, () => int(0, 1)), dim: 2 } }, { method: (['entropy', 'margin', 'least_confidence', 'diversity'] as const)[int(0, 3)]!, top: int(1, 5) })));
    tally('preference-eval', check('preference-eval', () => analyzePreferenceEval(
      {
        models: Array.from({ length: int(1, 3) }, (_, k) => ({ name: `m${k}`, chosen: column(n, value), rejected: column(n, value) })),
        category: Array.from({ length: n }, () => (random() < 0.2 ? undefined : ['mt-bench-hard', 'hep-go', 'x'][int(0, 2)])),
        chosenLength: column(n, () => (random() < 0.1 ? NaN : int(0, 3))),
        rejectedLength: column(n, () => int(0, 3)),
      },
      { bootstrapIterations: int(0, 1) * 5, bins: int(1, 20) },
    )));
    const steps = Float64Array.from({ length: n }, (_, i) => i);
    tally('training', check('training', () => analyzeTraining({ run: 'r', series: n === 0 ? {} : { loss: { steps, values: column(n, () => (random() < 0.1 ? NaN : value())) }, eval_loss: { steps, values: column(n, value) } } })));
    const units = { a: int(0, 30), b: int(0, 30) };
    tally('ab', check('ab', () => analyzeAb(
      {
        units,
        metrics: [
          { name: 's', type: 'binomial', byVariant: { a: { n: units.a, successes: int(0, units.a) }, b: { n: units.b, successes: int(0, units.b) } } },
          { name: 'x', type: 'continuous', byVariant: { a: { n: units.a, mean: value(), variance: int(0, 2) }, b: { n: units.b, mean: value(), variance: int(0, 2) } } },
        ],
      },
      { variants: ['a', 'b'], control: 'a', traffic: { a: 1, b: 1 }, method: (['frequentist', 'bayesian', 'sequential'] as const)[int(0, 2)]! },
    )));
  }
  // Both outcomes occur for each analysis, so the inputs did reach the computations.
  for (const name of ['calibration', 'drift', 'agreement', 'latency', 'uncertainty', 'training', 'ab', 'preference-eval']) {
    assert.ok((outcomes[`${name} ok`] ?? 0) > 0, `${name} never succeeded: ${JSON.stringify(outcomes)}`);
  }
});

test('non-finite inputs are named errors, not NaN results', () => {
  assert.throws(() => calibrate({ kind: 'pairs', chosen: Float64Array.from([1, Infinity]), rejected: Float64Array.from([0, 0]) }), /row 2: chosen_score is Infinity/);
  assert.throws(() => analyzeDrift({ kind: 'numeric', reference: Float64Array.from([1, NaN]), current: Float64Array.from([1]) }), /row 2: the reference value is NaN/);
  assert.throws(() => analyzeAb({ units: { a: 5, b: 5 }, metrics: [{ name: 's', type: 'binomial', byVariant: { a: { n: 5, successes: 7 }, b: { n: 5, successes: 1 } } }] }, { variants: ['a', 'b'], control: 'a', traffic: { a: 1, b: 1 } }), /7 successes out of 5/);
});
