/**
 * A per-GPU memory model for fine-tuning runs, used by `training/memory-estimate` and the training
 * hover. It is an estimate to catch configs that cannot fit, not a profiler: docs/estimates.md lists
 * what it assumes and what it ignores. All results are bytes.
 *
 * - Weights: 2 bytes/param in 16-bit; quantized (QLoRA, bitsandbytes) only the transformer blocks'
 *   linear layers: 1 byte (8-bit) or 0.5 byte + the block constants (4-bit: one fp32 absmax per 64
 *   weights = 4/64 byte; with double quantisation 1/64 + 4/(64·256) byte, QLoRA paper §3).
 *   Embeddings, output head and norms stay 16-bit.
 * - Full fine-tuning, mixed precision with AdamW: 16-bit weights and gradients plus fp32 master
 *   weights and two fp32 moments = 2 + 2 + 12 bytes per parameter (ZeRO paper, §3.1), all divided
 *   across `hardware.gpus` as ZeRO-3 / FSDP full sharding would. In fp32: 4 + 4 + 8, no master
 *   copy. Other optimizers: `OPTIMIZER_STATE_BYTES`.
 * - LoRA: adapters, their gradients and AdamW moments in fp32 (4 + 4 + 8 bytes per trainable
 *   parameter); every GPU holds the whole base model (data parallel, no sharding).
 * - Activations (Korthikanti et al. 2022, "Reducing Activation Recomputation", 16-bit, attention
 *   scores not stored as with FlashAttention/SDPA): 34 · tokens · hidden bytes per layer; with
 *   gradient checkpointing only each layer's 16-bit input (2 · tokens · hidden) plus one layer
 *   being recomputed. Plus the logits: 16-bit and an fp32 copy for the loss, 6 bytes per token per
 *   vocabulary entry (none for a reward model's scalar head).
 * - Reference/auxiliary models: DPO and KTO keep a frozen reference (a 16-bit copy, sharded like
 *   the policy, for full fine-tuning; nothing with LoRA, where the base with adapters disabled
 *   serves). PPO adds a frozen reference, a frozen reward model and a trained value model, all
 *   assumed the policy's size (see `estimatePeakMemory`).
 * - A fixed 1 GiB for the CUDA context and allocator workspace.
 */
import { plural } from '../../text/plural';
import type { ModelShape } from './model-families';

export type TrainingMethod = 'sft' | 'reward_model' | 'dpo' | 'ppo' | 'orpo' | 'kto';

export const TRAINING_METHODS: readonly TrainingMethod[] = ['sft', 'reward_model', 'dpo', 'ppo', 'orpo', 'kto'];

export interface LoraSetup {
  rank: number;
  /** Module names as PEFT takes them, or 'all-linear'. */
  targetModules: readonly string[] | 'all-linear';
}

export interface QuantizationSetup {
  bits: 4 | 8;
  /** 4-bit only: quantise the block constants too (QLoRA "double quantisation"). */
  doubleQuant: boolean;
}

export type OptimizerName = 'adamw' | 'adamw_8bit' | 'paged_adamw_8bit' | 'adafactor' | 'sgd';

/**
 * Optimizer state bytes per trainable parameter: AdamW two fp32 moments; 8-bit AdamW two 1-byte
 * moments (block constants ignored; the paged variant can spill to CPU but is counted on the GPU);
 * Adafactor factored second moments (rows + columns, negligible); SGD without momentum (the default).
 */
export const OPTIMIZER_STATE_BYTES: Record<OptimizerName, number> = {
  adamw: 8,
  adamw_8bit: 2,
  paged_adamw_8bit: 2,
  adafactor: 0,
  sgd: 0,
};

export interface TrainingSetup {
  method: TrainingMethod;
  model: ModelShape;
  lora?: LoraSetup;
  quantization?: QuantizationSetup;
  /** Sequences per GPU per micro-step (`hyperparameters.batch_size`). */
  batchSize: number;
  maxSeqLength: number;
  gpus: number;
  gradientCheckpointing: boolean;
  optimizer: OptimizerName;
  /** bf16/fp16 is mixed precision (16-bit weights, fp32 master copy); fp32 trains in fp32 throughout. */
  precision: 'bf16' | 'fp16' | 'fp32';
  /**
   * How states are sharded over the GPUs. Absent: full fine-tuning is assumed fully sharded (ZeRO-3 /
   * FSDP) and LoRA data parallel, as for a TrainingConfig. Framework configs say it: no DeepSpeed is
   * stage 0 (plain data parallel: every GPU holds everything).
   */
  zero?: ZeroSetup;
  /** No reference model although the method usually has one (SimPO, ORPO-style losses, `beta: 0` GRPO). */
  noReference?: boolean;
}

/** DeepSpeed ZeRO: stage 1 shards optimizer states, 2 also gradients, 3 also weights; offload moves them to CPU RAM. */
export interface ZeroSetup {
  stage: 0 | 1 | 2 | 3;
  offloadOptimizer: boolean;
  offloadParams: boolean;
}

export interface MemoryBreakdown {
  /** Base model weights held by one GPU (quantized, 16-bit, or a 1/gpus shard). */
  weights: number;
  /** Separately trained weights (LoRA adapters); 0 for full fine-tuning, whose weights are `weights`. */
  trainable: number;
  gradients: number;
  /** AdamW moments, plus fp32 master weights for full fine-tuning. */
  optimizer: number;
  activations: number;
  /** Frozen models besides the policy: DPO/KTO reference; PPO reference and reward model. */
  reference: number;
  /** CUDA context and allocator workspace. */
  overhead: number;
  total: number;
  trainableParams: number;
  /** Assumptions worth telling the user (unknown target modules, guessed shapes...). */
  notes: string[];
}

export const GiB = 1024 ** 3;
const OVERHEAD_BYTES = 1 * GiB;
/** Bytes of stored activations per token, per unit of hidden size, per layer (Korthikanti et al.). */
export const ACTIVATION_BYTES_PER_TOKEN_HIDDEN_LAYER = 34;
const LOGIT_BYTES = 6;

interface Linear {
  /** The name PEFT's target_modules would use. */
  module: string;
  inDim: number;
  outDim: number;
  /** How many of it each layer has (experts). */
  count: number;
}

/** The linear layers of one transformer block, named as in the family's Hugging Face code. */
export function blockLinears(m: ModelShape): Linear[] {
  const q = m.heads * m.headDim;
  const kv = m.kvHeads * m.headDim;
  const h = m.hidden;
  const i = m.intermediate;
  switch (m.naming) {
    case 'gpt2':
      return [
        { module: 'c_attn', inDim: h, outDim: 3 * h, count: 1 },
        { module: 'c_proj', inDim: h, outDim: h, count: 1 },
        { module: 'c_fc', inDim: h, outDim: i, count: 1 },
        { module: 'c_proj', inDim: i, outDim: h, count: 1 },
      ];
    case 'phi3':
      return [
        { module: 'qkv_proj', inDim: h, outDim: q + 2 * kv, count: 1 },
        { module: 'o_proj', inDim: q, outDim: h, count: 1 },
        { module: 'gate_up_proj', inDim: h, outDim: 2 * i, count: 1 },
        { module: 'down_proj', inDim: i, outDim: h, count: 1 },
      ];
    case 'mixtral':
    case 'llama': {
      const attn: Linear[] = [
        { module: 'q_proj', inDim: h, outDim: q, count: 1 },
        { module: 'k_proj', inDim: h, outDim: kv, count: 1 },
        { module: 'v_proj', inDim: h, outDim: kv, count: 1 },
        { module: 'o_proj', inDim: q, outDim: h, count: 1 },
      ];
      const e = m.experts;
      const ff: Linear[] =
        m.naming === 'mixtral'
          ? [
              { module: 'w1', inDim: h, outDim: i, count: e },
              { module: 'w3', inDim: h, outDim: i, count: e },
              { module: 'w2', inDim: i, outDim: h, count: e },
            ]
          : m.mlp === 'gated'
            ? [
                { module: 'gate_proj', inDim: h, outDim: i, count: 1 },
                { module: 'up_proj', inDim: h, outDim: i, count: 1 },
                { module: 'down_proj', inDim: i, outDim: h, count: 1 },
              ]
            : [
                { module: 'up_proj', inDim: h, outDim: i, count: 1 },
                { module: 'down_proj', inDim: i, outDim: h, count: 1 },
              ];
      return [...attn, ...ff];
    }
  }
}

/** Parameters in the blocks' linear layers (what bitsandbytes quantizes). */
export function linearParams(m: ModelShape): number {
  return m.layers * blockLinears(m).reduce((s, l) => s + l.inDim * l.outDim * l.count, 0);
}

/** LoRA parameters: rank · (in + out) for every targeted linear layer of every block. */
export function loraParams(m: ModelShape, lora: LoraSetup): { params: number; unknownModules: string[] } {
  const linears = blockLinears(m);
  const names = new Set(linears.map((l) => l.module));
  const targets = lora.targetModules === 'all-linear' ? [...names] : lora.targetModules;
  let params = 0;
  const unknownModules: string[] = [];
  for (const t of new Set(targets)) {
    if (t === 'lm_head' || t === 'embed_tokens' || t === 'wte') {
      params += lora.rank * (m.vocab + m.hidden);
      continue;
    }
    const matched = linears.filter((l) => l.module === t);
    if (matched.length === 0) unknownModules.push(t);
    for (const l of matched) params += m.layers * l.count * lora.rank * (l.inDim + l.outDim);
  }
  return { params, unknownModules };
}

/** Bytes per parameter of a quantized linear layer. */
export function quantizedBytesPerParam(q: QuantizationSetup): number {
  if (q.bits === 8) return 1;
  return 0.5 + (q.doubleQuant ? 1 / 64 + 4 / (64 * 256) : 4 / 64);
}

/** Methods whose every example is a (chosen, rejected) pair run through the model together. */
const PAIRED: ReadonlySet<TrainingMethod> = new Set(['dpo', 'orpo', 'reward_model']);

export function estimatePeakMemory(s: TrainingSetup): MemoryBreakdown {
  const m = s.model;
  const notes: string[] = [];
  if (m.generic) notes.push(`${m.name}: shape guessed (Llama-like, hidden ${m.hidden}, ${m.layers} layers)`);
  const gpus = Math.max(1, Math.floor(s.gpus));
  const P = m.params;
  const fp32 = s.precision === 'fp32';
  const wordBytes = fp32 ? 4 : 2;
  const stateBytes = OPTIMIZER_STATE_BYTES[s.optimizer];

  // Base weights as one GPU holds them.
  let baseBytes: number;
  const quantization = s.lora ? s.quantization : undefined;
  if (quantization) {
    const linear = Math.min(linearParams(m), P);
    baseBytes = linear * quantizedBytesPerParam(quantization) + (P - linear) * 2;
  } else baseBytes = wordBytes * P;
  if (s.quantization && !s.lora) notes.push('quantization ignored: full fine-tuning trains 16-bit weights');

  let weights: number;
  let trainable = 0;
  let gradients: number;
  let optimizer: number;
  let reference = 0;
  let trainableParams: number;
  const ppo = s.method === 'ppo';

  if (s.lora) {
    const lora = loraParams(m, s.lora);
    if (lora.unknownModules.length > 0) {
      notes.push(`target_modules not in ${m.name}'s layers (counted as 0): ${lora.unknownModules.join(', ')}`);
    }
    // PPO with LoRA: a second adapter with a scalar head is the value model (same base).
    trainableParams = lora.params * (ppo ? 2 : 1);
    // ZeRO-3 shards the frozen base too (bitsandbytes 4-bit weights included, with DeepSpeed >= 0.15).
    weights = s.zero?.stage === 3 ? baseBytes / gpus : baseBytes;
    trainable = 4 * trainableParams;
    gradients = 4 * trainableParams;
    optimizer = stateBytes * trainableParams;
    // The adapter-disabled base is the reference; PPO still needs the reward model.
    if (ppo) reference = baseBytes;
    if (s.zero && s.zero.stage > 0) notes.push(`DeepSpeed ZeRO-${s.zero.stage} over ${plural(gpus, 'GPU')}${s.zero.stage === 3 ? ' (the base is sharded too)' : ''}`);
  } else if (s.zero) {
    // Explicit ZeRO stage: each stage shards one more kind of state; offload moves it off the GPU.
    const z = s.zero;
    const trained = ppo ? 2 : 1;
    trainableParams = P * trained;
    const shard = (stage: number): number => (z.stage >= stage ? gpus : 1);
    // With parameter offload only the layers being computed are on the GPU (about two layers' worth).
    const resident = z.offloadParams && z.stage === 3 ? Math.min(1, 2 / Math.max(1, m.layers)) : 1;
    weights = ((wordBytes * P * trained) / shard(3)) * resident;
    // Mixed precision under DeepSpeed keeps a 16-bit and an fp32 gradient partition (its own estimator's 2 + 4 bytes).
    // With the optimizer offloaded the fp32 partition lives on the CPU; with parameters offloaded too, only the working layers' gradients are on the GPU.
    gradients = (((z.offloadOptimizer ? wordBytes : wordBytes + (fp32 ? 0 : 4)) * P * trained) / shard(2)) * (z.offloadOptimizer ? resident : 1);
    const masterBytes = fp32 ? 0 : 4;
    optimizer = z.offloadOptimizer ? 0 : ((masterBytes + stateBytes) * P * trained) / shard(1);
    const frozenCopies = s.noReference ? (ppo ? 1 : 0) : ppo ? 2 : s.method === 'dpo' || s.method === 'kto' ? 1 : 0;
    reference = ((frozenCopies * wordBytes * P) / shard(3)) * resident;
    notes.push(
      z.stage === 0
        ? 'no ZeRO: every GPU holds the full weights, gradients and optimizer states (data parallel)'
        : `DeepSpeed ZeRO-${z.stage} over ${plural(gpus, 'GPU')}${z.offloadOptimizer ? ', optimizer offloaded to CPU' : ''}${z.offloadParams ? ', parameters offloaded to CPU' : ''}`,
    );
  } else {
    // PPO full fine-tuning also trains a value model of the policy's size.
    const trained = ppo ? 2 : 1;
    trainableParams = P * trained;
    weights = (wordBytes * P * trained) / gpus;
    gradients = (wordBytes * P * trained) / gpus;
    const masterBytes = fp32 ? 0 : 4;
    optimizer = ((masterBytes + stateBytes) * P * trained) / gpus;
    const frozenCopies = ppo ? 2 : s.method === 'dpo' || s.method === 'kto' ? 1 : 0;
    reference = (frozenCopies * wordBytes * P) / gpus;
    if (gpus > 1) notes.push(`weights, gradients, optimizer states and frozen models sharded over ${gpus} GPUs (ZeRO-3 / FSDP)`);
  }
  if (ppo) notes.push('PPO: reward and value models assumed the size of the policy');

  const sequences = s.batchSize * (PAIRED.has(s.method) ? 2 : 1);
  const tokens = sequences * s.maxSeqLength;
  // The activation constant is for 16-bit activations; fp32 doubles it.
  const activationScale = fp32 ? 2 : 1;
  const perLayer = ACTIVATION_BYTES_PER_TOKEN_HIDDEN_LAYER * tokens * m.hidden * activationScale;
  const blocks = s.gradientCheckpointing ? wordBytes * tokens * m.hidden * m.layers + perLayer : perLayer * m.layers;
  const logits = s.method === 'reward_model' ? 0 : LOGIT_BYTES * tokens * m.vocab;
  // PPO runs backward through the policy and the value model.
  const activations = (blocks + logits) * (ppo ? 2 : 1);

  const overhead = OVERHEAD_BYTES;
  const total = weights + trainable + gradients + optimizer + activations + reference + overhead;
  return { weights, trainable, gradients, optimizer, activations, reference, overhead, total, trainableParams, notes };
}

/** The labelled parts of a breakdown, in reading order; the fixed CUDA context comes last. */
export function breakdownParts(b: MemoryBreakdown): [string, number][] {
  return [
    ['weights', b.weights],
    ['LoRA adapters', b.trainable],
    ['gradients', b.gradients],
    ['optimizer states', b.optimizer],
    ['activations', b.activations],
    ['reference/reward models', b.reference],
    ['CUDA context', b.overhead],
  ];
}

/** The parts a run's configuration decides (not the fixed CUDA context), largest first, for messages. */
export function largestParts(b: MemoryBreakdown, count = 3): { part: string; bytes: number }[] {
  return breakdownParts(b)
    .slice(0, -1)
    .filter(([, v]) => v > 0)
    .sort((a, b2) => b2[1] - a[1])
    .slice(0, count)
    .map(([part, bytes]) => ({ part, bytes }));
}

/** "12.3 GiB" (binary units, as nvidia-smi's MiB). */
export function formatBytes(bytes: number): string {
  if (bytes >= GiB) return `${(bytes / GiB).toFixed(1)} GiB`;
  return `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
}

/**
 * GPU memory units. `GB` is read as GiB, as GPU spec sheets use it: an "80GB" A100 or H100 has
 * 80 GiB (nvidia-smi: 81920MiB), so reading 80·10⁹ would warn about runs that fit.
 */
const GPU_MEMORY_UNITS: Record<string, number> = {
  '': 1,
  ki: 1024, kib: 1024, kb: 1024,
  mi: 1024 ** 2, mib: 1024 ** 2, mb: 1024 ** 2,
  gi: GiB, gib: GiB, gb: GiB,
  ti: 1024 ** 4, tib: 1024 ** 4, tb: 1024 ** 4,
  pi: 1024 ** 5, pb: 1024 ** 5,
};

/** Bytes of `hardware.gpu_memory` (`80GB`, `24Gi`, `40960Mi`, or bytes as a number); undefined when malformed. */
export function parseGpuMemory(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(v);
  if (!m) return undefined;
  const unit = GPU_MEMORY_UNITS[m[2]!.toLowerCase()];
  return unit === undefined ? undefined : Number(m[1]) * unit;
}
