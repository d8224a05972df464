/**
 * Builds the data of the phase dashboard for one Pipeline: runs every check of every stage through
 * the engine (the same analyses as `rlhf-lens check` and the editor), takes each phase's results
 * from them, and colours each stage by its checks. How an analysis runs is passed in: in-process
 * for `rlhf-lens report`, the language server's worker (`rlhfLens/analyze`) for the editor's
 * dashboard. The result is validated against the webview contract before it leaves, so neither
 * ever sends data the views would reject.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from '../config/parse';
import { workspaceFiles } from '../workspace/config-files';
import { readPipelineText, type Pipeline, type PipelineStage } from '../config/pipeline-file';
import type { ExperimentPlan } from '../config/experiment-model';
import { checkRequest, evaluatePipeline, type CheckOutcome, type Execute, type PipelineEvaluation } from '../engine/checks';
import { readExperiment } from '../engine/experiment';
import type { AnalysisName } from '../engine/options';
import type { AnalysisOutcome } from '../engine/run';
import type { DataFormat } from '../ingest/rows';
import { DashboardData, type GraphStage } from '../protocol/webview';
import type { CompareSection } from '../protocol/compare';
import { siblingComparison } from '../engine/runs';
import type { PreferenceEvalResult } from '../analysis/preference-eval';
import type { AbResult, AgreementResult, CalibrationResult, DriftResult, LatencyResult, TrainingMetricSummary, TrainingProgress, TrainingResult } from '../analysis/types';
import type { DataQualityResult } from '../analysis/data-quality';

/** What the dashboard needs of one analysis run (the fields of `rlhfLens/analyze`'s answer). */
export interface RunResult {
  files: string[];
  format: string;
  rowsRead: number;
  skipped: { count: number; first: { line: number; reason: string }[] };
  result: Record<string, unknown>;
}

/** Runs one analysis; paths in `options` are absolute. Throws with a message for the user. */
export type AnalysisRunner = (analysis: AnalysisName, file: string, options: Record<string, unknown>) => Promise<RunResult>;

export interface DashboardOptions {
  run: AnalysisRunner;
  /** Counts the labels of an annotation file, for the label distribution chart; optional. */
  countLabels?: (file: string) => Promise<Record<string, number>>;
  /** Calibration bins (the dashboard's bin control); default: the check's own option. */
  bins?: number;
  /** Paths in the data are shown relative to this folder. */
  displayRoot: string;
  /**
   * The comparison of the checked training run with its sibling runs (the report's comparison
   * section); given a training log, returns the comparison or undefined. Default: the runs beside
   * it in the same folder (engine/runs.ts siblingComparison), as the editor's dashboard does.
   */
  compareRuns?: (trainingLog: string) => Promise<CompareSection | undefined>;
  /** The clock, for `generated_at`. */
  now?: Date;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The Pipeline files under a folder, through the workspace's one walker (respects .gitignore, skips node_modules and dot folders). */
export function findPipelines(dir: string): string[] {
  return workspaceFiles(dir, (abs) => /\.pipeline\.ya?ml$/.test(abs));
}

/** Reads a pipeline file into its model (one read path, with the parse limits); throws with the line of a syntax error. */
export function readPipeline(file: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): Pipeline {
  const read = readPipelineText(fs.readFileSync(file, 'utf8'), file, limits);
  if (!read.ok) throw new Error(read.line !== undefined ? `${file}:${read.line + 1}: ${read.message}` : `${file}: ${read.message}`);
  return read.pipeline;
}

const CALIBRATION_BOOTSTRAP = 1000;
/** About this many latency windows make a readable time series (a day of 1-minute windows does not). */
const LATENCY_WINDOWS = 96;

/** The A/B section: the result plus what the Experiment plans (sample size, guardrails). */
export function abSection(plan: ExperimentPlan, result: AbResult): NonNullable<DashboardData['ab']> {
  return {
    name: path.basename(plan.file).replace(/\.experiment\.ya?ml$/, ''),
    result,
    required_sample_size: plan.minSampleSize,
    guardrails: plan.guardrails,
  };
}

/** The A/B section of an Experiment file (reads the Experiment). */
export function abSectionFromFile(experimentFile: string, result: AbResult): NonNullable<DashboardData['ab']> {
  return abSection(readExperiment(experimentFile), result);
}

/** trainer_state.json knows the planned length and the epoch of each logged step. */
export function trainerProgress(file: string, steps: number, logged?: TrainingProgress | null, epoch?: TrainingMetricSummary): { progress: NonNullable<DashboardData['training']>['progress']; steps_per_epoch: number | null } {
  // A log that reports its own progress (LLaMA-Factory's total_steps and remaining_time) is believed;
  // its logged epoch gives the epoch axis.
  if (logged && logged.total_steps !== null) {
    const spe = epoch && epoch.max > 0 ? epoch.max_step / epoch.max : null;
    return { progress: { step: logged.step, max_steps: logged.total_steps, running: logged.step < logged.total_steps, eta_seconds: logged.remaining_seconds }, steps_per_epoch: spe };
  }
  // HF names it trainer_state.json; copies kept side by side are often <run>_trainer_state.json.
  if (!path.basename(file).endsWith('trainer_state.json')) return { progress: undefined, steps_per_epoch: null };
  try {
    const state = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    const max = typeof state['max_steps'] === 'number' && state['max_steps'] > 0 ? state['max_steps'] : null;
    const step = typeof state['global_step'] === 'number' ? state['global_step'] : steps;
    const history = Array.isArray(state['log_history']) ? state['log_history'].filter(isRecord) : [];
    const last = [...history].reverse().find((h) => typeof h['epoch'] === 'number' && h['epoch'] > 0 && typeof h['step'] === 'number');
    const spe = last ? (last['step'] as number) / (last['epoch'] as number) : null;
    // The log's own remaining time (a trainer that writes remaining_time into log_history), when its
    // last row is the state's step; else the dashboard estimates the ETA from the pace of updates.
    const eta = logged && logged.step === step ? logged.remaining_seconds : null;
    return { progress: { step, max_steps: max, running: max !== null && step < max, eta_seconds: max !== null && step < max ? eta : null }, steps_per_epoch: spe };
  } catch {
    return { progress: undefined, steps_per_epoch: null };
  }
}

/**
 * What a dashboard draws besides the checks' own results: display runs (the calibration with the
 * view's bins and bootstrap intervals, the latency re-windowed for drawing) and facts of files the
 * checks name (the Experiment's plan, trainer_state.json's planned length, label counts).
 */
export interface DashboardExtras {
  calibration?: RunResult;
  latency?: RunResult;
  experiment?: ExperimentPlan;
  trainer?: ReturnType<typeof trainerProgress>;
  labels?: Record<string, number>;
  /** The checked training run beside its sibling runs (runs/a, runs/b): the training tab's comparison. */
  compare?: CompareSection;
}

export interface ExtrasOptions {
  /** Calibration bins (the dashboard's bin control); default: the check's own option. */
  bins?: number;
  countLabels?: (file: string) => Promise<Record<string, number>>;
  /** The comparison of a training log's run with its sibling runs (engine/runs.ts siblingComparison); none when absent. */
  compareRuns?: (trainingLog: string) => Promise<CompareSection | undefined>;
}

const firstOk = (evaluation: PipelineEvaluation, analysis: string): CheckOutcome | undefined => evaluation.outcomes.find((x) => x.check.analysis === analysis && x.outcome);

/** The display runs and file facts of a dashboard (I/O through `execute` and the engine's readers). */
export async function dashboardExtras(evaluation: PipelineEvaluation, execute: Execute, options: ExtrasOptions = {}): Promise<DashboardExtras> {
  const extras: DashboardExtras = {};
  const file = evaluation.pipeline.file;
  const calibration = firstOk(evaluation, 'calibration');
  if (calibration) extras.calibration = await calibrationRun(calibration, file, execute, options.bins);
  const latency = firstOk(evaluation, 'latency');
  if (latency) {
    const w = (latency.outcome!.result as unknown as LatencyResult).windows;
    if (w.length > 2 * LATENCY_WINDOWS && !latency.check.options['window_ms']) {
      // Re-window for drawing only: the check's figures (percentiles, success rate) are over all requests.
      const windowMs = Math.ceil((w[w.length - 1]!.end - w[0]!.start) / LATENCY_WINDOWS / 60_000) * 60_000;
      const req = checkRequest(latency.check, file);
      extras.latency = await execute({ ...req, options: { ...req.options, window_ms: windowMs } });
    }
  }
  const ab = firstOk(evaluation, 'ab');
  const experiment = ab ? checkRequest(ab.check, file).options.experiment : undefined;
  if (experiment) extras.experiment = readExperiment(experiment);
  const training = firstOk(evaluation, 'training');
  if (training) {
    const result = training.outcome!.result as unknown as TrainingResult;
    extras.trainer = trainerProgress(training.outcome!.files[0]!, result.steps, result.progress, result.metrics['epoch']);
  }
  if (training && options.compareRuns) {
    const compare = await options.compareRuns(training.outcome!.files[0]!).catch(() => undefined);
    if (compare) extras.compare = compare;
  }
  const agreement = firstOk(evaluation, 'agreement');
  if (agreement && options.countLabels) extras.labels = await options.countLabels(agreement.outcome!.files[0]!).catch(() => ({}));
  return extras;
}

/** The calibration the dashboard draws: the check's, with the view's bins and bootstrap intervals. */
async function calibrationRun(o: CheckOutcome, pipelineFile: string, execute: Execute, bins: number | undefined): Promise<RunResult> {
  const req = checkRequest(o.check, pipelineFile);
  // The dashboard shows the ECE with its interval; the check's verdict does not depend on it.
  return execute({ ...req, options: { ...req.options, ...(bins !== undefined ? { bins } : {}), bootstrap: req.options.bootstrap ?? CALIBRATION_BOOTSTRAP } });
}

/** The calibration section alone, for a re-bin (the rest of the dashboard does not change). */
export async function calibrationSection(evaluation: PipelineEvaluation, execute: Execute, bins: number | undefined, displayRoot: string): Promise<NonNullable<DashboardData['calibration']> | undefined> {
  const o = firstOk(evaluation, 'calibration');
  if (!o) return undefined;
  const r = await calibrationRun(o, evaluation.pipeline.file, execute, bins);
  const result = r.result as unknown as CalibrationResult;
  return { file: path.relative(displayRoot, r.files[0]!) || path.basename(r.files[0]!), bins: result.bins.length, result };
}

export interface AssembleOptions {
  /** Paths in the data are shown relative to this folder. */
  displayRoot: string;
  /** The clock, for `generated_at`. */
  now?: Date;
}

/** The phase dashboard of an evaluated pipeline: a pure function of the evaluation and its extras, checked against the webview contract. */
export function dashboardData(evaluation: PipelineEvaluation, extras: DashboardExtras, options: AssembleOptions): DashboardData {
  const { pipeline, outcomes } = evaluation;
  const pipelineFile = pipeline.file;
  const rel = (p: string): string => path.relative(options.displayRoot, p) || path.basename(p);
  const data: DashboardData = { title: pipeline.name, generated_at: (options.now ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z'), errors: [] };
  const ok = (analysis: string): { o: CheckOutcome; outcome: AnalysisOutcome } | undefined => {
    const o = firstOk(evaluation, analysis);
    return o ? { o, outcome: o.outcome! } : undefined;
  };
  for (const o of outcomes) {
    if (o.error && !o.outcome && o.errorKind !== 'deferred') {
      data.errors!.push({ section: `${o.check.stage}: ${o.check.name ?? o.check.analysis}`, file: o.check.data ?? rel(pipelineFile), message: o.error });
    }
  }

  const datasets: NonNullable<DashboardData['datasets']> = [];
  const agreement = ok('agreement');
  if (agreement) {
    const result = agreement.outcome.result as unknown as AgreementResult;
    data.agreement = { file: rel(agreement.outcome.files[0]!), result };
  }
  const drifts = outcomes.filter((o) => o.check.analysis === 'drift' && o.outcome);
  if (drifts.length) {
    data.drift = drifts.map((o) => {
      const result = o.outcome!.result as unknown as DriftResult;
      const column = typeof o.check.options['column'] === 'string' ? o.check.options['column'] : 'value';
      const [current, reference] = [o.check.dataFile!, o.check.referenceFile ?? ''];
      datasets.push({ name: path.basename(reference), file: rel(reference), rows: result.n_reference, skipped: 0, labels: {} });
      datasets.push({ name: path.basename(current), file: rel(current), rows: result.n_current, skipped: 0, labels: {} });
      return { name: `${column} (${o.check.stage})`, reference: rel(reference), current: rel(current), result };
    });
  }
  if (agreement) {
    const r = agreement.outcome.result as unknown as AgreementResult;
    const file = agreement.outcome.files[0]!;
    datasets.push({ name: path.basename(file), file: rel(file), rows: r.n_ratings, skipped: agreement.outcome.skipped.count, labels: extras.labels ?? {} });
  }
  const dataQuality = outcomes.filter((o) => o.check.analysis === 'data-quality' && o.outcome);
  if (dataQuality.length) {
    data.data_quality = dataQuality.map((o) => {
      const [file, against] = o.outcome!.files as [string, string | undefined];
      const result = o.outcome!.result as unknown as DataQualityResult;
      datasets.push({ name: path.basename(file), file: rel(file), rows: result.rows, skipped: o.outcome!.skipped.count, labels: {} });
      return { name: rel(file), file, ...(against ? { against, against_name: rel(against) } : {}), result };
    });
  }
  const training = ok('training');
  if (training) {
    const result = training.outcome.result as unknown as TrainingResult;
    const extra = extras.trainer ?? { progress: undefined, steps_per_epoch: null };
    data.training = { result, ...(extra.progress ? { progress: extra.progress } : {}), steps_per_epoch: extra.steps_per_epoch };
  }
  const calibration = ok('calibration');
  if (calibration) {
    const shown = extras.calibration ?? calibration.outcome;
    const result = shown.result as unknown as CalibrationResult;
    data.calibration = { file: rel(shown.files[0]!), bins: result.bins.length, result };
    datasets.push({ name: path.basename(shown.files[0]!), file: rel(shown.files[0]!), rows: result.n, skipped: shown.skipped.count, labels: {} });
  }
  const preference = ok('preference-eval');
  if (preference) {
    data.preference = { file: rel(preference.outcome.files[0]!), result: preference.outcome.result as unknown as PreferenceEvalResult };
    datasets.push({ name: path.basename(preference.outcome.files[0]!), file: rel(preference.outcome.files[0]!), rows: preference.outcome.rowsRead, skipped: preference.outcome.skipped.count, labels: {} });
  }
  if (extras.compare && extras.compare.runs.length >= 2) data.compare = extras.compare;
  const ab = ok('ab');
  if (ab) {
    const result = ab.outcome.result as unknown as AbResult;
    data.ab = extras.experiment ? abSection(extras.experiment, result) : { name: rel(ab.outcome.files[0]!), result, required_sample_size: null, guardrails: [] };
    const resultsFile = ab.outcome.files.find((f) => !/\.ya?ml$/.test(f)) ?? ab.outcome.files[0]!;
    datasets.push({ name: path.basename(resultsFile), file: rel(resultsFile), rows: ab.outcome.rowsRead, skipped: ab.outcome.skipped.count, labels: result.srm.observed });
  }
  const latency = ok('latency');
  if (latency) {
    const result = (extras.latency ?? latency.outcome).result as unknown as LatencyResult;
    data.latency = { file: rel(latency.outcome.files[0]!), result };
  }
  if (datasets.length) data.datasets = datasets;

  const statusOf = (stage: PipelineStage): GraphStage['status'] => {
    const mine = outcomes.filter((o) => o.check.stage === stage.id);
    const ran = mine.filter((o) => o.errorKind !== 'deferred');
    if (ran.length === 0) return 'not-run';
    const failing = ran.filter((o) => !o.passed);
    if (failing.length === 0) return 'pass';
    return failing.every((o) => o.check.onFail === 'warn') ? 'warn' : 'fail';
  };
  data.graph = {
    file: rel(pipelineFile),
    stages: pipeline.stages.map((s) => ({
      id: s.id,
      ...(s.name ? { name: s.name } : {}),
      phase: s.phase,
      needs: s.needs,
      status: statusOf(s),
      file: pipelineFile,
      line: s.line,
      checks: outcomes
        .filter((o) => o.check.stage === s.id)
        .map((o) => ({
          name: o.check.name ?? o.check.analysis,
          status: o.passed ? ('pass' as const) : o.errorKind === 'deferred' ? ('not-run' as const) : ('fail' as const),
          message: o.error ?? o.verdicts.map((v) => v.message).join('; '),
        })),
    })),
  };
  if (data.errors!.length === 0) delete data.errors;
  // The contract check: a result the views would reject fails here, with the field named.
  return DashboardData(JSON.parse(JSON.stringify(data)));
}

/** An AnalysisRunner (the shape of `rlhfLens/analyze`) as an Execute. */
export function executeWith(run: AnalysisRunner): Execute {
  return async (req) => {
    const r = await run(req.analysis, req.file, req.options as Record<string, unknown>);
    return { analysis: req.analysis, files: r.files, format: r.format as DataFormat, rowsRead: r.rowsRead, skipped: r.skipped, result: r.result };
  };
}

/** Read, evaluate and assemble in one call (`rlhf-lens report`, tests). */
export async function buildDashboardData(pipelineFile: string, options: DashboardOptions): Promise<DashboardData> {
  const execute = executeWith(options.run);
  const evaluation = await evaluatePipeline(readPipeline(pipelineFile), execute);
  const extras = await dashboardExtras(evaluation, execute, { ...(options.bins !== undefined ? { bins: options.bins } : {}), ...(options.countLabels ? { countLabels: options.countLabels } : {}), compareRuns: options.compareRuns ?? ((log) => siblingComparison(log)) });
  return dashboardData(evaluation, extras, { displayRoot: options.displayRoot, ...(options.now ? { now: options.now } : {}) });
}
