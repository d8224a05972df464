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
  type: 'binomial' | 'continuous';
  column: string;
}

export interface ExperimentPlan {
  file: string;
  options: AbOptions;
  metrics: AbMetricColumn[];
  /** The results file named by `data:`, resolved against the Experiment's folder. */
  data?: string;
  /** `analysis.min_sample_size`: the per-variant sample size the test needs, if configured. */
  minSampleSize: number | null;
  guardrails: { metric: string; direction: 'increase' | 'decrease'; max_relative_change: number }[];
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
  for (const m of metricsRaw) {
    const name = typeof m['name'] === 'string' ? m['name'] : undefined;
    const type = m['type'] === 'binomial' || m['type'] === 'continuous' ? m['type'] : undefined;
    if (!name || !type) throw new ExperimentError(`metric ${JSON.stringify(m['name'] ?? m)} needs a name and a type (binomial or continuous)`);
    metrics.push({ name, type, column: typeof m['column'] === 'string' ? m['column'] : name });
    const guardrail = isRecord(m['guardrail']) && typeof m['guardrail']['max_relative_change'] === 'number' ? { max_relative_change: m['guardrail']['max_relative_change'] } : undefined;
    metricSpecs.push({
      name,
      ...(m['primary'] === true ? { primary: true } : {}),
      ...(m['direction'] === 'decrease' || m['direction'] === 'increase' ? { direction: m['direction'] } : {}),
      ...(guardrail ? { guardrail } : {}),
    });
  }
  if (metrics.length === 0) throw new ExperimentError('defines no metrics');
  const analysis = isRecord(doc['analysis']) ? doc['analysis'] : {};
  const options: AbOptions = { variants, control, traffic, metricSpecs };
  if (typeof analysis['confidence'] === 'number') options.confidence = analysis['confidence'];
  if (analysis['correction'] === 'none' || analysis['correction'] === 'bonferroni' || analysis['correction'] === 'holm') options.correction = analysis['correction'];
  if (analysis['method'] === 'frequentist' || analysis['method'] === 'bayesian' || analysis['method'] === 'sequential') options.method = analysis['method'];
  return {
    file,
    options,
    metrics,
    ...(typeof doc['data'] === 'string' ? { data: path.resolve(path.dirname(file), doc['data']) } : {}),
    minSampleSize: typeof analysis['min_sample_size'] === 'number' ? analysis['min_sample_size'] : null,
    guardrails: metricSpecs.flatMap((m) => (m.guardrail ? [{ metric: m.name, direction: m.direction ?? ('increase' as const), max_relative_change: m.guardrail.max_relative_change }] : [])),
  };
}
