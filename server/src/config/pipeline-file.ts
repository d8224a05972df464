/**
 * The typed model of a Pipeline as the engine, the dashboards and the CLI read it: its stages (id,
 * name, phase, needs, line) and every `checks` entry with a typed state (runnable, deferred until
 * the pipeline runs, or invalid). One read path for every front door: `readPipelineText` parses
 * with the caller's parse limits, and the editor builds the model from the document it already
 * parsed (`pipelineFromDocument`). Pure: paths are resolved, never opened.
 */
import * as path from 'node:path';
import { DEFAULT_PARSE_LIMITS, parseYaml, type ParseLimits } from './parse';
import { configDocuments } from './lint';
import type { ConfigDocument, JsonPath } from './model';
import { PHASES } from './pipeline-model';
import { analysisDescriptor } from './analyses/registry';
import { readSource, type SourceSpecValue } from './experiment-model';

export type Phase = (typeof PHASES)[number];

/** Why a check runs or not: `deferred` checks name paths known only when the pipeline runs (`${{ }}`). */
export type CheckState = { kind: 'runnable' } | { kind: 'deferred'; reason: string } | { kind: 'invalid'; reason: string };

export interface CheckAssert {
  metric: string;
  min?: number;
  max?: number;
  /** Bounds relative to the same figure of the check's `baseline:` ("+2%" or an absolute change). */
  max_vs_baseline?: string | number;
  min_vs_baseline?: string | number;
}

const BASELINE_BOUNDS = ['max_vs_baseline', 'min_vs_baseline'] as const;

/** Whether an assert is held to the baseline (max_vs_baseline / min_vs_baseline). */
export const againstBaseline = (a: CheckAssert): boolean => a.max_vs_baseline !== undefined || a.min_vs_baseline !== undefined;

export interface PipelineCheck {
  stage: string;
  /** Position of the check in the document (for ranges): ['stages', i, 'checks', j]. */
  path: JsonPath;
  name?: string;
  analysis: string;
  /** The data path as written, and resolved against the pipeline's folder (undefined with expressions). */
  data?: string;
  dataFile?: string;
  /** `source: {connection, table | query, where}` in place of `data:`: the rows live in a database (connections/). */
  source?: SourceSpecValue;
  referenceFile?: string;
  /** `baseline:` as written (an earlier run folder or file) and resolved; asserts with *_vs_baseline compare with it. */
  baseline?: string;
  baselineFile?: string;
  /** drift with `source:`: `reference: {table | query, where}` on the same connection (table/query default to the source's). */
  referenceSource?: { connection?: string; table?: string; query?: string; where?: string };
  options: Record<string, unknown>;
  asserts: CheckAssert[];
  /** `on_fail: warn` turns a failure into a warning on the dashboard. */
  onFail?: string;
  state: CheckState;
  /** The reason of a deferred or invalid check (the message users see). */
  problem?: string;
}

export interface PipelineStage {
  index: number;
  id: string;
  name?: string;
  /** Unknown or missing phases are drawn with training. */
  phase: Phase;
  needs: string[];
  /** 0-based line of the stage's entry (`- id: ...`). */
  line: number;
}

export interface Pipeline {
  /** Absolute path of the pipeline file. */
  file: string;
  /** `metadata.name`, else the file name. */
  name: string;
  stages: PipelineStage[];
  checks: PipelineCheck[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function resolvePath(p: unknown, baseDir: string): string | undefined {
  if (typeof p !== 'string' || p.includes('${{')) return undefined;
  return path.resolve(baseDir, p);
}

function stateOf(c: Record<string, unknown>, check: PipelineCheck): CheckState {
  const descriptor = analysisDescriptor(check.analysis);
  if (!descriptor) return { kind: 'invalid', reason: `unknown analysis "${check.analysis}"` };
  if (c['source'] !== undefined) {
    if (c['data'] !== undefined) return { kind: 'invalid', reason: 'give either data: or source:, not both' };
    let source: SourceSpecValue | undefined;
    try {
      source = readSource(c['source']);
    } catch (err) {
      return { kind: 'invalid', reason: (err as Error).message };
    }
    if (!descriptor.connections) return { kind: 'invalid', reason: `the ${check.analysis} analysis does not run on a connection (source:); give it a data: file` };
    if (c['baseline'] !== undefined || check.asserts.some(againstBaseline)) return { kind: 'invalid', reason: 'baseline: compares data files; a check on a connection (source:) has none' };
    if (Object.values(source!).some((v) => v.includes('${{'))) return { kind: 'deferred', reason: 'the source uses an expression; it is known only when the pipeline runs' };
    check.source = source;
    if (c['reference'] !== undefined) {
      const r = c['reference'];
      if (!isRecord(r)) return { kind: 'invalid', reason: 'with source:, reference: is the reference sample on the same connection: {where: ...} (the source under another filter), or {table | query, where}' };
      const bad = Object.entries(r).find(([k, v]) => !['connection', 'table', 'query', 'where'].includes(k) || typeof v !== 'string' || v.trim() === '');
      if (bad) return { kind: 'invalid', reason: `reference: ${['connection', 'table', 'query', 'where'].includes(bad[0]) ? `${bad[0]} must be a non-empty string` : `unknown key "${bad[0]}" (known: connection, table, query, where)`}` };
      if (Object.values(r).some((v) => String(v).includes('${{'))) return { kind: 'deferred', reason: 'the reference uses an expression; it is known only when the pipeline runs' };
      check.referenceSource = r as PipelineCheck['referenceSource'];
    }
    if (check.asserts.length === 0) return { kind: 'invalid', reason: 'no assert' };
    return { kind: 'runnable' };
  }
  if (isRecord(c['reference'])) return { kind: 'invalid', reason: 'reference: as a mapping {table | query, where} goes with source: (a check on a connection); with data:, reference: is a file' };
  if (typeof c['data'] !== 'string') return { kind: 'invalid', reason: 'no data file (data:, or source: on a connection)' };
  const baselined = check.asserts.filter(againstBaseline);
  if (baselined.length && c['baseline'] === undefined) return { kind: 'invalid', reason: `${baselined[0]!.metric}: ${baselined[0]!.max_vs_baseline !== undefined ? 'max' : 'min'}_vs_baseline needs baseline: on the check (an earlier run folder or file)` };
  if (c['baseline'] !== undefined && !check.baselineFile) {
    if (typeof c['baseline'] !== 'string') return { kind: 'invalid', reason: 'baseline: must be a path (an earlier run folder or file)' };
    return { kind: 'deferred', reason: 'the baseline path uses an expression; it is known only when the pipeline runs' };
  }
  if (!check.dataFile) return { kind: 'deferred', reason: 'the data path uses an expression; it is known only when the pipeline runs' };
  if (c['reference'] !== undefined && !check.referenceFile) return { kind: 'deferred', reason: 'the reference path uses an expression; it is known only when the pipeline runs' };
  if (check.asserts.length === 0) return { kind: 'invalid', reason: 'no assert' };
  return { kind: 'runnable' };
}

/** Every check of a pipeline (its plain YAML value), with its JSON path and state. */
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
            ...Object.fromEntries(BASELINE_BOUNDS.filter((k) => isRecord(b) && (typeof b[k] === 'string' || typeof b[k] === 'number')).map((k) => [k, (b as Record<string, unknown>)[k]])),
          }))
        : [];
      const check: PipelineCheck = {
        stage: typeof stage['id'] === 'string' ? stage['id'] : `#${i + 1}`,
        path: ['stages', i, 'checks', j],
        analysis: String(c['analysis'] ?? ''),
        options: isRecord(c['options']) ? { ...c['options'] } : {},
        asserts,
        state: { kind: 'runnable' },
      };
      if (typeof c['name'] === 'string') check.name = c['name'];
      if (typeof c['data'] === 'string') check.data = c['data'];
      if (typeof c['on_fail'] === 'string') check.onFail = c['on_fail'];
      check.dataFile = resolvePath(c['data'], baseDir);
      check.referenceFile = resolvePath(c['reference'], baseDir);
      if (typeof c['baseline'] === 'string') check.baseline = c['baseline'];
      check.baselineFile = resolvePath(c['baseline'], baseDir);
      check.state = stateOf(c, check);
      if (check.state.kind !== 'runnable') check.problem = check.state.reason;
      out.push(check);
    });
  });
  return out;
}

/** The model of a parsed Pipeline document. */
export function pipelineFromDocument(doc: ConfigDocument, file: string): Pipeline {
  const value = isRecord(doc.value) ? doc.value : {};
  const raw = Array.isArray(value['stages']) ? value['stages'] : [];
  const stages: PipelineStage[] = [];
  raw.forEach((s, index) => {
    if (!isRecord(s) || typeof s['id'] !== 'string') return;
    stages.push({
      index,
      id: s['id'],
      ...(typeof s['name'] === 'string' ? { name: s['name'] } : {}),
      phase: PHASES.includes(s['phase'] as Phase) ? (s['phase'] as Phase) : 'training',
      needs: Array.isArray(s['needs']) ? s['needs'].filter((n): n is string => typeof n === 'string') : [],
      line: doc.valueRange(['stages', index]).start.line,
    });
  });
  const metadata = isRecord(value['metadata']) ? value['metadata'] : {};
  return { file, name: typeof metadata['name'] === 'string' ? metadata['name'] : path.basename(file), stages, checks: pipelineChecks(doc.value, file) };
}

/** The first document of a file that declares `kind: Pipeline`. */
export function pipelineDocument(docs: readonly ConfigDocument[]): ConfigDocument | undefined {
  return docs.find((d) => isRecord(d.value) && d.value['kind'] === 'Pipeline');
}

export type PipelineRead =
  | { ok: true; pipeline: Pipeline; doc: ConfigDocument }
  /** `line` is 0-based; absent when the file parses but is not a Pipeline. */
  | { ok: false; message: string; line?: number };

/** Parses a pipeline file's text (with the caller's limits) into its model, or says why it cannot. */
export function readPipelineText(text: string, file: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): PipelineRead {
  const parsed = parseYaml(text, limits);
  const syntax = parsed.diagnostics.find((d) => d.severity === 'error');
  if (syntax) return { ok: false, message: syntax.message, line: syntax.range.start.line };
  const doc = pipelineDocument(configDocuments(parsed, 'Pipeline'));
  if (!doc) return { ok: false, message: 'is not a Pipeline (kind: Pipeline)' };
  return { ok: true, pipeline: pipelineFromDocument(doc, file), doc };
}
