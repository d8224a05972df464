/**
 * The training wizard writes axolotl and TRL files as well as TrainingConfigs: for every method x
 * format x adapter it can write, the text `rlhfLens/trainingPlan` returns is written where the wizard
 * would write it and linted by the real server over its protocol (the framework rules of
 * server/src/config/rules/framework and the option tables of schemas/frameworks): no error, no
 * warning. The combinations it cannot write say why and return no text.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { detectKind } from '../server/src/config/kind';
import { DEFAULT_FORM, defaultOutput, WIZARD_FORMATS, WIZARD_METHODS, type WizardForm } from '../server/src/protocol/wizard';
import { LspClient, type LspDiagnostic } from './support/lsp';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-wizard-formats-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
fs.mkdirSync(path.join(dir, 'data'));
fs.mkdirSync(path.join(dir, 'configs'));
const rows = (n: number, row: (i: number) => unknown) => Array.from({ length: n }, (_, i) => JSON.stringify(row(i))).join('\n') + '\n';
const DATA: Record<string, { file: string; rows: string }> = {
  sft: { file: 'chat.jsonl', rows: rows(48, (i) => ({ messages: [{ role: 'user', content: `q${i}` }, { role: 'assistant', content: 'a' }] })) },
  reward_model: { file: 'prefs.jsonl', rows: rows(48, (i) => ({ prompt: `p${i}`, chosen: 'good', rejected: 'bad' })) },
  dpo: { file: 'prefs.jsonl', rows: '' },
  orpo: { file: 'prefs.jsonl', rows: '' },
  kto: { file: 'kto.jsonl', rows: rows(48, (i) => ({ prompt: `p${i}`, completion: 'c', label: i % 2 === 0 })) },
  grpo: { file: 'prompts.jsonl', rows: rows(48, (i) => ({ prompt: `What is ${i} + ${i}?` })) },
};
for (const d of Object.values(DATA)) if (d.rows) fs.writeFileSync(path.join(dir, 'data', d.file), d.rows);

interface Plan {
  plan: { problem?: string; steps?: number; lines: string[]; memory?: { fits?: boolean } };
  dataset?: { rows: number };
  datasetProblem?: string;
  text?: string;
}

const KIND = { training: 'TrainingConfig', axolotl: 'axolotl', trl: 'trl' } as const;
const INVALID = new Set(['grpo/training', 'orpo/trl']);

test('every method x format x adapter the wizard can write lints clean over the protocol; the others say why', async () => {
  const client = await LspClient.start({ rootPath: dir });
  const written: string[] = [];
  try {
    for (const method of WIZARD_METHODS) {
      for (const format of WIZARD_FORMATS) {
        for (const adapter of ['lora', 'qlora', 'full'] as const) {
          const name = `${method.replace('_', '-')}-${adapter}`;
          const form: WizardForm = { ...DEFAULT_FORM, name, method, format, adapter, dataset: path.join(dir, 'data', DATA[method]!.file), baseModel: 'Qwen/Qwen2.5-0.5B-Instruct', learningRate: method === 'sft' ? 2e-4 : 5e-6 };
          form.output = defaultOutput(form);
          const target = path.join(dir, form.output);
          const r = await client.request<Plan>('rlhfLens/trainingPlan', { form, configFile: target });
          const what = `${method} ${format} ${adapter}`;
          assert.equal(r.datasetProblem, undefined, `${what}: ${r.datasetProblem}`);
          assert.equal(r.dataset?.rows, 48, what);
          if (INVALID.has(`${method}/${format}`)) {
            assert.equal(r.text, undefined, `${what} must not be written`);
            assert.match(r.plan.problem ?? '', method === 'grpo' ? /GRPO is not a TrainingConfig method/ : /no ORPO trainer/, what);
            continue;
          }
          assert.equal(r.plan.problem, undefined, `${what}: ${r.plan.problem}`);
          assert.equal(r.plan.memory?.fits, true, `${what}: ${r.plan.lines.join(' | ')}`);
          assert.equal(r.plan.steps, Math.ceil(48 / 16), `${what}: ${r.plan.lines.join(' | ')}`);
          const text = r.text!;
          assert.ok(text, `${what}: no text`);
          // The file is the kind it claims, by the one detector the CLI, server and client use.
          assert.equal(detectKind(target, text), KIND[format], `${what}:\n${text}`);
          fs.writeFileSync(target, text);
          written.push(target);
          const diags: LspDiagnostic[] = await client.openAndWait(target, text, format === 'training' ? 'rlhf-training' : 'yaml');
          const loud = diags.filter((d) => d.severity === 1 || d.severity === 2);
          assert.deepEqual(loud.map((d) => `${d.range.start.line + 1} ${String(d.code)}: ${d.message}`), [], `${what}:\n${text}`);
          const value = parse(text) as Record<string, unknown>;
          const data = `../data/${DATA[method]!.file}`;
          if (format === 'axolotl') {
            const ds = (value['datasets'] as { path: string; type: unknown }[])[0]!;
            assert.equal(ds.path, data);
            assert.equal(value['adapter'], adapter === 'full' ? undefined : adapter);
            assert.equal(value['load_in_4bit'], adapter === 'qlora' ? true : undefined);
            assert.equal(value['rl'], method === 'sft' || method === 'reward_model' ? undefined : method);
            assert.equal(value['reward_model'], method === 'reward_model' ? true : undefined);
            assert.match(text, /^# rlhf-lens: axolotl gpus=1 gpu=A100 gpu_memory=80GB\n/);
          } else if (format === 'trl') {
            assert.equal((value['datasets'] as { data_files: string }[])[0]!.data_files, data);
            assert.equal(value['use_peft'], adapter === 'full' ? undefined : true);
            assert.equal(value['load_in_4bit'], adapter === 'qlora' ? true : undefined);
            assert.match(text, new RegExp(`^# rlhf-lens: trl gpus=1 gpu=A100 gpu_memory=80GB\\n[^]*# Launch from this folder: trl ${method === 'reward_model' ? 'reward' : method} --config`));
          } else {
            assert.equal((value['dataset'] as { train: string }).train, data);
            assert.equal(value['method'], method);
          }
          if (method === 'grpo') {
            const n = format === 'axolotl' ? (value['trl'] as { num_generations: number }).num_generations : value['num_generations'];
            assert.equal(n, 8, `${what}: 4 x 4 x 1 GPU generations in groups of 8`);
          }
        }
      }
    }
    assert.equal(written.length, WIZARD_METHODS.length * WIZARD_FORMATS.length * 3 - INVALID.size * 3);
  } finally {
    await client.stop();
  }
});

test('the framework rules do read what the wizard writes: the hardware of its modeline, its data, its GRPO groups', async () => {
  const client = await LspClient.start({ rootPath: dir });
  try {
    const lint = async (form: WizardForm, mutate: (t: string) => string = (t) => t): Promise<string[]> => {
      form.output = defaultOutput(form);
      const target = path.join(dir, form.output.replace(/\.yaml$/, '.check.yaml'));
      const r = await client.request<Plan>('rlhfLens/trainingPlan', { form, configFile: target });
      const text = mutate(r.text!);
      return (await client.openAndWait(target, text)).filter((d) => d.severity === 1 || d.severity === 2).map((d) => String(d.code));
    };
    for (const format of ['axolotl', 'trl'] as const) {
      // Full fine-tuning of an 8B model on one 16 GB T4: the plan says so, and so does framework/memory.
      const big: WizardForm = { ...DEFAULT_FORM, name: `big-${format}`, format, adapter: 'full', baseModel: 'meta-llama/Llama-3.1-8B-Instruct', gpu: 'T4', gpuMemory: '16GB', dataset: path.join(dir, 'data', 'prefs.jsonl') };
      const plan = await client.request<Plan>('rlhfLens/trainingPlan', { form: big });
      assert.equal(plan.plan.memory?.fits, false, format);
      assert.ok((await lint(big)).includes('framework/memory'), `${format}: framework/memory on a T4`);
      // DPO on chat rows: framework/preference-data reads the local file the wizard named.
      const wrongData: WizardForm = { ...DEFAULT_FORM, name: `wrong-${format}`, format, baseModel: 'Qwen/Qwen2.5-0.5B-Instruct', dataset: path.join(dir, 'data', 'prefs.jsonl') };
      assert.ok((await lint(wrongData, (t) => t.replace('prefs.jsonl', 'chat.jsonl'))).includes('framework/preference-data'), `${format}: preference-data`);
      // GRPO with a group that does not divide the batch.
      const grpo: WizardForm = { ...DEFAULT_FORM, name: `grpo-${format}`, format, method: 'grpo', baseModel: 'Qwen/Qwen2.5-0.5B-Instruct', dataset: path.join(dir, 'data', 'prompts.jsonl') };
      assert.ok((await lint(grpo, (t) => t.replace('num_generations: 8', 'num_generations: 3'))).includes('framework/grpo-generations'), `${format}: grpo-generations`);
    }
    // An odd generation batch gets groups of 2 over twice the batch, which TRL accepts.
    const odd: WizardForm = { ...DEFAULT_FORM, name: 'odd', format: 'trl', method: 'grpo', batchSize: 3, gradientAccumulation: 1, baseModel: 'Qwen/Qwen2.5-0.5B-Instruct', dataset: path.join(dir, 'data', 'prompts.jsonl') };
    const r = await client.request<Plan>('rlhfLens/trainingPlan', { form: odd, configFile: path.join(dir, 'configs', 'odd.trl.yaml') });
    assert.match(r.text!, /num_generations: 2\ngeneration_batch_size: 6\n/);
    assert.deepEqual((await client.openAndWait(path.join(dir, 'configs', 'odd.trl.yaml'), r.text!)).filter((d) => d.severity === 1 || d.severity === 2), []);
    // GRPO on rows without prompts is refused before anything is written.
    const noPrompt = await client.request<Plan>('rlhfLens/trainingPlan', { form: { ...odd, dataset: path.join(dir, 'data', 'chat.jsonl') } });
    assert.match(noPrompt.datasetProblem ?? '', /grpo needs a prompt column/);
  } finally {
    await client.stop();
  }
});
