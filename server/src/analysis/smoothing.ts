/**
 * TensorBoard's display smoothing, the one implementation: an exponential moving average debiased
 * by 1 - w^k, so the curve starts at the first point instead of at zero. A non-finite value does
 * not enter the average; its smoothed value is the last finite one's (or itself before any).
 * Pure and dependency-free: the engine smooths the drawn series with it and the training view's
 * slider re-smooths the same points with it (webviews/src/training/smoothing.ts).
 */
export function debiasedEma(values: ArrayLike<number>, weight: number): Float64Array {
  const out = new Float64Array(values.length);
  let last = 0;
  let k = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      out[i] = k === 0 ? v : last / (1 - weight ** k);
      continue;
    }
    last = last * weight + (1 - weight) * v;
    k++;
    out[i] = last / (1 - weight ** k);
  }
  return out;
}

/** `debiasedEma` over [step, value] points; weight 0 (or less) leaves them as they are. */
export function smoothPoints(points: [number, number][], weight: number): [number, number][] {
  if (weight <= 0) return points;
  const ema = debiasedEma(points.map((p) => p[1]), weight);
  return points.map(([x], i) => [x, ema[i]!]);
}
