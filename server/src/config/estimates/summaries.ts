/**
 * Hover text for TrainingConfig and Experiment documents: the numbers a reviewer works out by hand
 * (effective batch, tokens and steps, per-GPU memory; per-variant sample size). Pure functions;
 * the editor-features handler decides where to show them.
 */
import * as path from 'node:path';
import type { WorkspaceFacts } from '../workspace-facts';
import { breakdownParts, estimatePeakMemory, formatBytes, parseGpuMemory } from './memory';
import { trainingSetupFromConfig } from './training-setup';
import { experimentDesignFromConfig } from './experiment-design';
import { powerForSampleSize, sampleSizePerVariant } from '../../analysis/sample-size';
import { noun, plural } from '../../text/plural';

const n = (x: number) => Math.round(x).toLocaleString('en-US');
const pct = (x: number) => `${Number((x * 100).toFixed(1))}%`;

function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

/**
 * Markdown lines describing a TrainingConfig's value. `filePath` is the config's absolute path
 * (data paths resolve against its folder); `facts` gives the training set's row count when known.
 */
export function trainingSummary(value: unknown, facts: WorkspaceFacts, filePath: string): string[] {
  const v = record(value);
  if (!v) return [];
  const hp = record(v['hyperparameters']) ?? {};
  const hardware = record(v['hardware']) ?? {};
  const lines: string[] = [];

  const batch = positiveInt(hp['batch_size']);
  const accum = positiveInt(hp['gradient_accumulation_steps']) ?? 1;
  const gpus = positiveInt(hardware['gpus']) ?? 1;
  const paired = v['method'] === 'dpo' || v['method'] === 'orpo' || v['method'] === 'reward_model';
  if (batch !== undefined) {
    const effective = batch * accum * gpus;
    lines.push(
      `**Effective batch size:** ${batch} × ${accum} accumulation × ${plural(gpus, 'GPU')} = **${n(effective)}** ${noun(effective, paired ? 'pair' : 'example')} per optimizer step`,
    );
    const seq = positiveInt(hp['max_seq_length']);
    if (seq !== undefined) {
      const tokens = effective * seq * (paired ? 2 : 1);
      lines.push(`**Tokens per step (at most):** ${n(effective)}${paired ? ' × 2' : ''} × ${n(seq)} = ${n(tokens)}`);
    }
    const maxSteps = positiveInt(hp['max_steps']);
    const train = record(v['dataset'])?.['train'];
    const rows = typeof train === 'string' ? facts.dataSample(path.resolve(path.dirname(filePath), train))?.rowCount : undefined;
    if (maxSteps !== undefined) lines.push(`**Optimizer steps:** ${n(maxSteps)} (max_steps)`);
    else if (rows !== undefined) {
      const perEpoch = Math.ceil(rows / effective);
      const epochs = typeof hp['epochs'] === 'number' && hp['epochs'] > 0 ? hp['epochs'] : 1;
      lines.push(
        `**Optimizer steps:** ${plural(rows, 'row', { format: n })} / ${n(effective)} = ${n(perEpoch)} per epoch × ${plural(epochs, 'epoch')} = **${n(Math.ceil(perEpoch * epochs))}**`,
      );
    }
  }

  const read = trainingSetupFromConfig(v);
  const b = read ? estimatePeakMemory(read.setup) : undefined;
  if (read && b && Number.isFinite(b.total)) {
    const limit = parseGpuMemory(hardware['gpu_memory']);
    const of = limit !== undefined ? ` of ${formatBytes(limit)}${b.total > limit ? ' (**does not fit**)' : ''}` : '';
    lines.push(`**Estimated peak memory per GPU** (${read.setup.model.name}): **${formatBytes(b.total)}**${of}`);
    for (const [name, bytes] of breakdownParts(b)) if (bytes > 0) lines.push(`- ${name}: ${formatBytes(bytes)}`);
    if (b.trainableParams > 0) lines.push(`- trainable parameters: ${n(b.trainableParams)}`);
    const notes = [...b.notes, ...(read.defaulted.length > 0 ? [`assumed ${read.defaulted.join(', ')}`] : [])];
    for (const note of notes) lines.push(`- _${note}_`);
  }
  return lines;
}

/** Markdown for an Experiment's value: the per-variant sample its analysis needs, or undefined. */
export function experimentSummary(value: unknown): string | undefined {
  const d = experimentDesignFromConfig(value);
  if (!d) return undefined;
  const needed = sampleSizePerVariant(d.design);
  const baseline = (d.worstCaseBaseline ? 'worst-case baseline 0.5' : `baseline ${d.design.baseline}`) +
    (d.covariateCorrelation ? `, CUPED with covariate correlation ${d.covariateCorrelation}: variance and sample size x ${Number((1 - d.covariateCorrelation ** 2).toFixed(4))}` : '');
  const lines = [
    `**Sample size:** ${plural(needed, 'unit', { format: n })} per variant to detect an absolute change of ${d.design.mde} in "${d.metricName}" ` +
      `with ${pct(d.design.power!)} power at ${pct(d.design.confidence!)} confidence (two-sided two-proportion z-test, ${baseline}).`,
  ];
  const variants = Array.isArray(record(value)?.['variants']) ? (record(value)!['variants'] as unknown[]) : [];
  const shares = variants.map((x) => record(x)?.['traffic']).filter((t): t is number => typeof t === 'number' && t > 0);
  if (variants.length >= 2) {
    // The smallest share fills last, so it sets how many units the whole experiment needs.
    const sum = shares.reduce((a, b) => a + b, 0);
    const smallest = shares.length === variants.length && sum > 0 ? Math.min(...shares) / sum : 1 / variants.length;
    lines.push(`About ${plural(Math.ceil(needed / smallest), 'unit', { format: n })} in total across ${plural(variants.length, 'variant')} at this traffic split.`);
  }
  if (d.minSampleSize !== undefined) {
    lines.push(`min_sample_size ${n(d.minSampleSize)} gives ${pct(powerForSampleSize(d.design, d.minSampleSize))} power.`);
  }
  return lines.join('\n\n');
}
