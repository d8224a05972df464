/**
 * The run-comparison contract shared by the language server (`rlhfLens/compareRuns`,
 * `rlhfLens/listRuns`) and the comparison webview: the `compare` result of docs/analyses.md plus
 * the downsampled and smoothed series the view overlays. No Node or DOM imports.
 */
import { arrayOf, MessageError, nullable, num, object, optional, recordOf, series, str, type Checked, type Checker } from './check';

const scalar: Checker<string | number | boolean> = (v, p = '') => {
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  throw new MessageError(`${p || 'value'}: expected a string, number or boolean`);
};

export const compareMetric = object({
  count: num,
  last: num,
  last_step: num,
  min: num,
  min_step: num,
  max: num,
  max_step: num,
  at_step: nullable(num),
  at_step_step: nullable(num),
  best: num,
  best_step: num,
});

export const CompareSection = object({
  step: nullable(num),
  /** The engine's smoothing weight of `smoothed` (TensorBoard's debiased EMA). */
  smoothing: num,
  runs: arrayOf(object({ name: str, source: str, format: str, steps: num, metrics: recordOf(compareMetric) })),
  common_metrics: arrayOf(str),
  hyperparameters: recordOf(recordOf(nullable(scalar))),
  hyperparameter_sources: recordOf(recordOf(nullable(object({ file: str, line: nullable(num) })))),
  /** run -> metric -> [[step, value]], downsampled by the engine (extremes kept). */
  series: recordOf(recordOf(series)),
  smoothed: recordOf(recordOf(series)),
});
export type CompareSection = Checked<typeof CompareSection>;

export const CompareRunsParams = object({
  paths: arrayOf(str, 500),
  step: optional(nullable(num)),
  smoothing: optional(num),
  max_points: optional(num),
});
export type CompareRunsParams = Checked<typeof CompareRunsParams>;

export const RUN_STATUSES = ['running', 'finished', 'stalled'] as const;

/** One run of the Runs view. */
export const RunEntry = object({
  name: str,
  /** The run folder (or log file when it stands alone), absolute. */
  path: str,
  log: str,
  format: str,
  /** The folder (relative to the workspace folder) or pipeline stage it is grouped under. */
  group: str,
  status: str,
  last_step: num,
  max_steps: nullable(num),
  /** ms since the epoch of the log's last write. */
  modified: num,
  /** A few headline metrics' last values. */
  headline: recordOf(num),
  error: optional(str),
});
export type RunEntry = Checked<typeof RunEntry>;

export const ListRunsParams = object({ folders: optional(arrayOf(str, 100)) });
export const ListRunsResult = object({ runs: arrayOf(RunEntry, 10_000) });
export type ListRunsResult = Checked<typeof ListRunsResult>;

/** Custom LSP requests of run comparison (trusted workspaces only; paths inside the workspace folders). */
export const CompareMethods = {
  /** {paths, step?, smoothing?, max_points?} -> CompareSection */
  compareRuns: 'rlhfLens/compareRuns',
  /** {folders?} -> {runs: RunEntry[]} (the workspace folders when none are given) */
  listRuns: 'rlhfLens/listRuns',
} as const;
