/**
 * The training wizard's core: a form (method, base model, dataset, LoRA/QLoRA/full, hardware,
 * batch) to an RLHF Lens TrainingConfig (value and YAML), and the plan the wizard shows live: per-GPU
 * memory, tokens per step, optimizer steps and a time estimate, from the same estimators as the
 * hover (estimates/*). Pure: the server handler supplies the dataset's row count.
 */
import * as path from 'node:path';
import { stringify } from 'yaml';
import { breakdownParts, estimatePeakMemory, formatBytes, parseGpuMemory } from './estimates/memory';
import { trainingSetupFromConfig } from './estimates/training-setup';
import { estimateTrainingTime } from './estimates/time';
import { plural } from '../text/plural';
import { dnsLabel, type WizardForm, type WizardPlan } from '../protocol/wizard';

export { ADAPTERS, DEFAULT_FORM, dnsLabel, WIZARD_METHODS, type Adapter, type WizardForm, type WizardMethod, type WizardPlan } from '../protocol/wizard';


/** Why the form cannot become a TrainingConfig, or undefined. */
export function unsupported(form: WizardForm): string | undefined {
  if (form.method === 'grpo') return 'GRPO is not a TrainingConfig method yet (schemas/training.schema.json lists sft, reward_model, dpo, ppo, orpo, kto); the wizard cannot write it.';
  return undefined;
}

/** Methods that train on pairs (the data format they need, and twice the tokens per example). */
const PAIRED = new Set(['dpo', 'orpo', 'reward_model']);
const FORMAT_FOR: Record<string, string> = { dpo: 'preference', orpo: 'preference', reward_model: 'preference', kto: 'unpaired' };


/** The TrainingConfig value of a form; `configFile` is where it will be written (data paths are relative to its folder). */
export function configFromForm(form: WizardForm, configFile: string): Record<string, unknown> {
  const hp: Record<string, unknown> = {
    epochs: form.epochs,
    batch_size: form.batchSize,
    gradient_accumulation_steps: form.gradientAccumulation,
    learning_rate: form.learningRate,
    max_seq_length: form.maxSeqLength,
    precision: 'bf16',
    gradient_checkpointing: true,
  };
  if (form.method === 'dpo' || form.method === 'orpo' || form.method === 'kto') hp['beta'] = 0.1;
  const format = form.datasetFormat ?? FORMAT_FOR[form.method] ?? 'chat';
  const train = form.dataset ? path.relative(path.dirname(configFile), form.dataset).split(path.sep).join('/') : 'data/train.jsonl';
  const value: Record<string, unknown> = {
    apiVersion: 'rlhf-lens/v1',
    kind: 'TrainingConfig',
    metadata: { name: dnsLabel(form.name) },
    method: form.method,
    base_model: form.baseModel,
    dataset: { train, format },
  };
  if (form.adapter !== 'full') value['lora'] = { rank: form.loraRank, alpha: form.loraRank * 2, dropout: 0.05, target_modules: 'all-linear' };
  if (form.adapter === 'qlora') value['quantization'] = { bits: 4, type: 'nf4', double_quant: true };
  value['hyperparameters'] = hp;
  value['hardware'] = { gpus: form.gpus, gpu_memory: form.gpuMemory, gpu_type: form.gpu.toLowerCase().replace(/\s+/g, '-') };
  return value;
}

/** The YAML written to disk: a comment saying where it came from, then the config. */
export function configYaml(value: Record<string, unknown>): string {
  return `# Written by the RLHF Lens training wizard; edit freely (the estimates follow in the hover).\n${stringify(value, { flowCollectionPadding: false })}`;
}

const n = (x: number) => Math.round(x).toLocaleString('en-US');

function duration(seconds: number): string {
  if (seconds < 3600) return `${Math.max(1, Math.round(seconds / 60))} min`;
  if (seconds < 48 * 3600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} days`;
}

/** The live numbers for a form; `trainRows` is the dataset's row count when known. */
export function planFromForm(form: WizardForm, trainRows: number | undefined): WizardPlan {
  const effectiveBatch = form.batchSize * form.gradientAccumulation * form.gpus;
  const paired = PAIRED.has(form.method);
  const tokensPerStep = effectiveBatch * form.maxSeqLength * (paired ? 2 : 1);
  const lines: string[] = [
    `Effective batch: ${form.batchSize} × ${form.gradientAccumulation} × ${plural(form.gpus, 'GPU')} = ${plural(effectiveBatch, paired ? 'pair' : 'example', { format: n })} per step`,
    `Tokens per step (at most): ${n(tokensPerStep)}`,
  ];
  const plan: WizardPlan = { effectiveBatch, tokensPerStep, lines };
  const steps = trainRows !== undefined && trainRows > 0 ? Math.ceil(trainRows / effectiveBatch) * form.epochs : undefined;
  if (steps !== undefined) {
    plan.steps = steps;
    lines.push(`Optimizer steps: ${n(steps)} (${plural(trainRows!, 'row', { format: n })}, ${plural(form.epochs, 'epoch')})`);
  }
  const why = unsupported(form);
  const read = why ? undefined : trainingSetupFromConfig(configFromForm(form, '/wizard.training.yaml'));
  if (!read) {
    plan.problem = why ?? `no memory estimate: "${form.baseModel}" is not a known model family and its name gives no size (such as 7B)`;
    return plan;
  }
  const b = estimatePeakMemory(read.setup);
  const limit = parseGpuMemory(form.gpuMemory);
  plan.memory = {
    total: b.total,
    ...(limit !== undefined ? { limit, fits: b.total <= limit } : {}),
    parts: breakdownParts(b).filter(([, bytes]) => bytes > 0),
    trainableParams: b.trainableParams,
    notes: b.notes,
    model: read.setup.model.name,
  };
  lines.push(`Peak memory per GPU (${read.setup.model.name}): ${formatBytes(b.total)}${limit !== undefined ? ` of ${formatBytes(limit)}${b.total > limit ? ' (does not fit)' : ''}` : ''}`);
  if (steps !== undefined) {
    const t = estimateTrainingTime(read.setup, steps * tokensPerStep, form.gpu);
    if (t) {
      plan.seconds = t.seconds;
      lines.push(`Time: about ${duration(t.seconds)} at ${Math.round(t.mfu * 100)}% of ${form.gpu}'s ${t.peakTflops} TFLOP/s`);
    }
  }
  return plan;
}
