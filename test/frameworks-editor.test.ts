/**
 * Editor features on framework configs, through the real language server over stdio: the hover on
 * base_model with the per-GPU breakdown, tokens per step and steps per epoch (project hardware from
 * .rlhf-lens.yaml), completion of keys and enum values with the frameworks' help text, go to definition
 * on the `deepspeed:` JSON and on a local dataset, and a Pipeline stage whose `training:` names an axolotl file.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from './support/lsp';
import { runCli } from './support/cli';

const AXOLOTL_DPO = `base_model: meta-llama/Meta-Llama-3-8B-Instruct
rl: dpo
datasets:
  - path: ./data/prefs.jsonl
    type: chat_template.default
    field_messages: conversation
    field_chosen: chosen
    field_rejected: rejected
sequence_len: 2048
micro_batch_size: 2
gradient_accumulation_steps: 4
num_epochs: 1
adapter: lora
lora_r: 16
lora_alpha: 32
lora_target_linear: true
gradient_checkpointing: true
learning_rate: 5.0e-6
bf16: auto
deepspeed: ds/zero2.json
`;

function workspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-fw-editor-'));
  fs.mkdirSync(path.join(dir, 'data'));
  fs.mkdirSync(path.join(dir, 'ds'));
  fs.mkdirSync(path.join(dir, '.git'));
  fs.writeFileSync(path.join(dir, '.rlhf-lens.yaml'), 'hardware: {gpus: 4, gpu_memory: 80GB, gpu: A100}\n');
  fs.writeFileSync(path.join(dir, 'dpo.yml'), AXOLOTL_DPO);
  fs.writeFileSync(path.join(dir, 'ds', 'zero2.json'), JSON.stringify({ zero_optimization: { stage: 2 }, train_micro_batch_size_per_gpu: 'auto' }));
  const rows = Array.from({ length: 640 }, (_, i) => JSON.stringify({ conversation: [{ role: 'user', content: `q${i}` }], chosen: 'a', rejected: 'b' }));
  fs.writeFileSync(path.join(dir, 'data', 'prefs.jsonl'), rows.join('\n') + '\n');
  fs.writeFileSync(
    path.join(dir, 'p.pipeline.yaml'),
    'apiVersion: rlhf-lens/v1\nkind: Pipeline\nmetadata: {name: p}\nstages:\n  - id: dpo\n    phase: training\n    training: dpo.yml\n',
  );
  return dir;
}

test('hover on base_model: per-GPU breakdown on the declared hardware, tokens per step, steps per epoch', async () => {
  const dir = workspace();
  const client = await LspClient.start({ rootPath: dir });
  try {
    const file = path.join(dir, 'dpo.yml');
    const diags = await client.openAndWait(file, AXOLOTL_DPO, 'yaml');
    assert.deepEqual(diags.map((d) => d.code), []);
    const uri = pathToFileURL(file).toString();
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 3 } })) as { contents: { value: string } } | null;
    const md = hover?.contents.value ?? '';
    assert.match(md, /Llama 3(\.\d)? 8B/);
    assert.match(md, /Estimated peak memory per GPU:\*\* [\d.]+ GiB on 4 x A100 \(.rlhf-lens.yaml hardware\) of 80\.0 GiB: fits/);
    assert.match(md, /- weights: /);
    // 2 per GPU x 4 accumulation x 4 GPUs x 2048 tokens = 65,536; 640 rows / 32 sequences = 20 steps.
    assert.match(md, /Tokens per step \(at most\):\*\* 65,536/);
    assert.match(md, /Steps per epoch:\*\* 20 \(640 rows \/ 32 sequences per step\)/);
    assert.match(md, /ZeRO-2 over 4 GPUs/);

    // Completion of an enum value (rl:) offers axolotl's choices with help text.
    const items = (await client.connection.sendRequest('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 4 } })) as { items?: { label: string }[] } | { label: string }[];
    const labels = (Array.isArray(items) ? items : items.items ?? []).map((i) => i.label);
    assert.ok(labels.includes('kto') && labels.includes('orpo'), labels.join(','));

    // Go to definition: the DeepSpeed JSON and the local dataset.
    const dsLine = AXOLOTL_DPO.split('\n').findIndex((l) => l.startsWith('deepspeed:'));
    const loc = (await client.connection.sendRequest('textDocument/definition', { textDocument: { uri }, position: { line: dsLine, character: 14 } })) as { uri: string } | null;
    assert.equal(loc?.uri, pathToFileURL(path.join(dir, 'ds', 'zero2.json')).toString());
    const dataLoc = (await client.connection.sendRequest('textDocument/definition', { textDocument: { uri }, position: { line: 3, character: 14 } })) as { uri: string } | null;
    assert.equal(dataLoc?.uri, pathToFileURL(path.join(dir, 'data', 'prefs.jsonl')).toString());
  } finally {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a Pipeline stage may run an axolotl config (training:), but not an unrelated YAML', () => {
  const dir = workspace();
  try {
    let r = runCli(['lint', '--format', 'json', '.'], { cwd: dir });
    const out = JSON.parse(r.stdout) as { files: { path: string; diagnostics: { code: string }[] }[] };
    assert.deepEqual(out.files.map((f) => [f.path, f.diagnostics.map((d) => d.code)]), [['dpo.yml', []], ['ds/zero2.json', []], ['p.pipeline.yaml', []]]);
    fs.writeFileSync(path.join(dir, 'compose.yml'), 'services:\n  web: {image: nginx}\n');
    fs.writeFileSync(path.join(dir, 'p.pipeline.yaml'), fs.readFileSync(path.join(dir, 'p.pipeline.yaml'), 'utf8').replace('training: dpo.yml', 'training: compose.yml'));
    r = runCli(['lint', '--format', 'json', 'p.pipeline.yaml'], { cwd: dir });
    assert.deepEqual((JSON.parse(r.stdout) as { files: { diagnostics: { code: string }[] }[] }).files[0]!.diagnostics.map((d) => d.code), ['pipeline/wrong-kind']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
