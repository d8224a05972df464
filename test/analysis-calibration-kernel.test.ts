// Calibration's WebAssembly passes (server/wasm/calibration.ts) against the JavaScript they replace:
// the same figures to the bit, however the rows are split into blocks and however many summarisers
// are alive at once.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { binEdges, calibrate, RowSummariser } from '../server/src/analysis/calibration';
import { calibrationKernel } from '../server/src/analysis/calibration-kernel';
import { wasmModule } from '../server/src/wasm/load';

let seed = 11;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

// V8's Math.log is fdlibm's (src/base/ieee754.cc), as the kernel's is; built without fused
// multiply-adds on x64, so the two agree to the bit there.
test('the kernel\'s logarithm is Math.log to the bit (x64), from subnormals to 1', { skip: process.arch !== 'x64' && 'fused multiply-adds may make V8\'s differ off x64' }, () => {
  const log = (wasmModule<{ log(x: number): number }>('calibration')).log;
  const xs: number[] = [1, 0.5, 0.25, 1e-12, 1 - 1e-12, 1 - 2 ** -53, 2 ** -1074, 2 ** -1022, 2 ** -1023, Math.SQRT1_2, Math.SQRT2 / 2 + 2 ** -53, 0.7071, 1e-300];
  for (let i = 0; i < 300_000; i++) xs.push(random(), Math.exp(-random() * 745), 1 - random() * 1e-6, 1 + (random() - 0.5) * 2 ** -18);
  for (const x of xs) assert.equal(Object.is(log(x), Math.log(x)), true, `log(${x}): ${log(x)} against ${Math.log(x)}`);
  assert.equal(log(0), -Infinity);
  assert.ok(Number.isNaN(log(-1)));
  assert.equal(log(Infinity), Infinity);
});

/** The per-row sums as the JavaScript computed them before the kernel (same operations, same order). */
function reference(confidence: Float64Array, correct: Uint8Array, bins: number) {
  const edges = binEdges(bins);
  const count = new Float64Array(bins);
  const sumConf = new Float64Array(bins);
  const sumCorrect = new Float64Array(bins);
  let conf = 0;
  let corr = 0;
  let brier = 0;
  let nll = 0;
  let invalid = 0;
  let histogram = true;
  for (let i = 0; i < confidence.length; i++) {
    const c = confidence[i]!;
    const k = correct[i]!;
    let b = Math.ceil(c * bins) - 1;
    if (b < 0) b = 0;
    if (b >= bins) b = bins - 1;
    while (b > 0 && c <= edges[b]!) b--;
    while (b < bins - 1 && c > edges[b + 1]!) b++;
    count[b]! += 1;
    sumConf[b]! += c;
    sumCorrect[b]! += k;
    conf += c;
    corr += k;
    brier += (c - k) * (c - k);
    let p = k ? c : 1 - c;
    if (p < 1e-12) p = 1e-12;
    else if (p > 1 - 1e-12) p = 1 - 1e-12;
    nll += -Math.log(p);
    if (!(c >= 0 && c <= 1)) {
      histogram = false;
      invalid++;
    }
    if (k !== 0 && k !== 1) invalid++;
  }
  return { count, sumConf, sumCorrect, confidence: conf, correct: corr, brier, nll, invalid, histogram };
}

function rows(n: number, odd: boolean): { confidence: Float64Array; correct: Uint8Array } {
  const confidence = Float64Array.from({ length: n }, () => (random() < 0.1 ? Math.round(random() * 15) / 15 : random()));
  const correct = Uint8Array.from({ length: n }, () => (random() < 0.6 ? 1 : 0));
  if (odd) {
    // What the fast path counts as invalid: NaN (a NULL), out of range, a flag of 2 (a NULL flag).
    confidence[3] = NaN;
    confidence[5] = 1.5;
    confidence[7] = -Infinity;
    confidence[9] = Infinity;
    correct[11] = 2;
  }
  return { confidence, correct };
}

test('RowSummariser: the sums of the JavaScript before it, to the bit, in any blocks, two summarisers interleaved', { skip: process.arch !== 'x64' && 'NLL compares with Math.log' }, () => {
  for (const [n, bins, odd] of [[1, 15, false], [40_000, 15, false], [200_003, 15, false], [200_003, 7, true], [70_000, 10_000, false], [5, 1, true]] as const) {
    const a = rows(n, odd);
    const b = rows(n, false);
    const ref = reference(a.confidence, a.correct, bins);
    const first = new RowSummariser(bins);
    const second = new RowSummariser(15);
    // Random block sizes, some past the kernel's 65,536-row block; the second summariser takes the kernel in between.
    for (let at = 0; at < n; ) {
      const size = Math.min(n - at, 1 + Math.floor(random() * (random() < 0.2 ? 150_000 : 3000)));
      first.add(a.confidence.subarray(at, at + size), a.correct.subarray(at, at + size));
      second.add(b.confidence.subarray(at, at + size), b.correct.subarray(at, at + size));
      at += size;
    }
    const got = first.result();
    const what = `n=${n}, bins=${bins}${odd ? ', invalid rows' : ''}`;
    assert.deepEqual([...got.count], [...ref.count], `${what}: count`);
    assert.deepEqual([...got.sumConf], [...ref.sumConf], `${what}: sumConf`);
    assert.deepEqual([...got.sumCorrect], [...ref.sumCorrect], `${what}: sumCorrect`);
    assert.deepEqual([got.confidence, got.correct, got.brier, got.nll, got.invalid], [ref.confidence, ref.correct, ref.brier, ref.nll, ref.invalid], what);
    assert.equal(got.n, n);
    assert.equal(got.buckets !== undefined, n >= 32_768 && ref.histogram, `${what}: histogram kept`);
    if (got.buckets) {
      const hist = new Uint32Array(65536);
      for (const c of a.confidence) hist[Math.min(65535, Math.floor(c * 65536))]!++;
      assert.deepEqual(got.buckets, hist, `${what}: histogram`);
    }
    const whole = new RowSummariser(15);
    whole.add(b.confidence, b.correct);
    assert.deepEqual(second.result(), whole.result(), `${what}: the interleaved summariser`);
  }
});

test('a gather of many tied values grows the kernel past 64 MiB: it is dropped after use, a live summariser keeps its sums', () => {
  const before = calibrationKernel();
  const live = new RowSummariser(15);
  const some = rows(1000, false);
  live.add(some.confidence.subarray(0, 500), some.correct.subarray(0, 500));
  // 9M rows of one value: adaptive ECE gathers all of them (72 MB).
  const n = 9_000_000;
  const confidence = new Float64Array(n).fill(0.7);
  const correct = new Uint8Array(n).fill(1);
  const r = calibrate({ kind: 'top-label', confidence, correct }, { bins: 15 });
  assert.ok(Math.abs(r.adaptive_ece - 0.3) < 1e-9, `adaptive ECE ${r.adaptive_ece}`);
  const after = calibrationKernel();
  assert.notEqual(after, before, 'a new module after the large gather');
  assert.ok(after.exports.memory.buffer.byteLength < 8 << 20, `the new module is small (${after.exports.memory.buffer.byteLength} bytes)`);
  live.add(some.confidence.subarray(500), some.correct.subarray(500));
  const whole = new RowSummariser(15);
  whole.add(some.confidence, some.correct);
  assert.deepEqual(live.result(), whole.result());
});
