/** Reads an Experiment file into the A/B analysis options and the metric columns to collect. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseYaml } from '../config/parse';
import { IngestError } from '../ingest/rows';
import type { AbMetricSpec, AbOptions } from '../analysis/types';
import type { AbMetricColumn } from './inputs';

export interface ExperimentPlan {
  file: string;
  options: AbOptions;
  metrics: AbMetricColumn[];
  /** The results file named by `data:`, resolved against the Experiment's folder. */
  data?: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function readExperiment(file: string): ExperimentPlan {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new IngestError(file, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such Experiment file' : (err as Error).message);
  }
  const parsed = parseYaml(text);
  const syntax = parsed.diagnostics.find((d) => d.severity === 'error');
  if (syntax) throw new IngestError(file, `line ${syntax.range.start.line + 1}: ${syntax.message}`);
  const doc = parsed.documents[0]?.value;
  if (!isRecord(doc) || doc['kind'] !== 'Experiment') throw new IngestError(file, 'is not an Experiment (kind: Experiment)');
  const variantsRaw = Array.isArray(doc['variants']) ? doc['variants'].filter(isRecord) : [];
  const variants = variantsRaw.map((v) => String(v['id'] ?? ''));
  if (variants.length < 2 || variants.some((v) => v === '')) throw new IngestError(file, 'needs at least two variants, each with an id');
  const control = String(variantsRaw.find((v) => v['control'] === true)?.['id'] ?? variants[0]);
  const traffic: Record<string, number> = {};
  for (const v of variantsRaw) traffic[String(v['id'])] = typeof v['traffic'] === 'number' ? v['traffic'] : 1 / variants.length;
  const metricsRaw = Array.isArray(doc['metrics']) ? doc['metrics'].filter(isRecord) : [];
  const metrics: AbMetricColumn[] = [];
  const metricSpecs: AbMetricSpec[] = [];
  for (const m of metricsRaw) {
    const name = typeof m['name'] === 'string' ? m['name'] : undefined;
    const type = m['type'] === 'binomial' || m['type'] === 'continuous' ? m['type'] : undefined;
    if (!name || !type) throw new IngestError(file, `metric ${JSON.stringify(m['name'] ?? m)} needs a name and a type (binomial or continuous)`);
    metrics.push({ name, type, column: typeof m['column'] === 'string' ? m['column'] : name });
    const guardrail = isRecord(m['guardrail']) && typeof m['guardrail']['max_relative_change'] === 'number' ? { max_relative_change: m['guardrail']['max_relative_change'] } : undefined;
    metricSpecs.push({
      name,
      ...(m['primary'] === true ? { primary: true } : {}),
      ...(m['direction'] === 'decrease' || m['direction'] === 'increase' ? { direction: m['direction'] } : {}),
      ...(guardrail ? { guardrail } : {}),
    });
  }
  if (metrics.length === 0) throw new IngestError(file, 'defines no metrics');
  const analysis = isRecord(doc['analysis']) ? doc['analysis'] : {};
  const options: AbOptions = { variants, control, traffic, metricSpecs };
  if (typeof analysis['confidence'] === 'number') options.confidence = analysis['confidence'];
  if (analysis['correction'] === 'none' || analysis['correction'] === 'bonferroni' || analysis['correction'] === 'holm') options.correction = analysis['correction'];
  if (analysis['method'] === 'frequentist' || analysis['method'] === 'bayesian' || analysis['method'] === 'sequential') options.method = analysis['method'];
  return { file, options, metrics, ...(typeof doc['data'] === 'string' ? { data: path.resolve(path.dirname(file), doc['data']) } : {}) };
}
