/**
 * The training wizard's contracts: the form, the `rlhfLens/trainingPlan` request, and both
 * directions of the wizard webview's messages, with runtime checks (every message is validated on
 * arrival, as for the dashboards).
 */
import { arrayOf, literal, MessageError, num, object, optional, str, tagged, type Checked } from './check';
import type { DataFileInfo } from './lsp';

/** Methods the wizard offers; not every format holds every method (config/training-wizard.ts `unsupported`). */
export const WIZARD_METHODS = ['sft', 'reward_model', 'dpo', 'kto', 'orpo', 'grpo'] as const;
export type WizardMethod = (typeof WIZARD_METHODS)[number];
export const ADAPTERS = ['lora', 'qlora', 'full'] as const;
export type Adapter = (typeof ADAPTERS)[number];
/** What the wizard writes: an RLHF Lens TrainingConfig, an axolotl config, or a TRL config (`trl <method> --config`). */
export const WIZARD_FORMATS = ['training', 'axolotl', 'trl'] as const;
export type WizardFormat = (typeof WIZARD_FORMATS)[number];

/** The wizard's live numbers (config/training-wizard.ts planFromForm). */
export interface WizardPlan {
  /** Set when the form cannot be estimated or written (unknown model, GRPO, ...). */
  problem?: string;
  memory?: { total: number; limit?: number; fits?: boolean; parts: [string, number][]; trainableParams: number; notes: string[]; model: string };
  effectiveBatch: number;
  tokensPerStep: number;
  steps?: number;
  seconds?: number;
  /** The same estimate as text, for people and the e2e test. */
  lines: string[];
}

const positiveInt = (max: number) => (v: unknown, p = '') => {
  const x = num(v, p);
  if (!Number.isInteger(x) || x < 1 || x > max) throw new MessageError(`${p || 'value'}: a whole number from 1 to ${max}`);
  return x;
};
const positive = (v: unknown, p = '') => {
  const x = num(v, p);
  if (!(x > 0) || !Number.isFinite(x)) throw new MessageError(`${p || 'value'}: a positive number`);
  return x;
};
const bounded = (max: number) => (v: unknown, p = '') => {
  const s = str(v, p);
  if (s.length > max) throw new MessageError(`${p || 'value'}: at most ${max} characters`);
  return s;
};

export const WizardFormChecker = object({
  name: bounded(200),
  method: literal(...WIZARD_METHODS),
  baseModel: bounded(300),
  dataset: bounded(4096),
  datasetFormat: optional(bounded(40)),
  adapter: literal(...ADAPTERS),
  loraRank: positiveInt(1024),
  gpus: positiveInt(4096),
  gpuMemory: bounded(20),
  gpu: bounded(40),
  batchSize: positiveInt(65536),
  gradientAccumulation: positiveInt(65536),
  maxSeqLength: positiveInt(1_048_576),
  epochs: positive,
  learningRate: positive,
  format: literal(...WIZARD_FORMATS),
  /** Where to write, relative to the workspace folder (the host resolves it and refuses anything outside). */
  output: bounded(1024),
});

export type WizardForm = Checked<typeof WizardFormChecker>;

export const TrainingPlanParams = object({ form: WizardFormChecker, configFile: optional(str) });
export type TrainingPlanParams = Checked<typeof TrainingPlanParams>;

export interface TrainingPlanResult {
  plan: WizardPlan;
  /** The dataset as the readers see it (rows, shape), when one is picked. */
  dataset?: DataFileInfo;
  /** Why the dataset does not suit the method, when it does not. */
  datasetProblem?: string;
  /** The YAML to write, when `configFile` was given and the form can be written. */
  text?: string;
}

export const WizardViewMessage = tagged({
  ready: object({ type: literal('ready') }),
  change: object({ type: literal('change'), form: WizardFormChecker }),
  pickDataset: object({ type: literal('pickDataset') }),
  write: object({ type: literal('write'), form: WizardFormChecker }),
});
export type WizardViewMessage = Checked<typeof WizardViewMessage>;

const gpuChoice = object({ gpu: str, memory: str });
export const WizardHostMessage = tagged({
  init: object({ type: literal('init'), form: WizardFormChecker, gpus: arrayOf(gpuChoice, 100) }),
  plan: object({ type: literal('plan'), lines: arrayOf(str, 100), problem: optional(str), fits: optional(literal('yes', 'no')), dataset: optional(str), datasetProblem: optional(str), datasetFormat: optional(str), datasetPath: optional(str) }),
  written: object({ type: literal('written'), file: str }),
  error: object({ type: literal('error'), message: str }),
});
export type WizardHostMessage = Checked<typeof WizardHostMessage>;

export const DEFAULT_FORM: WizardForm = {
  name: 'my-run',
  method: 'dpo',
  baseModel: 'meta-llama/Llama-3.1-8B-Instruct',
  dataset: '',
  adapter: 'lora',
  loraRank: 16,
  gpus: 1,
  gpuMemory: '80GB',
  gpu: 'A100',
  batchSize: 4,
  gradientAccumulation: 4,
  maxSeqLength: 2048,
  epochs: 1,
  learningRate: 5e-6,
  format: 'training',
  output: 'configs/my-run.training.yaml',
};

/** The file a form writes by default: `configs/<name>.training.yaml`, `.axolotl.yaml` or `.trl.yaml`. */
export function defaultOutput(form: Pick<WizardForm, 'name' | 'format'>): string {
  return `configs/${dnsLabel(form.name)}.${form.format}.yaml`;
}

/** metadata.name must be a lowercase DNS label (the schema's pattern): "My Run_2" becomes "my-run-2". */
export function dnsLabel(name: string): string {
  const label = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-+|-+$/g, '').slice(0, 63).replace(/-+$/, '');
  return label || 'my-run';
}
