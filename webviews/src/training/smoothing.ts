/**
 * TensorBoard's display smoothing: an exponential moving average debiased by 1 − w^k, so the
 * curve starts at the first point instead of at zero. A drawing aid the slider recomputes on the
 * already-downsampled points; the engine's statistics never depend on it.
 */
export function smooth(points: [number, number][], weight: number): [number, number][] {
  if (weight <= 0) return points;
  let last = 0;
  let k = 0;
  return points.map(([x, y]) => {
    if (!Number.isFinite(y)) return [x, y];
    k++;
    last = last * weight + (1 - weight) * y;
    return [x, last / (1 - Math.pow(weight, k))];
  });
}
