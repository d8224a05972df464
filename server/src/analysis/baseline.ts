/**
 * Regression checks against a baseline run: is this run's figure worse than the baseline's by more
 * than the allowed change and by more than the runs' own noise? Pure; the pipeline-check evaluator
 * (engine/checks.ts) supplies the two values and their noise.
 *
 *   assert: {eval_loss.last: {max_vs_baseline: +2%}}   baseline: runs/previous
 *
 * passes while current <= baseline * 1.02 (or baseline + x for a plain number), and fails only when
 * current is also above that limit by more than NOISE_Z standard deviations of the difference.
 */
import { quantileSorted } from './stats/quantile';

/** The interquartile range of a normal distribution in standard deviations (2 * 0.6745). */
const IQR_TO_SD = 1.3489795003921634;
import { AnalysisError, type MetricSeries } from './types';

/** How many standard deviations of the difference a regression must clear to fail. */
export const NOISE_Z = 2;
/** The tail of a series whose jitter is the noise of its last value. */
export const NOISE_TAIL = 20;

export interface BaselineBound {
  /** Largest allowed change upward: "+2%" (relative to the baseline) or a number (absolute). */
  max_vs_baseline?: string | number;
  /** Largest allowed change downward: "-1%" or a negative number. */
  min_vs_baseline?: string | number;
}

export interface BaselineVerdict {
  metric: string;
  value: number;
  baseline: number;
  /** The bound the value is held to (baseline plus the allowed change). */
  limit: number;
  /** Standard deviation of value - baseline (0 when unknown). */
  noise: number;
  passed: boolean;
  /** e.g. "eval_loss.last 0.412 > 0.404 (baseline 0.396 +2%) by more than noise (2 x 0.003)". */
  message: string;
}

/** "+2%" -> {relative: 0.02}; "-0.5%" -> {relative: -0.005}; 0.1 or "0.1" -> {absolute: 0.1}. */
export function parseChange(v: string | number, name: string): { relative?: number; absolute?: number } {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new AnalysisError(`${name} must be a finite number or a percentage like +2%`, 'bad-option');
    return { absolute: v };
  }
  const m = /^\s*([+-]?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*(%?)\s*$/i.exec(v);
  if (!m) throw new AnalysisError(`${name} must be a percentage like +2% or a number (got ${JSON.stringify(v)})`, 'bad-option');
  const x = Number(m[1]);
  return m[2] ? { relative: x / 100 } : { absolute: x };
}

/**
 * The noise of a series' last value: the robust standard deviation (interquartile range / 1.349,
 * numpy linear quantiles) of its step-to-step changes over the last NOISE_TAIL finite points,
 * divided by sqrt(2) (a difference of two noisy values has twice the variance), so a slow trend
 * does not count as noise and one spike does not either. 0 with fewer than 5 points.
 */
export function tailNoise(series: MetricSeries, tail = NOISE_TAIL): number {
  const values: number[] = [];
  for (let i = series.values.length - 1; i >= 0 && values.length < tail; i--) if (Number.isFinite(series.values[i]!)) values.push(series.values[i]!);
  if (values.length < 5) return 0;
  const diffs = Float64Array.from({ length: values.length - 1 }, (_, i) => values[i]! - values[i + 1]!).sort();
  return (quantileSorted(diffs, 0.75) - quantileSorted(diffs, 0.25)) / IQR_TO_SD / Math.SQRT2;
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4)));
}

function changeText(c: { relative?: number; absolute?: number }): string {
  if (c.relative !== undefined) return `${c.relative >= 0 ? '+' : ''}${fmt(c.relative * 100)}%`;
  return `${c.absolute! >= 0 ? '+' : ''}${fmt(c.absolute!)}`;
}

/** Judges one figure against its baseline. Noise: the standard deviations of the two values (0 = exact figures). */
export function judgeAgainstBaseline(metric: string, value: number, baseline: number, bound: BaselineBound, noise: { value?: number; baseline?: number } = {}): BaselineVerdict[] {
  if (!Number.isFinite(value) || !Number.isFinite(baseline)) throw new AnalysisError(`${metric}: ${Number.isFinite(value) ? 'the baseline' : 'the run'} has no finite value`, 'degenerate');
  const sd = Math.sqrt((noise.value ?? 0) ** 2 + (noise.baseline ?? 0) ** 2);
  const out: BaselineVerdict[] = [];
  for (const side of ['max_vs_baseline', 'min_vs_baseline'] as const) {
    const raw = bound[side];
    if (raw === undefined) continue;
    const change = parseChange(raw, side);
    const limit = change.relative !== undefined ? baseline + Math.abs(baseline) * change.relative : baseline + change.absolute!;
    const over = side === 'max_vs_baseline' ? value - limit : limit - value;
    const passed = !(over > 0 && over > NOISE_Z * sd);
    const cmp = side === 'max_vs_baseline' ? (over > 0 ? '>' : '<=') : over > 0 ? '<' : '>=';
    const noiseText = sd > 0 ? (over > 0 ? ` ${passed ? 'within' : 'by more than'} noise (${NOISE_Z} x ${fmt(sd)})` : '') : '';
    out.push({ metric, value, baseline, limit, noise: sd, passed, message: `${metric} ${fmt(value)} ${cmp} ${fmt(limit)} (baseline ${fmt(baseline)} ${changeText(change)})${noiseText}` });
  }
  if (out.length === 0) throw new AnalysisError(`${metric}: give max_vs_baseline or min_vs_baseline`, 'bad-option');
  return out;
}
