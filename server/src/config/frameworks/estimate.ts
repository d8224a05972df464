/**
 * The memory and throughput estimate of a framework config, on the same engine as TrainingConfig
 * (estimates/memory.ts), with what these files add: DeepSpeed ZeRO stage and CPU offload (inline or
 * from the `deepspeed:` JSON), no reference model for SimPO/ORPO, 8-bit optimizers, packing.
 */
import * as path from 'node:path';
import { estimatePeakMemory, type MemoryBreakdown, type OptimizerName, type TrainingMethod, type TrainingSetup, type ZeroSetup } from '../estimates/memory';
import { modelShape } from '../estimates/model-families';
import type { WorkspaceFacts } from '../workspace-facts';
import type { HardwareProfile } from '../project';
import { hasLoraAdapter, quantizedBits, type FrameworkFacts, type Method } from './facts';
import { FRAMEWORK_SCHEMAS } from './schemas';

/** The framework's own default for an option (from the generated table), when it is a number. */
function defaultOf(kind: FrameworkFacts['kind'], key: string, fallback: number): number {
  const d = FRAMEWORK_SCHEMAS[kind].properties[key]?.default;
  return typeof d === 'number' && d > 0 ? d : fallback;
}
const KEYS: Record<string, { batch: string; seq: string; rank: string }> = {
  axolotl: { batch: 'micro_batch_size', seq: 'sequence_len', rank: 'lora_r' },
  llamafactory: { batch: 'per_device_train_batch_size', seq: 'cutoff_len', rank: 'lora_rank' },
  trl: { batch: 'per_device_train_batch_size', seq: 'max_length', rank: 'lora_r' },
};

function rec(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** The DeepSpeed config a framework file uses: inline, or the JSON file `deepspeed:` names (relative to the config's folder). */
export function deepspeedConfig(f: FrameworkFacts, filePath: string, facts: WorkspaceFacts): { value: Record<string, unknown>; file?: string } | undefined {
  const ds = f.deepspeed?.value;
  if (!ds) return undefined;
  if (typeof ds !== 'string') return { value: ds };
  const abs = path.resolve(path.dirname(filePath), ds);
  const v = rec(facts.jsonFile?.(abs));
  return v ? { value: v, file: abs } : undefined;
}

export function zeroOf(ds: Record<string, unknown> | undefined): ZeroSetup {
  const z = rec(ds?.['zero_optimization']);
  const stage = Number(z?.['stage'] ?? 0);
  const dev = (v: unknown): boolean => {
    const r = rec(v);
    return !!r && typeof r['device'] === 'string' && r['device'] !== 'none';
  };
  return {
    stage: stage === 1 || stage === 2 || stage === 3 ? stage : 0,
    offloadOptimizer: dev(z?.['offload_optimizer']),
    offloadParams: dev(z?.['offload_param']),
  };
}

function trainingMethod(m: Method): TrainingMethod {
  switch (m) {
    case 'dpo':
    case 'ipo':
      return 'dpo';
    case 'kto':
    case 'grpo':
      return 'kto'; // a frozen reference, unpaired sequences
    case 'orpo':
    case 'simpo':
      return 'orpo'; // paired, no reference model
    case 'reward_model':
      return 'reward_model';
    case 'ppo':
      return 'ppo';
    default:
      return 'sft';
  }
}

function optimizerOf(name: string | undefined): OptimizerName {
  const n = (name ?? '').toLowerCase();
  if (n.includes('8bit')) return n.includes('paged') ? 'paged_adamw_8bit' : 'adamw_8bit';
  if (n.includes('adafactor')) return 'adafactor';
  if (n === 'sgd') return 'sgd';
  return 'adamw';
}

export interface FrameworkEstimate {
  setup: TrainingSetup;
  memory: MemoryBreakdown;
  gpus: number;
  /** Tokens per optimizer step across all GPUs (at most: sequences may be shorter unless packed). */
  tokensPerStep: number;
  /** Sequences per optimizer step across all GPUs (pairs count once). */
  sequencesPerStep: number;
  /** Settings that took the framework's default. */
  defaulted: string[];
  zero: ZeroSetup;
  deepspeedFile?: string;
}

export function estimateFramework(f: FrameworkFacts, hardware: HardwareProfile | undefined, filePath: string, facts: WorkspaceFacts, overrides: Partial<TrainingSetup> = {}): FrameworkEstimate | undefined {
  if (!f.baseModel) return undefined;
  const model = modelShape(f.baseModel.value);
  if (!model) return undefined;
  const defaulted: string[] = [];
  const take = (v: number | undefined, fallback: number, name: string): number => {
    if (v !== undefined && v > 0) return v;
    defaulted.push(`${name} ${fallback}`);
    return fallback;
  };
  const gpus = hardware?.gpus ?? 1;
  const ds = deepspeedConfig(f, filePath, facts);
  // No DeepSpeed: plain data parallel (FSDP configs are read as ZeRO-3).
  const zero = ds ? zeroOf(ds.value) : { stage: 0 as const, offloadOptimizer: false, offloadParams: false };
  const q = quantizedBits(f);
  const lora = hasLoraAdapter(f);
  const targets = f.loraTargets?.value;
  const k = KEYS[f.kind] ?? KEYS['trl']!;
  const setup: TrainingSetup = {
    method: trainingMethod(f.method.value),
    model,
    ...(lora ? { lora: { rank: take(f.loraRank?.value, defaultOf(f.kind, k.rank, 8), 'LoRA rank'), targetModules: targets ?? ['q_proj', 'v_proj'] } } : {}),
    ...(q ? { quantization: { bits: q.bits, doubleQuant: q.bits === 4 } } : {}),
    batchSize: take(f.microBatch?.value, defaultOf(f.kind, k.batch, 1), k.batch),
    maxSeqLength: take(f.seqLen?.value, defaultOf(f.kind, k.seq, 1024), k.seq),
    gpus,
    gradientCheckpointing: f.gradientCheckpointing?.value ?? FRAMEWORK_SCHEMAS[f.kind].properties['gradient_checkpointing']?.default === true,
    optimizer: optimizerOf(f.optimizer?.value),
    precision: f.fp16?.value === true ? 'fp16' : f.bf16?.value === false && f.fp16?.value !== true ? 'fp32' : 'bf16',
    zero,
    ...(f.method.value === 'simpo' || f.method.value === 'orpo' ? { noReference: true } : {}),
    ...overrides,
  };
  const memory = estimatePeakMemory(setup);
  const accum = f.gradAccum?.value && f.gradAccum.value > 0 ? f.gradAccum.value : 1;
  const sequencesPerStep = setup.batchSize * accum * gpus;
  return { setup, memory, gpus, tokensPerStep: sequencesPerStep * setup.maxSeqLength, sequencesPerStep, defaulted, zero, ...(ds?.file ? { deepspeedFile: ds.file } : {}) };
}
