/** calibrate() against the numpy oracle, the torchmetrics worked example, and its error and speed contracts. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { calibrate } from '../server/src/analysis/calibration';
import { AnalysisError, type CalibrationInput } from '../server/src/analysis/types';
import { assertClose, assertFieldsClose, loadOracle } from './oracles/analyses-oracle';

const oracle = loadOracle();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toInput(raw: any): CalibrationInput {
  switch (raw.kind) {
    case 'top-label':
      return { kind: 'top-label', confidence: Float64Array.from(raw.confidence), correct: Uint8Array.from(raw.correct) };
    case 'binary':
      return { kind: 'binary', prob: Float64Array.from(raw.prob), label: Uint8Array.from(raw.label) };
    case 'multiclass':
      return { kind: 'multiclass', values: Float64Array.from(raw.values), classes: raw.classes, label: Int32Array.from(raw.label), logits: raw.logits };
    default:
      return { kind: 'pairs', chosen: Float64Array.from(raw.chosen), rejected: Float64Array.from(raw.rejected) };
  }
}

for (const c of oracle.calibration) {
  test(`calibration matches the numpy oracle: ${c.name}`, () => {
    const result = calibrate(toInput(c.input), c.options);
    const { temperature, ece_ci, mce_ci, adaptive_ece_ci, brier_ci, nll_ci, ...exact } = c.expected;
    assertFieldsClose(result, exact, c.name);
    if (temperature === null) assert.equal(result.temperature, null);
    else {
      // The oracle's bounded scalar search stops at ~1e-9; the NLL is flat at the optimum.
      assertClose(result.temperature?.value, temperature.value, `${c.name} temperature`, 1e-6);
      assertClose(result.temperature?.nll, temperature.nll, `${c.name} nll after`, 1e-8);
      assertClose(result.temperature?.ece, temperature.ece, `${c.name} ece after`, 1e-5);
    }
    const intervals = { ece_ci, mce_ci, adaptive_ece_ci, brier_ci, nll_ci };
    for (const [name, expected] of Object.entries(intervals)) {
      const got = result[name as keyof typeof intervals];
      if (expected) assertFieldsClose(got, expected, `${c.name} bootstrap ${name}`, 1e-9);
      else assert.equal(got, null, `${c.name}: ${name} without bootstrapIterations`);
    }
  });
}

test('torchmetrics multiclass example: top-label ECE 0.2000, MCE 0.2333 with 3 bins', () => {
  const r = calibrate({ kind: 'multiclass', values: Float64Array.from([0.25, 0.2, 0.55, 0.55, 0.05, 0.4, 0.1, 0.3, 0.6, 0.9, 0.05, 0.05]), classes: 3, label: Int32Array.from([0, 1, 2, 0]), logits: false }, { bins: 3 });
  assertClose(r.ece, 0.2, 'ece', 1e-12);
  assertClose(r.mce, 0.23333333333333334, 'mce', 1e-12);
});

test('torchmetrics binary example: as {confidence, correct} with the positive-class convention it gives 0.2900', () => {
  // torchmetrics scores P(y=1) against y; that is our top-label form with confidence = p and correct = y.
  const r = calibrate({ kind: 'top-label', confidence: Float64Array.from([0.25, 0.25, 0.55, 0.75, 0.75]), correct: Uint8Array.from([0, 0, 1, 1, 1]) }, { bins: 2 });
  assertClose(r.ece, 0.29, 'ece', 1e-12);
  assertClose(r.mce, 0.31666666666666665, 'mce', 1e-12);
});

test('reward pairs: the chosen response scored lower counts as a wrong prediction', () => {
  const r = calibrate({ kind: 'pairs', chosen: Float64Array.from([2, 0, 1]), rejected: Float64Array.from([0, 3, 1]) });
  assert.equal(r.accuracy, 1 / 3);
  assertClose(r.mean_confidence, (1 / (1 + Math.exp(-2)) + 1 / (1 + Math.exp(-3)) + 0.5) / 3, 'mean confidence', 1e-12);
});

test('empty input and bad options are AnalysisErrors with a message', () => {
  assert.throws(() => calibrate({ kind: 'top-label', confidence: new Float64Array(0), correct: new Uint8Array(0) }), (e: unknown) => e instanceof AnalysisError && /at least one row/.test(e.message));
  assert.throws(() => calibrate({ kind: 'top-label', confidence: Float64Array.from([0.5]), correct: Uint8Array.from([1]) }, { bins: 0 }), /bins must be/);
  assert.throws(() => calibrate({ kind: 'binary', prob: Float64Array.from([1.5]), label: Uint8Array.from([1]) }), /row 1: probability 1.5/);
  assert.throws(() => calibrate({ kind: 'multiclass', values: Float64Array.from([0.5, 0.5]), classes: 2, label: Int32Array.from([2]), logits: false }), /label 2 is outside 0..1/);
});

/** Adaptive ECE by its definition: rows stably sorted by confidence, split as numpy.array_split does. */
function adaptiveByDefinition(confidence: Float64Array, correct: Uint8Array, bins: number): number {
  const n = confidence.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => confidence[a]! - confidence[b]! || a - b);
  const base = Math.floor(n / bins);
  const extra = n % bins;
  let ece = 0;
  let at = 0;
  for (let b = 0; b < Math.min(bins, n); b++) {
    const size = base + (b < extra ? 1 : 0);
    let c = 0;
    let k = 0;
    for (let j = at; j < at + size; j++) {
      c += confidence[order[j]!]!;
      k += correct[order[j]!]!;
    }
    ece += (size / n) * Math.abs(k / size - c / size);
    at += size;
  }
  return ece;
}

test('adaptive ECE equals its stable-sort definition: ties across chunk boundaries, one value, spread and clustered values', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const shapes: [string, (i: number) => number][] = [
    ['five values (ties straddle every boundary)', () => [0, 0.25, 0.5, 0.75, 1][Math.floor(random() * 5)]!],
    ['one value', () => 0.9],
    ['spread', () => random()],
    ['clustered in one bucket of 1/65536', () => 0.7 + random() * 1e-6],
    ['clustered, with a spread tail (several chunk starts in one bucket)', () => (random() < 0.8 ? 0.7 + random() * 1e-6 : 0.8 + random() * 0.2)],
    ['two decimals', () => Math.round(random() * 100) / 100],
    ['0 and 1 only', () => (random() < 0.5 ? 0 : 1)],
  ];
  for (const [what, value] of shapes)
    // From 32,768 rows the order statistics come from buckets (below, from a sort): both sides of it.
    for (const n of [1, 2, 14, 15, 16, 997, 20_000, 40_000, 70_001])
      for (const bins of n > 30_000 ? [3, 15, 40] : [1, 3, 15, 40]) {
        const confidence = Float64Array.from({ length: n }, (_, i) => value(i));
        const correct = Uint8Array.from({ length: n }, () => (random() < 0.6 ? 1 : 0));
        const got = calibrate({ kind: 'top-label', confidence, correct }, { bins }).adaptive_ece;
        assertClose(got, adaptiveByDefinition(confidence, correct, bins), `${what}, n=${n}, bins=${bins}`, 1e-12);
      }
});
