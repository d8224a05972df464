/**
 * Framework configs checked against option tables generated from the frameworks' own source
 * (schemas/frameworks/*.json, scripts/gen-framework-schemas.py), through the real CLI and the real
 * language server over stdio. The real axolotl and LLaMA-Factory examples in ../shared are read in
 * place; broken variants are made in memory by a string edit, and each must be flagged at the exact line.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient, ROOT } from './support/lsp';
import { runCli } from './support/cli';
import { lintText } from '../server/src/config/lint';
import type { Diagnostic } from '../server/src/config/diagnostic';
import { FRAMEWORK_SCHEMAS } from '../server/src/config/frameworks/schemas';
import { FRAMEWORK_KINDS } from '../server/src/config/kind';
import { REAL_CONFIGS, SKIP_REAL as SKIP, mutate, realFile } from './support/frameworks';

/**
 * What the real files may report: no errors anywhere, and only these findings, each one true of the file.
 * - LLaMA-Factory examples set `overwrite_output_dir` and `warmup_ratio`, both deprecated in
 *   transformers v5 (TrainingArguments logs "warmup_ratio is deprecated and will be removed in v5.2"),
 *   which LLaMA-Factory v0.9.5 supports (<=5.6.0): information, not a warning (on transformers 4.x they are fine).
 */
const REAL_EXPECTED: Record<string, string[]> = {
  'llamafactory_qwen3_lora_dpo.yaml': ['27 information framework/deprecated', '37 information framework/deprecated'],
  'llamafactory_qwen3_lora_reward.yaml': ['25 information framework/deprecated', '35 information framework/deprecated'],
  'llamafactory_qwen3_lora_sft.yaml': ['25 information framework/deprecated', '35 information framework/deprecated'],
};

const key = (d: { range: { start: { line: number } }; severity: string; code: string }): string => `${d.range.start.line + 1} ${d.severity} ${d.code}`;

function lintAt(text: string, p: string): Diagnostic[] {
  return lintText(text, { path: p });
}

test('each option table is pinned to a named upstream release and commit, and is sizeable', () => {
  for (const kind of FRAMEWORK_KINDS) {
    const s = FRAMEWORK_SCHEMAS[kind];
    assert.match(s.version, /^v\d+\.\d+\.\d+$/, kind);
    assert.match(s.commit, /^[0-9a-f]{40}$/, kind);
    for (const src of s.sources) assert.match(src.commit, /^[0-9a-f]{40}$/, `${kind} ${src.repository}`);
    assert.ok(Object.keys(s.properties).length >= (kind === 'deepspeed' ? 30 : 200), `${kind}: ${Object.keys(s.properties).length} options`);
  }
  const ax = FRAMEWORK_SCHEMAS.axolotl.properties;
  assert.equal(ax['micro_batch_size']?.default, 1);
  assert.match(String(ax['micro_batch_size']?.description), /samples/);
  assert.ok(ax['rl']?.enum?.includes('dpo') && ax['rl']?.enum?.includes('kto'));
  assert.ok(ax['dpo_beta']?.deprecated, 'axolotl DeprecatedParameters');
  const lf = FRAMEWORK_SCHEMAS.llamafactory.properties;
  assert.deepEqual(lf['stage']?.enum, ['pt', 'sft', 'rm', 'ppo', 'dpo', 'kto']);
  assert.equal(lf['learning_rate']?.source, 'TrainingArguments', 'transformers TrainingArguments are part of LLaMA-Factory');
  const trl = FRAMEWORK_SCHEMAS.trl.properties;
  assert.ok(trl['beta']?.trainers?.includes('DPOConfig'));
  assert.ok(trl['dataset_mixture'], 'alignment-handbook ScriptArguments');
  const ds = FRAMEWORK_SCHEMAS.deepspeed.properties['zero_optimization']?.properties ?? {};
  assert.ok(ds['stage3_gather_16bit_weights_on_model_save'], 'ZeRO aliases are keys');
});

test('every real config lints with zero errors, and only the justified findings (in memory)', { skip: SKIP }, () => {
  for (const f of fs.readdirSync(REAL_CONFIGS)) {
    const { path: p, text } = realFile(f);
    const got = lintAt(text, p).map(key);
    assert.deepEqual(got, REAL_EXPECTED[f] ?? [], f);
  }
});

test('a misspelt axolotl key is flagged at its line with did-you-mean, "silently ignored" and a rename fix', { skip: SKIP }, () => {
  const m = mutate('axolotl_llama3_lora-1b.yml', ['micro_batch_size: 2', 'micro_batchsize: 2']);
  const d = lintAt(m.text, m.path).filter((x) => x.code === 'framework/unknown-key');
  assert.equal(d.length, 1);
  assert.equal(d[0]!.range.start.line + 1, m.line);
  assert.equal(d[0]!.severity, 'warning');
  assert.match(d[0]!.message, /did you mean "micro_batch_size"/);
  assert.match(d[0]!.message, /silently ignored/);
  assert.equal(d[0]!.fixes?.[0]?.edits[0]?.newText, 'micro_batch_size');
  // The valid twin (the real file) stays clean.
  assert.deepEqual(lintAt(realFile('axolotl_llama3_lora-1b.yml').text, m.path), []);
});

test('LLaMA-Factory: an unknown key says the launch stops; a stage typo is an enum warning with a fix', { skip: SKIP }, () => {
  const u = mutate('llamafactory_qwen3_lora_dpo.yaml', ['pref_beta: 0.1', 'pref_betta: 0.1']);
  const du = lintAt(u.text, u.path).filter((x) => x.code === 'framework/unknown-key');
  assert.deepEqual(du.map((x) => x.range.start.line + 1), [u.line]);
  assert.match(du[0]!.message, /did you mean "pref_beta".*HfArgumentParser/);
  const e = mutate('llamafactory_qwen3_lora_dpo.yaml', ['stage: dpo', 'stage: dop']);
  const de = lintAt(e.text, e.path).filter((x) => x.code === 'framework/enum');
  assert.deepEqual(de.map((x) => x.range.start.line + 1), [e.line]);
  assert.equal(de[0]!.fixes?.[0]?.edits[0]?.newText, 'dpo');
});

test('axolotl checks types as pydantic does (a word for an integer), with its coercions ("2" is fine)', { skip: SKIP }, () => {
  const bad = mutate('axolotl_llama3_qlora-1b.yml', ['micro_batch_size: 2', 'micro_batch_size: two']);
  assert.deepEqual(lintAt(bad.text, bad.path).map(key), [`${bad.line} warning framework/type`]);
  const ok = mutate('axolotl_llama3_qlora-1b.yml', ['micro_batch_size: 2', 'micro_batch_size: "2"']);
  assert.deepEqual(lintAt(ok.text, ok.path), []);
});

const DS = path.join(ROOT, 'test', 'fixtures', 'frameworks', 'ds_zero3_offload.json');

test('DeepSpeed: "auto" values are fine; a misspelt ZeRO key is flagged (DeepSpeed rejects it)', () => {
  const text = fs.readFileSync(DS, 'utf8');
  assert.deepEqual(lintAt(text, DS), []);
  const broken = text.replace('"stage3_max_reuse_distance"', '"stage3_max_reuse_distanse"');
  const d = lintAt(broken, DS);
  assert.deepEqual(d.map(key), ['14 warning framework/unknown-key']);
  assert.match(d[0]!.message, /did you mean "stage3_max_reuse_distance"/);
});

test('through the CLI and the language server over stdio, real configs get zero errors and the same findings', { skip: SKIP }, async () => {
  const r = runCli(['lint', '--format', 'json', REAL_CONFIGS]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const out = JSON.parse(r.stdout) as { files: { path: string; diagnostics: Diagnostic[] }[]; summary: { files: number; errors: number } };
  assert.equal(out.summary.files, fs.readdirSync(REAL_CONFIGS).length);
  assert.equal(out.summary.errors, 0);
  for (const f of out.files) assert.deepEqual(f.diagnostics.map(key), REAL_EXPECTED[path.basename(f.path)] ?? [], f.path);

  const client = await LspClient.start({ rootPath: REAL_CONFIGS });
  try {
    for (const f of fs.readdirSync(REAL_CONFIGS)) {
      const { path: p, text } = realFile(f);
      const diags = await client.openAndWait(p, text, 'yaml');
      const sev = ['', 'error', 'warning', 'information', 'hint'];
      assert.deepEqual(diags.map((d) => `${d.range.start.line + 1} ${sev[d.severity ?? 1]} ${String(d.code)}`), REAL_EXPECTED[f] ?? [], f);
    }
    // Hover on a key shows the framework's own help text and the pinned version.
    const { path: p, text } = realFile('axolotl_llama3_lora-1b.yml');
    const uri = client.open(p, text, 'yaml');
    const line = text.split('\n').findIndex((l) => l.startsWith('micro_batch_size'));
    const hover = (await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: 3 } })) as { contents: { value: string } } | null;
    assert.match(hover?.contents.value ?? '', /samples to include in each batch/);
  } finally {
    await client.stop();
  }
});

test('the CLI lints a folder of DeepSpeed JSON and framework YAML written with typos, and exits 0 (warnings only)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-fw-'));
  try {
    fs.writeFileSync(path.join(dir, 'ds.json'), fs.readFileSync(DS, 'utf8').replace('"overlap_comm"', '"overlap_com"'));
    fs.writeFileSync(path.join(dir, 'sft.yml'), 'base_model: NousResearch/Llama-3.2-1B\nsequence_len: 2048\nmicro_batchsize: 4\nnum_epochs: 1\n');
    const r = runCli(['lint', '--format', 'json', dir]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { files: { path: string; diagnostics: Diagnostic[] }[] };
    assert.deepEqual(out.files.map((f) => [path.basename(f.path), f.diagnostics.map(key)]), [
      ['ds.json', ['7 warning framework/unknown-key']],
      ['sft.yml', ['3 warning framework/unknown-key']],
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
