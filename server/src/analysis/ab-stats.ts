/**
 * A/B statistics computed from per-variant sufficient statistics only (counts, sums, sums of squares,
 * cross-products, a few order statistics), so that the same functions finish an analysis whether the
 * sums were taken in-process over a file or pushed down to a warehouse as aggregate SQL.
 *
 *   CUPED (Deng et al. 2013) and ANCOVA regression adjustment with a pre-period covariate
 *   ratio metrics with the delta method
 *   quantile metrics with the order-statistic (normal approximation to the binomial) interval
 *   Benjamini-Hochberg adjusted p-values
 *   a sequential (anytime-valid) sample-ratio-mismatch check (Lindon & Malek 2022)
 *
 * Conventions are in docs/analyses.md (section `ab`); oracles in test/oracles/ab_stats.py.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import { normalQuantile, normalTwoSidedP, studentTQuantile, studentTTwoSidedP } from './stats/distributions';
import { AnalysisError } from './types';

/**
 * Sums of one variant: `y` is the metric (or a ratio's numerator), `x` the pre-period covariate
 * (or a ratio's denominator). Only units with both values count.
 */
export interface Moments {
  n: number;
  sum_y: number;
  sum_y2: number;
  sum_x: number;
  sum_x2: number;
  sum_xy: number;
}

export const emptyMoments = (): Moments => ({ n: 0, sum_y: 0, sum_y2: 0, sum_x: 0, sum_x2: 0, sum_xy: 0 });

export function addMoments(a: Moments, b: Moments): Moments {
  return { n: a.n + b.n, sum_y: a.sum_y + b.sum_y, sum_y2: a.sum_y2 + b.sum_y2, sum_x: a.sum_x + b.sum_x, sum_x2: a.sum_x2 + b.sum_x2, sum_xy: a.sum_xy + b.sum_xy };
}

/** Accumulates one unit (the in-process counterpart of the SUM()s a pushed-down query sends). */
export function pushMoments(m: Moments, y: number, x: number): void {
  m.n++;
  m.sum_y += y;
  m.sum_y2 += y * y;
  m.sum_x += x;
  m.sum_x2 += x * x;
  m.sum_xy += x * y;
}

export function momentsOf(y: ArrayLike<number>, x: ArrayLike<number>): Moments {
  const m = emptyMoments();
  for (let i = 0; i < y.length; i++) pushMoments(m, y[i]!, x[i]!);
  return m;
}

/** Means and (n - 1) sample variances / covariance. */
export function centred(m: Moments): { my: number; mx: number; vy: number; vx: number; cxy: number } {
  const my = m.sum_y / m.n;
  const mx = m.sum_x / m.n;
  const d = m.n - 1;
  // Corrected sums of squares; clamped at 0 against rounding on constant columns.
  const syy = Math.max(0, m.sum_y2 - m.sum_y * my);
  const sxx = Math.max(0, m.sum_x2 - m.sum_x * mx);
  const sxy = m.sum_xy - m.sum_x * my;
  return { my, mx, vy: syy / d, vx: sxx / d, cxy: sxy / d };
}

/** Result of one comparison: estimate, its interval, p-value, and the squared standard error. */
export interface Comparison {
  mean: number;
  control_mean: number;
  diff: number;
  ci: [number, number];
  p: number;
  /** Squared standard error of `diff` (for the sequential test and the variance reduction). */
  v: number;
  /** Squared standard error of the unadjusted difference (CUPED / regression only). */
  v_unadjusted?: number;
}

function welchFromParts(mean: number, controlMean: number, a: number, b: number, nv: number, nc: number, confidence: number): Comparison {
  const diff = mean - controlMean;
  const v = a + b;
  if (v === 0) return { mean, control_mean: controlMean, diff, ci: [diff, diff], p: diff === 0 ? 1 : 0, v };
  const se = Math.sqrt(v);
  const df = (v * v) / ((a * a) / (nv - 1) + (b * b) / (nc - 1));
  const t = diff / se;
  const q = studentTQuantile(1 - (1 - confidence) / 2, df);
  return { mean, control_mean: controlMean, diff, ci: [diff - q * se, diff + q * se], p: studentTTwoSidedP(t, df), v };
}

function normalComparison(mean: number, controlMean: number, v: number, confidence: number): Comparison {
  const diff = mean - controlMean;
  if (!(v > 0)) return { mean, control_mean: controlMean, diff, ci: [diff, diff], p: diff === 0 ? 1 : 0, v: 0 };
  const se = Math.sqrt(v);
  const q = normalQuantile(1 - (1 - confidence) / 2);
  return { mean, control_mean: controlMean, diff, ci: [diff - q * se, diff + q * se], p: normalTwoSidedP(diff / se), v };
}

// ---------------------------------------------------------------- CUPED / regression adjustment

/**
 * CUPED's theta: the slope of y on x over all units of all variants pooled, cov(x, y) / var(x).
 * 0 when the covariate is constant (no adjustment possible).
 */
export function cupedTheta(all: Moments[]): number {
  const total = all.reduce(addMoments, emptyMoments());
  const c = centred(total);
  return c.vx > 0 ? c.cxy / c.vx : 0;
}

/**
 * CUPED: y_adj = y - theta (x - mean_x over all units). Per variant the adjusted mean is
 * mean_y - theta (mean_x - grand_mean_x) and its sample variance var_y - 2 theta cov + theta^2 var_x;
 * the comparison is Welch's t-test on the adjusted values (exactly scipy's ttest_ind(equal_var=False)
 * on the adjusted column).
 */
export function cupedCompare(variant: Moments, control: Moments, theta: number, grandMeanX: number, confidence: number): Comparison {
  const v = centred(variant);
  const c = centred(control);
  const adjVar = (s: ReturnType<typeof centred>) => Math.max(0, s.vy - 2 * theta * s.cxy + theta * theta * s.vx);
  const mean = v.my - theta * (v.mx - grandMeanX);
  const controlMean = c.my - theta * (c.mx - grandMeanX);
  const out = welchFromParts(mean, controlMean, adjVar(v) / variant.n, adjVar(c) / control.n, variant.n, control.n, confidence);
  return { ...out, v_unadjusted: v.vy / variant.n + c.vy / control.n };
}

/**
 * Regression adjustment (ANCOVA): OLS of y on variant indicators and the covariate with one common
 * slope, `y ~ C(variant) + x`. The effect of a variant is its indicator's coefficient,
 * (mean_y,g - mean_y,0) - b (mean_x,g - mean_x,0) with b the pooled within-variant slope; its
 * classical OLS standard error sigma^2 (1/n_g + 1/n_0 + (mean_x,g - mean_x,0)^2 / Sxx_within), df = N - k - 1
 * (as statsmodels OLS).
 */
export function regressionAdjust(byVariant: Moments[]): { slope: number; sigma2: number; df: number; sxxWithin: number } {
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  let n = 0;
  for (const m of byVariant) {
    const my = m.sum_y / m.n;
    const mx = m.sum_x / m.n;
    sxx += m.sum_x2 - m.sum_x * mx;
    sxy += m.sum_xy - m.sum_x * my;
    syy += m.sum_y2 - m.sum_y * my;
    n += m.n;
  }
  const df = n - byVariant.length - 1;
  if (!(sxx > 0)) throw new AnalysisError('regression adjustment: the covariate is constant within every variant', 'degenerate');
  if (df < 1) throw new AnalysisError('regression adjustment needs more units than variants + 1', 'degenerate');
  const slope = sxy / sxx;
  const rss = Math.max(0, syy - slope * sxy);
  return { slope, sigma2: rss / df, df, sxxWithin: sxx };
}

export function regressionCompare(variant: Moments, control: Moments, fit: ReturnType<typeof regressionAdjust>, confidence: number): Comparison {
  const v = centred(variant);
  const c = centred(control);
  const mean = v.my - fit.slope * (v.mx - c.mx);
  const diff = mean - c.my;
  const dx = v.mx - c.mx;
  const variance = fit.sigma2 * (1 / variant.n + 1 / control.n + (dx * dx) / fit.sxxWithin);
  const vUnadj = v.vy / variant.n + c.vy / control.n;
  if (!(variance > 0)) return { mean, control_mean: c.my, diff, ci: [diff, diff], p: diff === 0 ? 1 : 0, v: 0, v_unadjusted: vUnadj };
  const se = Math.sqrt(variance);
  const q = studentTQuantile(1 - (1 - confidence) / 2, fit.df);
  return { mean, control_mean: c.my, diff, ci: [diff - q * se, diff + q * se], p: studentTTwoSidedP(diff / se, fit.df), v: variance, v_unadjusted: vUnadj };
}

// ---------------------------------------------------------------- ratio metrics (delta method)

/**
 * A ratio metric sum(y) / sum(x) over a variant's units (cost per success, tokens per session), with
 * the delta-method variance (Deng et al. 2018): (var_y - 2 R cov_xy + R^2 var_x) / (n mean_x^2),
 * sample (n - 1) moments.
 */
export function deltaRatio(m: Moments): { ratio: number; variance: number } {
  if (m.sum_x === 0) throw new AnalysisError('ratio metric: the denominator sums to 0', 'degenerate');
  const c = centred(m);
  const r = m.sum_y / m.sum_x;
  const variance = Math.max(0, (c.vy - 2 * r * c.cxy + r * r * c.vx) / (m.n * c.mx * c.mx));
  return { ratio: r, variance };
}

/** Difference of two ratios with a normal (z) interval and p-value. */
export function ratioCompare(variant: Moments, control: Moments, confidence: number): Comparison {
  const a = deltaRatio(variant);
  const b = deltaRatio(control);
  return normalComparison(a.ratio, b.ratio, a.variance + b.variance, confidence);
}

// ---------------------------------------------------------------- quantile metrics

/** A quantile of one variant and the order statistics bracketing it, at the levels of `quantileLevels`. */
export interface QuantileSummary {
  n: number;
  value: number;
  lower: number;
  upper: number;
}

/**
 * Levels of the order-statistic interval for the p-quantile of n values: p -+ z sqrt(p (1 - p) / n)
 * (the normal approximation to the binomial count of values below the quantile), clamped to [0, 1].
 * Computed the same way for in-process and pushed-down runs so both pick the same order statistics.
 */
export function quantileLevels(p: number, n: number, confidence: number): { lower: number; upper: number } {
  const h = normalQuantile(1 - (1 - confidence) / 2) * Math.sqrt((p * (1 - p)) / n);
  return { lower: Math.max(0, p - h), upper: Math.min(1, p + h) };
}

/**
 * 0-based index of the order statistic reported at `level` among n sorted values: floor(level n),
 * the last one at level 1. This is ClickHouse's quantileExact, so a pushed-down query returns the
 * same value.
 */
export function quantileIndex(level: number, n: number): number {
  return level >= 1 ? n - 1 : Math.min(n - 1, Math.floor(level * n));
}

/** The summary of sorted values for the p-quantile. */
export function quantileSummary(sorted: Float64Array, p: number, confidence: number): QuantileSummary {
  const n = sorted.length;
  if (n === 0) throw new AnalysisError('quantile of an empty sample');
  const l = quantileLevels(p, n, confidence);
  return { n, value: sorted[quantileIndex(p, n)]!, lower: sorted[quantileIndex(l.lower, n)]!, upper: sorted[quantileIndex(l.upper, n)]! };
}

/**
 * Difference of two quantiles. Each variant's standard error is read off its order-statistic interval,
 * (upper - lower) / (2 z), as the sketch-based platforms do; the difference is then normal.
 */
export function quantileCompare(variant: QuantileSummary, control: QuantileSummary, confidence: number): Comparison {
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const se = (s: QuantileSummary) => (s.upper - s.lower) / (2 * z);
  return normalComparison(variant.value, control.value, se(variant) ** 2 + se(control) ** 2, confidence);
}

// ---------------------------------------------------------------- multiplicity

/** Benjamini-Hochberg step-up adjusted p-values (statsmodels multipletests method 'fdr_bh'). */
export function benjaminiHochberg(p: number[]): number[] {
  const m = p.length;
  const order = p.map((_, i) => i).sort((i, j) => p[j]! - p[i]!); // descending
  const out = new Array<number>(m);
  let running = 1;
  order.forEach((idx, k) => {
    const rank = m - k; // 1-based rank in ascending order
    running = Math.min(running, (p[idx]! * m) / rank);
    out[idx] = Math.min(1, running);
  });
  return out;
}

// ---------------------------------------------------------------- sequential SRM

/** Dirichlet concentration of the sequential SRM prior (alpha_i = concentration x expected share). */
export const SRM_CONCENTRATION = 100;

/**
 * Anytime-valid SRM check (Lindon & Malek 2022, "Anytime-valid inference for multinomial count data"):
 * the Bayes factor of a Dirichlet(alpha) mixture over the assignment probabilities against the
 * configured shares theta0,
 *   BF = Gamma(A) / Gamma(A + N) * prod Gamma(alpha_i + n_i) / Gamma(alpha_i) / prod theta0_i^n_i,
 * with alpha = concentration x theta0 and A = sum alpha. p = min(1, 1/BF) is valid however often it is
 * looked at (taking the running minimum over looks is valid too; the counts alone give this look's value).
 */
export function sequentialSrm(observed: number[], shares: number[], concentration = SRM_CONCENTRATION): { p: number; log_bayes_factor: number } {
  const alpha = shares.map((s) => s * concentration);
  const A = alpha.reduce((s, x) => s + x, 0);
  const N = observed.reduce((s, x) => s + x, 0);
  let logBf = gammaln(A) - gammaln(A + N);
  for (let i = 0; i < observed.length; i++) {
    const ni = observed[i]!;
    logBf += gammaln(alpha[i]! + ni) - gammaln(alpha[i]!) - (ni > 0 ? ni * Math.log(shares[i]!) : 0);
  }
  return { p: Math.min(1, Math.exp(-logBf)), log_bayes_factor: logBf };
}
