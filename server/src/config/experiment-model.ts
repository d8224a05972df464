/**
 * The typed model of an Experiment as the A/B analysis and the dashboards read it: variants,
 * control, traffic, metrics (with the column each is read from), the analysis settings and what the
 * Experiment plans (minimum sample size, guardrails). Pure: built from the plain YAML value; the
 * engine reads the file (engine/experiment.ts), once per run.
 */
import * as path from 'node:path';
import type { AbMetricSpec, AbOptions } from '../analysis/types';

export interface AbMetricColumn {
  name: string;
  type: 'binomial' | 'continuous' | 'ratio' | 'quantile';
  /** The metric's column (a ratio's numerator). */
  column: string;
  /** Pre-period covariate column (CUPED / regression adjustment). */
  covariate?: string;
  /** Ratio metrics: the denominator column. */
  denominator?: string;
  /** Quantile metrics: the level, e.g. 0.95, and the confidence of its order-statistic interval. */
  quantile?: number;
  confidence?: number;
}

/** Where the results live when not in a `data:` file: a table or query on a named connection. */
export interface SourceSpecValue {
  connection: string;
  table?: string;
  query?: string;
  where?: string;
}

export interface ExperimentPlan {
  file: string;
  options: AbOptions;
  metrics: AbMetricColumn[];
  /** The results file named by `data:`, resolved against the Experiment's folder. */
  data?: string;
  /** `source: {connection, table | query, where}`: the results live in a database (connections/). */
  source?: SourceSpecValue;
  /** `analysis.min_sample_size`: the per-variant sample size the test needs, if configured. */
  minSampleSize: number | null;
  guardrails: { metric: string; direction: 'increase' | 'decrease'; max_relative_change?: number; max_absolute_change?: number }[];
}

/** The `source:` of an Experiment or a check: a table or query on a named connection. */
export function readSource(value: unknown): SourceSpecValue | undefined {
  if (value === undefined) return undefined;
  const bad = (why: string) => new ExperimentError(`source ${why}`);
  if (!isRecord(value)) throw bad('must be a mapping {connection, table | query, where}');
  const str = (k: string) => {
    const v = value[k];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v.trim() === '') throw bad(`${k} must be a non-empty string`);
    return v;
  };
  const connection = str('connection');
  if (!connection) throw bad('needs a connection (a name under connections: in .rlhf-lens.yaml)');
  const table = str('table');
  const query = str('query');
  if ((table === undefined) === (query === undefined)) throw bad('needs exactly one of table or query');
  const w = str('where');
  return { connection, ...(table ? { table } : {}), ...(query ? { query } : {}), ...(w ? { where: w } : {}) };
}

/** An Experiment that cannot be analysed; the message says why in the user's terms. */
export class ExperimentError extends Error {}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function experimentPlan(doc: unknown, file: string): ExperimentPlan {
  if (!isRecord(doc) || doc['kind'] !== 'Experiment') throw new ExperimentError('is not an Experiment (kind: Experiment)');
  const variantsRaw = Array.isArray(doc['variants']) ? doc['variants'].filter(isRecord) : [];
  const variants = variantsRaw.map((v) => String(v['id'] ?? ''));
  if (variants.length < 2 || variants.some((v) => v === '')) throw new ExperimentError('needs at least two variants, each with an id');
  const control = String(variantsRaw.find((v) => v['control'] === true)?.['id'] ?? variants[0]);
  const traffic: Record<string, number> = {};
  for (const v of variantsRaw) traffic[String(v['id'])] = typeof v['traffic'] === 'number' ? v['traffic'] : 1 / variants.length;
  const metricsRaw = Array.isArray(doc['metrics']) ? doc['metrics'].filter(isRecord) : [];
  const metrics: AbMetricColumn[] = [];
  const metricSpecs: AbMetricSpec[] = [];
  const analysis = isRecord(doc['analysis']) ? doc['analysis'] : {};
  const confidence = typeof analysis['confidence'] === 'number' ? analysis['confidence'] : undefined;
  for (const m of metricsRaw) {
    const name = typeof m['name'] === 'string' ? m['name'] : undefined;
    const type = m['type'] === 'binomial' || m['type'] === 'continuous' || m['type'] === 'ratio' || m['type'] === 'quantile' ? m['type'] : undefined;
    if (!name || !type) throw new ExperimentError(`metric ${JSON.stringify(m['name'] ?? m)} needs a name and a type (binomial, continuous, ratio or quantile)`);
    const str = (k: string) => (typeof m[k] === 'string' && m[k] !== '' ? (m[k] as string) : undefined);
    const column: AbMetricColumn = { name, type, column: str('column') ?? name };
    if (type === 'ratio') {
      const numerator = str('numerator');
      const denominator = str('denominator');
      if (!numerator || !denominator) throw new ExperimentError(`ratio metric "${name}" needs a numerator and a denominator column`);
      column.column = numerator;
      column.denominator = denominator;
    } else if (type === 'quantile') {
      const q = m['quantile'];
      if (typeof q !== 'number' || !(q > 0 && q < 1)) throw new ExperimentError(`quantile metric "${name}" needs quantile: a level between 0 and 1, e.g. 0.95`);
      column.quantile = q;
      if (confidence !== undefined) column.confidence = confidence;
    } else if (str('covariate')) column.covariate = str('covariate')!;
    metrics.push(column);
    const g = isRecord(m['guardrail']) ? m['guardrail'] : undefined;
    const guardrail =
      g && (typeof g['max_relative_change'] === 'number' || typeof g['max_absolute_change'] === 'number')
        ? {
            ...(typeof g['max_relative_change'] === 'number' ? { max_relative_change: g['max_relative_change'] } : {}),
            ...(typeof g['max_absolute_change'] === 'number' ? { max_absolute_change: g['max_absolute_change'] } : {}),
          }
        : undefined;
    metricSpecs.push({
      name,
      ...(m['primary'] === true ? { primary: true } : {}),
      ...(m['direction'] === 'decrease' || m['direction'] === 'increase' ? { direction: m['direction'] } : {}),
      ...(guardrail ? { guardrail } : {}),
    });
  }
  if (metrics.length === 0) throw new ExperimentError('defines no metrics');
  const options: AbOptions = { variants, control, traffic, metricSpecs };
  if (typeof analysis['confidence'] === 'number') options.confidence = analysis['confidence'];
  if (analysis['correction'] === 'none' || analysis['correction'] === 'bonferroni' || analysis['correction'] === 'holm' || analysis['correction'] === 'bh') options.correction = analysis['correction'];
  if (analysis['adjustment'] === 'cuped' || analysis['adjustment'] === 'regression') options.adjustment = analysis['adjustment'];
  if (analysis['method'] === 'frequentist' || analysis['method'] === 'bayesian' || analysis['method'] === 'sequential') options.method = analysis['method'];
  const source = readSource(doc['source']);
  return {
    file,
    options,
    metrics,
    ...(typeof doc['data'] === 'string' ? { data: path.resolve(path.dirname(file), doc['data']) } : {}),
    ...(source ? { source } : {}),
    minSampleSize: typeof analysis['min_sample_size'] === 'number' ? analysis['min_sample_size'] : null,
    guardrails: metricSpecs.flatMap((m) => (m.guardrail ? [{ metric: m.name, direction: m.direction ?? ('increase' as const), ...m.guardrail }] : [])),
  };
}
