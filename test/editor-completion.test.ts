/** Completion and hover through the real server over stdio, with a `|` cursor in each input. */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from './support/lsp';
import { cursor } from './support/cursor';

interface Item {
  label: string;
  kind?: number;
  detail?: string;
  documentation?: { kind: string; value: string };
  insertTextFormat?: number;
  sortText?: string;
  textEdit?: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string };
}

let dir = '';
let client: LspClient;
let n = 0;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-editor-'));
  for (const f of ['configs/rm.training.yaml', 'configs/sft.training.yaml', 'experiments/ab.experiment.yaml', 'data/labels.jsonl', 'data/notes.txt', 'eval/preds.csv']) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), '');
  }
  client = await LspClient.start({ rootPath: dir });
});
after(async () => {
  await client.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function complete(name: string, marked: string): Promise<Item[]> {
  const { text, position } = cursor(marked);
  const file = path.join(dir, `${n++}-${name}`);
  const uri = pathToFileURL(file).toString();
  await client.openAndWait(file, text, 'rlhf-pipeline');
  const r = await client.request<Item[] | { items: Item[] } | null>('textDocument/completion', { textDocument: { uri }, position });
  return Array.isArray(r) ? r : (r?.items ?? []);
}

async function hover(name: string, marked: string): Promise<{ contents: { value: string }; range: Item['textEdit'] extends infer T ? T extends { range: infer R } ? R : never : never } | null> {
  const { text, position } = cursor(marked);
  const file = path.join(dir, `${n++}-${name}`);
  const uri = pathToFileURL(file).toString();
  await client.openAndWait(file, text, 'rlhf-pipeline');
  return client.request('textDocument/hover', { textDocument: { uri }, position });
}

const PIPE = `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata: {name: p}
params:
  since: 7d
  min_alpha: 0.6
stages:
  - id: collect
    phase: data_collection
    outputs: {feedback: data/feedback.jsonl}
  - id: annotate
    phase: data_collection
    needs: [collect]
`;

const labels = (items: Item[]) => items.map((i) => i.label).sort();

test('keys: only the missing ones, required first, with markdown docs and snippets', async () => {
  const items = await complete('a.pipeline.yaml', `${PIPE}    |\n`);
  const names = labels(items);
  assert.ok(names.includes('outputs') && names.includes('checks') && names.includes('run'), names.join());
  for (const present of ['id', 'phase', 'needs']) assert.ok(!names.includes(present), `${present} is already there`);
  const checks = items.find((i) => i.label === 'checks')!;
  assert.equal(checks.documentation?.kind, 'markdown');
  assert.match(checks.documentation!.value, /\S/);
  assert.equal(checks.insertTextFormat, 2);
  assert.match(checks.textEdit!.newText, /^checks:\n {2}- \$0$/);
  const top = labels(await complete('b.pipeline.yaml', `${PIPE}|\n`));
  assert.ok(top.includes('schedule') && top.includes('defaults') && !top.includes('stages'), top.join());
});

test('a half-typed key is replaced as a whole', async () => {
  const items = await complete('c.pipeline.yaml', `${PIPE}    outp|\n`);
  const outputs = items.find((i) => i.label === 'outputs')!;
  assert.deepEqual(outputs.textEdit!.range, { start: { line: 13, character: 4 }, end: { line: 13, character: 8 } });
});

test('enum values with their descriptions', async () => {
  const items = await complete('d.pipeline.yaml', `${PIPE}  - id: eval\n    phase: |\n`);
  assert.deepEqual(labels(items), ['data_collection', 'deployment', 'evaluation', 'training']);
  assert.match(items.find((i) => i.label === 'evaluation')!.documentation!.value, /evaluation/i);
  const backoff = await complete('e.pipeline.yaml', `${PIPE}defaults:\n  backoff: ex|\n`);
  assert.deepEqual(labels(backoff), ['exponential', 'fixed', 'none']);
  assert.deepEqual(backoff[0]!.textEdit!.range.start, { line: 14, character: 11 });
});

test('needs: the other stages, not the stage itself nor those already listed', async () => {
  const items = await complete('f.pipeline.yaml', `${PIPE}  - id: train\n    phase: training\n    needs: [annotate, |]\n`);
  assert.deepEqual(labels(items), ['collect']);
  const block = await complete('g.pipeline.yaml', `${PIPE}  - id: train\n    phase: training\n    needs:\n      - |\n`);
  assert.deepEqual(labels(block), ['annotate', 'collect']);
});

test('needs: only stages that keep the graph acyclic, earlier phases first', async () => {
  // deploy needs evaluate needs train needs annotate needs collect; completing annotate's needs
  // must not offer train, evaluate or deploy (each already depends on annotate), nor annotate itself.
  const pipe = `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata: {name: p}
stages:
  - id: deploy
    phase: deployment
    needs: [evaluate]
  - id: evaluate
    phase: evaluation
    needs: [train]
  - id: report
    phase: evaluation
  - id: train
    phase: training
    needs: [annotate]
  - id: prep
    phase: training
  - id: collect
    phase: data_collection
  - id: annotate
    phase: data_collection
    needs: [|]
`;
  const items = await complete('acyclic.pipeline.yaml', pipe);
  const ordered = [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label)).map((i) => i.label);
  assert.deepEqual(ordered, ['collect', 'prep', 'report']);
  // The stage at the end of the chain may need any other stage.
  const last = await complete('acyclic2.pipeline.yaml', pipe.replace('needs: [|]', 'needs: []').replace('needs: [evaluate]', 'needs: [evaluate, |]'));
  const lastOrdered = [...last].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label)).map((i) => i.label);
  assert.deepEqual(lastOrdered, ['collect', 'annotate', 'train', 'prep', 'report']);
});

test('expressions: roots, params with values, stage ids, outputs', async () => {
  const roots = await complete('h.pipeline.yaml', `${PIPE}    run: python a.py \${{ | }}\n`);
  assert.deepEqual(labels(roots), ['env', 'metadata', 'params', 'stages']);
  const params = await complete('i.pipeline.yaml', `${PIPE}    run: python a.py --since \${{ params.| }}\n`);
  assert.deepEqual(labels(params), ['min_alpha', 'since']);
  assert.equal(params.find((i) => i.label === 'since')!.detail, '7d');
  const stages = await complete('j.pipeline.yaml', `${PIPE}    inputs: {raw: "\${{ stages.co| }}"}\n`);
  assert.deepEqual(labels(stages), ['annotate', 'collect']);
  assert.equal(stages.find((i) => i.label === 'collect')!.textEdit!.newText, 'collect.outputs.');
  const outputs = await complete('k.pipeline.yaml', `${PIPE}    run: cat \${{ stages.collect.outputs.| }}\n`);
  assert.deepEqual(labels(outputs), ['feedback']);
  assert.equal(outputs[0]!.detail, 'data/feedback.jsonl');
});

test('paths: files of the right kind relative to the config file', async () => {
  const training = await complete('l.pipeline.yaml', `${PIPE}  - id: train\n    phase: training\n    training: |\n`);
  assert.deepEqual(labels(training), ['configs/rm.training.yaml', 'configs/sft.training.yaml']);
  const data = await complete('m.pipeline.yaml', `${PIPE}    checks:\n      - analysis: calibration\n        data: da|\n`);
  assert.deepEqual(labels(data), ['data/labels.jsonl', 'eval/preds.csv']);
  assert.equal(data[0]!.kind, 17 /* File */);
});

test('checks: analysis names and, under assert, the metrics of that analysis', async () => {
  const analyses = labels(await complete('n.pipeline.yaml', `${PIPE}    checks:\n      - analysis: |\n`));
  assert.ok(analyses.includes('calibration') && analyses.includes('agreement'), analyses.join());
  const metrics = labels(await complete('o.pipeline.yaml', `${PIPE}    checks:\n      - analysis: calibration\n        assert:\n          ece: {max: 0.05}\n          |\n`));
  assert.ok(metrics.includes('accuracy') && metrics.includes('brier'), metrics.join());
  assert.ok(!metrics.includes('ece'));
  assert.ok(!metrics.includes('krippendorff_alpha'));
});

test('snippets for a new stage', async () => {
  const items = await complete('p.pipeline.yaml', `${PIPE}  - |\n`);
  const snippet = items.find((i) => i.label === 'new stage')!;
  assert.ok(snippet, labels(items).join());
  assert.match(snippet.textEdit!.newText, /^id: \$\{1:stage-id\}\nphase: \$\{2\|data_collection,training,evaluation,deployment\|\}/);
  assert.ok(items.some((i) => i.label === 'phase'), 'stage keys are offered too');
});

test('a file that is not a config gets nothing', async () => {
  const file = path.join(dir, 'plain.yaml');
  const uri = pathToFileURL(file).toString();
  client.open(file, 'a: 1\n', 'yaml');
  const r = await client.request<Item[]>('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 0 } });
  assert.deepEqual(r, []);
});

test('hover: key description, enum value meaning, expression values, needs', async () => {
  const key = await hover('q.pipeline.yaml', PIPE.replace('    phase: data_collection\n    outputs', '    pha|se: data_collection\n    outputs'));
  assert.match(key!.contents.value, /^\*\*phase\*\* \(string\)/);
  assert.match(key!.contents.value, /`deployment`/);
  assert.deepEqual(key!.range, { start: { line: 8, character: 4 }, end: { line: 8, character: 9 } });
  const value = await hover('r.pipeline.yaml', PIPE.replace('phase: data_collection\n    outputs', 'phase: data_col|lection\n    outputs'));
  assert.match(value!.contents.value, /^`data_collection`: /);
  const param = await hover('s.pipeline.yaml', `${PIPE}    run: python a.py --since \${{ params.si|nce }}\n`);
  assert.match(param!.contents.value, /`params.since` = `7d`/);
  assert.deepEqual(param!.range, { start: { line: 13, character: 29 }, end: { line: 13, character: 48 } });
  const output = await hover('t.pipeline.yaml', `${PIPE}    run: cat \${{ stages.collect.outputs.fee|dback }}\n`);
  assert.match(output!.contents.value, /= `data\/feedback.jsonl`/);
  const missing = await hover('u.pipeline.yaml', `${PIPE}    run: cat \${{ params.nope| }}\n`);
  assert.match(missing!.contents.value, /no parameter `nope`/);
  const need = await hover('v.pipeline.yaml', PIPE.replace('needs: [collect]', 'needs: [col|lect]'));
  assert.match(need!.contents.value, /\*\*Stage `collect`\*\*/);
  assert.match(need!.contents.value, /outputs: `feedback`/);
  const metric = await hover('w.pipeline.yaml', `${PIPE}    checks:\n      - analysis: calibration\n        assert: {ec|e: {max: 0.05}}\n`);
  assert.match(metric!.contents.value, /\*\*ece\*\* \(calibration metric\)/);
});

test('experiment and training files: enums, snippets, and the envelope of a file without kind', async () => {
  const method = await complete('x.training.yaml', 'apiVersion: rlhf-lens/v1\nkind: TrainingConfig\nmethod: |\n');
  assert.deepEqual(labels(method), ['dpo', 'kto', 'orpo', 'ppo', 'reward_model', 'sft']);
  const rm = await complete('y.training.yaml', 'apiVersion: rlhf-lens/v1\nkind: TrainingConfig\nmethod: ppo\nreward_model: |\n');
  assert.deepEqual(labels(rm), ['configs/rm.training.yaml', 'configs/sft.training.yaml']);
  const metric = await complete('z.experiment.yaml', 'apiVersion: rlhf-lens/v1\nkind: Experiment\nmetrics:\n  - |\n');
  assert.ok(metric.some((i) => i.label === 'new metric'), labels(metric).join());
  assert.ok(!metric.some((i) => i.label === 'new stage'));
  const bare = await complete('w.yaml', 'apiVersion: rlhf-lens/v1\nkind: |\n');
  assert.deepEqual(labels(bare), ['Experiment', 'Pipeline', 'TrainingConfig']);
});

test('an untitled buffer in an RLHF Lens language gets completion', async () => {
  const uri = 'untitled:Untitled-7';
  client.open(uri, 'apiVersion: rlhf-lens/v1\nkind: Pipeline\nstages:\n  - id: a\n    phase: \n', 'rlhf-pipeline');
  const r = await client.request<Item[]>('textDocument/completion', { textDocument: { uri }, position: { line: 4, character: 11 } });
  assert.deepEqual(labels(r), ['data_collection', 'deployment', 'evaluation', 'training']);
});

test('keys inside a flow mapping are inserted on one line', async () => {
  const items = await complete('f2.training.yaml', 'apiVersion: rlhf-lens/v1\nkind: TrainingConfig\nhardware: {gpus: 8, |}\nlora: {rank: 16}\n');
  assert.deepEqual(labels(items), ['gpu_memory', 'gpu_type']);
  assert.equal(items.find((i) => i.label === 'gpu_memory')!.textEdit!.newText, 'gpu_memory: $0');
  const nested = await complete('f3.training.yaml', 'apiVersion: rlhf-lens/v1\nkind: TrainingConfig\nlora: {rank: 16, |}\n');
  assert.equal(nested.find((i) => i.label === 'target_modules')!.textEdit!.newText, 'target_modules: [$0]');
  const block = await complete('f4.training.yaml', 'apiVersion: rlhf-lens/v1\nkind: TrainingConfig\n|\n');
  assert.equal(block.find((i) => i.label === 'hardware')!.textEdit!.newText, 'hardware:\n  $0');
});

test('right after a typed "key:" the value is inserted with its space', async () => {
  const items = await complete('colon.pipeline.yaml', `${PIPE}  - id: eval\n    phase:|\n`);
  assert.equal(items.find((i) => i.label === 'evaluation')!.textEdit!.newText, ' evaluation');
});
