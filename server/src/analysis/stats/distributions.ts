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

/**
 * Survival function of the Kolmogorov distribution (the limit law of sqrt(n) D_n), as scipy's
 * `kstwobign.sf`. Two series, each used where it converges fast.
 */
export function kolmogorovSf(x: number): number {
  if (x <= 0) return 1;
  if (x < 1) {
    // cdf = sqrt(2 pi)/x * sum_k exp(-(2k-1)^2 pi^2 / (8 x^2))
    const w = (Math.PI * Math.PI) / (8 * x * x);
    let s = 0;
    for (let k = 1; k < 50; k++) {
      const term = Math.exp(-(2 * k - 1) * (2 * k - 1) * w);
      s += term;
      if (term < 1e-17 * s) break;
    }
    return 1 - (Math.sqrt(2 * Math.PI) / x) * s;
  }
  // sf = 2 sum_k (-1)^(k-1) exp(-2 k^2 x^2)
  let s = 0;
  for (let k = 1; k < 100; k++) {
    const term = Math.exp(-2 * k * k * x * x);
    s += k % 2 === 1 ? term : -term;
    if (term < 1e-17 * Math.abs(s)) break;
  }
  return Math.max(0, Math.min(1, 2 * s));
}
