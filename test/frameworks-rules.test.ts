/**
 * The semantic rules for framework configs: for each, a broken variant of a real config (string edit in
 * memory of the file in ../shared) flagged at the exact line, and the valid twin (the real file, or a
 * fixture of ours) clean. Hardware comes from the project settings or the modeline, as a user declares it.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lintText } from '../server/src/config/lint';
import type { Diagnostic } from '../server/src/config/diagnostic';
import type { HardwareProfile } from '../server/src/config/project';
import { FileSystemFacts } from '../server/src/workspace/index';
import { ROOT } from './support/lsp';
import { SKIP_REAL as SKIP, lineOf, mutate, realFile } from './support/frameworks';

const SEMANTIC = /^framework\/(?!unknown-key|type|enum|deprecated)/;

function lint(text: string, p: string, hardware?: HardwareProfile): Diagnostic[] {
  return lintText(text, { path: p, facts: new FileSystemFacts(), ...(hardware ? { project: { hardware } } : {}) }).filter((d) => d.code !== 'framework/deprecated');
}
const keys = (ds: Diagnostic[]): string[] => ds.map((d) => `${d.range.start.line + 1} ${d.code}`);

const A100x1: HardwareProfile = { gpus: 1, gpu: 'A100', gpu_memory: '80GB' };

test('valid twins: every real config is clean of semantic findings on a declared 1 x A100 80GB', { skip: SKIP }, () => {
  for (const f of fs.readdirSync(path.dirname(realFile('axolotl_llama3_lora-1b.yml').path))) {
    const { path: p, text } = realFile(f);
    assert.deepEqual(keys(lint(text, p, A100x1)).filter((k) => SEMANTIC.test(k.split(' ')[1]!)), [], f);
  }
});

test('1 memory: the 8B DPO config does not fit one RTX 4090; the message has the breakdown and the cheapest fix', { skip: SKIP }, () => {
  const { path: p, text } = realFile('axolotl_llama3_instruct-dpo-lora-8b.yml');
  const d = lint(text, p, { gpus: 1, gpu: 'RTX 4090', source: '.rlhf-lens.yaml hardware' }).filter((x) => x.code === 'framework/memory');
  assert.equal(d.length, 1);
  assert.equal(d[0]!.range.start.line + 1, lineOf(text, 'base_model:'));
  assert.match(d[0]!.message, /per GPU, more than the 24\.0 GiB .*weights .*activations/);
  assert.match(d[0]!.message, /Cheapest change that fits: micro_batch_size: 1|No single change fits/);
  // Without hardware it is shown (hover), not judged.
  assert.deepEqual(lint(text, p).filter((x) => x.code === 'framework/memory'), []);
  // A modeline overrides the project's hardware per file.
  const withModeline = `# rlhf-lens: axolotl gpus=1 gpu=H100\n${text}`;
  assert.deepEqual(lint(withModeline, p, { gpus: 1, gpu: 'RTX 4090' }).filter((x) => x.code === 'framework/memory'), []);
});

test('2 quantized-adapter: 4-bit without an adapter, and qlora without load_in_4bit (with a fix)', { skip: SKIP }, () => {
  const a = mutate('axolotl_llama3_qlora-1b.yml', ['adapter: qlora\n', '\n']);
  assert.deepEqual(keys(lint(a.text, a.path)).filter((k) => k.includes('quantized')), [`${lineOf(a.text, 'load_in_4bit:')} framework/quantized-adapter`]);
  const b = mutate('axolotl_llama3_qlora-1b.yml', ['load_in_4bit: true', 'load_in_4bit: false']);
  const d = lint(b.text, b.path).filter((x) => x.code === 'framework/quantized-adapter');
  assert.deepEqual(d.map((x) => x.range.start.line + 1), [b.line]);
  assert.equal(d[0]!.fixes?.[0]?.edits[0]?.newText, 'true');
  const c = mutate('llamafactory_qwen3_lora_sft.yaml', ['finetuning_type: lora', 'finetuning_type: full\nquantization_bit: 4']);
  assert.deepEqual(keys(lint(c.text, c.path)).filter((k) => k.includes('quantized')), [`${c.line + 1} framework/quantized-adapter`]);
});

function dsDir(zero: Record<string, unknown>): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-ds-'));
  fs.writeFileSync(path.join(dir, 'zero3.json'), JSON.stringify({ train_micro_batch_size_per_gpu: 'auto', zero_optimization: zero }, null, 2));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

test('3 deepspeed-zero3: ZeRO-3 with 4-bit, and ZeRO-3 without gathering 16-bit weights on save', { skip: SKIP }, () => {
  const bad = dsDir({ stage: 3 });
  const good = dsDir({ stage: 3, stage3_gather_16bit_weights_on_model_save: true });
  try {
    const q = mutate('axolotl_llama3_qlora-1b.yml', ['output_dir:', 'deepspeed: zero3.json\noutput_dir:']);
    const at = (dir: string): string => path.join(dir, 'qlora-1b.yml');
    const found = keys(lint(q.text, at(bad.dir))).filter((k) => k.includes('zero3'));
    assert.deepEqual(found, [`${lineOf(q.text, 'load_in_4bit:')} framework/deepspeed-zero3`, `${q.line} framework/deepspeed-zero3`]);
    // Twin: the 16-bit LoRA config with a ZeRO-3 file that gathers weights is clean.
    const lora = mutate('axolotl_llama3_lora-1b.yml', ['output_dir:', 'deepspeed: zero3.json\noutput_dir:']);
    assert.deepEqual(keys(lint(lora.text, at(good.dir))).filter((k) => k.includes('zero3')), []);
    // The DeepSpeed file itself.
    const dsText = fs.readFileSync(path.join(bad.dir, 'zero3.json'), 'utf8');
    assert.deepEqual(keys(lint(dsText, path.join(bad.dir, 'zero3.json'))), [`${lineOf(dsText, '    "stage"')} framework/deepspeed-zero3`]);
    const ok = path.join(ROOT, 'test', 'fixtures', 'frameworks', 'ds_zero3_offload.json');
    assert.deepEqual(lint(fs.readFileSync(ok, 'utf8'), ok), []);
  } finally {
    bad.cleanup();
    good.cleanup();
  }
});

test('4 preference-data: DPO with an SFT dataset type; LLaMA-Factory rm without ranking; a local file without chosen/rejected; KTO labels', { skip: SKIP }, () => {
  const a = mutate('axolotl_llama3_instruct-dpo-lora-8b.yml', ['type: chat_template.default', 'type: alpaca']);
  assert.deepEqual(keys(lint(a.text, a.path)).filter((k) => k.includes('preference')), [`${a.line} framework/preference-data`]);
  // The real DPO file is its valid twin (chat_template.default with field_chosen / field_rejected).
  assert.deepEqual(keys(lint(realFile('axolotl_llama3_instruct-dpo-lora-8b.yml').text, a.path)).filter((k) => k.includes('preference')), []);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-pref-'));
  try {
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data', 'dataset_info.json'), JSON.stringify({
      dpo_en_demo: { file_name: 'dpo_en_demo.json', ranking: true, formatting: 'sharegpt', columns: { messages: 'conversations', chosen: 'chosen', rejected: 'rejected' } },
      alpaca_en_demo: { file_name: 'alpaca_en_demo.json' },
    }));
    const rm = realFile('llamafactory_qwen3_lora_reward.yaml');
    const rmPath = path.join(dir, 'rm.yaml');
    assert.deepEqual(keys(lint(rm.text, rmPath)).filter((k) => k.includes('preference')), [], 'dpo_en_demo is ranking data');
    const sftData = rm.text.replace('dataset: dpo_en_demo', 'dataset: alpaca_en_demo');
    assert.deepEqual(keys(lint(sftData, rmPath)).filter((k) => k.includes('preference')), [`${lineOf(sftData, 'dataset:')} framework/preference-data`]);

    fs.writeFileSync(path.join(dir, 'prefs.jsonl'), '{"prompt": "hi", "response": "hello"}\n{"prompt": "2+2", "response": "4"}\n');
    fs.writeFileSync(path.join(dir, 'pairs.jsonl'), '{"prompt": "hi", "chosen": "hello", "rejected": "go away"}\n');
    fs.writeFileSync(path.join(dir, 'kto.jsonl'), '{"prompt": "hi", "completion": "hello", "label": "false"}\n');
    const local = (file: string): string => a.text.replace('path: fozziethebeat/alpaca_messages_2k_dpo_test', `path: ./${file}`).replace('type: alpaca', 'type: chat_template.default');
    const cfg = path.join(dir, 'dpo.yml');
    const d = lint(local('prefs.jsonl'), cfg).filter((x) => x.code === 'framework/preference-data');
    assert.deepEqual(d.map((x) => x.range.start.line + 1), [lineOf(local('prefs.jsonl'), '  - path:')]);
    assert.match(d[0]!.message, /"chosen" and "rejected".*prompt, response/);
    assert.deepEqual(lint(local('pairs.jsonl'), cfg).filter((x) => x.code === 'framework/preference-data'), []);
    const kto = realFile('axolotl_llama3_qlora-1b-kto.yaml').text.replace('path: argilla/ultrafeedback-binarized-preferences-cleaned-kto', 'path: ./kto.jsonl');
    const dk = lint(kto, path.join(dir, 'kto.yaml')).filter((x) => x.code === 'framework/preference-data');
    assert.equal(dk.length, 1);
    assert.match(dk[0]!.message, /must be booleans/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('5 sample-packing: with an RL method (fix), and without a packing-capable attention', { skip: SKIP }, () => {
  const a = mutate('axolotl_llama3_qlora-1b-kto.yaml', ['sample_packing: false  # not supported with kto', 'sample_packing: true']);
  const d = lint(a.text, a.path).filter((x) => x.code === 'framework/sample-packing');
  assert.deepEqual(d.map((x) => x.range.start.line + 1), [a.line]);
  assert.equal(d[0]!.fixes?.[0]?.edits[0]?.newText, 'false');
  const b = mutate('axolotl_llama3_lora-1b.yml', ['attn_implementation: flash_attention_2', 'attn_implementation: sdpa']);
  assert.deepEqual(keys(lint(b.text, b.path)).filter((k) => k.includes('packing')), [`${lineOf(b.text, 'sample_packing:')} framework/sample-packing`]);
});

test('6 grpo-generations: a generation batch not divisible by num_generations', { skip: SKIP }, () => {
  const grpo = (batch: number, n: number): { text: string; path: string } =>
    mutate('axolotl_llama3_lora-1b.yml', ['datasets:', `rl: grpo\ntrl:\n  num_generations: ${n}\ndatasets:`], ['micro_batch_size: 2', `micro_batch_size: ${batch}`], ['sample_packing: true', 'sample_packing: false']);
  const bad = grpo(3, 4);
  const hw: HardwareProfile = { gpus: 1, gpu: 'A100' };
  assert.deepEqual(keys(lint(bad.text, bad.path, hw)).filter((k) => k.includes('grpo')), [`${lineOf(bad.text, '  num_generations:')} framework/grpo-generations`]);
  const good = grpo(4, 8); // 4 per device x 2 accumulation x 1 GPU = 8
  assert.deepEqual(keys(lint(good.text, good.path, hw)).filter((k) => k.includes('grpo')), []);
});

test('7 lora-targets: modules the architecture lacks; new tokens without embed_tokens/lm_head saved', { skip: SKIP }, () => {
  const a = mutate('axolotl_llama3_lora-1b.yml', ['  - gate_proj', '  - gate_prj']);
  const d = lint(a.text, a.path).filter((x) => x.code === 'framework/lora-targets');
  assert.equal(d.length, 1);
  assert.equal(d[0]!.range.start.line + 1, lineOf(a.text, 'lora_target_modules:') + 1);
  assert.match(d[0]!.message, /"gate_prj" is not a layer of Llama 3\.2 1B.*did you mean "gate_proj"/);
  const b = mutate('axolotl_llama3_lora-1b.yml', ['special_tokens:', 'tokens: ["<|tool|>", "<|/tool|>"]\nspecial_tokens:']);
  assert.deepEqual(keys(lint(b.text, b.path)).filter((k) => k.includes('lora-targets')), [`${b.line} framework/lora-targets`]);
  const c = b.text.replace('lora_target_modules:', 'lora_modules_to_save: [embed_tokens, lm_head]\nlora_target_modules:');
  assert.deepEqual(keys(lint(c, b.path)).filter((k) => k.includes('lora-targets')), []);
});

test('8 gpu-features: bf16, tf32 and FlashAttention-2 on a declared V100', { skip: SKIP }, () => {
  const { path: p, text } = realFile('axolotl_qwen2_reward-model.yaml');
  const v100: HardwareProfile = { gpus: 4, gpu: 'V100' };
  assert.deepEqual(keys(lint(text, p, v100)).filter((k) => k.includes('gpu-features')), [
    `${lineOf(text, 'bf16:')} framework/gpu-features`,
    `${lineOf(text, 'tf32:')} framework/gpu-features`,
    `${lineOf(text, 'attn_implementation:')} framework/gpu-features`,
  ]);
  // The same file on an A100 is its valid twin; bf16: auto is fine anywhere.
  assert.deepEqual(keys(lint(text, p, A100x1)).filter((k) => k.includes('gpu-features')), []);
});

test('9 beta-range and learning-rate: beta 0, beta 5 for DPO, a learning rate with a wrong exponent', { skip: SKIP }, () => {
  const zero = mutate('llamafactory_qwen3_lora_dpo.yaml', ['pref_beta: 0.1', 'pref_beta: 0']);
  assert.deepEqual(keys(lint(zero.text, zero.path)).filter((k) => k.includes('beta')), [`${zero.line} framework/beta-range`]);
  const big = mutate('axolotl_llama3_qlora-1b-kto.yaml', ['rl_beta: 0.5', 'rl_beta: 5']);
  assert.deepEqual(keys(lint(big.text, big.path)).filter((k) => k.includes('beta')), [`${big.line} framework/beta-range`]);
  const lr = mutate('llamafactory_qwen3_lora_dpo.yaml', ['learning_rate: 5.0e-6', 'learning_rate: 5.0e+6']);
  assert.deepEqual(keys(lint(lr.text, lr.path)).filter((k) => k.includes('learning-rate')), [`${lr.line} framework/learning-rate`]);
  const full = mutate('llamafactory_qwen3_lora_dpo.yaml', ['finetuning_type: lora', 'finetuning_type: full'], ['learning_rate: 5.0e-6', 'learning_rate: 2.0e-4']);
  assert.deepEqual(keys(lint(full.text, full.path)).filter((k) => k.includes('learning-rate')), [`${lineOf(full.text, 'learning_rate:')} framework/learning-rate`]);
});

test('10 template: an unknown template (enum, did-you-mean) and another family\'s template', { skip: SKIP }, () => {
  const typo = mutate('llamafactory_qwen3_lora_sft.yaml', ['template: qwen3_nothink', 'template: qwen3_nothnk']);
  const d = lint(typo.text, typo.path).filter((x) => x.code === 'framework/enum');
  assert.deepEqual(d.map((x) => x.range.start.line + 1), [typo.line]);
  assert.equal(d[0]!.fixes?.[0]?.edits[0]?.newText, 'qwen3_nothink');
  const other = mutate('llamafactory_qwen3_lora_sft.yaml', ['template: qwen3_nothink', 'template: llama3']);
  const t = lint(other.text, other.path).filter((x) => x.code === 'framework/template');
  assert.deepEqual(t.map((x) => x.range.start.line + 1), [other.line]);
  assert.match(t[0]!.message, /Use qwen3 or qwen3_nothink/);
});
