/**
 * The training wizard's form (browser bundle): method, base model, dataset, LoRA / QLoRA / full,
 * hardware and batch; every change goes to the host, which asks the language server for the
 * estimates (the hover's engine) and posts them back. The view computes nothing; messages are
 * validated in both directions (server/src/protocol/wizard.ts).
 */
import { WizardHostMessage, WIZARD_FORMATS, WIZARD_METHODS, ADAPTERS, defaultOutput, type WizardForm, type WizardViewMessage } from '../../../server/src/protocol/wizard';
import { h } from '../components/element';
import { button, dropdown, textField } from '../components/toolkit';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const METHOD_LABELS: Record<string, string> = { sft: 'SFT', reward_model: 'Reward model', dpo: 'DPO', kto: 'KTO', orpo: 'ORPO', grpo: 'GRPO' };
const ADAPTER_LABELS: Record<string, string> = { lora: 'LoRA', qlora: 'QLoRA (4-bit base)', full: 'Full fine-tuning' };
const FORMAT_LABELS: Record<string, string> = { training: 'RLHF Lens TrainingConfig', axolotl: 'axolotl', trl: 'TRL (trl <method> --config)' };

const api = acquireVsCodeApi();
const post = (m: WizardViewMessage): void => api.postMessage(m);
let form: WizardForm | undefined;
let gpus: { gpu: string; memory: string }[] = [];
const root = document.getElementById('root')!;
const planBox = h('section', { class: 'wizard-plan', 'aria-live': 'polite' });
const datasetBox = h('p', { class: 'subtitle', id: 'wizard-dataset' }, 'No dataset picked yet.');
const status = h('p', { class: 'subtitle', id: 'wizard-status' });

let outputField: HTMLElement | undefined;

let timer: ReturnType<typeof setTimeout> | undefined;
function changed(patch: Partial<WizardForm>): void {
  if (!form) return;
  const before = form;
  form = { ...form, ...patch };
  // The file name follows the name and the format until the user types one of their own.
  if (patch.output === undefined && before.output === defaultOutput(before) && form.output !== defaultOutput(form)) {
    form = { ...form, output: defaultOutput(form) };
    if (outputField) (outputField as unknown as { value: string }).value = form.output;
  }
  api.setState({ form });
  if (timer) clearTimeout(timer);
  timer = setTimeout(() => form && post({ type: 'change', form }), 150);
}

const int = (s: string, fallback: number): number => (/^\d+$/.test(s.trim()) && Number(s) > 0 ? Number(s) : fallback);
const real = (s: string, fallback: number): number => (Number.isFinite(Number(s)) && Number(s) > 0 ? Number(s) : fallback);

function render(): void {
  if (!form) return;
  const f = form;
  const gpuKey = `${f.gpu}|${f.gpuMemory}`;
  const gpuValues = gpus.map((g) => ({ value: `${g.gpu}|${g.memory}`, label: `${g.gpu} (${g.memory})` }));
  if (!gpuValues.some((g) => g.value === gpuKey)) gpuValues.unshift({ value: gpuKey, label: `${f.gpu} (${f.gpuMemory})` });
  root.replaceChildren(
    h('h1', {}, 'New training config'),
    h(
      'div',
      { class: 'wizard-form' },
      textField('Name', f.name, (v) => changed({ name: v }), { name: 'name' }),
      dropdown('Method', WIZARD_METHODS.map((m) => ({ value: m, label: METHOD_LABELS[m] ?? m })), f.method, (v) => changed({ method: v as WizardForm['method'] })),
      textField('Base model', f.baseModel, (v) => changed({ baseModel: v }), { name: 'baseModel', size: 40 }),
      h('div', { class: 'control' }, button('Pick dataset...', () => post({ type: 'pickDataset' })), datasetBox),
      dropdown('Adapter', ADAPTERS.map((a) => ({ value: a, label: ADAPTER_LABELS[a] ?? a })), f.adapter, (v) => changed({ adapter: v as WizardForm['adapter'] })),
      textField('LoRA rank', String(f.loraRank), (v) => changed({ loraRank: int(v, f.loraRank) }), { name: 'loraRank', size: 6 }),
      dropdown('GPU', gpuValues, gpuKey, (v) => {
        const [gpu, memory] = v.split('|');
        changed({ gpu: gpu!, gpuMemory: memory! });
      }),
      textField('GPUs', String(f.gpus), (v) => changed({ gpus: int(v, f.gpus) }), { name: 'gpus', size: 6 }),
      textField('Batch size per GPU', String(f.batchSize), (v) => changed({ batchSize: int(v, f.batchSize) }), { name: 'batchSize', size: 6 }),
      textField('Gradient accumulation', String(f.gradientAccumulation), (v) => changed({ gradientAccumulation: int(v, f.gradientAccumulation) }), { name: 'gradientAccumulation', size: 6 }),
      textField('Max sequence length', String(f.maxSeqLength), (v) => changed({ maxSeqLength: int(v, f.maxSeqLength) }), { name: 'maxSeqLength', size: 8 }),
      textField('Epochs', String(f.epochs), (v) => changed({ epochs: real(v, f.epochs) }), { name: 'epochs', size: 6 }),
      textField('Learning rate', String(f.learningRate), (v) => changed({ learningRate: real(v, f.learningRate) }), { name: 'learningRate', size: 10 }),
    ),
    h('h2', {}, 'Estimate'),
    planBox,
    h(
      'div',
      { class: 'wizard-form' },
      dropdown('Write as', WIZARD_FORMATS.map((x) => ({ value: x, label: FORMAT_LABELS[x] ?? x })), f.format, (v) => changed({ format: v as WizardForm['format'] })),
      (outputField = textField('File (in the workspace)', f.output, (v) => changed({ output: v }), { name: 'output', size: 48 })),
    ),
    h('div', { class: 'toolbar' }, button('Write config', () => form && post({ type: 'write', form }), { appearance: 'primary' })),
    status,
  );
}

window.addEventListener('message', (event: MessageEvent) => {
  let m: WizardHostMessage;
  try {
    m = WizardHostMessage(event.data);
  } catch (err) {
    status.textContent = `The wizard received a message it cannot use (${(err as Error).message}).`;
    return;
  }
  switch (m.type) {
    case 'init': {
      const saved = (api.getState() as { form?: WizardForm } | undefined)?.form;
      form = saved ? { ...m.form, ...saved } : m.form;
      gpus = m.gpus;
      render();
      post({ type: 'change', form });
      break;
    }
    case 'plan':
      planBox.replaceChildren(
        ...(m.problem ? [h('p', { class: 'banner warn' }, m.problem)] : []),
        h('ul', { class: 'wizard-lines' }, ...m.lines.map((l) => h('li', { class: /does not fit/.test(l) ? 'bad' : null }, l))),
      );
      if (m.datasetPath !== undefined && form) {
        if (form.dataset !== m.datasetPath) form = { ...form, dataset: m.datasetPath };
        datasetBox.textContent = `${m.dataset ?? m.datasetPath}${m.datasetProblem ? ` — ${m.datasetProblem}` : ''}`;
        datasetBox.className = m.datasetProblem ? 'subtitle bad' : 'subtitle';
      }
      break;
    case 'written':
      status.textContent = `Wrote ${m.file}.`;
      break;
    case 'error':
      status.textContent = m.message;
      break;
  }
});

post({ type: 'ready' });
