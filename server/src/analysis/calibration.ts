/**
 * Calibration of a classifier or reward model: every input shape is reduced to top-label
 * (confidence, correct) pairs, then binned (ECE, MCE, adaptive ECE) and scored (Brier, NLL).
 * Score inputs (logits, reward-model pairs) also get temperature scaling.
 */
import { requireFinite } from './finite';
import { quantileSorted } from './stats/quantile';
import { mulberry32 } from './stats/random';
import { BUCKETS, calibrationKernel, eachBlock, f64, i32, reserve, shrink, sumsState, u32, type CalibrationKernel } from './calibration-kernel';
import { AnalysisError, type CalibrationBin, type CalibrationInput, type CalibrationOptions, type CalibrationResult, type TopLabelSums } from './types';

const NLL_CLIP = 1e-12;

interface TopLabel {
  confidence: Float64Array;
  correct: Uint8Array;
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Reduces any calibration input to top-label (confidence, correct), with scores scaled by 1/temperature. */
export function toTopLabel(input: CalibrationInput, temperature = 1): TopLabel {
  switch (input.kind) {
    case 'top-label':
      return { confidence: input.confidence, correct: input.correct };
    case 'binary': {
      const n = input.prob.length;
      const confidence = new Float64Array(n);
      const correct = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const p = input.prob[i]!;
        // The predicted class is the argmax of (1 - p, p); a tie predicts 0, as numpy.argmax does.
        const predicted = p > 0.5 ? 1 : 0;
        confidence[i] = predicted === 1 ? p : 1 - p;
        correct[i] = predicted === input.label[i] ? 1 : 0;
      }
      return { confidence, correct };
    }
    case 'pairs': {
      const n = input.chosen.length;
      const confidence = new Float64Array(n);
      const correct = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const d = (input.chosen[i]! - input.rejected[i]!) / temperature;
        // The model prefers the higher-scored response; it is right when that is the chosen one.
        confidence[i] = sigmoid(Math.abs(d));
        correct[i] = d > 0 ? 1 : 0;
      }
      return { confidence, correct };
    }
    case 'multiclass': {
      const { values, classes: k, label } = input;
      const n = label.length;
      const confidence = new Float64Array(n);
      const correct = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        const o = i * k;
        let arg = 0;
        for (let j = 1; j < k; j++) if (values[o + j]! > values[o + arg]!) arg = j;
        if (input.logits) {
          const top = values[o + arg]!;
          let s = 0;
          for (let j = 0; j < k; j++) s += Math.exp((values[o + j]! - top) / temperature);
          confidence[i] = 1 / s;
        } else {
          confidence[i] = values[o + arg]!;
        }
        correct[i] = arg === label[i] ? 1 : 0;
      }
      return { confidence, correct };
    }
  }
}

function inputLength(input: CalibrationInput): number {
  switch (input.kind) {
    case 'top-label':
      return input.confidence.length;
    case 'binary':
      return input.prob.length;
    case 'pairs':
      return input.chosen.length;
    case 'multiclass':
      return input.label.length;
  }
}

function validate(input: CalibrationInput): void {
  const n = inputLength(input);
  if (n === 0) throw new AnalysisError('calibration needs at least one row; none were usable');
  if (input.kind === 'pairs') {
    if (input.rejected.length !== n) throw new AnalysisError(`${n} chosen scores but ${input.rejected.length} rejected scores`, 'shape');
    requireFinite(input.chosen, 'chosen_score');
    requireFinite(input.rejected, 'rejected_score');
  }
  if (input.kind === 'multiclass') {
    requireFinite(input.values, input.logits ? 'a logit' : 'a probability');
    if (input.classes < 2) throw new AnalysisError('calibration needs at least two classes per row', 'shape');
    if (input.values.length !== n * input.classes) throw new AnalysisError(`expected ${n} x ${input.classes} values, got ${input.values.length}`, 'shape');
    for (let i = 0; i < n; i++) {
      const y = input.label[i]!;
      if (y < 0 || y >= input.classes) throw new AnalysisError(`row ${i + 1}: label ${y} is outside 0..${input.classes - 1}`, 'shape');
    }
  }
  // Sums accumulated while the rows were read already found every confidence in [0, 1].
  if (input.kind === 'top-label' && input.sums && input.sums.n === n && input.sums.invalid === 0) return;
  if (input.kind === 'top-label' || input.kind === 'binary') {
    const p = input.kind === 'binary' ? input.prob : input.confidence;
    for (let i = 0; i < p.length; i++) {
      const v = p[i]!;
      if (!(v >= 0 && v <= 1)) throw new AnalysisError(`row ${i + 1}: probability ${v} is outside [0, 1]`, 'shape');
    }
  }
}

/** Equal-width bin edges as numpy.linspace(0, 1, bins + 1) computes them. */
export function binEdges(bins: number): Float64Array {
  const edges = new Float64Array(bins + 1);
  const step = 1 / bins;
  for (let i = 0; i < bins; i++) edges[i] = i * step;
  edges[bins] = 1;
  return edges;
}

/** The bin of a confidence: bin i holds (edges[i], edges[i+1]]; the first bin also holds 0. */
function binOf(c: number, edges: Float64Array, bins: number): number {
  let b = Math.ceil(c * bins) - 1;
  if (b < 0) b = 0;
  if (b >= bins) b = bins - 1;
  // Correct rounding at the edges so membership matches the edge values exactly.
  while (b > 0 && c <= edges[b]!) b--;
  while (b < bins - 1 && c > edges[b + 1]!) b++;
  return b;
}

export function eceFromSums(count: Float64Array, sumConf: Float64Array, sumCorrect: Float64Array, n: number): { ece: number; mce: number } {
  let ece = 0;
  let mce = 0;
  for (let b = 0; b < count.length; b++) {
    const c = count[b]!;
    if (c === 0) continue;
    const gap = Math.abs(sumCorrect[b]! / c - sumConf[b]! / c);
    ece += (c / n) * gap;
    if (gap > mce) mce = gap;
  }
  return { ece, mce };
}

/** First index of the ascending array whose value is >= x. */
function lowerBound(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Below this many rows a plain sort is cheaper than walking the 65,536 buckets. */
const BUCKETED_MIN_ROWS = 1 << 15;

/** A value's bucket, as the kernel computes it: monotone in c. */
function bucketOf(c: number): number {
  const k = Math.floor(c * BUCKETS);
  return k >= BUCKETS ? BUCKETS - 1 : k;
}

/**
 * ECE over `bins` equal-count chunks of the rows sorted by confidence, split as numpy.array_split
 * does, ties kept in row order (a stable sort). Nothing is sorted whole: each row's chunk follows
 * from the chunks' first values, and those order statistics come from a histogram of the values in
 * 65,536 equal buckets of [0, 1] (one pass), then the few buckets holding them, sorted. A row in a
 * bucket without a chunk's first value has its chunk from a table by bucket; only a value tied
 * across a chunk boundary needs its rank among equals. Under 32,768 rows, or with values outside
 * [0, 1] (none reach here from calibrate, which validates them), the values are sorted whole. The
 * passes over the rows are the kernel's (histogram, gather, assign: server/wasm/calibration.ts).
 */
function adaptiveEce(top: TopLabel, bins: number, buckets?: Uint32Array): number {
  const { confidence, correct } = top;
  const n = confidence.length;
  const base = Math.floor(n / bins);
  const extra = n % bins;
  const chunks = Math.min(bins, n);
  const startOf = (b: number): number => b * base + Math.min(b, extra);
  const k = calibrationKernel();
  try {
    const ranks = new OrderStatistics(k, confidence, buckets);
    const wanted: number[] = [];
    for (let b = 0; b < chunks; b++) wanted.push(startOf(b), startOf(b) - 1);
    ranks.gather(wanted.filter((r) => r >= 0));
    const firstValue = new Float64Array(chunks);
    for (let b = 0; b < chunks; b++) firstValue[b] = ranks.at(startOf(b));
    // Values present on both sides of a chunk boundary: their value and first sorted position.
    const ties = new Map<number, number>();
    for (let b = 1; b < chunks; b++) {
      const v = firstValue[b]!;
      if (ranks.at(startOf(b) - 1) === v && !ties.has(v)) ties.set(v, ranks.below(v));
    }
    // The chunk of every bucket that holds no chunk's first value (-1 for those that do): there it is
    // the number of first values in lower buckets, as bucketOf is monotone.
    if (ranks.bucketed) {
      const byBucket = i32(k, 'BY_BUCKET', BUCKETS);
      const boundary = new Uint8Array(BUCKETS);
      for (let b = 1; b < chunks; b++) boundary[bucketOf(firstValue[b]!)] = 1;
      let chunk = 0;
      for (let q = 0; q < BUCKETS; q++) {
        if (boundary[q]) {
          byBucket[q] = -1;
          chunk++;
          // Several first values in one bucket.
          for (let b = chunk + 1; b < chunks && bucketOf(firstValue[b]!) === q; b++) chunk++;
        } else byBucket[q] = chunk;
      }
    }
    f64(k, 'FIRST', chunks).set(firstValue);
    const tied = [...ties].sort((a, b) => a[0] - b[0]);
    const table = f64(k, 'TIES', 3 * tied.length);
    tied.forEach(([value, first], t) => table.set([value, first, 0], 3 * t));
    f64(k, 'CHUNK_CONF', chunks).fill(0);
    f64(k, 'CHUNK_CORRECT', chunks).fill(0);
    eachBlock(k, confidence, correct, (count) => k.exports.assign(count, chunks, ranks.bucketed ? 1 : 0, tied.length, base, extra));
    const sumConf = f64(k, 'CHUNK_CONF', chunks);
    const sumCorrect = f64(k, 'CHUNK_CORRECT', chunks);
    let ece = 0;
    for (let b = 0; b < chunks; b++) {
      const size = base + (b < extra ? 1 : 0);
      ece += (size / n) * Math.abs(sumCorrect[b]! / size - sumConf[b]! / size);
    }
    return ece;
  } finally {
    shrink(k);
  }
}

/**
 * Exact order statistics of values in [0, 1] without sorting them all: a count per bucket, then,
 * on demand, the values of one bucket sorted. Few values, or values outside [0, 1] (or NaN): one
 * full sort.
 */
class OrderStatistics {
  readonly bucketed: boolean;
  private readonly counts: Uint32Array;
  /** Values in buckets below k: starts[k]. */
  private readonly starts: Float64Array;
  private readonly sortedBuckets = new Map<number, Float64Array>();
  private sorted: Float64Array | undefined;

  /** `counts`: the values' bucket histogram, if the caller has it (summarise). */
  constructor(
    private readonly k: CalibrationKernel,
    private readonly values: Float64Array,
    counts?: Uint32Array,
  ) {
    let inRange = values.length >= BUCKETED_MIN_ROWS;
    if (counts) this.counts = counts;
    else if (!inRange) this.counts = new Uint32Array(0);
    else {
      u32(k, 'HIST', BUCKETS).fill(0);
      eachBlock(k, values, undefined, (count) => (inRange = k.exports.histogram(count) === 1));
      this.counts = u32(k, 'HIST', BUCKETS).slice();
    }
    this.bucketed = inRange;
    if (!inRange) {
      this.sorted = Float64Array.from(values).sort();
      this.starts = new Float64Array(0);
      return;
    }
    this.starts = new Float64Array(BUCKETS + 1);
    for (let q = 0; q < BUCKETS; q++) this.starts[q + 1] = this.starts[q]! + this.counts[q]!;
  }

  /** The bucket holding sorted position `rank`: the last q with starts[q] <= rank. */
  private bucketOfRank(rank: number): number {
    let lo = 0;
    let hi = BUCKETS - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid]! <= rank) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Gathers and sorts, in one pass over the values (the kernel's gather), the buckets holding these ranks. */
  gather(ranks: number[]): void {
    if (this.sorted) return;
    const { k } = this;
    const buckets: number[] = [];
    const chosen = new Set<number>();
    for (const r of ranks) {
      const q = this.bucketOfRank(r);
      if (!chosen.has(q) && !this.sortedBuckets.has(q)) {
        chosen.add(q);
        buckets.push(q);
      }
    }
    if (buckets.length === 0) return;
    // Each slot's values go to its own stretch of GATHERED, sized by the histogram.
    let total = 0;
    const offsets = buckets.map((q) => {
      const at = total;
      total += this.counts[q]!;
      return at;
    });
    reserve(k, k.at.GATHERED + total * 8);
    const slot = i32(k, 'SLOT', BUCKETS);
    slot.fill(-1);
    const slotAt = i32(k, 'SLOT_AT', 2 * buckets.length);
    buckets.forEach((q, s) => {
      slot[q] = s;
      slotAt[2 * s] = offsets[s]!;
      slotAt[2 * s + 1] = 0;
    });
    eachBlock(k, this.values, undefined, (count) => k.exports.gather(count));
    const gathered = f64(k, 'GATHERED', total);
    buckets.forEach((q, s) => this.sortedBuckets.set(q, gathered.slice(offsets[s]!, offsets[s]! + this.counts[q]!).sort()));
  }

  /** The value at sorted position `rank` (0-based); its bucket gathered before. */
  at(rank: number): number {
    if (this.sorted) return this.sorted[rank]!;
    const q = this.bucketOfRank(rank);
    return this.bucket(q)[rank - this.starts[q]!]!;
  }

  /** How many values are below `v` (numpy.searchsorted, side left); v's bucket gathered before. */
  below(v: number): number {
    if (this.sorted) return lowerBound(this.sorted, v);
    const q = bucketOf(v);
    return this.starts[q]! + lowerBound(this.bucket(q), v);
  }

  private bucket(q: number): Float64Array {
    if (!this.sortedBuckets.has(q)) this.gather([this.starts[q]!]);
    return this.sortedBuckets.get(q)!;
  }
}

/** A row's negative log-likelihood term (the probability given to what happened, clipped). */
function nllTerm(c: number, k: number): number {
  let p = k ? c : 1 - c;
  if (p < NLL_CLIP) p = NLL_CLIP;
  else if (p > 1 - NLL_CLIP) p = 1 - NLL_CLIP;
  return -Math.log(p);
}

function topLabelNll(top: TopLabel): number {
  let s = 0;
  const n = top.confidence.length;
  for (let i = 0; i < n; i++) s += nllTerm(top.confidence[i]!, top.correct[i]!);
  return s / n;
}

interface RowSums extends TopLabelSums {
  ece: number;
  mce: number;
}

/**
 * Every per-row sum of the figures in one pass over the rows (1M rows: one read of each array
 * instead of six): binned ECE and MCE, Brier, NLL, the totals and adaptiveEce's histogram. Rows may
 * come in blocks (`add`, in row order): the fast path adds each chunk as it arrives, so the sums are
 * done when the reading is. The pass is the kernel's `add` (WebAssembly: server/wasm/calibration.ts
 * says why); each sum adds the rows in order, so the figures are the same to the bit whichever way,
 * and in however many blocks, the rows came. The kernel holds one summariser's sums at a time; one
 * that is set aside (another summariser, a new module) keeps a copy of its own meanwhile.
 */
export class RowSummariser {
  private readonly bins: number;
  private n = 0;
  /** Its sums while set aside (copies of sumsState's views). */
  private saved: ReturnType<typeof sumsState> | undefined;
  private fresh = true;

  constructor(bins: number) {
    this.bins = bins;
  }

  add(confidence: Float64Array, correct: Uint8Array): void {
    const k = this.kernel();
    eachBlock(k, confidence, correct, (count) => k.exports.add(count, this.bins));
    this.n += confidence.length;
  }

  /** The sums so far (small inputs keep no histogram: adaptiveEce sorts them). */
  result(): TopLabelSums {
    const state = sumsState(this.kernel(), this.bins);
    const scalars = state.scalars;
    return {
      bins: this.bins,
      n: this.n,
      count: state.count.slice(),
      sumConf: state.sumConf.slice(),
      sumCorrect: state.sumCorrect.slice(),
      confidence: scalars[0]!,
      correct: scalars[1]!,
      brier: scalars[2]!,
      nll: scalars[3]!,
      buckets: this.n >= BUCKETED_MIN_ROWS && scalars[5] === 0 ? state.buckets.slice() : undefined,
      invalid: scalars[4]!,
    };
  }

  /** Called by the kernel before another summariser takes its sums over. */
  evicted(): void {
    const state = sumsState(calibrationKernel(), this.bins);
    this.saved = { count: state.count.slice(), sumConf: state.sumConf.slice(), sumCorrect: state.sumCorrect.slice(), scalars: state.scalars.slice(), buckets: state.buckets.slice() };
  }

  /** The kernel, holding this summariser's sums. */
  private kernel(): CalibrationKernel {
    const k = calibrationKernel();
    if (k.owner === this) return k;
    k.owner?.evicted();
    // reset() also writes this summariser's bin edges, which every add() reads.
    k.exports.reset(this.bins);
    const saved = this.saved;
    if (saved) {
      const state = sumsState(k, this.bins);
      for (const key of Object.keys(state) as (keyof typeof state)[]) state[key].set(saved[key]);
      this.saved = undefined;
    } else if (!this.fresh) throw new Error('RowSummariser: its sums were lost');
    this.fresh = false;
    k.owner = this;
    return k;
  }
}

function withEce(sums: TopLabelSums): RowSums {
  return { ...sums, ...eceFromSums(sums.count, sums.sumConf, sums.sumCorrect, sums.n) };
}

function summarise(top: TopLabel, bins: number): RowSums {
  const s = new RowSummariser(bins);
  s.add(top.confidence, top.correct);
  return withEce(s.result());
}

/** Each row's bin (the bootstrap resamples rows with their bins). */
function rowBins(confidence: Float64Array, edges: Float64Array): Uint16Array {
  const bins = edges.length - 1;
  const out = new Uint16Array(confidence.length);
  for (let i = 0; i < confidence.length; i++) out[i] = binOf(confidence[i]!, edges, bins);
  return out;
}

/**
 * The temperature minimising the cross-entropy of the true class (Guo et al. 2017) for logits,
 * which for reward pairs is the logistic NLL of "chosen beats rejected". The loss is convex in
 * beta = 1/T, so Newton's method on beta converges in a few steps.
 */
export function fitTemperature(input: CalibrationInput & ({ kind: 'pairs' } | { kind: 'multiclass' })): number | null {
  const derivatives = (beta: number): [number, number] => {
    let g = 0;
    let h = 0;
    if (input.kind === 'pairs') {
      const n = input.chosen.length;
      for (let i = 0; i < n; i++) {
        const d = input.chosen[i]! - input.rejected[i]!;
        const s = sigmoid(beta * d);
        g -= d * (1 - s);
        h += d * d * s * (1 - s);
      }
      return [g / n, h / n];
    }
    const { values, classes: k, label } = input;
    const n = label.length;
    for (let i = 0; i < n; i++) {
      const o = i * k;
      let top = -Infinity;
      for (let j = 0; j < k; j++) top = Math.max(top, values[o + j]!);
      let z = 0;
      let m1 = 0;
      let m2 = 0;
      for (let j = 0; j < k; j++) {
        const v = values[o + j]!;
        const w = Math.exp(beta * (v - top));
        z += w;
        m1 += w * v;
        m2 += w * v * v;
      }
      m1 /= z;
      m2 /= z;
      g += m1 - values[o + label[i]!]!;
      h += Math.max(0, m2 - m1 * m1);
    }
    return [g / n, h / n];
  };
  if (input.kind === 'pairs') {
    // Every pair ranked the same way: the loss falls monotonically towards T -> 0 (or T -> infinity).
    let positive = 0;
    let negative = 0;
    for (let i = 0; i < input.chosen.length; i++) {
      const d = input.chosen[i]! - input.rejected[i]!;
      if (d > 0) positive++;
      else if (d < 0) negative++;
    }
    if (positive === 0 || negative === 0) return null;
  }
  let beta = 1;
  for (let iter = 0; iter < 100; iter++) {
    const [g, h] = derivatives(beta);
    if (!(h > 0)) return null;
    let next = beta - g / h;
    if (next <= 0) next = beta / 2;
    // No finite optimum in a sensible range: the loss keeps falling as T -> 0 or T -> infinity.
    if (next > 1e4 || next < 1e-6) return null;
    if (Math.abs(next - beta) <= 1e-13 * beta) return 1 / next;
    beta = next;
  }
  return 1 / beta;
}

export function calibrate(input: CalibrationInput, options: CalibrationOptions = {}): CalibrationResult {
  validate(input);
  const bins = options.bins ?? 15;
  if (!Number.isInteger(bins) || bins < 1 || bins > 10000) throw new AnalysisError(`bins must be an integer from 1 to 10000, got ${bins}`, 'bad-option');
  const top = toTopLabel(input);
  const n = top.confidence.length;
  const edges = binEdges(bins);
  // Sums accumulated while the rows were read, when they are for these bins and rows; else one pass.
  const given = input.kind === 'top-label' ? input.sums : undefined;
  const rows = given && given.bins === bins && given.n === n ? withEce(given) : summarise(top, bins);

  const binRows: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    const count = rows.count[b]!;
    binRows.push({
      lower: edges[b]!,
      upper: edges[b + 1]!,
      count,
      mean_confidence: count ? rows.sumConf[b]! / count : null,
      accuracy: count ? rows.sumCorrect[b]! / count : null,
    });
  }

  let temperature: CalibrationResult['temperature'] = null;
  if (input.kind === 'pairs' || (input.kind === 'multiclass' && input.logits)) {
    const t = fitTemperature(input);
    if (t !== null) {
      const scaled = summarise(toTopLabel(input, t), bins);
      temperature = { value: t, nll: scaled.nll / scaled.n, ece: scaled.ece };
    }
  }

  return {
    n,
    accuracy: rows.correct / n,
    mean_confidence: rows.confidence / n,
    ece: rows.ece,
    mce: rows.mce,
    adaptive_ece: adaptiveEce(top, bins, rows.buckets),
    brier: rows.brier / n,
    nll: rows.nll / n,
    bins: binRows,
    temperature,
    ...bootstrapIntervals(top, edges, bins, options),
  };
}

type Intervals = Pick<CalibrationResult, 'ece_ci' | 'mce_ci' | 'adaptive_ece_ci' | 'brier_ci' | 'nll_ci'>;

/**
 * Percentile bootstrap of every figure: resample rows with replacement (index = floor(u * n) with
 * mulberry32(seed)), recompute ECE and MCE on the fixed bins, adaptive ECE on the resample (ties in
 * resample order), Brier and NLL, and take the (1 - level)/2 and (1 + level)/2 quantiles of each
 * (numpy linear interpolation). All five come from the same resamples.
 */
function bootstrapIntervals(top: TopLabel, edges: Float64Array, bins: number, options: CalibrationOptions): Intervals {
  const iterations = options.bootstrapIterations ?? 0;
  if (iterations === 0) return { ece_ci: null, mce_ci: null, adaptive_ece_ci: null, brier_ci: null, nll_ci: null };
  if (!Number.isInteger(iterations) || iterations < 2) throw new AnalysisError(`bootstrapIterations must be an integer >= 2, got ${iterations}`, 'bad-option');
  const seed = options.bootstrapSeed ?? 1;
  const level = options.bootstrapLevel ?? 0.95;
  if (!(level > 0 && level < 1)) throw new AnalysisError(`bootstrapLevel must be in (0, 1), got ${level}`, 'bad-option');
  const index = rowBins(top.confidence, edges);
  const random = mulberry32(seed);
  const n = index.length;
  const figures = { ece: new Float64Array(iterations), mce: new Float64Array(iterations), adaptive: new Float64Array(iterations), brier: new Float64Array(iterations), nll: new Float64Array(iterations) };
  const count = new Float64Array(bins);
  const sumConf = new Float64Array(bins);
  const sumCorrect = new Float64Array(bins);
  const resample: TopLabel = { confidence: new Float64Array(n), correct: new Uint8Array(n) };
  for (let it = 0; it < iterations; it++) {
    count.fill(0);
    sumConf.fill(0);
    sumCorrect.fill(0);
    let brier = 0;
    for (let r = 0; r < n; r++) {
      const i = Math.floor(random() * n);
      const b = index[i]!;
      const c = top.confidence[i]!;
      const k = top.correct[i]!;
      count[b]! += 1;
      sumConf[b]! += c;
      sumCorrect[b]! += k;
      brier += (c - k) * (c - k);
      resample.confidence[r] = c;
      resample.correct[r] = k;
    }
    const { ece, mce } = eceFromSums(count, sumConf, sumCorrect, n);
    figures.ece[it] = ece;
    figures.mce[it] = mce;
    figures.adaptive[it] = adaptiveEce(resample, bins);
    figures.brier[it] = brier / n;
    figures.nll[it] = topLabelNll(resample);
  }
  const interval = (xs: Float64Array) => {
    xs.sort();
    return { low: quantileSorted(xs, (1 - level) / 2), high: quantileSorted(xs, (1 + level) / 2), level, iterations, seed };
  };
  return {
    ece_ci: interval(figures.ece),
    mce_ci: interval(figures.mce),
    adaptive_ece_ci: interval(figures.adaptive),
    brier_ci: interval(figures.brier),
    nll_ci: interval(figures.nll),
  };
}
