/**
 * The contract between a dashboard webview and its host (the VS Code panel, or the standalone page
 * of `rlhf-lens report`). Tagged unions per direction, with runtime checkers: the host validates
 * every message from a view and every view validates every message from its host. A message that
 * does not validate is rejected and logged, never half-processed.
 *
 * Result shapes are those of server/src/analysis/types.ts (the JSON fields of analyses.md); each
 * analysis's descriptor (config/analyses/<name>.ts) declares the checker of its result, which
 * mirrors them field by field, so a drift between engine and views fails loudly.
 * No Node or DOM imports: the webview bundles import this module too.
 */
import type { AbResult, AgreementResult, CalibrationResult, DriftResult, LatencyResult, TrainingResult } from '../analysis/types';
import { arrayOf, bool, literal, MessageError, num, nullable, object, optional, recordOf, series as seriesChecker, str, tagged, type Checked, type Checker } from './check';
import { calibrationAnalysis } from '../config/analyses/calibration';
import { abAnalysis } from '../config/analyses/ab';
import { agreementAnalysis } from '../config/analyses/agreement';
import { driftAnalysis } from '../config/analyses/drift';
import { trainingAnalysis } from '../config/analyses/training';
import { latencyAnalysis } from '../config/analyses/latency';
import { preferenceEvalResult } from '../config/analyses/preference-eval';
import { CompareSection } from './compare';
import { dataQualityResult } from '../config/analyses/data-quality';

/** Series may be long (the benchmark sends 1M points); each point is still checked. */
const series = seriesChecker;

export const VIEWS = ['phases', 'calibration', 'ab', 'training', 'graph', 'compare'] as const;
export type ViewName = (typeof VIEWS)[number];
const viewName = literal(...VIEWS);

// ---------------------------------------------------------------- analysis results
// Each analysis declares the checker of its result with its descriptor (config/analyses/<name>.ts).

const calibrationResult: Checker<CalibrationResult> = calibrationAnalysis.result!;
const abResult: Checker<AbResult> = abAnalysis.result!;
const agreementResult: Checker<AgreementResult> = agreementAnalysis.result!;
const driftResult: Checker<DriftResult> = driftAnalysis.result!;
const trainingResult: Checker<TrainingResult> = trainingAnalysis.result!;
const latencyResult: Checker<LatencyResult> = latencyAnalysis.result!;

// ---------------------------------------------------------------- dashboard sections

export const PHASES = ['data_collection', 'training', 'evaluation', 'deployment'] as const;
export type Phase = (typeof PHASES)[number];

/** A stage of the pipeline graph, with the status of its checks. */
const graphStage = object({
  id: str,
  name: optional(str),
  phase: literal(...PHASES),
  needs: arrayOf(str),
  status: literal('pass', 'warn', 'fail', 'not-run'),
  /** The pipeline file and the 0-based line of the stage, for "open its YAML". */
  file: str,
  line: num,
  checks: arrayOf(object({ name: str, status: literal('pass', 'warn', 'fail', 'not-run'), message: str })),
});

const dataset = object({ name: str, file: str, rows: num, skipped: num, labels: recordOf(num) });

const trainingSection = object({
  result: trainingResult,
  /** Present while a job is running or when the run knows its planned length. */
  progress: optional(object({ step: num, max_steps: nullable(num), running: bool, eta_seconds: nullable(num) })),
  steps_per_epoch: optional(nullable(num)),
  /** Wall-clock time (ms since the epoch) at some steps, for the time axis; interpolated between. */
  step_times: optional(series),
});

const abSection = object({
  name: str,
  result: abResult,
  /** Configured per-variant sample size the test needs (Experiment `analysis.min_sample_size`). */
  required_sample_size: nullable(num),
  guardrails: arrayOf(object({ metric: str, direction: literal('increase', 'decrease'), max_relative_change: optional(num), max_absolute_change: optional(num) })),
});

const analysisError = object({ section: str, file: str, message: str });

export const DashboardData = object({
  title: str,
  /** ISO time at which the results were computed. */
  generated_at: str,
  graph: optional(object({ file: str, stages: arrayOf(graphStage) })),
  datasets: optional(arrayOf(dataset)),
  agreement: optional(object({ file: str, result: agreementResult })),
  drift: optional(arrayOf(object({ name: str, reference: str, current: str, result: driftResult }))),
  training: optional(trainingSection),
  calibration: optional(object({ file: str, bins: num, result: calibrationResult })),
  ab: optional(abSection),
  latency: optional(object({ file: str, result: latencyResult })),
  /** Reward models on preference pairs (the preference-eval analysis): the evaluation tab's reward-model section. */
  preference: optional(object({ file: str, result: preferenceEvalResult })),
  /** Training runs side by side (the comparison view, and the report's comparison section). */
  compare: optional(CompareSection),
  /** data-quality checks: `file` and `against` absolute (the views open them at a line), `name` and `against_name` as shown. */
  data_quality: optional(arrayOf(object({ name: str, file: str, against: optional(str), against_name: optional(str), result: dataQualityResult }))),
  /** Analyses that could not run, with the reason in the user's terms. */
  errors: optional(arrayOf(analysisError)),
});
export type DashboardData = Checked<typeof DashboardData>;
export type GraphStage = Checked<typeof graphStage>;
export type TrainingSection = Checked<typeof trainingSection>;
export type AbSection = Checked<typeof abSection>;

// ---------------------------------------------------------------- host -> view

export const ThemeKind = literal('light', 'dark', 'high-contrast');
export type ThemeKind = Checked<typeof ThemeKind>;

export const HostMessage = tagged({
  /** `focus`: the phase tab to show (e.g. the phase of the stage whose "Open in dashboard" lens was clicked). */
  /** `restore`: what the panel shows, kept in the view's state so a window reload re-opens it (client/src/panels/dashboard-restore.ts). */
  setData: object({ type: literal('setData'), view: viewName, data: DashboardData, focus: optional(literal(...PHASES)), restore: optional(recordOf(str)) }),
  /** Points appended to a running training job's series, and its new progress. */
  trainingUpdate: object({
    type: literal('trainingUpdate'),
    points: recordOf(series),
    progress: optional(object({ step: num, max_steps: nullable(num), running: bool, eta_seconds: nullable(num) })),
  }),
  theme: object({ type: literal('theme'), kind: ThemeKind }),
  /** An analysis failed or the host refused a request; shown as a banner. */
  error: object({ type: literal('error'), message: str }),
});
export type HostMessage = Checked<typeof HostMessage>;

// ---------------------------------------------------------------- view -> host

const range = object({ line: num, character: optional(num) });

export const ViewMessage = tagged({
  ready: object({ type: literal('ready'), view: viewName }),
  openFile: object({ type: literal('openFile'), path: str, range: optional(range) }),
  rerun: object({ type: literal('rerun'), analysis: literal('calibration'), options: object({ bins: num }) }),
  exportCsv: object({ type: literal('exportCsv'), name: str, csv: str }),
  /** The comparison view asks for the figures at another step or another smoothing weight. */
  compareOptions: object({ type: literal('compareOptions'), step: nullable(num), smoothing: num }),
  /** A PNG as a data: URL of the chart's canvas. */
  exportPng: object({ type: literal('exportPng'), name: str, dataUrl: str }),
});
export type ViewMessage = Checked<typeof ViewMessage>;

/** The one way to read a message from the other side: a typed value, or an error naming the bad field. */
export function parseHostMessage(value: unknown): HostMessage {
  return HostMessage(value);
}
export function parseViewMessage(value: unknown): ViewMessage {
  const msg = ViewMessage(value);
  if (msg.type === 'rerun' && (!Number.isInteger(msg.options.bins) || msg.options.bins < 2 || msg.options.bins > 100)) {
    throw new MessageError('options.bins: expected a whole number from 2 to 100');
  }
  if (msg.type === 'compareOptions' && (!(msg.smoothing >= 0 && msg.smoothing < 1) || (msg.step !== null && !Number.isFinite(msg.step)))) {
    throw new MessageError('compareOptions: smoothing must be in [0, 1) and step a finite number or null');
  }
  if (msg.type === 'exportPng' && !msg.dataUrl.startsWith('data:image/png;base64,')) {
    throw new MessageError('dataUrl: expected a data:image/png;base64 URL');
  }
  return msg;
}
