/** Order statistics with numpy's conventions. */
import { AnalysisError } from '../types';

/** A sorted copy (ascending) of the values. */
export function sortedCopy(values: Float64Array): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * The q-quantile (q in [0, 1]) of ascending-sorted values by linear interpolation between order
 * statistics: numpy.quantile's default method ('linear', position q * (n - 1)).
 */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new AnalysisError('quantile of an empty sample');
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const frac = pos - lo;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  // numpy's lerp form: exact at the ends and monotone.
  return frac >= 0.5 ? b - (b - a) * (1 - frac) : a + (b - a) * frac;
}
