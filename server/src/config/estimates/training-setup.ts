/**
 * Reads the memory-relevant settings of a TrainingConfig's plain value into a `TrainingSetup`,
 * with the defaults the trainers use when a setting is absent (docs/estimates.md lists them).
 * Lenient: values of the wrong type count as absent (schema validation reports them).
 */
import { modelShape, type ModelShape } from './model-families';
import {
  OPTIMIZER_STATE_BYTES,
  TRAINING_METHODS,
  type LoraSetup,
  type OptimizerName,
  type QuantizationSetup,
  type TrainingMethod,
  type TrainingSetup,
} from './memory';

/** Hugging Face `TrainingArguments.per_device_train_batch_size` default. */
export const DEFAULT_BATCH_SIZE = 8;
/** TRL's default `max_length` / `max_seq_length`. */
export const DEFAULT_MAX_SEQ_LENGTH = 1024;
/** PEFT's `LoraConfig.r` default. */
export const DEFAULT_LORA_RANK = 8;

/** PEFT's default target modules per naming scheme (when `target_modules` is absent). */
const DEFAULT_TARGETS: Record<ModelShape['naming'], string[]> = {
  llama: ['q_proj', 'v_proj'],
  mixtral: ['q_proj', 'v_proj'],
  phi3: ['qkv_proj'],
  gpt2: ['c_attn'],
};

function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function positive(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

export interface TrainingSetupResult {
  setup: TrainingSetup;
  /** Settings that were absent and took a default, for "assuming ..." notes. */
  defaulted: string[];
}

/** The setup of a TrainingConfig, or undefined when its method or base model is unknown. */
export function trainingSetupFromConfig(value: unknown): TrainingSetupResult | undefined {
  const v = record(value);
  if (!v) return undefined;
  const method = v['method'];
  if (typeof method !== 'string' || !(TRAINING_METHODS as readonly string[]).includes(method)) return undefined;
  if (typeof v['base_model'] !== 'string') return undefined;
  const model = modelShape(v['base_model']);
  if (!model) return undefined;

  const hp = record(v['hyperparameters']) ?? {};
  const hardware = record(v['hardware']) ?? {};
  const defaulted: string[] = [];
  const take = (value: number | undefined, fallback: number, name: string): number => {
    if (value !== undefined) return value;
    defaulted.push(`${name} ${fallback}`);
    return fallback;
  };

  let lora: LoraSetup | undefined;
  const loraValue = record(v['lora']);
  if (loraValue) {
    const targets = loraValue['target_modules'];
    lora = {
      rank: take(positive(loraValue['rank']), DEFAULT_LORA_RANK, 'lora.rank'),
      targetModules:
        targets === 'all-linear'
          ? 'all-linear'
          : typeof targets === 'string'
            ? [targets]
            : Array.isArray(targets)
              ? targets.filter((t): t is string => typeof t === 'string')
              : DEFAULT_TARGETS[model.naming],
    };
  }

  let quantization: QuantizationSetup | undefined;
  const q = record(v['quantization']);
  if (q && (q['bits'] === 4 || q['bits'] === 8)) quantization = { bits: q['bits'], doubleQuant: q['double_quant'] === true };

  const optimizer = typeof hp['optimizer'] === 'string' && hp['optimizer'] in OPTIMIZER_STATE_BYTES ? (hp['optimizer'] as OptimizerName) : 'adamw';
  const precision = hp['precision'] === 'fp32' || hp['precision'] === 'fp16' ? hp['precision'] : 'bf16';

  const setup: TrainingSetup = {
    method: method as TrainingMethod,
    model,
    ...(lora ? { lora } : {}),
    ...(quantization ? { quantization } : {}),
    batchSize: take(positive(hp['batch_size']), DEFAULT_BATCH_SIZE, 'batch_size'),
    maxSeqLength: take(positive(hp['max_seq_length']), DEFAULT_MAX_SEQ_LENGTH, 'max_seq_length'),
    gpus: positive(hardware['gpus']) ?? 1,
    gradientCheckpointing: hp['gradient_checkpointing'] === true,
    optimizer,
    precision,
  };
  return { setup, defaulted };
}
