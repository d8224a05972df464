/**
 * Training-run monitoring: per-metric summaries, alerts (non-finite values, spikes, overfitting,
 * stalls), series downsampled for drawing, TensorBoard-style smoothing, and the grouping of RLHF
 * metrics that are drawn together.
 */
import { MAD_TO_SD, RollingRobust } from './stats/robust';
import { debiasedEma } from './smoothing';
import { AnalysisError, type MetricSeries, type TrainingAlert, type TrainingInput, type TrainingMetricSummary, type TrainingOptions, type TrainingResult } from './types';

/** Bookkeeping metrics whose jumps are by design, not spikes. */
const NOT_SPIKY = /(^|\/)(epoch|step|global_step|learning_rate|lr|total_flos|train_runtime|.*_runtime|.*_per_second|timestamp|time|throughput)$/;
/**
 * Eval losses: `eval_loss`, `val_loss`, `eval/loss`..., and one per eval set when a trainer
 * evaluates several (HF Trainer with a dict of eval datasets writes `eval_<name>_loss`; W&B
 * `eval/<name>_loss`, `eval/<name>/loss`). Every one of them is judged by the overfit alert.
 */
const EVAL_LOSS = /^(eval|val|valid|validation)([_/].+)?[_/]loss$/;
export function isEvalLoss(name: string): boolean {
  return EVAL_LOSS.test(name);
}
const TRAIN_LOSS = ['loss', 'train_loss', 'train/loss', 'training_loss'];
const MAX_SPIKES_PER_METRIC = 5;

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toPrecision(4);
}

function summarize(s: MetricSeries): TrainingMetricSummary | null {
  let count = 0;
  let first = NaN;
  let last = NaN;
  let min = Infinity;
  let max = -Infinity;
  let minStep = 0;
  let maxStep = 0;
  for (let i = 0; i < s.values.length; i++) {
    const v = s.values[i]!;
    if (!Number.isFinite(v)) continue;
    if (count === 0) first = v;
    count++;
    last = v;
    if (v < min) {
      min = v;
      minStep = s.steps[i]!;
    }
    if (v > max) {
      max = v;
      maxStep = s.steps[i]!;
    }
  }
  return count === 0 ? null : { count, first, last, min, min_step: minStep, max, max_step: maxStep };
}

export { debiasedEma };

/**
 * Indices to draw, at most `maxPoints`: all when few; otherwise per bucket of equal index span the
 * minimum and the maximum (in step order), plus the first and last points, so spikes survive.
 */
export function minMaxDownsample(values: Float64Array, maxPoints: number): number[] {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) finite.push(i);
  if (finite.length <= maxPoints) return finite;
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
  const out: number[] = [finite[0]!];
  const inner = finite.length - 2;
  for (let b = 0; b < buckets; b++) {
    const start = 1 + Math.floor((b * inner) / buckets);
    const end = 1 + Math.floor(((b + 1) * inner) / buckets);
    if (start >= end) continue;
    let lo = start;
    let hi = start;
    for (let j = start; j < end; j++) {
      if (values[finite[j]!]! < values[finite[lo]!]!) lo = j;
      if (values[finite[j]!]! > values[finite[hi]!]!) hi = j;
    }
    if (lo === hi) out.push(finite[lo]!);
    else out.push(finite[Math.min(lo, hi)]!, finite[Math.max(lo, hi)]!);
  }
  out.push(finite[finite.length - 1]!);
  return out;
}

function spikeAlerts(name: string, s: MetricSeries, window: number, threshold: number): TrainingAlert[] {
  const out: TrainingAlert[] = [];
  const recent = new RollingRobust(window);
  const minHistory = Math.min(window, 10);
  let total = 0;
  for (let i = 0; i < s.values.length; i++) {
    const v = s.values[i]!;
    if (!Number.isFinite(v)) continue;
    if (recent.length >= minHistory) {
      const med = recent.median();
      const dev = MAD_TO_SD * recent.mad();
      if (dev > 0 && Math.abs(v - med) > threshold * dev) {
        total++;
        if (out.length < MAX_SPIKES_PER_METRIC) {
          out.push({ type: 'spike', step: s.steps[i]!, metric: name, message: `${name} jumped to ${fmt(v)} at step ${fmt(s.steps[i]!)}: ${fmt(Math.abs(v - med) / dev)} robust deviations from the recent median ${fmt(med)}` });
        }
      }
    }
    recent.push(v);
  }
  if (total > out.length) out[out.length - 1]!.message += ` (${total} spikes in all; the first ${out.length} are listed)`;
  return out;
}

/** The last finite value at or before `step` (series steps ascending), or NaN. */
function valueAt(s: MetricSeries, step: number): number {
  let v = NaN;
  for (let i = 0; i < s.steps.length && s.steps[i]! <= step; i++) if (Number.isFinite(s.values[i]!)) v = s.values[i]!;
  return v;
}

/** One overfit alert per eval loss series (each eval set is judged on its own). */
function overfitAlerts(series: Record<string, MetricSeries>): TrainingAlert[] {
  const trainName = TRAIN_LOSS.find((n) => series[n]);
  if (!trainName) return [];
  const out: TrainingAlert[] = [];
  for (const evalName of Object.keys(series).filter(isEvalLoss)) {
    const alert = overfitAlert(series, evalName, trainName);
    if (alert) out.push(alert);
  }
  return out;
}

function overfitAlert(series: Record<string, MetricSeries>, evalName: string, trainName: string): TrainingAlert | null {
  const ev = series[evalName]!;
  const tr = series[trainName]!;
  const idx: number[] = [];
  for (let i = 0; i < ev.values.length; i++) if (Number.isFinite(ev.values[i]!)) idx.push(i);
  for (let k = 3; k < idx.length; k++) {
    const e = [0, 1, 2, 3].map((d) => ev.values[idx[k - 3 + d]!]!);
    if (!(e[1]! > e[0]! && e[2]! > e[1]! && e[3]! > e[2]!)) continue;
    const from = valueAt(tr, ev.steps[idx[k - 3]!]!);
    const to = valueAt(tr, ev.steps[idx[k]!]!);
    if (to < from) {
      const step = ev.steps[idx[k]!]!;
      return { type: 'overfit', step, metric: evalName, message: `${evalName} rose for 3 evaluations in a row (${fmt(e[0]!)} -> ${fmt(e[3]!)}) while ${trainName} fell (${fmt(from)} -> ${fmt(to)}): the model may be overfitting` };
    }
  }
  return null;
}

function stalledAlert(series: Record<string, MetricSeries>, stallWindow: number): TrainingAlert | null {
  const name = TRAIN_LOSS.find((n) => series[n]);
  if (!name) return null;
  const s = series[name]!;
  const vals: number[] = [];
  const steps: number[] = [];
  for (let i = 0; i < s.values.length; i++) {
    if (Number.isFinite(s.values[i]!)) {
      vals.push(s.values[i]!);
      steps.push(s.steps[i]!);
    }
  }
  const tail = Math.max(Math.min(stallWindow, Math.floor(vals.length / 2)), Math.ceil(vals.length * 0.2));
  if (vals.length < 20 || tail < 5) return null;
  // Loops, not Math.min(...values): spreading a long run's values overflows the call stack.
  let bestBefore = Infinity;
  let bestTail = Infinity;
  let highest = -Infinity;
  vals.forEach((v, i) => {
    if (i < vals.length - tail) bestBefore = Math.min(bestBefore, v);
    else bestTail = Math.min(bestTail, v);
    highest = Math.max(highest, v);
  });
  const range = highest - Math.min(bestBefore, bestTail);
  // "Improved" means a new best by more than 0.1% of the loss range.
  if (bestTail < bestBefore - 1e-3 * range) return null;
  const step = steps[steps.length - 1]!;
  return { type: 'stalled', step, metric: name, message: `${name} has not improved over its last ${tail} logged points (best ${fmt(bestBefore)} before step ${fmt(steps[vals.length - tail]!)})` };
}

/** Metric groups drawn together: TRL-style prefixes (`rewards/`, `logps/`, `objective/`...) and the losses. */
export function metricGroups(names: string[]): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  for (const n of names) {
    // `train/` and `eval/` say where a metric was measured, not what it is: group by what follows.
    const rest = n.replace(/^(train|eval)\//, '');
    const slash = rest.indexOf('/');
    const prefix = slash > 0 ? rest.slice(0, slash) : null;
    const key = prefix ?? (/(^|[_/])loss$/.test(n) ? 'loss' : /(^|[_/])kl$/.test(n) ? 'kl' : null);
    if (key) (groups[key] ??= []).push(n);
  }
  // Several eval sets (`eval_<set>_loss`, `eval_<set>_accuracy`, ...): each other per-set figure is
  // drawn with the same figure of the other sets, under `eval_<figure>`.
  const sets = names.map((n) => /^eval_(.+)_loss$/.exec(n)?.[1]).filter((x): x is string => x !== undefined);
  if (sets.length > 1) {
    for (const n of names) {
      const set = sets.find((x) => n.startsWith(`eval_${x}_`));
      const figure = set !== undefined ? n.slice(`eval_${set}_`.length) : undefined;
      if (!figure || figure === 'loss' || /runtime|per_second/.test(figure)) continue;
      (groups[`eval_${figure}`] ??= []).push(n);
    }
  }
  for (const k of Object.keys(groups)) if (groups[k]!.length < 2 && k !== 'rewards') delete groups[k];
  return groups;
}

export function analyzeTraining(input: TrainingInput, options: TrainingOptions = {}): TrainingResult {
  const names = Object.keys(input.series);
  if (names.length === 0) throw new AnalysisError(`run "${input.run}" has no metrics`);
  const maxPoints = options.maxPoints ?? 2000;
  const weight = options.smoothing ?? 0.6;
  if (!(weight >= 0 && weight < 1)) throw new AnalysisError(`smoothing must be in [0, 1), got ${weight}`, 'bad-option');
  if (!(maxPoints >= 4)) throw new AnalysisError(`maxPoints must be at least 4, got ${maxPoints}`, 'bad-option');
  const spikeWindow = options.spikeWindow ?? 50;
  const spikeThreshold = options.spikeThreshold ?? 5;

  const metrics: Record<string, TrainingMetricSummary> = {};
  const series: Record<string, [number, number][]> = {};
  const smoothed: Record<string, [number, number][]> = {};
  const alerts: TrainingAlert[] = [];
  let steps = 0;
  for (const name of names) {
    const s = input.series[name]!;
    if (s.steps.length !== s.values.length) throw new AnalysisError(`metric "${name}": ${s.steps.length} steps but ${s.values.length} values`, 'shape');
    for (let i = 0; i < s.steps.length; i++) steps = Math.max(steps, s.steps[i]!);
    let bad = 0;
    let firstBad = -1;
    for (let i = 0; i < s.values.length; i++) {
      if (!Number.isFinite(s.values[i]!)) {
        bad++;
        if (firstBad < 0) firstBad = i;
      }
    }
    if (firstBad >= 0) {
      const v = s.values[firstBad]!;
      alerts.push({ type: 'nan', step: s.steps[firstBad]!, metric: name, message: `${name} is ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Infinity' : '-Infinity'} at step ${fmt(s.steps[firstBad]!)}${bad > 1 ? ` (${bad} non-finite values in all)` : ''}` });
    }
    const summary = summarize(s);
    if (!summary) continue;
    metrics[name] = summary;
    if (!NOT_SPIKY.test(name)) alerts.push(...spikeAlerts(name, s, spikeWindow, spikeThreshold));
    const keep = minMaxDownsample(s.values, maxPoints);
    series[name] = keep.map((i) => [s.steps[i]!, s.values[i]!]);
    if (weight > 0) {
      const ema = debiasedEma(s.values, weight);
      smoothed[name] = keep.map((i) => [s.steps[i]!, ema[i]!]);
    }
  }
  alerts.push(...overfitAlerts(input.series));
  const stalled = stalledAlert(input.series, options.stallWindow ?? 200);
  if (stalled) alerts.push(stalled);
  alerts.sort((a, b) => a.step - b.step);
  return { run: input.run, steps, metrics, alerts, series, smoothed, groups: metricGroups(names), progress: input.progress ?? null };
}
