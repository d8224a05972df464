/** The training wizard's core: the config it writes lints clean, and its live numbers are the hover's engine's. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { lintText } from '../server/src/config/lint';
import { FileSystemFacts } from '../server/src/workspace/index';
import { configFromForm, configYaml, DEFAULT_FORM, planFromForm, unsupported, type WizardForm } from '../server/src/config/training-wizard';
import { estimatePeakMemory } from '../server/src/config/estimates/memory';
import { trainingSetupFromConfig } from '../server/src/config/estimates/training-setup';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-wizard-'));
fs.mkdirSync(path.join(dir, 'data'));
fs.mkdirSync(path.join(dir, 'configs'));
const prefs = path.join(dir, 'data', 'prefs.jsonl');
fs.writeFileSync(prefs, Array.from({ length: 40 }, (_, i) => JSON.stringify({ prompt: `p${i}`, chosen: 'good', rejected: 'bad' })).join('\n') + '\n');
const chat = path.join(dir, 'data', 'chat.jsonl');
fs.writeFileSync(chat, Array.from({ length: 40 }, (_, i) => JSON.stringify({ messages: [{ role: 'user', content: `q${i}` }, { role: 'assistant', content: 'a' }] })).join('\n') + '\n');
const unpaired = path.join(dir, 'data', 'kto.jsonl');
fs.writeFileSync(unpaired, Array.from({ length: 40 }, (_, i) => JSON.stringify({ prompt: `p${i}`, completion: 'c', label: i % 2 === 0 })).join('\n') + '\n');
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

function lint(form: WizardForm) {
  const file = path.join(dir, 'configs', `${form.name}.training.yaml`);
  const text = configYaml(configFromForm(form, file));
  return { text, diags: lintText(text, { path: file, facts: new FileSystemFacts() }) };
}

const DATA: Record<string, { file: string; format: string }> = {
  sft: { file: chat, format: 'chat' },
  reward_model: { file: prefs, format: 'preference' },
  dpo: { file: prefs, format: 'preference' },
  orpo: { file: prefs, format: 'preference' },
  kto: { file: unpaired, format: 'unpaired' },
};

test('every method and adapter the wizard can write lints with no error and no warning', () => {
  for (const method of Object.keys(DATA)) {
    for (const adapter of ['lora', 'qlora', 'full'] as const) {
      const form: WizardForm = { ...DEFAULT_FORM, name: `${method}-${adapter}`, method: method as WizardForm['method'], adapter, dataset: DATA[method]!.file, datasetFormat: DATA[method]!.format, baseModel: 'Qwen/Qwen2.5-0.5B-Instruct', gpus: 1, gpuMemory: '80GB', learningRate: method === 'sft' ? 2e-4 : 5e-6 };
      const { text, diags } = lint(form);
      const loud = diags.filter((d) => d.severity === 'error' || d.severity === 'warning');
      assert.deepEqual(loud.map((d) => `${d.code}: ${d.message}`), [], `${method} ${adapter}:\n${text}`);
      const value = parse(text);
      assert.equal(value.dataset.train, `../data/${path.basename(DATA[method]!.file)}`);
      assert.equal(value.quantization !== undefined, adapter === 'qlora');
      assert.equal(value.lora !== undefined, adapter !== 'full');
    }
  }
});

test('GRPO is offered but not written: the plan says why', () => {
  const form: WizardForm = { ...DEFAULT_FORM, method: 'grpo' };
  assert.match(unsupported(form)!, /GRPO is not a TrainingConfig method/);
  assert.match(planFromForm(form, 100).problem!, /GRPO/);
});

test('the plan is the hover engine\'s numbers: memory from estimatePeakMemory, tokens, steps, and a time', () => {
  const form: WizardForm = { ...DEFAULT_FORM, method: 'dpo', adapter: 'qlora', dataset: prefs, datasetFormat: 'preference', gpus: 4, gpu: 'A100', gpuMemory: '80GB', batchSize: 4, gradientAccumulation: 8, maxSeqLength: 2048, epochs: 3 };
  const plan = planFromForm(form, 3000);
  const expected = estimatePeakMemory(trainingSetupFromConfig(configFromForm(form, path.join(dir, 'x.training.yaml')))!.setup);
  assert.equal(plan.memory!.total, expected.total);
  assert.equal(plan.memory!.fits, true);
  assert.equal(plan.effectiveBatch, 128);
  assert.equal(plan.tokensPerStep, 128 * 2048 * 2);
  assert.equal(plan.steps, Math.ceil(3000 / 128) * 3);
  assert.ok(plan.seconds! > 0);
  assert.match(plan.lines.join('\n'), /Effective batch: 4 × 8 × 4 GPUs = 128 pairs per step/);
  assert.match(plan.lines.join('\n'), /Optimizer steps: 72 \(3,000 rows, 3 epochs\)/);
  // Full fine-tuning of an 8B model on one 24 GB GPU does not fit, and says so.
  const big = planFromForm({ ...form, adapter: 'full', gpus: 1, gpuMemory: '24GB', gpu: 'L4' }, 3000);
  assert.equal(big.memory!.fits, false);
  assert.match(big.lines.join('\n'), /does not fit/);
  assert.match(planFromForm({ ...form, baseModel: 'my-org/secret-model' }, 10).problem!, /not a known model family/);
});

test('rlhfLens/trainingPlan over the protocol: the picked dataset is read and shape-checked, the YAML comes back', async () => {
  const { LspClient } = await import('./support/lsp');
  const client = await LspClient.start({ rootPath: dir });
  try {
    const form: WizardForm = { ...DEFAULT_FORM, method: 'dpo', dataset: prefs, baseModel: 'Qwen/Qwen2.5-0.5B-Instruct' };
    const r = await client.request<{ plan: { steps: number; lines: string[] }; dataset: { rows: number; shape: { trainingFormat: string } }; datasetProblem?: string; text?: string }>('rlhfLens/trainingPlan', { form, configFile: path.join(dir, 'configs', 'x.training.yaml') });
    assert.equal(r.dataset.rows, 40);
    assert.equal(r.dataset.shape.trainingFormat, 'preference');
    assert.equal(r.datasetProblem, undefined);
    assert.equal(r.plan.steps, Math.ceil(40 / 16));
    assert.match(r.text!, /format: preference/);
    const wrong = await client.request<{ datasetProblem?: string }>('rlhfLens/trainingPlan', { form: { ...form, dataset: chat } });
    assert.match(wrong.datasetProblem!, /dpo needs preference rows; this file has chat conversations/);
    await assert.rejects(client.request('rlhfLens/trainingPlan', { form: { ...form, dataset: '/etc/hosts' } }), /not inside the workspace/);
    await assert.rejects(client.request('rlhfLens/trainingPlan', { form: { ...form, gpus: 0 } }), /gpus: a whole number/);
    // Declare Your Hardware: the server answers with the new .rlhf-lens.yaml text, keeping the file's rules.
    fs.writeFileSync(path.join(dir, '.rlhf-lens.yaml'), 'rules:\n  training/learning-rate: off\n');
    const hw = await client.request<{ file: string; text: string }>('rlhfLens/hardwareSettings', { folder: dir, hardware: { gpus: 2, gpu_memory: '24GB', gpu: 'L4' } });
    assert.equal(hw.file, path.join(dir, '.rlhf-lens.yaml'));
    assert.deepEqual(parse(hw.text), { rules: { 'training/learning-rate': 'off' }, hardware: { gpus: 2, gpu_memory: '24GB', gpu: 'L4' } });
    await assert.rejects(client.request('rlhfLens/hardwareSettings', { folder: os.tmpdir(), hardware: { gpus: 2, gpu_memory: '24GB', gpu: 'L4' } }), /not a workspace folder/);
    fs.rmSync(path.join(dir, '.rlhf-lens.yaml'));
  } finally {
    await client.stop();
  }
});

test('the wizard writes only inside the workspace folder: relative .yaml paths, no .., no symlinked way out', async () => {
  const { resolveOutputPath } = await import('../client/src/wizard/output-path');
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-wizard-out-'));
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-wizard-elsewhere-'));
  try {
    fs.symlinkSync(outside, path.join(ws, 'link'));
    assert.deepEqual(resolveOutputPath(ws, 'configs/my-run.training.yaml'), { file: path.join(ws, 'configs', 'my-run.training.yaml') });
    assert.deepEqual(resolveOutputPath(ws, ' new/dir/x.trl.yml '), { file: path.join(ws, 'new', 'dir', 'x.trl.yml') });
    const refused = (p: string) => {
      const r = resolveOutputPath(ws, p);
      return 'refused' in r ? r.refused : '';
    };
    assert.match(refused('/etc/x.yaml'), /not relative/);
    assert.match(refused('../x.yaml'), /outside the workspace folder/);
    assert.match(refused('configs/../../x.yaml'), /outside the workspace folder/);
    assert.match(refused('link/x.yaml'), /through a symlink/);
    assert.match(refused('link/deeper/x.yaml'), /through a symlink/);
    assert.match(refused('configs/x.json'), /not a \.yaml or \.yml file/);
    assert.match(refused('  '), /no file name/);
  } finally {
    fs.rmSync(ws, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  }
});
