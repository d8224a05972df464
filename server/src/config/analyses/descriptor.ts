/**
 * What an analysis is, as the config side sees it: its name, what data it reads, its options (with
 * the reader that checks each one), the metrics a pipeline check may assert (and how to measure them
 * in a result), and the runtime checker of its result JSON (the webview contract). Pure: no I/O, no
 * Node imports, so the linter, completion, hover and the webview bundles can all import it. How the
 * analysis loads rows and computes is the engine-side runner (engine/analyses/<name>.ts).
 *
 * To add an analysis: see engine/analyses/registry.ts.
 */
import type { Checker } from '../../protocol/check';

/** A bad option value; the message names the option. */
export class OptionError extends Error {}

/** Checks one option value (as it arrives from a CLI flag, an editor request or a pipeline check). */
export type OptionReader = (value: unknown, name: string) => unknown;

export interface MetricInfo {
  name: string;
  description: string;
}

export interface OptionSpec extends MetricInfo {
  read: OptionReader;
  /** A file path: resolved against the folder of the file that names it (pipeline, cwd). */
  path?: boolean;
  /** Not listed in messages and docs (test hooks). */
  hidden?: boolean;
}

/** One value a result gives for an asserted metric. */
export interface Measurement {
  /** e.g. "ece", or "p_value (treatment)" for per-variant A/B metrics. */
  label: string;
  value: number | null;
}

export interface AnalysisDescriptor<R = Record<string, unknown>> {
  name: string;
  /** One sentence, shown by hover and `rlhf-lens analyze --help`. */
  description: string;
  /** The rows the analysis reads, in the user's terms (error messages, docs). */
  inputs: string;
  /** Options specific to this analysis (the ingest options columns/format/header apply to all). */
  options: readonly OptionSpec[];
  /** Metrics a pipeline check may assert. */
  metrics: readonly MetricInfo[];
  /** Metric names not listed but accepted (e.g. `loss.last` for any logged series). */
  metricPattern?: { pattern: RegExp; description: string };
  /** The values the result gives for `metric`; undefined when it does not exist. Default: a top-level scalar field. */
  measure?: (result: R, metric: string) => Measurement[] | undefined;
  /** Runtime check of the result JSON (exactly the fields of docs/analyses.md). */
  result?: Checker<R>;
  /** Runs as aggregate SQL on a connection (`source:` of a check, `--source`): connections/pushdown.ts. */
  connections?: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const field = (o: unknown, key: string): unknown => (isRecord(o) ? o[key] : undefined);
export const metricNumber = (v: unknown): number | null => (typeof v === 'number' ? v : typeof v === 'boolean' ? Number(v) : null);

/** A top-level scalar field of the result as a metric (objects and lists are not metrics). */
export function topLevelMetric(result: Record<string, unknown>, metric: string): Measurement[] | undefined {
  const v = result[metric];
  return v === undefined || (typeof v === 'object' && v !== null) ? undefined : [{ label: metric, value: metricNumber(v) }];
}

/** The values `result` gives for `metric` under `descriptor`. */
export function measureMetric(descriptor: AnyAnalysisDescriptor, result: Record<string, unknown>, metric: string): Measurement[] | undefined {
  return descriptor.measure ? descriptor.measure(result, metric) : topLevelMetric(result, metric);
}

/** A descriptor of any result type (registries hold these). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAnalysisDescriptor = AnalysisDescriptor<any>;

export function isKnownMetric(analysis: Pick<AnyAnalysisDescriptor, 'metrics' | 'metricPattern'>, metric: string): boolean {
  return analysis.metrics.some((x) => x.name === metric) || (analysis.metricPattern?.pattern.test(metric) ?? false);
}

/** Identity, for type inference of a descriptor's result type. */
export function defineAnalysis<R>(descriptor: AnalysisDescriptor<R>): AnalysisDescriptor<R> {
  return descriptor;
}

// ---------------------------------------------------------------- option readers

export const m = (name: string, description: string): MetricInfo => ({ name, description });

export const int = (min: number, max: number): OptionReader => (v, name) => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) throw new OptionError(`option ${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(v)})`);
  return n;
};
export const real = (min: number, max: number): OptionReader => (v, name) => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) throw new OptionError(`option ${name} must be a number from ${min} to ${max} (got ${JSON.stringify(v)})`);
  return n;
};
export const text: OptionReader = (v, name) => {
  if (typeof v !== 'string' || v.trim() === '') throw new OptionError(`option ${name} must be a non-empty string (got ${JSON.stringify(v)})`);
  return v;
};
export const oneOf = (...values: string[]): OptionReader => (v, name) => {
  if (typeof v !== 'string' || !values.includes(v)) throw new OptionError(`option ${name} must be one of ${values.join(', ')} (got ${JSON.stringify(v)})`);
  return v;
};
export const boolean: OptionReader = (v, name) => {
  if (typeof v !== 'boolean') throw new OptionError(`option ${name} must be true or false (got ${JSON.stringify(v)})`);
  return v;
};
export const labels: OptionReader = (v, name) => {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' && typeof x !== 'number')) throw new OptionError(`option ${name} must be a list of labels`);
  return v;
};
export const mapping: OptionReader = (v, name) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) {
    throw new OptionError(`option ${name} must map field names to column names, e.g. {label: human_label}`);
  }
  return v;
};

export const opt = (name: string, description: string, read: OptionReader, extra: Partial<OptionSpec> = {}): OptionSpec => ({ name, description, read, ...extra });

