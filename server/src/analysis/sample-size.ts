/**
 * Sample size and power of a two-sided, two-sample test of proportions (pooled-variance z-test),
 * used by `experiment/underpowered` and the experiment hover.
 *
 * Formula (Fleiss, Levin & Paik, "Statistical Methods for Rates and Proportions", 3rd ed., eq. 4.14,
 * without the continuity correction), per variant, equal allocation:
 *
 *   n = ( z_{1-α/2} · sqrt(2 p̄ q̄) + z_{1-β} · sqrt(p1 q1 + p2 q2) )² / δ²
 *
 * with δ = |p2 − p1| the absolute minimum detectable effect, p̄ = (p1 + p2)/2, q = 1 − p,
 * α = 1 − confidence, 1 − β = power. The first term is the critical value under H0 (pooled
 * variance), the second the spread under H1 (unpooled). The probability of rejecting in the
 * "wrong" tail is ignored, as in the textbook formula, so `powerForSampleSize` is its exact inverse.
 *
 * Baseline: when no baseline rate is known the rates are centred on 0.5 (p1 = 0.5 − δ/2,
 * p2 = 0.5 + δ/2). Both variance terms peak there, so this is the worst case: the largest n any
 * baseline could need for this δ.
 *
 * Variance reduction (CUPED): with a pre-period covariate whose correlation with the metric is r,
 * the adjusted metric's variance is (1 - r²) times the raw one under both hypotheses, so n is
 * multiplied by `varianceFactor` = 1 - r² and the power at n is the power at n / (1 - r²)
 * (Deng et al. 2013, section 3.2).
 */
import quantile from '@stdlib/stats-base-dists-normal-quantile';
import cdf from '@stdlib/stats-base-dists-normal-cdf';

export interface ProportionTestDesign {
  /** Absolute minimum detectable effect, 0 < mde < 1. */
  mde: number;
  /** Desired power, 0 < power < 1 (default 0.8). */
  power?: number;
  /** Confidence level of the two-sided test, 0 < confidence < 1 (default 0.95). */
  confidence?: number;
  /** Control conversion rate; undefined means the worst case (rates centred on 0.5). */
  baseline?: number;
  /** Which way the treatment rate moves from the baseline (default: up, unless that passes 1). */
  direction?: 'increase' | 'decrease';
  /** Variance kept after CUPED, 1 - r² for covariate correlation r (default 1: no covariate). */
  varianceFactor?: number;
}

export interface ProportionRates {
  p1: number;
  p2: number;
}

export const DEFAULT_POWER = 0.8;
export const DEFAULT_CONFIDENCE = 0.95;

/** Why a design cannot be evaluated, or undefined when it can. */
export function designProblem(d: ProportionTestDesign): string | undefined {
  const inOpen01 = (x: number) => Number.isFinite(x) && x > 0 && x < 1;
  if (!inOpen01(d.mde)) return `mde must be between 0 and 1 (an absolute difference in rates), got ${d.mde}`;
  if (d.power !== undefined && !inOpen01(d.power)) return `power must be between 0 and 1, got ${d.power}`;
  if (d.varianceFactor !== undefined && !(d.varianceFactor > 0 && d.varianceFactor <= 1)) return `the variance factor 1 - r² must be in (0, 1], got ${d.varianceFactor}`;
  if (d.confidence !== undefined && !inOpen01(d.confidence)) return `confidence must be between 0 and 1, got ${d.confidence}`;
  if (d.baseline !== undefined) {
    if (!inOpen01(d.baseline)) return `baseline must be between 0 and 1, got ${d.baseline}`;
    if (d.baseline + d.mde >= 1 && d.baseline - d.mde <= 0) return `mde ${d.mde} is too large for baseline ${d.baseline}`;
  }
  return undefined;
}

/** The two rates the test compares. */
export function designRates(d: ProportionTestDesign): ProportionRates {
  if (d.baseline === undefined) return { p1: 0.5 - d.mde / 2, p2: 0.5 + d.mde / 2 };
  const up = d.baseline + d.mde;
  const down = d.baseline - d.mde;
  const wantDown = d.direction === 'decrease' ? down > 0 : up >= 1;
  return { p1: d.baseline, p2: wantDown ? down : up };
}

function terms(d: ProportionTestDesign): { zAlpha: number; h0: number; h1: number; delta: number } {
  const problem = designProblem(d);
  if (problem) throw new RangeError(problem);
  const { p1, p2 } = designRates(d);
  const pBar = (p1 + p2) / 2;
  return {
    zAlpha: quantile(1 - (1 - (d.confidence ?? DEFAULT_CONFIDENCE)) / 2, 0, 1),
    h0: Math.sqrt(2 * pBar * (1 - pBar)),
    h1: Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2)),
    delta: Math.abs(p2 - p1),
  };
}

/** Per-variant sample size before rounding (throws RangeError on an invalid design). */
export function sampleSizeExact(d: ProportionTestDesign): number {
  const { zAlpha, h0, h1, delta } = terms(d);
  const zBeta = quantile(d.power ?? DEFAULT_POWER, 0, 1);
  return ((zAlpha * h0 + zBeta * h1) ** 2 / delta ** 2) * (d.varianceFactor ?? 1);
}

/** Units needed per variant, rounded up (throws RangeError on an invalid design). */
export function sampleSizePerVariant(d: ProportionTestDesign): number {
  // Guard against 1000.0000000002 becoming 1001 through floating-point noise.
  return Math.ceil(sampleSizeExact(d) - 1e-9);
}

/** Power the test reaches with `n` units per variant (throws RangeError on an invalid design). */
export function powerForSampleSize(d: ProportionTestDesign, n: number): number {
  if (!(n > 0)) return 0;
  const { zAlpha, h0, h1, delta } = terms(d);
  n /= d.varianceFactor ?? 1;
  return cdf((Math.sqrt(n) * delta - zAlpha * h0) / h1, 0, 1);
}
