/**
 * Distribution drift between a reference and a current sample: PSI on the reference's deciles,
 * Kolmogorov-Smirnov, Wasserstein-1 and Jensen-Shannon for numbers; chi-square and PSI over
 * categories for labels.
 */
import { requireFinite } from './finite';
import { chiSquareSf } from './stats/distributions';
import { kolmogorovSmirnovSf, roundHalfEven } from './stats/kolmogorov';
import { quantileSorted, sortedCopy } from './stats/quantile';
import { AnalysisError, type DriftBin, type DriftInput, type DriftOptions, type DriftResult } from './types';

/** Shares below this are raised to it before PSI, so an empty bin gives a large but finite term. */
export const PSI_SHARE_FLOOR = 1e-4;

/** Population stability index of two share vectors, with the floor applied to both. */
export function psi(reference: number[], current: number[]): number {
  let s = 0;
  for (let i = 0; i < reference.length; i++) {
    const r = Math.max(reference[i]!, PSI_SHARE_FLOOR);
    const c = Math.max(current[i]!, PSI_SHARE_FLOOR);
    s += (c - r) * Math.log(c / r);
  }
  return s;
}

/** Jensen-Shannon distance (base 2) of two distributions, normalised to sum 1 as scipy does. */
export function jensenShannonDistance(p: number[], q: number[]): number {
  const sp = p.reduce((s, x) => s + x, 0);
  const sq = q.reduce((s, x) => s + x, 0);
  let div = 0;
  for (let i = 0; i < p.length; i++) {
    const a = p[i]! / sp;
    const b = q[i]! / sq;
    const m = (a + b) / 2;
    if (a > 0) div += a * Math.log(a / m);
    if (b > 0) div += b * Math.log(b / m);
  }
  return Math.sqrt(Math.max(0, div / 2 / Math.LN2));
}

/** Two-sample KS statistic sup |F_ref - F_cur| of sorted samples. */
export function ksStatistic(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const x = Math.min(a[i]!, b[j]!);
    while (i < a.length && a[i]! <= x) i++;
    while (j < b.length && b[j]! <= x) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  return d;
}

/** Wasserstein-1 distance of sorted samples: the integral of |F_a - F_b|. */
export function wasserstein1(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let total = 0;
  let prev = Math.min(a[0]!, b[0]!);
  while (i < a.length || j < b.length) {
    const x = j >= b.length || (i < a.length && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    total += Math.abs(i / a.length - j / b.length) * (x - prev);
    while (i < a.length && a[i]! <= x) i++;
    while (j < b.length && b[j]! <= x) j++;
    prev = x;
  }
  return total;
}

/** Counts per bin: bin k holds edges[k-1] < x <= edges[k] (outer bins open). */
function binCounts(sorted: Float64Array, edges: number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  let k = 0;
  for (let i = 0; i < sorted.length; i++) {
    while (k < edges.length && sorted[i]! > edges[k]!) k++;
    counts[k]! += 1;
  }
  return counts;
}

/** What numeric drift is computed from: the reference's decile edges, both samples' counts per bin, KS and W1. */
export interface NumericDriftSummary {
  /** The 9 inner edges: the reference's deciles (numpy's linear interpolation). */
  edges: number[];
  /** Rows per bin (10 bins, bin k holds edges[k-1] < x <= edges[k]). */
  referenceCounts: number[];
  currentCounts: number[];
  n_reference: number;
  n_current: number;
  ks_statistic: number;
  wasserstein: number;
}

/**
 * Numeric drift from its summary: the pure finish shared by rows in memory (numericDrift below) and
 * aggregate SQL on a connection (sql/drift.ts), so both give the same figures from the same counts.
 */
export function numericDriftFromSummary(s: NumericDriftSummary, threshold: number): DriftResult {
  const refShares = s.referenceCounts.map((c) => c / s.n_reference);
  const curShares = s.currentCounts.map((c) => c / s.n_current);
  const bins: DriftBin[] = refShares.map((r, k) => ({
    lower: k === 0 ? null : s.edges[k - 1]!,
    upper: k === s.edges.length ? null : s.edges[k]!,
    reference_share: r,
    current_share: curShares[k]!,
  }));
  // scipy's ks_2samp(method='asymp'): the one-sample distribution at the effective size n1 n2 / (n1 + n2).
  const en = Math.max(1, roundHalfEven((s.n_reference * s.n_current) / (s.n_reference + s.n_current)));
  const index = psi(refShares, curShares);
  return {
    kind: 'numeric',
    n_reference: s.n_reference,
    n_current: s.n_current,
    psi: index,
    ks_statistic: s.ks_statistic,
    ks_p_value: kolmogorovSmirnovSf(en, s.ks_statistic),
    wasserstein: s.wasserstein,
    js_distance: jensenShannonDistance(refShares, curShares),
    chi2: null,
    chi2_p_value: null,
    drifted: index >= threshold,
    threshold,
    bins,
  };
}

/** The levels of the reference's decile edges. */
export const DRIFT_DECILES = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((q) => q / 10);

function numericDrift(reference: Float64Array, current: Float64Array, threshold: number): DriftResult {
  const ref = sortedCopy(reference);
  const cur = sortedCopy(current);
  const edges: number[] = [];
  for (const q of DRIFT_DECILES) edges.push(quantileSorted(ref, q));
  return numericDriftFromSummary(
    { edges, referenceCounts: binCounts(ref, edges), currentCounts: binCounts(cur, edges), n_reference: ref.length, n_current: cur.length, ks_statistic: ksStatistic(ref, cur), wasserstein: wasserstein1(ref, cur) },
    threshold,
  );
}

function categoricalDrift(reference: string[], current: string[], threshold: number): DriftResult {
  const index = new Map<string, number>();
  const refCounts: number[] = [];
  const curCounts: number[] = [];
  const count = (values: string[], own: number[], other: number[]): void => {
    for (const v of values) {
      let k = index.get(v);
      if (k === undefined) {
        k = index.size;
        index.set(v, k);
        own.push(0);
        other.push(0);
      }
      own[k]! += 1;
    }
  };
  count(reference, refCounts, curCounts);
  count(current, curCounts, refCounts);
  return categoricalDriftFromCounts([...index.keys()], refCounts, curCounts, threshold);
}

/** Categorical drift from the rows per category of each sample (shared with sql/drift.ts). */
export function categoricalDriftFromCounts(categories: string[], refCounts: number[], curCounts: number[], threshold: number): DriftResult {
  const nr = refCounts.reduce((s, x) => s + x, 0);
  const nc = curCounts.reduce((s, x) => s + x, 0);
  // Chi-square test of homogeneity on the 2 x K table, no continuity correction.
  let chi2 = 0;
  const total = nr + nc;
  for (let k = 0; k < categories.length; k++) {
    const col = refCounts[k]! + curCounts[k]!;
    const er = (nr * col) / total;
    const ec = (nc * col) / total;
    chi2 += (refCounts[k]! - er) ** 2 / er + (curCounts[k]! - ec) ** 2 / ec;
  }
  const df = categories.length - 1;
  const refShares = refCounts.map((c) => c / nr);
  const curShares = curCounts.map((c) => c / nc);
  const index_ = psi(refShares, curShares);
  return {
    kind: 'categorical',
    n_reference: nr,
    n_current: nc,
    psi: index_,
    ks_statistic: null,
    ks_p_value: null,
    wasserstein: null,
    js_distance: jensenShannonDistance(refShares, curShares),
    chi2,
    chi2_p_value: df > 0 ? chiSquareSf(chi2, df) : 1,
    drifted: index_ >= threshold,
    threshold,
    bins: categories.map((category, k) => ({ lower: null, upper: null, category, reference_share: refShares[k]!, current_share: curShares[k]! })),
  };
}

export function analyzeDrift(input: DriftInput, options: DriftOptions = {}): DriftResult {
  const threshold = options.threshold ?? 0.2;
  if (!(threshold >= 0)) throw new AnalysisError(`threshold must be a non-negative number, got ${threshold}`, 'bad-option');
  if (input.reference.length === 0) throw new AnalysisError('drift needs a non-empty reference sample');
  if (input.current.length === 0) throw new AnalysisError('drift needs a non-empty current sample');
  if (input.kind === 'numeric') {
    requireFinite(input.reference, 'the reference value');
    requireFinite(input.current, 'the current value');
  }
  return input.kind === 'numeric' ? numericDrift(input.reference, input.current, threshold) : categoricalDrift(input.reference, input.current, threshold);
}
