/**
 * The one place that decides what kind of config a file is. The CLI's folder walk, Validate Workspace,
 * the workspace index, the server's document handling and the client's language detection all call
 * `detectKind`, so they can never disagree about which files are checked.
 *
 * Pure: takes a path, the text (or its head) and the project's `files:` map, reads nothing itself.
 *
 * Order, first match wins:
 *   1. a first-line modeline `# rlhf-lens: <kind>` (`# rlhf-lens: off` opts a file out);
 *   2. the `files:` glob -> kind map of `.rlhf-lens.yaml`;
 *   3. the file name (`*.pipeline.yaml`, `*.experiment.yaml`, `*.training.yaml`), unless its `kind:` line says otherwise;
 *   4. the content: `apiVersion: rlhf-lens/...` with a `kind:`, else the framework signatures below.
 * Anything else is not ours, and the server says nothing about it.
 */
import picomatch from 'picomatch';

/** Our own formats: the values of `kind:`. */
export type NativeKind = 'Pipeline' | 'Experiment' | 'TrainingConfig';
/** Training frameworks' own config files, checked as their framework reads them. */
export type FrameworkKind = 'axolotl' | 'llamafactory' | 'trl' | 'deepspeed';
export type ConfigKind = NativeKind | FrameworkKind;

/** The values a `kind:` line may take. */
export const KINDS: readonly NativeKind[] = ['Pipeline', 'Experiment', 'TrainingConfig'];
export const FRAMEWORK_KINDS: readonly FrameworkKind[] = ['axolotl', 'llamafactory', 'trl', 'deepspeed'];
export const ALL_KINDS: readonly ConfigKind[] = [...KINDS, ...FRAMEWORK_KINDS];

export function isNativeKind(kind: ConfigKind | null | undefined): kind is NativeKind {
  return kind === 'Pipeline' || kind === 'Experiment' || kind === 'TrainingConfig';
}
export function isFrameworkKind(kind: ConfigKind | null | undefined): kind is FrameworkKind {
  return kind === 'axolotl' || kind === 'llamafactory' || kind === 'trl' || kind === 'deepspeed';
}

/** Display names, for messages and docs. */
export const KIND_TITLES: Record<ConfigKind, string> = {
  Pipeline: 'Pipeline',
  Experiment: 'Experiment',
  TrainingConfig: 'TrainingConfig',
  axolotl: 'axolotl',
  llamafactory: 'LLaMA-Factory',
  trl: 'TRL / alignment-handbook',
  deepspeed: 'DeepSpeed',
};

/**
 * The editor language of each kind. Our formats have languages of their own (which keeps other YAML
 * tools off them); framework files stay `yaml` / `json`, so the user's other YAML tooling still works.
 */
export const LANGUAGE_IDS: Record<NativeKind, string> = {
  Pipeline: 'rlhf-pipeline',
  Experiment: 'rlhf-experiment',
  TrainingConfig: 'rlhf-training',
};
export const FRAMEWORK_LANGUAGE_IDS: Record<FrameworkKind, string> = { axolotl: 'yaml', llamafactory: 'yaml', trl: 'yaml', deepspeed: 'json' };

/** Names accepted on a modeline and as values of the `files:` map (lower case). */
const KIND_NAMES: Record<string, ConfigKind> = {
  pipeline: 'Pipeline',
  experiment: 'Experiment',
  training: 'TrainingConfig',
  trainingconfig: 'TrainingConfig',
  axolotl: 'axolotl',
  llamafactory: 'llamafactory',
  'llama-factory': 'llamafactory',
  llama_factory: 'llamafactory',
  trl: 'trl',
  'alignment-handbook': 'trl',
  alignment_handbook: 'trl',
  deepspeed: 'deepspeed',
};
/** Modeline / map value that says "not a config file" (opting a file out of content detection). */
const OFF_NAMES = new Set(['off', 'none', 'ignore']);

/** A kind from its name on a modeline or in `files:` (case-insensitive); null for `off`, undefined when unknown. */
export function kindFromName(name: string): ConfigKind | null | undefined {
  const n = name.trim().toLowerCase();
  if (OFF_NAMES.has(n)) return null;
  return KIND_NAMES[n];
}
export const KIND_NAME_CHOICES: readonly string[] = ['pipeline', 'experiment', 'training', 'axolotl', 'llamafactory', 'trl', 'alignment-handbook', 'deepspeed', 'off'];

const SUFFIX: [RegExp, NativeKind][] = [
  [/\.pipeline\.ya?ml$/i, 'Pipeline'],
  [/\.experiment\.ya?ml$/i, 'Experiment'],
  [/\.training\.ya?ml$/i, 'TrainingConfig'],
];

/** The kind a file name implies (only our own suffixes imply one). */
export function kindFromPath(path: string): NativeKind | undefined {
  for (const [re, kind] of SUFFIX) if (re.test(path)) return kind;
  return undefined;
}

const YAML_FILE = /\.ya?ml$/i;
const JSON_FILE = /\.json$/i;
/** Only these files are ever looked at by content. */
export function mayBeConfigFile(path: string): boolean {
  return YAML_FILE.test(path) || JSON_FILE.test(path);
}

// ---- modeline ----------------------------------------------------------------------------------

/** `# rlhf-lens: axolotl gpus=8 gpu_memory=80GB gpu=A100` on the first line (after a BOM or `#!`). */
const MODELINE = /^\uFEFF?(?:#![^\n]*\n)?[ \t]*(?:#|\/\/)[ \t]*rlhf-lens:[ \t]*([A-Za-z_-]+)([^\n]*)/;

export interface Modeline {
  /** The kind named, null for `off`, undefined when the name is unknown. */
  kind: ConfigKind | null | undefined;
  name: string;
  /** `key=value` settings after the kind (e.g. the hardware: gpus, gpu_memory, gpu). */
  settings: Record<string, string>;
  /** [start, end) offsets of the kind name, for diagnostics. */
  nameStart: number;
  nameEnd: number;
}

export function readModeline(text: string): Modeline | undefined {
  const m = MODELINE.exec(text.slice(0, 4096));
  if (!m) return undefined;
  const name = m[1]!;
  const nameStart = m.index + m[0].indexOf(name, m[0].indexOf('rlhf-lens:') + 10);
  const settings: Record<string, string> = {};
  for (const kv of m[2]!.matchAll(/([A-Za-z_][\w-]*)=("[^"]*"|'[^']*'|[^\s,]+)/g)) settings[kv[1]!] = kv[2]!.replace(/^["']|["']$/g, '');
  return { kind: kindFromName(name), name, settings, nameStart, nameEnd: nameStart + name.length };
}

// ---- the files: map ----------------------------------------------------------------------------

export interface KindMapEntry {
  /** A glob relative to `root` (picomatch syntax; `**` crosses folders). */
  glob: string;
  /** null: the files are not config files (`off`). */
  kind: ConfigKind | null;
}

/** The project's `files:` map from `.rlhf-lens.yaml` and the folder it is relative to. */
export interface KindMap {
  root: string;
  entries: readonly KindMapEntry[];
}

const matchers = new WeakMap<KindMapEntry, (p: string) => boolean>();

function kindFromMap(path: string, map: KindMap | undefined): ConfigKind | null | undefined {
  if (!map || map.entries.length === 0) return undefined;
  const norm = (p: string): string => p.replace(/\\/g, '/');
  const root = norm(map.root).replace(/\/+$/, '');
  const abs = norm(path);
  if (!abs.startsWith(root + '/')) return undefined;
  const rel = abs.slice(root.length + 1);
  for (const e of map.entries) {
    let m = matchers.get(e);
    if (!m) matchers.set(e, (m = picomatch(e.glob, { dot: true })));
    if (m(rel)) return e.kind;
  }
  return undefined;
}

// ---- content ----------------------------------------------------------------------------------

const API_VERSION_RE = /^apiVersion:\s*["']?rlhf-lens\//m;
const KIND_LINE = /^kind:\s*["']?([A-Za-z]+)["']?\s*(?:#.*)?$/m;

/** True when a YAML text declares itself an RLHF Lens document (any document of the file). */
export function looksLikeRlhfLens(text: string): boolean {
  return API_VERSION_RE.test(text.slice(0, 64 * 1024));
}

/** Keys at the top level of a YAML text (lines with no indentation), read without parsing so a broken file still has a kind. */
export function topLevelYamlKeys(text: string): Set<string> {
  const keys = new Set<string>();
  for (const m of text.slice(0, 64 * 1024).matchAll(/^["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?[ \t]*:(?=[ \t]|\r?$)/gm)) keys.add(m[1]!);
  return keys;
}

function countIn(keys: Set<string>, list: readonly string[]): number {
  let n = 0;
  for (const k of list) if (keys.has(k)) n++;
  return n;
}

/** Keys only axolotl uses (with `base_model`, two of them make an axolotl file). */
const AXOLOTL_KEYS = [
  'micro_batch_size', 'sequence_len', 'sample_packing', 'eval_sample_packing', 'dataset_prepared_path', 'val_set_size',
  'datasets', 'adapter', 'lora_r', 'lora_alpha', 'lora_target_linear', 'num_epochs', 'load_in_4bit', 'load_in_8bit', 'rl',
  'rl_beta', 'chat_template', 'special_tokens', 'pad_to_sequence_len', 'evals_per_epoch', 'saves_per_epoch', 'wandb_project',
  'lr_scheduler', 'optimizer', 'reward_model', 'base_model_config', 'tokenizer_type', 'model_type',
];
/** Keys only LLaMA-Factory uses. */
const LLAMAFACTORY_STRONG = ['stage', 'finetuning_type'];
const LLAMAFACTORY_KEYS = ['template', 'cutoff_len', 'lora_target', 'dataset_dir', 'pref_beta', 'pref_loss', 'quantization_bit', 'lora_rank', 'max_samples', 'plot_loss'];
/** transformers TrainingArguments and TRL config keys, for TRL / alignment-handbook recipes. */
const TRAINER_KEYS = [
  'learning_rate', 'per_device_train_batch_size', 'per_device_eval_batch_size', 'num_train_epochs', 'gradient_accumulation_steps',
  'output_dir', 'bf16', 'fp16', 'max_steps', 'lr_scheduler_type', 'warmup_ratio', 'warmup_steps', 'logging_steps', 'save_strategy',
  'eval_strategy', 'gradient_checkpointing', 'beta', 'max_length', 'max_prompt_length', 'max_seq_length', 'num_generations',
  'use_peft', 'lora_r', 'torch_dtype', 'dtype', 'attn_implementation', 'report_to', 'seed', 'optim',
];
const TRL_DATASET_KEYS = ['dataset_mixture', 'dataset_mixer', 'dataset_name', 'datasets_mixer'];

function kindFromYamlKeys(keys: Set<string>): FrameworkKind | undefined {
  if (keys.has('apiVersion') && keys.has('kind')) return undefined; // some other tool's manifest (Kubernetes, ...)
  if (keys.has('base_model') && countIn(keys, AXOLOTL_KEYS) >= 2) return 'axolotl';
  if (keys.has('model_name_or_path')) {
    if (countIn(keys, LLAMAFACTORY_STRONG) >= 1 || countIn(keys, LLAMAFACTORY_KEYS) >= 2) return 'llamafactory';
    if (countIn(keys, TRL_DATASET_KEYS) >= 1 || countIn(keys, TRAINER_KEYS) >= 2) return 'trl';
  }
  return undefined;
}

/** Top-level keys that only a DeepSpeed config has. */
const DEEPSPEED_STRONG = ['zero_optimization', 'train_micro_batch_size_per_gpu'];
const DEEPSPEED_KEYS = ['train_batch_size', 'gradient_accumulation_steps', 'fp16', 'bf16', 'optimizer', 'scheduler', 'gradient_clipping', 'zero_allow_untested_optimizer', 'steps_per_print', 'wall_clock_breakdown'];

function kindFromJson(text: string): FrameworkKind | undefined {
  let keys: Set<string> | undefined;
  if (text.length <= 1024 * 1024) {
    try {
      const v = JSON.parse(text) as unknown;
      if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
      keys = new Set(Object.keys(v));
    } catch {
      // A file being edited (or cut short): look for keys near the left margin instead.
    }
  }
  if (!keys) {
    if (!/^\s*\{/.test(text)) return undefined;
    keys = new Set([...text.slice(0, 64 * 1024).matchAll(/^[ \t]{0,4}"([A-Za-z_][\w]*)"\s*:/gm)].map((m) => m[1]!));
  }
  if (countIn(keys, DEEPSPEED_STRONG) >= 1) return 'deepspeed';
  if (keys.has('train_batch_size') && countIn(keys, DEEPSPEED_KEYS) >= 3) return 'deepspeed';
  return undefined;
}

/** The kind a file's content shows (native `apiVersion`/`kind:` first, then the framework signatures). */
export function kindFromContent(path: string, text: string): ConfigKind | undefined {
  if (JSON_FILE.test(path)) return kindFromJson(text);
  if (!YAML_FILE.test(path) && !/^untitled:/.test(path)) return undefined;
  const head = text.slice(0, 64 * 1024);
  if (API_VERSION_RE.test(head)) {
    const declared = KIND_LINE.exec(head)?.[1];
    return declared && (KINDS as readonly string[]).includes(declared) ? (declared as NativeKind) : undefined;
  }
  return kindFromYamlKeys(topLevelYamlKeys(head));
}

export interface Detected {
  kind: ConfigKind;
  /** What decided it (shown in hovers and the docs). */
  by: 'modeline' | 'files-map' | 'file-name' | 'content';
}

/**
 * What a file is, or undefined when it is none of our kinds (then nothing is reported about it).
 * `text` may be just the head of the file (64 KiB is enough). A native file with an `apiVersion`
 * but an unknown `kind:` is still ours (meta/kind says what is wrong).
 */
export function detect(path: string, text: string, map?: KindMap): Detected | undefined {
  const modeline = readModeline(text);
  if (modeline && modeline.kind !== undefined) return modeline.kind ? { kind: modeline.kind, by: 'modeline' } : undefined;
  const mapped = kindFromMap(path, map);
  if (mapped !== undefined) return mapped ? { kind: mapped, by: 'files-map' } : undefined;
  const named = kindFromPath(path);
  if (named) {
    // In a file of ours, a `kind:` line says more than the name (an Experiment saved as x.training.yaml).
    const declared = KIND_LINE.exec(text.slice(0, 64 * 1024))?.[1];
    if (declared && (KINDS as readonly string[]).includes(declared)) return { kind: declared as NativeKind, by: 'content' };
    return { kind: named, by: 'file-name' };
  }
  const content = kindFromContent(path, text);
  if (content) return { kind: content, by: 'content' };
  return undefined;
}

export function detectKind(path: string, text: string, map?: KindMap): ConfigKind | undefined {
  return detect(path, text, map)?.kind;
}

/**
 * True when the file should be checked. Also true for a YAML file that declares `apiVersion: rlhf-lens/...`
 * with a misspelt kind (it is ours; meta/kind reports the kind), and for an unknown modeline name.
 */
export function isConfigFile(path: string, text: string, map?: KindMap): boolean {
  if (detect(path, text, map)) return true;
  const modeline = readModeline(text);
  if (modeline && modeline.kind === null) return false;
  if (modeline && modeline.kind === undefined) return true;
  if (kindFromMap(path, map) === null) return false;
  return YAML_FILE.test(path) && looksLikeRlhfLens(text);
}

/**
 * The kind of one YAML document of a file: in a file of our formats, its `kind:` line (a file may hold
 * several); in a framework file, the file's kind.
 */
export function documentKind(value: unknown, fileKind: ConfigKind | undefined): ConfigKind | undefined {
  if (isFrameworkKind(fileKind)) return fileKind;
  const declared = (value as Record<string, unknown> | null | undefined)?.['kind'];
  return (KINDS as readonly unknown[]).includes(declared) ? (declared as NativeKind) : fileKind;
}
