/**
 * The pure analyses on 1M in-memory rows (no I/O): median of 5 runs each, beside a native
 * Float64Array sort of the same data as a machine-independent yardstick (ratio printed).
 */
import { calibrate } from '../server/src/analysis/calibration';
import { analyzeDrift } from '../server/src/analysis/drift';
import { analyzeAgreement } from '../server/src/analysis/agreement';
import type { Rating } from '../server/src/analysis/types';
import { mulberry32 } from '../test/support/prng';

const N = 1_000_000;

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => unknown, runs = 5): number {
  const ms: number[] = [];
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}

const rand = mulberry32(1);
const confidence = new Float64Array(N);
const correct = new Uint8Array(N);
const chosen = new Float64Array(N);
const rejected = new Float64Array(N);
const current = new Float64Array(N);
for (let i = 0; i < N; i++) {
  confidence[i] = 0.5 + rand() * 0.5;
  correct[i] = rand() < confidence[i]! - 0.04 ? 1 : 0;
  chosen[i] = rand() * 4 - 1;
  rejected[i] = rand() * 4 - 2;
  current[i] = chosen[i]! + 0.1;
}

// Annotation agreement with free-text labels: 20,000 items x 2 annotators, 10,000 distinct labels
// (a label x label matrix would be 10^8 cells; test/analysis-agreement.test.ts checks the figures).
const ratings: Rating[] = [];
for (let i = 0; i < 20_000; i++) {
  ratings.push({ item: `i${i}`, annotator: 'a', label: `text ${i % 10_000}` }, { item: `i${i}`, annotator: 'b', label: `text ${(i * 7) % 10_000}` });
}

const sortMs = time(() => Float64Array.from(confidence).sort());
const rows: [string, number][] = [
  ['calibration, top-label (confidence, correct)', time(() => calibrate({ kind: 'top-label', confidence, correct }))],
  ['calibration, reward pairs + temperature', time(() => calibrate({ kind: 'pairs', chosen, rejected }))],
  ['drift, numeric 1M vs 1M', time(() => analyzeDrift({ kind: 'numeric', reference: chosen, current }))],
];
const agreementMs = time(() => analyzeAgreement(ratings));
console.log(`1,000,000 rows in memory; native Float64Array sort: ${sortMs.toFixed(1)} ms`);
console.log('analysis                                         median ms   rows/s        x sort');
for (const [name, ms] of rows) {
  console.log(`${name.padEnd(48)} ${ms.toFixed(1).padStart(9)}   ${Math.round(N / (ms / 1000)).toLocaleString('en-US').padStart(11)}   ${(ms / sortMs).toFixed(2).padStart(6)}`);
}
console.log(`agreement, 40,000 ratings with 10,000 distinct labels: median ${agreementMs.toFixed(1)} ms`);
