/**
 * Run comparison: per run and metric the last, smallest and largest values with their steps, the
 * value at a chosen step, the best value (smallest for losses, largest otherwise), and the
 * hyperparameters that differ between runs. Pure: the runs arrive as series and recorded
 * hyperparameters (engine/runs.ts reads them).
 */
import { AnalysisError, lowerIsBetter, type MetricSeries } from './types';

/** A recorded hyperparameter value and where it was read, so a view can open the line. */
export interface HyperparameterValue {
  value: string | number | boolean | null;
  /** The file that recorded it (absolute), and its 1-based line, when known. */
  file?: string;
  line?: number;
}

export interface CompareRunInput {
  name: string;
  /** The file or folder the run was read from. */
  source: string;
  format: string;
  series: Record<string, MetricSeries>;
  hyperparameters: Record<string, HyperparameterValue>;
}

export interface CompareOptions {
  /** The step of the `at_step` column; none when undefined. */
  step?: number;
}

export interface CompareMetric {
  count: number;
  last: number;
  last_step: number;
  min: number;
  min_step: number;
  max: number;
  max_step: number;
  /** The last value logged at or before the chosen step; null without a step or before the first point. */
  at_step: number | null;
  /** The step `at_step` was logged at. */
  at_step_step: number | null;
  /** min for losses and error-like metrics, else max; best_step its step. */
  best: number;
  best_step: number;
}

export interface CompareRun {
  name: string;
  source: string;
  format: string;
  steps: number;
  metrics: Record<string, CompareMetric>;
}

export interface CompareResult {
  step: number | null;
  runs: CompareRun[];
  /** Metric names logged by every run, in the first run's order; then those some runs lack. */
  common_metrics: string[];
  /** Only the hyperparameters whose values differ between runs (a run without it: null). */
  hyperparameters: Record<string, Record<string, string | number | boolean | null>>;
  /** For every name of `hyperparameters`: where each run recorded it. */
  hyperparameter_sources: Record<string, Record<string, { file: string; line: number | null } | null>>;
}

export { lowerIsBetter };

export function metricAt(s: MetricSeries, step: number | undefined): Omit<CompareMetric, 'best' | 'best_step'> | null {
  let count = 0;
  let last = NaN;
  let lastStep = NaN;
  let min = Infinity;
  let minStep = NaN;
  let max = -Infinity;
  let maxStep = NaN;
  let at: number | null = null;
  let atStep: number | null = null;
  for (let i = 0; i < s.values.length; i++) {
    const v = s.values[i]!;
    if (!Number.isFinite(v)) continue;
    const st = s.steps[i]!;
    count++;
    // Logs are in step order except resumed runs; "last" is the last point written.
    last = v;
    lastStep = st;
    if (v < min) {
      min = v;
      minStep = st;
    }
    if (v > max) {
      max = v;
      maxStep = st;
    }
    // At a step: the latest point at or before it, by step (a later-written point wins ties).
    if (step !== undefined && st <= step && (atStep === null || st >= atStep)) {
      at = v;
      atStep = st;
    }
  }
  if (count === 0) return null;
  return { count, last, last_step: lastStep, min, min_step: minStep, max, max_step: maxStep, at_step: at, at_step_step: atStep };
}

function same(a: HyperparameterValue | undefined, b: HyperparameterValue | undefined): boolean {
  // A recorded null is the same as not recorded (trainer_state's "trial_params": null).
  const av = a?.value ?? null;
  const bv = b?.value ?? null;
  if (av === null || bv === null) return av === bv;
  // Parameters are compared as text: MLflow records "0.001", a YAML config 0.001.
  return String(av) === String(bv);
}

export function compareRuns(inputs: CompareRunInput[], options: CompareOptions = {}): CompareResult {
  if (inputs.length === 0) throw new AnalysisError('compare needs at least one run');
  const step = options.step;
  if (step !== undefined && !Number.isFinite(step)) throw new AnalysisError(`step must be a number, got ${step}`, 'bad-option');
  const names = new Set<string>();
  const runs: CompareRun[] = inputs.map((r) => {
    if (names.has(r.name)) throw new AnalysisError(`two runs are named "${r.name}"`, 'shape');
    names.add(r.name);
    const metrics: Record<string, CompareMetric> = {};
    let steps = 0;
    for (const [name, s] of Object.entries(r.series)) {
      if (s.steps.length !== s.values.length) throw new AnalysisError(`run "${r.name}", metric "${name}": ${s.steps.length} steps but ${s.values.length} values`, 'shape');
      for (let i = 0; i < s.steps.length; i++) if (s.steps[i]! > steps) steps = s.steps[i]!;
      const m = metricAt(s, step);
      if (!m) continue;
      const low = lowerIsBetter(name);
      metrics[name] = { ...m, best: low ? m.min : m.max, best_step: low ? m.min_step : m.max_step };
    }
    return { name: r.name, source: r.source, format: r.format, steps, metrics };
  });

  const all: string[] = [];
  const seen = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.metrics)) if (!seen.has(k)) seen.add(k), all.push(k);
  const common = all.filter((k) => runs.every((r) => k in r.metrics));
  const common_metrics = [...common, ...all.filter((k) => !common.includes(k))];

  const hpNames: string[] = [];
  const hpSeen = new Set<string>();
  for (const r of inputs) for (const k of Object.keys(r.hyperparameters)) if (!hpSeen.has(k)) hpSeen.add(k), hpNames.push(k);
  hpNames.sort();
  const hyperparameters: CompareResult['hyperparameters'] = {};
  const hyperparameter_sources: CompareResult['hyperparameter_sources'] = {};
  for (const k of hpNames) {
    const values = inputs.map((r) => r.hyperparameters[k]);
    if (values.every((v) => same(v, values[0]))) continue;
    hyperparameters[k] = Object.fromEntries(inputs.map((r, i) => [r.name, values[i]?.value ?? null]));
    hyperparameter_sources[k] = Object.fromEntries(inputs.map((r, i) => [r.name, values[i]?.file ? { file: values[i]!.file!, line: values[i]!.line ?? null } : null]));
  }
  return { step: step ?? null, runs, common_metrics, hyperparameters, hyperparameter_sources };
}
