/**
 * The options of an analysis run, as they arrive from the CLI, the editor or a pipeline check
 * (a plain record), checked into a typed object. Bad values are refused with a message naming the
 * option. Paths (experiment, reference, current) are resolved against `baseDir`.
 */
import * as path from 'node:path';
import { DATA_FORMATS, type DataFormat } from '../ingest/rows';

export const ANALYSIS_NAMES = ['calibration', 'ab', 'agreement', 'drift', 'training', 'latency', 'uncertainty'] as const;
export type AnalysisName = (typeof ANALYSIS_NAMES)[number];

export function isAnalysisName(name: string): name is AnalysisName {
  return (ANALYSIS_NAMES as readonly string[]).includes(name);
}

export class OptionError extends Error {}

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
  /** Test hook, honoured only when RLHF_LENS_TEST_HOOKS=1: the worker exits mid-job. */
  crash_worker?: boolean;
}

type Reader = (v: unknown, name: string) => unknown;

const int = (min: number, max: number): Reader => (v, name) => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw new OptionError(`option ${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(v)})`);
  return n;
};
const real = (min: number, max: number): Reader => (v, name) => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) throw new OptionError(`option ${name} must be a number from ${min} to ${max} (got ${JSON.stringify(v)})`);
  return n;
};
const text: Reader = (v, name) => {
  if (typeof v !== 'string' || v.trim() === '') throw new OptionError(`option ${name} must be a non-empty string (got ${JSON.stringify(v)})`);
  return v;
};
const oneOf = (...values: string[]): Reader => (v, name) => {
  if (typeof v !== 'string' || !values.includes(v)) throw new OptionError(`option ${name} must be one of ${values.join(', ')} (got ${JSON.stringify(v)})`);
  return v;
};
const boolean: Reader = (v, name) => {
  if (typeof v !== 'boolean') throw new OptionError(`option ${name} must be true or false (got ${JSON.stringify(v)})`);
  return v;
};
const labels: Reader = (v, name) => {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' && typeof x !== 'number')) throw new OptionError(`option ${name} must be a list of labels`);
  return v;
};
const mapping: Reader = (v, name) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    throw new OptionError(`option ${name} must map field names to column names, e.g. {label: human_label}`);
  }
  return v;
};

const READERS: Record<keyof RunOptions, Reader> = {
  bins: int(2, 1000),
  experiment: text,
  level: oneOf('nominal', 'ordinal', 'interval', 'ratio'),
  order: labels,
  reference: text,
  current: text,
  column: text,
  threshold: real(0, 1e6),
  group_by: text,
  window_ms: int(1, 1e12),
  method: oneOf('entropy', 'margin', 'least_confidence', 'diversity'),
  top: int(1, 1_000_000),
  smoothing: real(0, 0.999),
  max_points: int(10, 1_000_000),
  bootstrap: int(0, 100_000),
  seed: int(0, 2 ** 31 - 1),
  columns: mapping,
  format: oneOf(...DATA_FORMATS),
  header: boolean,
  crash_worker: boolean,
};

const PATH_OPTIONS = ['experiment', 'reference', 'current'] as const;

export function parseRunOptions(raw: Record<string, unknown> | undefined, baseDir: string): RunOptions {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw ?? {})) {
    if (value === undefined || value === null) continue;
    const reader = READERS[name as keyof RunOptions];
    if (!reader) throw new OptionError(`unknown option "${name}" (known: ${Object.keys(READERS).filter((k) => k !== 'crash_worker').join(', ')})`);
    out[name] = reader(value, name);
  }
  for (const p of PATH_OPTIONS) if (typeof out[p] === 'string') out[p] = path.resolve(baseDir, out[p] as string);
  return out as RunOptions;
}

/** A stable serialisation of options (sorted keys) for cache keys. */
export function canonicalOptions(options: RunOptions): string {
  const sort = (v: unknown): unknown =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])])) : v;
  return JSON.stringify(sort(options));
}
