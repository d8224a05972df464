/**
 * The training wizard's core: a form (method, base model, dataset, LoRA/QLoRA/full, hardware,
 * batch, format) to the file it writes — an RLHF Lens TrainingConfig, an axolotl config or a TRL
 * config — and the plan the wizard shows live: per-GPU memory, tokens per step, optimizer steps and
 * a time estimate, from the same estimators as the hover of the written file (estimates/* for a
 * TrainingConfig, frameworks/estimate.ts for axolotl and TRL). Pure: the server handler supplies the
 * dataset's row count and columns.
 */
import * as path from 'node:path';
import { stringify } from 'yaml';
import { breakdownParts, estimatePeakMemory, formatBytes, parseGpuMemory, type TrainingSetup } from './estimates/memory';
import { trainingSetupFromConfig } from './estimates/training-setup';
import { estimateTrainingTime } from './estimates/time';
import { frameworkFacts } from './frameworks/facts';
import { estimateFramework } from './frameworks/estimate';
import { ConfigDocument } from './model';
import { parseYaml } from './parse';
import { NO_FACTS } from './workspace-facts';
import { plural } from '../text/plural';
import { dnsLabel, type WizardForm, type WizardPlan } from '../protocol/wizard';

export { ADAPTERS, DEFAULT_FORM, defaultOutput, dnsLabel, WIZARD_FORMATS, WIZARD_METHODS, type Adapter, type WizardForm, type WizardFormat, type WizardMethod, type WizardPlan } from '../protocol/wizard';

/** Why the form cannot be written in its format, or undefined. */
export function unsupported(form: WizardForm): string | undefined {
  if (form.method === 'grpo' && form.format === 'training') return 'GRPO is not a TrainingConfig method (schemas/training.schema.json lists sft, reward_model, dpo, ppo, orpo, kto): write it as an axolotl or TRL config.';
  if (form.method === 'orpo' && form.format === 'trl') return 'TRL v1.9 has no ORPO trainer in its main package (ORPOConfig moved to trl.experimental): write ORPO as an axolotl config or a TrainingConfig.';
  return undefined;
}

/** Methods that train on pairs (the data format they need, and twice the tokens per example). */
const PAIRED = new Set(['dpo', 'orpo', 'reward_model']);
const FORMAT_FOR: Record<string, string> = { dpo: 'preference', orpo: 'preference', reward_model: 'preference', kto: 'unpaired', grpo: 'preference' };

/** The dataset path as the written file names it: relative to the file's folder, `/`-separated. */
function dataPath(form: WizardForm, configFile: string): string {
  return form.dataset ? path.relative(path.dirname(configFile), form.dataset).split(path.sep).join('/') : 'data/train.jsonl';
}

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
  const value: Record<string, unknown> = {
    apiVersion: 'rlhf-lens/v1',
    kind: 'TrainingConfig',
    metadata: { name: dnsLabel(form.name) },
    method: form.method,
    base_model: form.baseModel,
    dataset: { train: dataPath(form, configFile), format },
  };
  if (form.adapter !== 'full') value['lora'] = { rank: form.loraRank, alpha: form.loraRank * 2, dropout: 0.05, target_modules: 'all-linear' };
  if (form.adapter === 'qlora') value['quantization'] = { bits: 4, type: 'nf4', double_quant: true };
  value['hyperparameters'] = hp;
  value['hardware'] = { gpus: form.gpus, gpu_memory: form.gpuMemory, gpu_type: form.gpu.toLowerCase().replace(/\s+/g, '-') };
  return value;
}

/** GRPO's group size: the largest of 8, 4, 2 that divides the generation batch (framework/grpo-generations). */
function grpoGroup(form: WizardForm): { numGenerations: number; generationBatch?: number } {
  const batch = form.batchSize * form.gradientAccumulation * form.gpus;
  for (const n of [8, 4, 2]) if (batch % n === 0) return { numGenerations: n };
  // An odd batch: generate two completions per prompt over twice the batch.
  return { numGenerations: 2, generationBatch: 2 * batch };
}

/**
 * axolotl's dataset `type` for the method and the rows: the prompt strategies that read these columns
 * (chat_template reads `messages`; chatml.prompt_pairs prompt / chosen / rejected; chatml.ultra KTO's
 * prompt / completion / label; bradley_terry.chat_template for reward models; chat_template.argilla is
 * axolotl's ORPO strategy). GRPO needs a transform module of the user's (rewards.py).
 */
function axolotlDataset(form: WizardForm, file: string, columns: readonly string[] | undefined): Record<string, unknown> {
  const d: Record<string, unknown> = { path: file, ds_type: /\.csv$/i.test(file) ? 'csv' : 'json', split: 'train' };
  const has = (c: string) => columns?.includes(c) ?? false;
  switch (form.method) {
    case 'dpo':
      d['type'] = 'chatml.prompt_pairs';
      break;
    case 'orpo':
      d['type'] = 'chat_template.argilla';
      break;
    case 'reward_model':
      d['type'] = 'bradley_terry.chat_template';
      break;
    case 'kto':
      d['type'] = 'chatml.ultra';
      break;
    case 'grpo':
      d['type'] = 'rewards.prompt_transform';
      break;
    default: {
      const format = form.datasetFormat ?? 'chat';
      if (format === 'text') d['type'] = 'completion';
      else if (format === 'instruction') {
        if (has('instruction') && has('output')) d['type'] = 'alpaca';
        else {
          const instruction = has('instruction') ? 'instruction' : 'prompt';
          const output = has('response') ? 'response' : has('completion') ? 'completion' : 'output';
          d['type'] = { field_instruction: instruction, field_output: output, format: '{instruction}\n', no_input_format: '{instruction}\n' };
        }
      } else {
        d['type'] = 'chat_template';
        d['field_messages'] = 'messages';
      }
    }
  }
  return d;
}

/** The axolotl config of a form (axolotl v0.18 option names; datasets relative to the file's folder). */
export function axolotlFromForm(form: WizardForm, configFile: string, columns?: readonly string[]): Record<string, unknown> {
  const v: Record<string, unknown> = { base_model: form.baseModel };
  if (form.method === 'reward_model') Object.assign(v, { model_type: 'AutoModelForSequenceClassification', num_labels: 1, reward_model: true });
  else if (form.method !== 'sft') v['rl'] = form.method;
  if (form.method === 'dpo' || form.method === 'kto') v['rl_beta'] = 0.1;
  if (form.method === 'orpo') v['orpo_alpha'] = 0.1;
  if (form.method === 'grpo') {
    const g = grpoGroup(form);
    v['trl'] = { beta: 0.001, num_generations: g.numGenerations, ...(g.generationBatch ? { generation_batch_size: g.generationBatch } : {}), max_completion_length: 256, reward_funcs: ['rewards.reward_func'] };
  }
  if (form.method !== 'sft') v['remove_unused_columns'] = false;
  v['chat_template'] = 'chatml';
  v['datasets'] = [axolotlDataset(form, dataPath(form, configFile), columns)];
  Object.assign(v, { val_set_size: 0, output_dir: `./outputs/${dnsLabel(form.name)}`, sequence_len: form.maxSeqLength, sample_packing: false });
  if (form.adapter !== 'full') {
    if (form.adapter === 'qlora') v['load_in_4bit'] = true;
    Object.assign(v, { adapter: form.adapter, lora_r: form.loraRank, lora_alpha: form.loraRank * 2, lora_dropout: 0.05, lora_target_linear: true });
  }
  Object.assign(v, {
    micro_batch_size: form.batchSize,
    gradient_accumulation_steps: form.gradientAccumulation,
    num_epochs: form.epochs,
    optimizer: 'adamw_torch_fused',
    lr_scheduler: 'cosine',
    learning_rate: form.learningRate,
    warmup_ratio: 0.1,
    bf16: 'auto',
    gradient_checkpointing: true,
    logging_steps: 10,
    saves_per_epoch: 1,
  });
  return v;
}

/** The TRL config of a form (TRL v1.9 / transformers v5 option names: `trl <method> --config FILE`). */
export function trlFromForm(form: WizardForm, configFile: string): Record<string, unknown> {
  const v: Record<string, unknown> = { model_name_or_path: form.baseModel, dtype: 'bfloat16' };
  if (form.adapter !== 'full') {
    Object.assign(v, { use_peft: true, lora_r: form.loraRank, lora_alpha: form.loraRank * 2, lora_dropout: 0.05, lora_target_modules: ['all-linear'] });
    if (form.adapter === 'qlora') Object.assign(v, { load_in_4bit: true, bnb_4bit_quant_type: 'nf4', use_bnb_nested_quant: true });
  }
  const file = dataPath(form, configFile);
  v['datasets'] = [{ path: /\.csv$/i.test(file) ? 'csv' : 'json', data_files: file, split: 'train' }];
  if (form.method === 'dpo') v['beta'] = 0.1;
  if (form.method === 'kto') Object.assign(v, { beta: 0.1, desirable_weight: 1.0 });
  // TRL's recommended centring term; it also says "reward model" to anyone reading the file.
  if (form.method === 'reward_model') v['center_rewards_coefficient'] = 0.01;
  if (form.method === 'grpo') {
    const g = grpoGroup(form);
    Object.assign(v, { num_generations: g.numGenerations, ...(g.generationBatch ? { generation_batch_size: g.generationBatch } : {}), max_completion_length: 256 });
  } else v['max_length'] = form.maxSeqLength;
  Object.assign(v, {
    per_device_train_batch_size: form.batchSize,
    gradient_accumulation_steps: form.gradientAccumulation,
    num_train_epochs: form.epochs,
    learning_rate: form.learningRate,
    lr_scheduler_type: 'cosine',
    bf16: true,
    gradient_checkpointing: true,
    logging_steps: 10,
    output_dir: `outputs/${dnsLabel(form.name)}`,
    report_to: 'none',
  });
  return v;
}

const TRL_COMMAND: Record<string, string> = { sft: 'sft', reward_model: 'reward', dpo: 'dpo', kto: 'kto', grpo: 'grpo' };

/** The first lines of a framework file: the modeline with the hardware, where it came from, how to launch it. */
function frameworkHeader(form: WizardForm, configFile: string): string {
  const name = path.basename(configFile);
  const gpu = form.gpu.replace(/\s+/g, '');
  const lines = [`# rlhf-lens: ${form.format} gpus=${form.gpus} gpu=${gpu} gpu_memory=${form.gpuMemory}`, `# Written by the RLHF Lens training wizard; edit freely (the estimates follow in the hover of the first key).`];
  // Data paths are relative to this file's folder, as RLHF Lens reads them: launch from here.
  if (form.format === 'axolotl') lines.push(`# Launch from this folder: axolotl train ${name}`);
  else lines.push(`# Launch from this folder: trl ${TRL_COMMAND[form.method] ?? form.method} --config ${name}`);
  if (form.method === 'grpo') {
    lines.push(
      form.format === 'axolotl'
        ? '# GRPO needs your reward: define prompt_transform (dataset rows to prompts) and reward_func in rewards.py beside this file.'
        : '# GRPO needs your reward: pass reward functions to GRPOTrainer (reward_funcs=...) in the script that reads this file.',
    );
  }
  return lines.join('\n') + '\n';
}

/** The text of the file the form writes, in its format; `columns` are the dataset's (for axolotl's instruction mapping). */
export function formText(form: WizardForm, configFile: string, columns?: readonly string[]): string {
  const opts = { flowCollectionPadding: false } as const;
  if (form.format === 'axolotl') return frameworkHeader(form, configFile) + stringify(axolotlFromForm(form, configFile, columns), opts);
  if (form.format === 'trl') return frameworkHeader(form, configFile) + stringify(trlFromForm(form, configFile), opts);
  return configYaml(configFromForm(form, configFile));
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

/** The memory setup the hover of the written file would estimate, with its batch figures. */
function setupOf(form: WizardForm): { setup: TrainingSetup; sequencesPerStep: number; tokensPerStep: number } | undefined {
  if (form.format === 'training') {
    const read = trainingSetupFromConfig(configFromForm(form, '/wizard.training.yaml'));
    if (!read) return undefined;
    const sequencesPerStep = form.batchSize * form.gradientAccumulation * form.gpus;
    return { setup: read.setup, sequencesPerStep, tokensPerStep: sequencesPerStep * form.maxSeqLength * (PAIRED.has(form.method) ? 2 : 1) };
  }
  const file = `/wizard.${form.format}.yaml`;
  const parsed = parseYaml(formText(form, file));
  const d = parsed.documents[0];
  if (!d) return undefined;
  const facts = frameworkFacts(new ConfigDocument(form.format, d.value, d.doc, parsed.lines, d.start, d.end));
  const est = facts && estimateFramework(facts, { gpus: form.gpus, gpu: form.gpu, gpu_memory: form.gpuMemory }, file, NO_FACTS);
  return est ? { setup: est.setup, sequencesPerStep: est.sequencesPerStep, tokensPerStep: est.tokensPerStep } : undefined;
}

/** The live numbers for a form; `trainRows` is the dataset's row count when known. */
export function planFromForm(form: WizardForm, trainRows: number | undefined): WizardPlan {
  const why = unsupported(form);
  const est = why ? undefined : setupOf(form);
  const effectiveBatch = est?.sequencesPerStep ?? form.batchSize * form.gradientAccumulation * form.gpus;
  const paired = PAIRED.has(form.method);
  const tokensPerStep = est?.tokensPerStep ?? effectiveBatch * form.maxSeqLength * (paired && form.format === 'training' ? 2 : 1);
  const lines: string[] = [
    `Effective batch: ${form.batchSize} × ${form.gradientAccumulation} × ${plural(form.gpus, 'GPU')} = ${plural(effectiveBatch, paired ? 'pair' : form.method === 'grpo' ? 'completion' : 'example', { format: n })} per step`,
    `Tokens per step (at most): ${n(tokensPerStep)}`,
  ];
  const plan: WizardPlan = { effectiveBatch, tokensPerStep, lines };
  const steps = trainRows !== undefined && trainRows > 0 ? Math.ceil(trainRows / effectiveBatch) * form.epochs : undefined;
  if (steps !== undefined) {
    plan.steps = steps;
    lines.push(`Optimizer steps: ${n(steps)} (${plural(trainRows!, 'row', { format: n })}, ${plural(form.epochs, 'epoch')})`);
  }
  if (!est) {
    plan.problem = why ?? `no memory estimate: "${form.baseModel}" is not a known model family and its name gives no size (such as 7B)`;
    return plan;
  }
  const b = estimatePeakMemory(est.setup);
  const limit = parseGpuMemory(form.gpuMemory);
  plan.memory = {
    total: b.total,
    ...(limit !== undefined ? { limit, fits: b.total <= limit } : {}),
    parts: breakdownParts(b).filter(([, bytes]) => bytes > 0),
    trainableParams: b.trainableParams,
    notes: b.notes,
    model: est.setup.model.name,
  };
  lines.push(`Peak memory per GPU (${est.setup.model.name}): ${formatBytes(b.total)}${limit !== undefined ? ` of ${formatBytes(limit)}${b.total > limit ? ' (does not fit)' : ''}` : ''}`);
  if (steps !== undefined) {
    const t = estimateTrainingTime(est.setup, steps * tokensPerStep, form.gpu);
    if (t) {
      plan.seconds = t.seconds;
      lines.push(`Time: about ${duration(t.seconds)} at ${Math.round(t.mfu * 100)}% of ${form.gpu}'s ${t.peakTflops} TFLOP/s`);
    }
  }
  return plan;
}
