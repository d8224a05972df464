/**
 * Distribution functions used by the analyses. Special functions come from stdlib (ports of
 * Boost/Cephes); upper tails are computed directly, not as 1 - cdf, so tiny p-values keep their
 * relative precision.
 */
import betainc from '@stdlib/math-base-special-betainc';
import gammainc from '@stdlib/math-base-special-gammainc';
import normalCdfStd from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantileStd from '@stdlib/stats-base-dists-normal-quantile';
import tQuantileStd from '@stdlib/stats-base-dists-t-quantile';

/** P(Z > z) for a standard normal, accurate in the far tail. */
export function normalSf(z: number): number {
  return normalCdfStd(-z, 0, 1);
}

export function normalQuantile(p: number): number {
  return normalQuantileStd(p, 0, 1);
}

/** Two-sided p-value of a standard-normal statistic. */
export function normalTwoSidedP(z: number): number {
  return Math.min(1, 2 * normalSf(Math.abs(z)));
}

/** Two-sided p-value of a t statistic. */
export function studentTTwoSidedP(t: number, df: number): number {
  return Math.min(1, betainc(df / (df + t * t), df / 2, 0.5, true, false));
}

export function studentTQuantile(p: number, df: number): number {
  return tQuantileStd(p, df);
}

/** P(X > x) for a chi-square with k degrees of freedom. */
export function chiSquareSf(x: number, k: number): number {
  if (x <= 0) return 1;
  return gammainc(x / 2, k / 2, true, true);
}
