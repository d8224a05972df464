// AssemblyScript, compiled to dist/server/calibration.wasm by esbuild.mjs (`npm run build`).
//
// Calibration's passes over every row (server/src/analysis/calibration.ts loads this module and
// says what each figure is):
//   add        the per-row sums (RowSummariser): binned counts and sums, the totals, Brier, NLL and
//              adaptive ECE's bucket histogram, in one pass;
//   histogram  adaptive ECE's bucket histogram alone (the bootstrap's resamples);
//   gather     the values of the buckets holding adaptive ECE's order statistics;
//   assign     each row's equal-count chunk, summed per chunk (adaptive ECE itself).
// It is WebAssembly because these run once per analysis on up to millions of rows, where JavaScript
// spends the first pass warming up its compiler (measured on 1M rows: the sums took 110-140 ms,
// 58 ms once warm, and 35-55 ms here; adaptive ECE 64-84 ms). Its floating-point operations are the
// IEEE ones the JavaScript did, in the same order, and its logarithm is fdlibm's, as V8's Math.log
// is: the figures do not depend on which reader delivered the rows or in how many blocks.
//
// Memory layout, shared with calibration.ts (offsets exported below):
//   EDGES        f64 x (bins + 1)   bin edges, numpy.linspace(0, 1, bins + 1)
//   COUNT        f64 x bins         rows per bin
//   SUM_CONF     f64 x bins         sum of confidence per bin
//   SUM_CORRECT  f64 x bins         sum of correct per bin
//   SCALARS      f64 x 8            confidence, correct, brier, nll, invalid, histogram off (1)
//   BUCKETS      u32 x 65536        adaptive ECE's histogram: floor(c * 65536), clamped
//   CONF         f64 x BLOCK        the block of rows a pass reads: confidences
//   CORRECT      u8 x BLOCK         and correct flags (0, 1; anything else is invalid)
// adaptive ECE's, used during one adaptiveEce call only:
//   HIST         u32 x 65536        bucket histogram (histogram)
//   SLOT         i32 x 65536        per bucket: its gather slot, or -1 (gather)
//   SLOT_AT      i32 x 2 x 20000    per slot: where its values go in GATHERED, how many are there
//   BY_BUCKET    i32 x 65536        per bucket: its chunk, or -1 where a chunk starts in it (assign)
//   FIRST        f64 x 10000        each chunk's first value
//   TIES         f64 x 3 x 10000    values on both sides of a chunk boundary: value, first sorted
//                                   position, rows placed so far; sorted by value
//   CHUNK_CONF   f64 x 10000        per chunk: sum of confidence
//   CHUNK_CORRECT f64 x 10000       per chunk: sum of correct
//   GATHERED     f64 x ...          the gathered values (the memory is grown to fit them)
const MAX_BINS: usize = 10000;
const BUCKET_COUNT: i32 = 65536;
export const BLOCK: i32 = 65536;

export const EDGES: usize = 0;
export const COUNT: usize = EDGES + (MAX_BINS + 8) * 8;
export const SUM_CONF: usize = COUNT + (MAX_BINS + 8) * 8;
export const SUM_CORRECT: usize = SUM_CONF + (MAX_BINS + 8) * 8;
export const SCALARS: usize = SUM_CORRECT + (MAX_BINS + 8) * 8;
export const BUCKETS: usize = SCALARS + 64;
export const CONF: usize = BUCKETS + <usize>BUCKET_COUNT * 4;
export const CORRECT: usize = CONF + <usize>BLOCK * 8;
export const HIST: usize = CORRECT + <usize>BLOCK;
export const SLOT: usize = HIST + <usize>BUCKET_COUNT * 4;
export const SLOT_AT: usize = SLOT + <usize>BUCKET_COUNT * 4;
export const BY_BUCKET: usize = SLOT_AT + 2 * (2 * MAX_BINS + 8) * 4;
export const FIRST: usize = BY_BUCKET + <usize>BUCKET_COUNT * 4;
export const TIES: usize = FIRST + (MAX_BINS + 8) * 8;
export const CHUNK_CONF: usize = TIES + 3 * (MAX_BINS + 8) * 8;
export const CHUNK_CORRECT: usize = CHUNK_CONF + (MAX_BINS + 8) * 8;
export const GATHERED: usize = CHUNK_CORRECT + (MAX_BINS + 8) * 8;
export const END: usize = GATHERED;

const S_CONF: usize = SCALARS;
const S_CORRECT: usize = SCALARS + 8;
const S_BRIER: usize = SCALARS + 16;
const S_NLL: usize = SCALARS + 24;
const S_INVALID: usize = SCALARS + 32;
const S_NO_HISTOGRAM: usize = SCALARS + 40;

const NLL_CLIP: f64 = 1e-12;

/** Clears every sum and writes the edges for `bins` bins (1..10000). */
export function reset(bins: i32): void {
  memory.fill(COUNT, 0, BUCKETS + <usize>BUCKET_COUNT * 4 - COUNT);
  const step: f64 = 1.0 / <f64>bins;
  for (let i = 0; i < bins; i++) store<f64>(EDGES + (<usize>i << 3), <f64>i * step);
  store<f64>(EDGES + (<usize>bins << 3), 1.0);
}

@inline function edge(i: i32): f64 {
  return load<f64>(EDGES + (<usize>i << 3));
}

/** The bin of a confidence: bin i holds (edges[i], edges[i+1]]; the first bin also holds 0 (calibration.ts binOf). */
@inline function binOf(c: f64, bins: i32): i32 {
  // In f64 until clamped, as JavaScript computes it (an i32 conversion first would saturate and wrap).
  const e = Math.ceil(c * <f64>bins) - 1.0;
  let b = e < 0.0 ? 0 : e >= <f64>bins ? bins - 1 : <i32>e;
  while (b > 0 && c <= edge(b)) b--;
  while (b < bins - 1 && c > edge(b + 1)) b++;
  return b;
}

/** Adds the first `count` rows of the block, in order. */
export function add(count: i32, bins: i32): void {
  let totalConf = load<f64>(S_CONF);
  let totalCorrect = load<f64>(S_CORRECT);
  let brier = load<f64>(S_BRIER);
  let nll = load<f64>(S_NLL);
  let invalid = load<f64>(S_INVALID);
  let noHistogram = load<f64>(S_NO_HISTOGRAM);
  for (let i = 0; i < count; i++) {
    const c = load<f64>(CONF + (<usize>i << 3));
    const k = <i32>load<u8>(CORRECT + <usize>i);
    const kf = <f64>k;
    // NaN: JavaScript's ceil(NaN) - 1 is NaN, whose comparisons all fail, and a NaN index of a typed
    // array is no element: such a row changes no bin. The caller counts it invalid and never uses
    // the bins, but they must not be touched here either (i32 of NaN is 0 here).
    if (c == c) {
      const off = <usize>binOf(c, bins) << 3;
      store<f64>(COUNT + off, load<f64>(COUNT + off) + 1.0);
      store<f64>(SUM_CONF + off, load<f64>(SUM_CONF + off) + c);
      store<f64>(SUM_CORRECT + off, load<f64>(SUM_CORRECT + off) + kf);
    }
    totalConf += c;
    totalCorrect += kf;
    brier += (c - kf) * (c - kf);
    let p = k ? c : 1.0 - c;
    if (p < NLL_CLIP) p = NLL_CLIP;
    else if (p > 1.0 - NLL_CLIP) p = 1.0 - NLL_CLIP;
    nll += -log(p);
    if (c >= 0.0 && c <= 1.0) {
      if (noHistogram == 0.0) {
        let q = <i32>Math.floor(c * <f64>BUCKET_COUNT);
        if (q >= BUCKET_COUNT) q = BUCKET_COUNT - 1;
        const at = BUCKETS + (<usize>q << 2);
        store<u32>(at, load<u32>(at) + 1);
      }
    } else {
      noHistogram = 1.0;
      invalid += 1.0;
    }
    if (k != 0 && k != 1) invalid += 1.0;
  }
  store<f64>(S_CONF, totalConf);
  store<f64>(S_CORRECT, totalCorrect);
  store<f64>(S_BRIER, brier);
  store<f64>(S_NLL, nll);
  store<f64>(S_INVALID, invalid);
  store<f64>(S_NO_HISTOGRAM, noHistogram);
}

/** calibration.ts bucketOf: floor(c * 65536), the last bucket holding 1. */
@inline function bucketOf(c: f64): i32 {
  const q = <i32>Math.floor(c * <f64>BUCKET_COUNT);
  return q >= BUCKET_COUNT ? BUCKET_COUNT - 1 : q;
}

/** Adds the block's first `count` values to HIST: 1, or 0 at the first value outside [0, 1] (or NaN), where it stops. */
export function histogram(count: i32): i32 {
  for (let i = 0; i < count; i++) {
    const c = load<f64>(CONF + (<usize>i << 3));
    if (!(c >= 0.0 && c <= 1.0)) return 0;
    const at = HIST + (<usize>bucketOf(c) << 2);
    store<u32>(at, load<u32>(at) + 1);
  }
  return 1;
}

/** Copies the block's values whose bucket has a slot to their slot's place in GATHERED, in row order. */
export function gather(count: i32): void {
  for (let i = 0; i < count; i++) {
    const c = load<f64>(CONF + (<usize>i << 3));
    const s = load<i32>(SLOT + (<usize>bucketOf(c) << 2));
    if (s >= 0) {
      const slot = SLOT_AT + (<usize>s << 3);
      const filled = load<i32>(slot + 4);
      store<f64>(GATHERED + ((<usize>load<i32>(slot) + <usize>filled) << 3), c);
      store<i32>(slot + 4, filled + 1);
    }
  }
}

/**
 * Adds the block's rows to their chunk's sums (CHUNK_CONF, CHUNK_CORRECT), in row order: a bucket
 * without a chunk's first value has its chunk in BY_BUCKET (`bucketed`); else the chunk is the last
 * whose first value is <= c, and a value tied across a boundary takes the next of its sorted
 * positions (TIES, `ties` of them). `base`, `extra`: numpy.array_split's chunk sizes.
 */
export function assign(count: i32, chunks: i32, bucketed: i32, ties: i32, base: f64, extra: f64): void {
  for (let i = 0; i < count; i++) {
    const c = load<f64>(CONF + (<usize>i << 3));
    let b: i32 = bucketed ? load<i32>(BY_BUCKET + (<usize>bucketOf(c) << 2)) : -1;
    if (b < 0) {
      let lo: i32 = 0;
      let hi: i32 = chunks - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (load<f64>(FIRST + (<usize>mid << 3)) <= c) lo = mid;
        else hi = mid - 1;
      }
      b = lo;
      if (b > 0 && ties > 0 && load<f64>(FIRST + (<usize>b << 3)) == c) {
        const t = tieOf(c, ties);
        if (t >= 0) {
          const at = TIES + (<usize>t * 24);
          const seen = load<f64>(at + 16);
          store<f64>(at + 16, seen + 1.0);
          b = chunkOf(load<f64>(at + 8) + seen, base, extra);
        }
      }
    }
    const off = <usize>b << 3;
    store<f64>(CHUNK_CONF + off, load<f64>(CHUNK_CONF + off) + c);
    store<f64>(CHUNK_CORRECT + off, load<f64>(CHUNK_CORRECT + off) + <f64>load<u8>(CORRECT + <usize>i));
  }
}

/** The TIES entry holding value c (binary search by value), or -1. */
@inline function tieOf(c: f64, ties: i32): i32 {
  let lo: i32 = 0;
  let hi: i32 = ties - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = load<f64>(TIES + (<usize>mid * 24));
    if (v < c) lo = mid + 1;
    else if (v > c) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/** The chunk of sorted position `pos`: `extra` chunks of base + 1 rows, then chunks of `base`. */
@inline function chunkOf(pos: f64, base: f64, extra: f64): i32 {
  const big = extra * (base + 1.0);
  return pos < big ? <i32>Math.floor(pos / (base + 1.0)) : <i32>(extra + Math.floor((pos - big) / base));
}

// fdlibm's __ieee754_log (e_log.c, as FreeBSD's msun and V8's src/base/ieee754.cc have it).
const LN2_HI: f64 = 6.93147180369123816490e-01;
const LN2_LO: f64 = 1.90821492927058770002e-10;
const TWO54: f64 = 1.80143985094819840000e16;
const LG1: f64 = 6.666666666666735130e-01;
const LG2: f64 = 3.999999999940941908e-01;
const LG3: f64 = 2.857142874366239149e-01;
const LG4: f64 = 2.222219843214978396e-01;
const LG5: f64 = 1.818357216161805012e-01;
const LG6: f64 = 1.531383769920937332e-01;
const LG7: f64 = 1.479819860511658591e-01;

@inline function highWord(x: f64): i32 {
  return <i32>(reinterpret<u64>(x) >> 32);
}

@inline function withHighWord(x: f64, hi: i32): f64 {
  return reinterpret<f64>((<u64>(<u32>hi) << 32) | (reinterpret<u64>(x) & 0xffffffff));
}

export function log(x: f64): f64 {
  let hx = highWord(x);
  const lx = <u32>reinterpret<u64>(x);
  let k: i32 = 0;
  if (hx < 0x00100000) {
    if (((hx & 0x7fffffff) | lx) == 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    hx = highWord(x);
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  let i = (hx + 0x95f64) & 0x100000;
  x = withHighWord(x, hx | (i ^ 0x3ff00000));
  k += i >> 20;
  const f = x - 1.0;
  if ((0x000fffff & (2 + hx)) < 3) {
    if (f == 0.0) {
      if (k == 0) return 0.0;
      const dk = <f64>k;
      return dk * LN2_HI + dk * LN2_LO;
    }
    const R = f * f * (0.5 - 0.33333333333333333 * f);
    if (k == 0) return f - R;
    const dk = <f64>k;
    return dk * LN2_HI - ((R - dk * LN2_LO) - f);
  }
  const s = f / (2.0 + f);
  const dk = <f64>k;
  const z = s * s;
  i = hx - 0x6147a;
  const w = z * z;
  const j = 0x6b851 - hx;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  i |= j;
  const R = t2 + t1;
  if (i > 0) {
    const hfsq = 0.5 * f * f;
    if (k == 0) return f - (hfsq - s * (hfsq + R));
    return dk * LN2_HI - ((hfsq - (s * (hfsq + R) + dk * LN2_LO)) - f);
  }
  if (k == 0) return f - s * (f - R);
  return dk * LN2_HI - ((s * (f - R) - dk * LN2_LO) - f);
}
