/**
 * Pipeline checks: the metric values an analysis result offers to a check (config/pipeline-file.ts
 * reads the checks), the verdict of each `assert` bound, and `evaluatePipeline`, the one
 * evaluation behind `rlhf-lens check`, `rlhf-lens report`, the editor's diagnostics, code lenses
 * and dashboards. Runs analyses only through the `execute` function given.
 */
import * as path from 'node:path';
import { againstBaseline, pipelineChecks, type Pipeline, type PipelineCheck } from '../config/pipeline-file';
import { baselineVerdicts } from './baseline-checks';
import type { AnalysisOutcome } from './run';
import { parseRunOptions, OptionError, type AnalysisName } from './options';
import type { AnalyzeRequest } from './analyze';
import { CancelledError, JobError, JobTimeoutError, StaleError, WorkerCrashError } from './jobs';
import { IngestError } from '../ingest/rows';
import { AnalysisError } from '../analysis/types';
import { measureMetric, type Measurement } from '../config/analyses/descriptor';
import { analysisDescriptor } from '../config/analyses/registry';

export { pipelineChecks, type PipelineCheck };

export type { Measurement };

/** The values a result gives for `metric` (several for per-variant A/B metrics); undefined when the metric does not exist. */
export function measure(analysis: AnalysisName, result: Record<string, unknown>, metric: string): Measurement[] | undefined {
  const descriptor = analysisDescriptor(analysis);
  return descriptor ? measureMetric(descriptor, result, metric) : undefined;
}

export interface AssertVerdict {
  metric: string;
  label: string;
  value: number | null;
  min?: number;
  max?: number;
  /** Baseline asserts (engine/baseline-checks.ts): the bound as written, the baseline's figure, the limit it gives and the noise (sd of the difference). */
  max_vs_baseline?: string | number;
  min_vs_baseline?: string | number;
  baseline?: number;
  limit?: number;
  noise?: number;
  passed: boolean;
  /** e.g. "ece 0.031 <= 0.05" or "krippendorff_alpha 0.41 < min 0.6". */
  message: string;
}

export function fmtValue(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e7) ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}

function bounds(min?: number, max?: number): string {
  if (min !== undefined && max !== undefined) return `in [${min}, ${max}]`;
  return min !== undefined ? `>= ${min}` : `<= ${max}`;
}

export function judge(assertion: { metric: string; min?: number; max?: number }, m: Measurement): AssertVerdict {
  const { min, max } = assertion;
  const base = { metric: assertion.metric, label: m.label, value: m.value, ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) };
  if (m.value === null || !Number.isFinite(m.value)) return { ...base, passed: false, message: `${m.label} has no value (${String(m.value)}), needs ${bounds(min, max)}` };
  const v = m.value;
  if (min !== undefined && v < min) return { ...base, passed: false, message: `${m.label} ${fmtValue(v)} < min ${min}` };
  if (max !== undefined && v > max) return { ...base, passed: false, message: `${m.label} ${fmtValue(v)} > max ${max}` };
  const shown = min !== undefined && max !== undefined ? `${min} <= ${m.label} ${fmtValue(v)} <= ${max}` : min !== undefined ? `${m.label} ${fmtValue(v)} >= ${min}` : `${m.label} ${fmtValue(v)} <= ${max}`;
  return { ...base, passed: true, message: shown };
}

export interface CheckOutcome {
  check: PipelineCheck;
  /** Verdicts of every assert (empty when the check could not run). */
  verdicts: AssertVerdict[];
  /** Set when the analysis could not run or a metric does not exist. */
  error?: string;
  /** What kind of failure `error` is (control flow branches on this, never on the message). */
  errorKind?: CheckErrorKind;
  /** The key of the check the error is about, when not its data (`baseline`). */
  errorField?: 'baseline';
  /** A check on a connection: the column its source does not have (from the server's metadata). */
  missingColumn?: string;
  outcome?: AnalysisOutcome;
  passed: boolean;
}

/** The check's run options: its `options`, plus the reference sample for drift. */
export function checkOptions(check: PipelineCheck): Record<string, unknown> {
  return { ...check.options, ...(check.referenceFile ? { reference: check.referenceFile } : {}) };
}

export function evaluateCheck(check: PipelineCheck, outcome: AnalysisOutcome): CheckOutcome {
  const verdicts: AssertVerdict[] = [];
  const unknown: string[] = [];
  for (const a of check.asserts) {
    // Baseline-only asserts are judged by engine/baseline-checks.ts.
    if (a.min === undefined && a.max === undefined && againstBaseline(a)) continue;
    const ms = measure(check.analysis as AnalysisName, outcome.result, a.metric);
    if (!ms) unknown.push(a.metric);
    else for (const m of ms) verdicts.push(judge(a, m));
  }
  const error = unknown.length ? `${check.analysis} reports no metric ${unknown.map((u) => `"${u}"`).join(', ')}` : undefined;
  return { check, verdicts, outcome, passed: !error && verdicts.every((v) => v.passed), ...(error ? { error, errorKind: 'metric' as const } : {}) };
}

/** A check's outcome with its baseline verdicts added (after its own, in assert order). */
function withBaseline(own: CheckOutcome, extra: { verdicts: AssertVerdict[]; unknown: string[] }): CheckOutcome {
  const order = new Map(own.check.asserts.map((a, i) => [a.metric, i]));
  const verdicts = [...own.verdicts, ...extra.verdicts].sort((x, y) => (order.get(x.metric) ?? 0) - (order.get(y.metric) ?? 0));
  const unknown = extra.unknown.map((u) => `"${u}"`);
  const error = own.error ?? (unknown.length ? `${own.check.analysis} reports no metric ${unknown.join(', ')}` : undefined);
  return { ...own, verdicts, passed: !error && verdicts.every((v) => v.passed), ...(error ? { error, errorKind: 'metric' as const } : {}) };
}

/**
 * Why a check has no verdict: `deferred` (a path known only when the pipeline runs), `invalid`
 * (unknown analysis, no data, no assert), `input` / `option` / `analysis` (the run refused the data
 * or options), `metric` (the result has no such metric), `cancelled` / `stale` (a newer evaluation
 * took over), `crashed` (worker crash or time budget), `internal` (a bug).
 */
export type CheckErrorKind = 'deferred' | 'invalid' | 'input' | 'option' | 'analysis' | 'metric' | 'cancelled' | 'stale' | 'crashed' | 'internal';

/** The status every front door shows: deferred checks are neither passed nor failed. */
export type CheckStatus = 'passed' | 'failed' | 'error' | 'deferred';

export function checkStatus(o: CheckOutcome): CheckStatus {
  if (o.errorKind === 'deferred') return 'deferred';
  if (o.error) return 'error';
  return o.passed ? 'passed' : 'failed';
}

export function errorKindOf(err: unknown): CheckErrorKind {
  if (err instanceof CancelledError) return 'cancelled';
  if (err instanceof StaleError) return 'stale';
  if (err instanceof WorkerCrashError || err instanceof JobTimeoutError) return 'crashed';
  if (err instanceof JobError) return err.kind;
  if (err instanceof IngestError) return 'input';
  if (err instanceof OptionError) return 'option';
  if (err instanceof AnalysisError) return 'analysis';
  return 'internal';
}

/** Runs one analysis request (in-process for the CLI, the worker for the server); rejects with the engine's errors. */
export type Execute = (request: AnalyzeRequest, signal?: AbortSignal) => Promise<AnalysisOutcome>;

/** The analysis request of a runnable check: its options, with paths resolved against the pipeline's folder. */
export function checkRequest(check: PipelineCheck, pipelineFile: string): AnalyzeRequest {
  const options = parseRunOptions(checkOptions(check), path.dirname(pipelineFile), check.analysis);
  // On a connection: the pipeline file stands for the data file (its folder finds .rlhf-lens.yaml).
  if (check.source) return { analysis: check.analysis, file: pipelineFile, options: { ...options, source: check.source, ...(check.referenceSource ? { reference_source: check.referenceSource } : {}) } };
  return { analysis: check.analysis, file: check.dataFile!, options };
}

/** Evaluates one check: never throws; failures are outcomes with a typed kind. */
export async function evaluateOne(check: PipelineCheck, pipelineFile: string, execute: Execute, signal?: AbortSignal): Promise<CheckOutcome> {
  if (check.state.kind !== 'runnable') return { check, verdicts: [], error: check.state.reason, errorKind: check.state.kind, passed: false };
  try {
    const request = checkRequest(check, pipelineFile);
    const own = evaluateCheck(check, await execute(request, signal));
    if (!check.asserts.some(againstBaseline)) return own;
    try {
      return withBaseline(own, await baselineVerdicts(check, own.outcome!, request, execute, signal));
    } catch (err) {
      // The check's own asserts stand; the baseline's failure is its error, placed on `baseline:`.
      return { ...own, error: `baseline ${check.baseline}: ${(err as Error).message}`, errorKind: errorKindOf(err), errorField: 'baseline', passed: false };
    }
  } catch (err) {
    const column = (err as { column?: unknown }).column;
    return { check, verdicts: [], error: (err as Error).message, errorKind: errorKindOf(err), ...(typeof column === 'string' ? { missingColumn: column } : {}), passed: false };
  }
}

export interface PipelineEvaluation {
  pipeline: Pipeline;
  /** One per evaluated check, in the pipeline's order. */
  outcomes: CheckOutcome[];
}

export interface EvaluateOptions {
  /** Which checks to evaluate (default all). */
  only?: (check: PipelineCheck) => boolean;
  /** Run the checks' analyses at once (the server's worker pool) rather than one after another (the CLI). */
  parallel?: boolean;
  /** An outcome already known for this check on this very text (the editor keeps its last evaluation). */
  reuse?: (check: PipelineCheck) => CheckOutcome | undefined;
}

/** The one evaluation of a pipeline's checks, shared by every front door. */
export async function evaluatePipeline(pipeline: Pipeline, execute: Execute, signal?: AbortSignal, options: EvaluateOptions = {}): Promise<PipelineEvaluation> {
  const checks = options.only ? pipeline.checks.filter(options.only) : pipeline.checks;
  const one = (c: PipelineCheck): Promise<CheckOutcome> => {
    const known = options.reuse?.(c);
    return known ? Promise.resolve({ ...known, check: c }) : evaluateOne(c, pipeline.file, execute, signal);
  };
  const outcomes: CheckOutcome[] = [];
  if (options.parallel) outcomes.push(...(await Promise.all(checks.map(one))));
  else for (const c of checks) outcomes.push(await one(c));
  return { pipeline, outcomes };
}
