/**
 * What a framework config says about the run, in one shape for every framework, each fact with the
 * JSON path it came from (so rules report at the exact line). axolotl, LLaMA-Factory and TRL name the
 * same things differently (`micro_batch_size` / `per_device_train_batch_size`, `rl: dpo` / `stage: dpo`,
 * `lora_r` / `lora_rank`); the semantic rules and the hover read only this.
 */
import type { ConfigDocument, JsonPath } from '../model';
import type { FrameworkKind } from '../kind';

export type Method = 'sft' | 'pretrain' | 'dpo' | 'ipo' | 'orpo' | 'kto' | 'simpo' | 'grpo' | 'ppo' | 'reward_model' | 'other';
export const PREFERENCE_METHODS: ReadonlySet<Method> = new Set(['dpo', 'ipo', 'orpo', 'kto', 'simpo', 'reward_model']);
/** Methods with a `beta` of the DPO family (SimPO's beta lives on another scale). */
export const DPO_FAMILY: ReadonlySet<Method> = new Set(['dpo', 'ipo', 'kto', 'simpo']);

export interface Fact<T> {
  value: T;
  path: JsonPath;
}

export interface DatasetFact {
  path: JsonPath;
  /** Hub id or local path as written. */
  name?: string;
  /** axolotl `type:` */
  type?: string;
  /** Column names the entry maps (axolotl field_chosen / field_rejected ...). */
  fields: Record<string, string>;
}

export interface FrameworkFacts {
  kind: FrameworkKind;
  baseModel?: Fact<string>;
  method: Fact<Method>;
  /** The value as written (`rl: dpo`, `stage: rm`, `reward_model: true`). */
  methodName?: string;
  adapter?: Fact<'lora' | 'qlora' | 'full' | 'freeze' | 'oft' | string>;
  loadIn4bit?: Fact<boolean>;
  loadIn8bit?: Fact<boolean>;
  /** LLaMA-Factory `quantization_bit`. */
  quantizationBit?: Fact<number>;
  loraRank?: Fact<number>;
  /** Module names, or 'all-linear' (`lora_target_linear: true`, `lora_target: all`, `all-linear`). */
  loraTargets?: Fact<string[] | 'all-linear'>;
  loraModulesToSave?: Fact<string[]>;
  microBatch?: Fact<number>;
  gradAccum?: Fact<number>;
  seqLen?: Fact<number>;
  epochs?: Fact<number>;
  maxSteps?: Fact<number>;
  learningRate?: Fact<number>;
  beta?: Fact<number>;
  bf16?: Fact<unknown>;
  fp16?: Fact<unknown>;
  tf32?: Fact<unknown>;
  /** Attention implementation (`attn_implementation`, or a legacy flag such as `flash_attention: true`). */
  attention?: Fact<string>;
  samplePacking?: Fact<boolean>;
  gradientCheckpointing?: Fact<boolean>;
  optimizer?: Fact<string>;
  /** The `deepspeed:` value: a path to a JSON file, or the config inline. */
  deepspeed?: Fact<string | Record<string, unknown>>;
  datasets: DatasetFact[];
  /** LLaMA-Factory */
  template?: Fact<string>;
  datasetDir?: Fact<string>;
  /** GRPO */
  numGenerations?: Fact<number>;
  generationBatchSize?: Fact<number>;
  /** Tokens the config adds to the tokenizer (axolotl `tokens:`, new `special_tokens`). */
  addedTokens?: Fact<string[]>;
}

function rec(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  return undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function fact<T>(root: Record<string, unknown>, key: string, read: (v: unknown) => T | undefined): Fact<T> | undefined {
  const value = read(root[key]);
  return value === undefined ? undefined : { value, path: [key] };
}

function first<T>(...facts: (Fact<T> | undefined)[]): Fact<T> | undefined {
  return facts.find((f) => f !== undefined);
}

function names(v: unknown): string[] | undefined {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string' && v.trim()) return v.split(',').map((s) => s.trim()).filter(Boolean);
  return undefined;
}

const AXOLOTL_RL: Record<string, Method> = { dpo: 'dpo', gdpo: 'dpo', ipo: 'ipo', orpo: 'orpo', kto: 'kto', simpo: 'simpo', grpo: 'grpo', ebft: 'other' };
const LF_STAGE: Record<string, Method> = { pt: 'pretrain', sft: 'sft', rm: 'reward_model', ppo: 'ppo', dpo: 'dpo', kto: 'kto' };

const cache = new WeakMap<ConfigDocument, FrameworkFacts | undefined>();

export function frameworkFacts(doc: ConfigDocument): FrameworkFacts | undefined {
  if (cache.has(doc)) return cache.get(doc);
  const f = compute(doc);
  cache.set(doc, f);
  return f;
}

function compute(doc: ConfigDocument): FrameworkFacts | undefined {
  const root = rec(doc.value);
  const kind = doc.kind;
  if (!root || (kind !== 'axolotl' && kind !== 'llamafactory' && kind !== 'trl' && kind !== 'deepspeed')) return undefined;
  const out: FrameworkFacts = { kind, method: { value: 'sft', path: [] }, datasets: [] };
  if (kind === 'deepspeed') return out;
  const common = (): void => {
    out.learningRate = fact(root, 'learning_rate', num);
    out.bf16 = root['bf16'] !== undefined && root['bf16'] !== null ? { value: root['bf16'], path: ['bf16'] } : undefined;
    out.fp16 = root['fp16'] !== undefined && root['fp16'] !== null ? { value: root['fp16'], path: ['fp16'] } : undefined;
    out.tf32 = root['tf32'] !== undefined && root['tf32'] !== null ? { value: root['tf32'], path: ['tf32'] } : undefined;
    out.gradientCheckpointing = fact(root, 'gradient_checkpointing', bool);
    out.gradAccum = fact(root, 'gradient_accumulation_steps', num);
    const ds = root['deepspeed'];
    if (typeof ds === 'string' && ds.trim()) out.deepspeed = { value: ds.trim(), path: ['deepspeed'] };
    else if (rec(ds)) out.deepspeed = { value: rec(ds)!, path: ['deepspeed'] };
    const attn = str(root['attn_implementation']) ?? str(root['attn']);
    if (attn) out.attention = { value: attn, path: [root['attn_implementation'] !== undefined ? 'attn_implementation' : 'attn'] };
  };
  common();
  if (kind === 'axolotl') {
    out.baseModel = fact(root, 'base_model', str);
    const rl = str(root['rl']);
    if (rl) {
      out.method = { value: AXOLOTL_RL[rl.toLowerCase()] ?? 'other', path: ['rl'] };
      out.methodName = `rl: ${rl}`;
    } else if (bool(root['reward_model'])) {
      out.method = { value: 'reward_model', path: ['reward_model'] };
      out.methodName = 'reward_model: true';
    }
    out.adapter = fact(root, 'adapter', str);
    out.loadIn4bit = fact(root, 'load_in_4bit', bool);
    out.loadIn8bit = fact(root, 'load_in_8bit', bool);
    out.loraRank = fact(root, 'lora_r', num);
    if (bool(root['lora_target_linear'])) out.loraTargets = { value: 'all-linear', path: ['lora_target_linear'] };
    else {
      const t = names(root['lora_target_modules']);
      if (t) out.loraTargets = { value: t.length === 1 && t[0] === 'all-linear' ? 'all-linear' : t, path: ['lora_target_modules'] };
    }
    const mts = names(root['lora_modules_to_save']);
    if (mts) out.loraModulesToSave = { value: mts, path: ['lora_modules_to_save'] };
    out.microBatch = fact(root, 'micro_batch_size', num);
    out.seqLen = fact(root, 'sequence_len', num);
    out.epochs = fact(root, 'num_epochs', num);
    out.maxSteps = fact(root, 'max_steps', num);
    out.beta = first(fact(root, 'rl_beta', num), fact(root, 'dpo_beta', num), out.method.value === 'orpo' ? fact(root, 'orpo_alpha', num) : undefined);
    out.samplePacking = fact(root, 'sample_packing', bool);
    out.optimizer = fact(root, 'optimizer', str);
    if (!out.attention) {
      for (const flag of ['flash_attention', 'flex_attention', 'xformers_attention', 'sage_attention', 'sdp_attention', 'eager_attention']) {
        if (bool(root[flag])) {
          out.attention = { value: flag === 'flash_attention' ? 'flash_attention_2' : flag === 'sdp_attention' ? 'sdpa' : flag.replace(/_attention$/, ''), path: [flag] };
          break;
        }
      }
    }
    if (Array.isArray(root['datasets'])) {
      root['datasets'].forEach((raw, i) => {
        const d = rec(raw);
        if (!d) return;
        const fields: Record<string, string> = {};
        for (const [k, v] of Object.entries(d)) if (k.startsWith('field_') && typeof v === 'string') fields[k] = v;
        const ds: DatasetFact = { path: ['datasets', i], fields };
        if (str(d['path'])) ds.name = str(d['path']);
        const type = typeof d['type'] === 'string' ? d['type'] : rec(d['type']) ? 'custom' : undefined;
        if (type) ds.type = type;
        out.datasets.push(ds);
      });
    }
    const trl = rec(root['trl']);
    if (trl) {
      const n = num(trl['num_generations']);
      if (n !== undefined) out.numGenerations = { value: n, path: ['trl', 'num_generations'] };
      const g = num(trl['generation_batch_size']);
      if (g !== undefined) out.generationBatchSize = { value: g, path: ['trl', 'generation_batch_size'] };
      if (!out.beta) {
        const b = num(trl['beta']);
        if (b !== undefined) out.beta = { value: b, path: ['trl', 'beta'] };
      }
    }
    const tokens = names(root['tokens']);
    if (tokens?.length) out.addedTokens = { value: tokens, path: ['tokens'] };
  } else if (kind === 'llamafactory') {
    out.baseModel = fact(root, 'model_name_or_path', str);
    const stage = str(root['stage']) ?? 'sft';
    out.method = { value: LF_STAGE[stage] ?? 'other', path: root['stage'] !== undefined ? ['stage'] : [] };
    out.methodName = `stage: ${stage}`;
    if (out.method.value === 'dpo') {
      const loss = str(root['pref_loss']);
      if (loss === 'orpo') out.method = { value: 'orpo', path: ['pref_loss'] };
      else if (loss === 'simpo') out.method = { value: 'simpo', path: ['pref_loss'] };
      else if (loss === 'ipo') out.method = { value: 'ipo', path: ['pref_loss'] };
    }
    const ft = str(root['finetuning_type']) ?? 'lora';
    out.adapter = { value: ft, path: root['finetuning_type'] !== undefined ? ['finetuning_type'] : [] };
    out.quantizationBit = fact(root, 'quantization_bit', num);
    // LLaMA-Factory turns gradient checkpointing on itself unless told not to.
    out.gradientCheckpointing = bool(root['disable_gradient_checkpointing']) ? { value: false, path: ['disable_gradient_checkpointing'] } : { value: true, path: [] };
    out.loraRank = fact(root, 'lora_rank', num);
    const t = names(root['lora_target']);
    if (t) out.loraTargets = { value: t.length === 1 && t[0] === 'all' ? 'all-linear' : t, path: ['lora_target'] };
    const extra = names(root['additional_target']);
    if (extra) out.loraModulesToSave = { value: extra, path: ['additional_target'] };
    out.microBatch = fact(root, 'per_device_train_batch_size', num);
    out.seqLen = fact(root, 'cutoff_len', num);
    out.epochs = fact(root, 'num_train_epochs', num);
    out.maxSteps = fact(root, 'max_steps', num);
    out.beta = out.method.value === 'kto' ? first(fact(root, 'pref_beta', num)) : fact(root, 'pref_beta', num);
    out.samplePacking = fact(root, 'packing', bool);
    out.optimizer = fact(root, 'optim', str);
    out.template = fact(root, 'template', str);
    out.datasetDir = fact(root, 'dataset_dir', str);
    const ds = names(root['dataset']);
    if (ds) for (const n of ds) out.datasets.push({ path: ['dataset'], name: n, fields: {} });
    const newTokens = names(root['new_special_tokens']) ?? names(root['add_special_tokens']);
    if (newTokens?.length) out.addedTokens = { value: newTokens, path: [root['new_special_tokens'] !== undefined ? 'new_special_tokens' : 'add_special_tokens'] };
  } else {
    out.baseModel = fact(root, 'model_name_or_path', str);
    // TRL scripts are per method; a recipe says which by its keys (beta: DPO family, num_generations: GRPO).
    if (root['num_generations'] !== undefined) out.method = { value: 'grpo', path: ['num_generations'] };
    else if (root['desirable_weight'] !== undefined || root['undesirable_weight'] !== undefined) out.method = { value: 'kto', path: [root['desirable_weight'] !== undefined ? 'desirable_weight' : 'undesirable_weight'] };
    else if (root['beta'] !== undefined) out.method = { value: 'dpo', path: ['beta'] };
    // RewardConfig's own option (`trl reward`).
    else if (root['center_rewards_coefficient'] !== undefined && root['center_rewards_coefficient'] !== null) out.method = { value: 'reward_model', path: ['center_rewards_coefficient'] };
    out.beta = fact(root, 'beta', num);
    if (bool(root['use_peft']) || root['lora_r'] !== undefined) out.adapter = { value: bool(root['load_in_4bit']) ? 'qlora' : 'lora', path: root['use_peft'] !== undefined ? ['use_peft'] : ['lora_r'] };
    out.loadIn4bit = fact(root, 'load_in_4bit', bool);
    out.loadIn8bit = fact(root, 'load_in_8bit', bool);
    out.loraRank = fact(root, 'lora_r', num);
    const t = names(root['lora_target_modules']);
    if (t) out.loraTargets = { value: t.length === 1 && t[0] === 'all-linear' ? 'all-linear' : t, path: ['lora_target_modules'] };
    const mts = names(root['lora_modules_to_save']);
    if (mts) out.loraModulesToSave = { value: mts, path: ['lora_modules_to_save'] };
    out.microBatch = fact(root, 'per_device_train_batch_size', num);
    out.seqLen = first(fact(root, 'max_length', num), fact(root, 'max_seq_length', num));
    out.epochs = fact(root, 'num_train_epochs', num);
    out.maxSteps = fact(root, 'max_steps', num);
    out.samplePacking = fact(root, 'packing', bool);
    out.optimizer = fact(root, 'optim', str);
    out.numGenerations = fact(root, 'num_generations', num);
    out.generationBatchSize = fact(root, 'generation_batch_size', num);
    const name = str(root['dataset_name']);
    if (name) out.datasets.push({ path: ['dataset_name'], name, fields: {} });
    // TRL's own mixture (`datasets:` of DatasetConfig): a local file is `path: json` with `data_files`.
    if (Array.isArray(root['datasets'])) {
      root['datasets'].forEach((raw, i) => {
        const d = rec(raw);
        if (!d) return;
        const files = names(d['data_files']);
        if (files?.length === 1) out.datasets.push({ path: ['datasets', i, 'data_files'], name: files[0]!, fields: {} });
        else if (str(d['path'])) out.datasets.push({ path: ['datasets', i, 'path'], name: str(d['path'])!, fields: {} });
      });
    }
    const mix = rec(root['dataset_mixture']);
    if (mix && Array.isArray(mix['datasets'])) {
      mix['datasets'].forEach((raw, i) => {
        const d = rec(raw);
        const id = d && (str(d['id']) ?? str(d['path']));
        if (id) out.datasets.push({ path: ['dataset_mixture', 'datasets', i], name: id, fields: {} });
      });
    }
  }
  return out;
}

/** True when the base model is loaded quantized (4- or 8-bit). */
export function quantizedBits(f: FrameworkFacts): { bits: 4 | 8; path: JsonPath } | undefined {
  if (f.loadIn4bit?.value) return { bits: 4, path: f.loadIn4bit.path };
  if (f.loadIn8bit?.value) return { bits: 8, path: f.loadIn8bit.path };
  if (f.quantizationBit && (f.quantizationBit.value === 4 || f.quantizationBit.value === 8)) return { bits: f.quantizationBit.value, path: f.quantizationBit.path };
  return undefined;
}

/** True for a LoRA-type adapter (LoRA, QLoRA, OFT, DoRA...), false for full / freeze tuning or none. */
export function hasLoraAdapter(f: FrameworkFacts): boolean {
  const a = f.adapter?.value?.toLowerCase();
  return a !== undefined && a !== 'full' && a !== 'freeze' && a !== '';
}
