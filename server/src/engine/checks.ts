/**
 * Pipeline checks: the `checks` entries of a Pipeline's stages, the metric values an analysis
 * result offers to them, and the verdict of each `assert` bound. Shared by `rlhf-lens check` and
 * the editor (diagnostics and code lenses). Runs analyses only through the `run` function given.
 */
import * as path from 'node:path';
import type { JsonPath } from '../config/model';
import type { AnalysisOutcome } from './run';
import { isAnalysisName, type AnalysisName } from './options';
import { measureMetric, type Measurement } from '../config/analyses/descriptor';
import { analysisDescriptor } from '../config/analyses/registry';

export interface PipelineCheck {
  stage: string;
  /** Position of the check in the document (for ranges). */
  path: JsonPath;
  name?: string;
  analysis: string;
  /** The data path as written, and resolved against the pipeline's folder (undefined with expressions). */
  data?: string;
  dataFile?: string;
  referenceFile?: string;
  options: Record<string, unknown>;
  asserts: { metric: string; min?: number; max?: number }[];
  /** Why the check cannot run (no data, expression in a path, ...). */
  problem?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function resolvePath(p: unknown, baseDir: string): string | undefined {
  if (typeof p !== 'string' || p.includes('${{')) return undefined;
  return path.resolve(baseDir, p);
}

/** Every check of a pipeline (plain YAML value), with its JSON path. */
export function pipelineChecks(pipeline: unknown, pipelineFile: string): PipelineCheck[] {
  const baseDir = path.dirname(pipelineFile);
  const stages = isRecord(pipeline) && Array.isArray(pipeline['stages']) ? pipeline['stages'] : [];
  const out: PipelineCheck[] = [];
  stages.forEach((stage, i) => {
    if (!isRecord(stage) || !Array.isArray(stage['checks'])) return;
    stage['checks'].forEach((c, j) => {
      if (!isRecord(c)) return;
      const asserts = isRecord(c['assert'])
        ? Object.entries(c['assert']).map(([metric, b]) => ({
            metric,
            ...(isRecord(b) && typeof b['min'] === 'number' ? { min: b['min'] } : {}),
            ...(isRecord(b) && typeof b['max'] === 'number' ? { max: b['max'] } : {}),
          }))
        : [];
      const check: PipelineCheck = {
        stage: typeof stage['id'] === 'string' ? stage['id'] : `#${i + 1}`,
        path: ['stages', i, 'checks', j],
        analysis: String(c['analysis'] ?? ''),
        options: isRecord(c['options']) ? { ...c['options'] } : {},
        asserts,
      };
      if (typeof c['name'] === 'string') check.name = c['name'];
      if (typeof c['data'] === 'string') check.data = c['data'];
      check.dataFile = resolvePath(c['data'], baseDir);
      check.referenceFile = resolvePath(c['reference'], baseDir);
      if (!isAnalysisName(check.analysis)) check.problem = `unknown analysis "${check.analysis}"`;
      else if (typeof c['data'] !== 'string') check.problem = 'no data file';
      else if (!check.dataFile) check.problem = 'the data path uses an expression; it is known only when the pipeline runs';
      else if (c['reference'] !== undefined && !check.referenceFile) check.problem = 'the reference path uses an expression; it is known only when the pipeline runs';
      else if (asserts.length === 0) check.problem = 'no assert';
      out.push(check);
    });
  });
  return out;
}

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
    const ms = measure(check.analysis as AnalysisName, outcome.result, a.metric);
    if (!ms) unknown.push(a.metric);
    else for (const m of ms) verdicts.push(judge(a, m));
  }
  const error = unknown.length ? `${check.analysis} reports no metric ${unknown.map((u) => `"${u}"`).join(', ')}` : undefined;
  return { check, verdicts, outcome, passed: !error && verdicts.every((v) => v.passed), ...(error ? { error } : {}) };
}
