/**
 * The options of an analysis run, as they arrive from the CLI, the editor or a pipeline check
 * (a plain record), checked into a typed object. Each option is declared (with its reader) by the
 * analysis that uses it (config/analyses/<name>.ts) or is an ingest option every analysis takes.
 * Bad values are refused with a message naming the option. Path options (experiment, reference,
 * current, ...) are resolved against `baseDir`.
 */
import type { SourceSpecValue } from '../config/experiment-model';
import * as path from 'node:path';
import type { DataFormat } from '../ingest/rows';
import { OptionError, type OptionSpec } from '../config/analyses/descriptor';
import { ANALYSIS_DESCRIPTORS, INGEST_OPTIONS, analysisDescriptor } from '../config/analyses/registry';
import { analysisNames, isAnalysisName } from './analyses/registry';

export { OptionError, analysisNames, isAnalysisName };

/** An analysis name known to the registry (a plain string: analyses register at run time). */
export type AnalysisName = string;

export interface RunOptions {
  bins?: number;
  /** ab: the Experiment file. */
  experiment?: string;
  /** agreement */
  level?: 'nominal' | 'ordinal' | 'interval' | 'ratio';
  order?: (string | number)[];
  /** drift: the two samples and the column compared. */
  reference?: string;
  current?: string;
  column?: string;
  threshold?: number;
  /** latency */
  group_by?: string;
  window_ms?: number;
  /** uncertainty */
  method?: 'entropy' | 'margin' | 'least_confidence' | 'diversity';
  top?: number;
  /** training */
  smoothing?: number;
  max_points?: number;
  /** calibration */
  bootstrap?: number;
  seed?: number;
  /** ingestion: field -> column mapping, a forced format, header presence. */
  columns?: Record<string, string>;
  format?: DataFormat;
  header?: boolean;
  /** A pipeline check's `source:` in place of its data file: the analysis runs on that connection (connections/pushdown.ts). */
  source?: SourceSpecValue;
  /** drift on a connection: the reference sample ({table | query, where}, on the source's connection). */
  reference_source?: { connection?: string; table?: string; query?: string; where?: string };
  /** Test hook, honoured only when RLHF_LENS_TEST_HOOKS=1: the worker exits mid-job. */
  crash_worker?: boolean;
  /** Options of analyses added through the registry. */
  [option: string]: unknown;
}

/** The spec of option `name` for `analysis`: its own declaration first, then the ingest options, then any analysis's. */
function optionSpec(name: string, analysis: string | undefined): OptionSpec | undefined {
  const own = analysis ? analysisDescriptor(analysis)?.options.find((o) => o.name === name) : undefined;
  if (own) return own;
  const ingest = INGEST_OPTIONS.find((o) => o.name === name);
  if (ingest) return ingest;
  // An option of another analysis is accepted (and ignored by this one), as it always was:
  // the CLI and the editor pass one shared option record.
  for (const d of ANALYSIS_DESCRIPTORS) {
    const o = d.options.find((x) => x.name === name);
    if (o) return o;
  }
  return undefined;
}

function knownOptionNames(): string[] {
  const names = new Set<string>();
  for (const d of ANALYSIS_DESCRIPTORS) for (const o of d.options) if (!o.hidden) names.add(o.name);
  for (const o of INGEST_OPTIONS) if (!o.hidden) names.add(o.name);
  return [...names];
}

export function parseRunOptions(raw: Record<string, unknown> | undefined, baseDir: string, analysis?: string): RunOptions {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (value === undefined || value === null) continue;
    const spec = optionSpec(name, analysis);
    if (!spec) throw new OptionError(`unknown option "${name}" (known: ${knownOptionNames().join(', ')})`);
    const v = spec.read(value, name);
    out[name] = spec.path && typeof v === 'string' ? path.resolve(baseDir, v) : v;
  }
  return out as RunOptions;
}

/** A stable serialisation of options (sorted keys) for cache keys. */
export function canonicalOptions(options: RunOptions): string {
  const sort = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])])) : v;
  return JSON.stringify(sort(options));
}

/** The values of the path options (any analysis's) set in `options`: the files besides the data file a run reads. */
export function pathOptionValues(analysis: string, options: RunOptions): string[] {
  return Object.entries(options)
    .filter(([name, v]) => typeof v === 'string' && optionSpec(name, analysis)?.path)
    .map(([, v]) => v as string);
}
