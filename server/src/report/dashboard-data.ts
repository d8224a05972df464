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
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { checkOptions, evaluateCheck, pipelineChecks, type CheckOutcome, type PipelineCheck } from '../engine/checks';
import { readExperiment } from '../engine/experiment';
import type { AnalysisName } from '../engine/options';
import type { AnalysisOutcome } from '../engine/run';
import type { DataFormat } from '../ingest/rows';
import { DashboardData, PHASES, type GraphStage, type Phase } from '../protocol/webview';
import type { AbResult, AgreementResult, CalibrationResult, DriftResult, LatencyResult, TrainingResult } from '../analysis/types';

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
  /** The clock, for `generated_at`. */
  now?: Date;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The Pipeline files under a folder (not descending into node_modules or dot-folders). */
export function findPipelines(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, depth: number): void => {
    if (depth > 6) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p, depth + 1);
      else if (/\.pipeline\.ya?ml$/.test(e.name)) out.push(p);
    }
  };
  walk(dir, 0);
  return out;
}

interface StageYaml {
  id: string;
  name?: string;
  phase: Phase;
  needs: string[];
  line: number;
  /** `on_fail` of each check, in order ('warn' turns a failure into a warning). */
  onFail: (string | undefined)[];
}

/** The stages of a pipeline with the 0-based line each starts on; throws with the line of a syntax error. */
export function readPipeline(file: string): { name: string; stages: StageYaml[]; value: unknown } {
  const text = fs.readFileSync(file, 'utf8');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    throw new Error(`${file}:${lineCounter.linePos(e.pos[0]).line}: ${e.message.split('\n')[0]}`);
  }
  const value = doc.toJS() as unknown;
  if (!isRecord(value) || value['kind'] !== 'Pipeline') throw new Error(`${file}: is not a Pipeline (kind: Pipeline)`);
  const stagesNode = isMap(doc.contents) ? doc.contents.get('stages', true) : undefined;
  const items = isSeq(stagesNode) ? stagesNode.items : [];
  const raw = Array.isArray(value['stages']) ? value['stages'] : [];
  const stages: StageYaml[] = [];
  raw.forEach((s, i) => {
    if (!isRecord(s) || typeof s['id'] !== 'string') return;
    const phase = PHASES.includes(s['phase'] as Phase) ? (s['phase'] as Phase) : 'training';
    const node = items[i] as { range?: [number, number, number] } | undefined;
    stages.push({
      id: s['id'],
      ...(typeof s['name'] === 'string' ? { name: s['name'] } : {}),
      phase,
      needs: Array.isArray(s['needs']) ? s['needs'].filter((n): n is string => typeof n === 'string') : [],
      line: node?.range ? lineCounter.linePos(node.range[0]).line - 1 : 0,
      onFail: Array.isArray(s['checks']) ? s['checks'].map((c) => (isRecord(c) && typeof c['on_fail'] === 'string' ? c['on_fail'] : undefined)) : [],
    });
  });
  const metadata = isRecord(value['metadata']) ? value['metadata'] : {};
  return { name: typeof metadata['name'] === 'string' ? metadata['name'] : path.basename(file), stages, value };
}

const CALIBRATION_BOOTSTRAP = 1000;
/** About this many latency windows make a readable time series (a day of 1-minute windows does not). */
const LATENCY_WINDOWS = 96;

/** Option values that name files, resolved against the pipeline's folder as the checks read them. */
const PATH_OPTIONS = ['experiment', 'reference', 'current'];

function runOptions(check: PipelineCheck, pipelineFile: string): Record<string, unknown> {
  const raw = checkOptions(check);
  for (const k of PATH_OPTIONS) if (typeof raw[k] === 'string') raw[k] = path.resolve(path.dirname(pipelineFile), raw[k] as string);
  return raw;
}

async function runOne(check: PipelineCheck, pipelineFile: string, bins: number | undefined, run: AnalysisRunner): Promise<CheckOutcome> {
  if (check.problem) return { check, verdicts: [], error: check.problem, passed: false };
  try {
    const raw = runOptions(check, pipelineFile);
    if (check.analysis === 'calibration') {
      if (bins !== undefined) raw['bins'] = bins;
      // The dashboard shows the ECE with its interval; the check's verdict does not depend on it.
      raw['bootstrap'] ??= CALIBRATION_BOOTSTRAP;
    }
    const analysis = check.analysis as AnalysisName;
    const r = await run(analysis, check.dataFile!, raw);
    const outcome: AnalysisOutcome = { analysis, files: r.files, format: r.format as DataFormat, rowsRead: r.rowsRead, skipped: r.skipped, result: r.result };
    return evaluateCheck(check, outcome);
  } catch (err) {
    return { check, verdicts: [], error: (err as Error).message, passed: false };
  }
}

/** The A/B section: the result plus what the Experiment plans (sample size, guardrails). */
export function abSection(experimentFile: string, result: AbResult): NonNullable<DashboardData['ab']> {
  const plan = readExperiment(experimentFile);
  const doc = parseDocument(fs.readFileSync(experimentFile, 'utf8')).toJS() as unknown;
  const analysis = isRecord(doc) && isRecord(doc['analysis']) ? doc['analysis'] : {};
  return {
    name: path.basename(experimentFile).replace(/\.experiment\.ya?ml$/, ''),
    result,
    required_sample_size: typeof analysis['min_sample_size'] === 'number' ? analysis['min_sample_size'] : null,
    guardrails: (plan.options.metricSpecs ?? []).flatMap((m) => (m.guardrail ? [{ metric: m.name, direction: m.direction ?? ('increase' as const), max_relative_change: m.guardrail.max_relative_change }] : [])),
  };
}

/** trainer_state.json knows the planned length and the epoch of each logged step. */
export function trainerProgress(file: string, steps: number): { progress: NonNullable<DashboardData['training']>['progress']; steps_per_epoch: number | null } {
  if (path.basename(file) !== 'trainer_state.json') return { progress: undefined, steps_per_epoch: null };
  try {
    const state = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    const max = typeof state['max_steps'] === 'number' && state['max_steps'] > 0 ? state['max_steps'] : null;
    const step = typeof state['global_step'] === 'number' ? state['global_step'] : steps;
    const history = Array.isArray(state['log_history']) ? state['log_history'].filter(isRecord) : [];
    const last = [...history].reverse().find((h) => typeof h['epoch'] === 'number' && h['epoch'] > 0 && typeof h['step'] === 'number');
    const spe = last ? (last['step'] as number) / (last['epoch'] as number) : null;
    return { progress: { step, max_steps: max, running: max !== null && step < max, eta_seconds: null }, steps_per_epoch: spe };
  } catch {
    return { progress: undefined, steps_per_epoch: null };
  }
}

export async function buildDashboardData(pipelineFile: string, options: DashboardOptions): Promise<DashboardData> {
  const rel = (p: string): string => path.relative(options.displayRoot, p) || path.basename(p);
  const pipeline = readPipeline(pipelineFile);
  const checks = pipelineChecks(pipeline.value, pipelineFile);
  const outcomes: CheckOutcome[] = [];
  for (const c of checks) outcomes.push(await runOne(c, pipelineFile, options.bins, options.run));

  const data: DashboardData = { title: pipeline.name, generated_at: (options.now ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z'), errors: [] };
  const firstOk = (analysis: string): { o: CheckOutcome; outcome: AnalysisOutcome } | undefined => {
    const o = outcomes.find((x) => x.check.analysis === analysis && x.outcome);
    return o ? { o, outcome: o.outcome! } : undefined;
  };
  for (const o of outcomes) {
    if (o.error && !o.outcome && !o.check.problem?.includes('uses an expression')) {
      data.errors!.push({ section: `${o.check.stage}: ${o.check.name ?? o.check.analysis}`, file: o.check.data ?? rel(pipelineFile), message: o.error });
    }
  }

  const datasets: NonNullable<DashboardData['datasets']> = [];
  const agreement = firstOk('agreement');
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
    const labels = options.countLabels ? await options.countLabels(file).catch(() => ({})) : {};
    datasets.push({ name: path.basename(file), file: rel(file), rows: r.n_ratings, skipped: agreement.outcome.skipped.count, labels });
  }
  const training = firstOk('training');
  if (training) {
    const result = training.outcome.result as unknown as TrainingResult;
    const extra = trainerProgress(training.outcome.files[0]!, result.steps);
    data.training = { result, ...(extra.progress ? { progress: extra.progress } : {}), steps_per_epoch: extra.steps_per_epoch };
  }
  const calibration = firstOk('calibration');
  if (calibration) {
    const result = calibration.outcome.result as unknown as CalibrationResult;
    data.calibration = { file: rel(calibration.outcome.files[0]!), bins: result.bins.length, result };
    datasets.push({ name: path.basename(calibration.outcome.files[0]!), file: rel(calibration.outcome.files[0]!), rows: result.n, skipped: calibration.outcome.skipped.count, labels: {} });
  }
  const ab = firstOk('ab');
  if (ab) {
    const result = ab.outcome.result as unknown as AbResult;
    const experimentFile = typeof ab.o.check.options['experiment'] === 'string' ? path.resolve(path.dirname(pipelineFile), ab.o.check.options['experiment']) : undefined;
    data.ab = experimentFile ? abSection(experimentFile, result) : { name: rel(ab.outcome.files[0]!), result, required_sample_size: null, guardrails: [] };
    const resultsFile = ab.outcome.files.find((f) => !/\.ya?ml$/.test(f)) ?? ab.outcome.files[0]!;
    datasets.push({ name: path.basename(resultsFile), file: rel(resultsFile), rows: ab.outcome.rowsRead, skipped: ab.outcome.skipped.count, labels: result.srm.observed });
  }
  const latency = firstOk('latency');
  if (latency) {
    let result = latency.outcome.result as unknown as LatencyResult;
    const w = result.windows;
    if (w.length > 2 * LATENCY_WINDOWS && !latency.o.check.options['window_ms']) {
      // Re-window for drawing only: the check's figures (percentiles, success rate) are over all requests.
      const windowMs = Math.ceil((w[w.length - 1]!.end - w[0]!.start) / LATENCY_WINDOWS / 60_000) * 60_000;
      const again = await options.run('latency', latency.o.check.dataFile!, { ...runOptions(latency.o.check, pipelineFile), window_ms: windowMs });
      result = again.result as unknown as LatencyResult;
    }
    data.latency = { file: rel(latency.outcome.files[0]!), result };
  }
  if (datasets.length) data.datasets = datasets;

  const statusOf = (stage: StageYaml): GraphStage['status'] => {
    const mine = outcomes.filter((o) => o.check.stage === stage.id);
    const ran = mine.filter((o) => !o.check.problem?.includes('uses an expression'));
    if (ran.length === 0) return 'not-run';
    const failing = ran.filter((o) => !o.passed);
    if (failing.length === 0) return 'pass';
    return failing.every((o) => stage.onFail[checks.filter((c) => c.stage === stage.id).indexOf(o.check)] === 'warn') ? 'warn' : 'fail';
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
          status: o.passed ? ('pass' as const) : o.check.problem?.includes('uses an expression') ? ('not-run' as const) : ('fail' as const),
          message: o.error ?? o.verdicts.map((v) => v.message).join('; '),
        })),
    })),
  };
  if (data.errors!.length === 0) delete data.errors;
  // The contract check: a result the views would reject fails here, with the field named.
  return DashboardData(JSON.parse(JSON.stringify(data)));
}
