/**
 * Every quick fix through the real server: ask for the code actions of each diagnostic, apply the
 * workspace edit to the text, send it back, and check the server then reports nothing.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient, type LspDiagnostic } from './support/lsp';

type Pos = { line: number; character: number };
type Edit = { range: { start: Pos; end: Pos }; newText: string };
interface Action { title: string; kind?: string; isPreferred?: boolean; diagnostics?: LspDiagnostic[]; edit?: { changes?: Record<string, Edit[]> } }

let dir = '';
let client: LspClient;
let n = 0;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-fix-'));
  client = await LspClient.start({ rootPath: dir });
});
after(async () => {
  await client.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function applyEdits(text: string, edits: Edit[]): string {
  const lines = text.split('\n');
  const offset = (p: Pos) => lines.slice(0, p.line).reduce((s, l) => s + l.length + 1, 0) + p.character;
  return edits
    .map((e) => ({ s: offset(e.range.start), e: offset(e.range.end), t: e.newText }))
    .sort((a, b) => b.s - a.s)
    .reduce((acc, e) => acc.slice(0, e.s) + e.t + acc.slice(e.e), text);
}

const PIPE = `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata: {name: p}
params:
  since: 7d
stages:
  - id: collect
    phase: data_collection
    run: python collect.py --since \${{ params.since }}
    outputs: {feedback: feedback.jsonl}
  - id: annotate
    phase: data_collection
    needs: [collect]
    run: python annotate.py
`;

const EXPERIMENT = `apiVersion: rlhf-lens/v1
kind: Experiment
metadata: {name: e}
variants:
  - id: control
    traffic: 0.5
  - id: treatment
    traffic: 0.5
metrics:
  - {name: success, type: binomial, column: success, primary: true}
`;

/** Opens `text`, applies the fix titled `title` for the diagnostic `code`, and returns the fixed text and what the server then reports. */
async function fix(name: string, text: string, code: string, title: RegExp): Promise<{ fixed: string; action: Action; after: LspDiagnostic[] }> {
  const file = path.join(dir, `${n++}-${name}`);
  const uri = pathToFileURL(file).toString();
  const diags = await client.openAndWait(file, text);
  const target = diags.find((d) => d.code === code);
  assert.ok(target, `expected ${code} in ${JSON.stringify(diags.map((d) => [d.code, d.message]))}`);
  const actions = await client.request<Action[]>('textDocument/codeAction', {
    textDocument: { uri },
    range: target.range,
    context: { diagnostics: diags, only: ['quickfix'] },
  });
  const action = actions.find((a) => title.test(a.title) && a.diagnostics?.[0]?.code === code);
  assert.ok(action, `no fix ${title} among ${actions.map((a) => a.title).join(' | ')}`);
  assert.equal(action.kind, 'quickfix');
  const fixed = applyEdits(text, action.edit!.changes![uri]!);
  const next = client.diagnostics(uri);
  client.change(uri, fixed);
  return { fixed, action, after: (await next).diagnostics };
}

const clean = (ds: LspDiagnostic[]) => ds.map((d) => `${d.code}: ${d.message}`);

test('the fixture bases are clean', async () => {
  assert.deepEqual(clean(await client.openAndWait(path.join(dir, 'base.pipeline.yaml'), PIPE)), []);
  assert.deepEqual(clean(await client.openAndWait(path.join(dir, 'base.experiment.yaml'), EXPERIMENT)), []);
});

test('yaml/duplicate-key: the later pair is removed, block and flow', async () => {
  const block = await fix('dup.pipeline.yaml', PIPE.replace('    run: python annotate.py\n', '    run: python annotate.py\n    phase: training\n'), 'yaml/duplicate-key', /Remove the duplicate "phase"/);
  assert.equal(block.fixed, PIPE);
  assert.equal(block.action.isPreferred, true);
  assert.deepEqual(clean(block.after), []);
  const nested = await fix('dup2.pipeline.yaml', PIPE.replace('params:\n  since: 7d\n', 'params:\n  since: 7d\n  since:\n    - 1\n    - 2\n'), 'yaml/duplicate-key', /Remove/);
  assert.equal(nested.fixed, PIPE);
  const flow = await fix('dup3.pipeline.yaml', PIPE.replace('{feedback: feedback.jsonl}', '{feedback: feedback.jsonl, feedback: other.jsonl}'), 'yaml/duplicate-key', /Remove/);
  assert.equal(flow.fixed, PIPE);
  assert.deepEqual(clean(flow.after), []);
});

test('did-you-mean fixes: unknown need, unknown param, kind, unknown property', async () => {
  for (const [name, text, code] of [
    ['need.pipeline.yaml', PIPE.replace('needs: [collect]', 'needs: [colect]'), 'pipeline/unknown-need'],
    ['param.pipeline.yaml', PIPE.replace('params.since', 'params.sinse'), 'expr/unknown-param'],
    ['kind.pipeline.yaml', PIPE.replace('kind: Pipeline', 'kind: Pipline'), 'meta/kind'],
    ['prop.pipeline.yaml', PIPE.replace('    run: python annotate.py', '    rnu: python annotate.py'), 'schema/unknown-property'],
  ] as const) {
    const r = await fix(name, text, code, /Change to|Rename|Replace|Did you mean|"/);
    assert.equal(r.fixed, PIPE, name);
    assert.deepEqual(clean(r.after), [], name);
    assert.equal(r.action.isPreferred, true, name);
  }
});

test('pipeline/missing-need: the stage is added to needs', async () => {
  const text = PIPE.replace('    run: python annotate.py', '    run: python annotate.py\n  - id: train\n    phase: training\n    needs: []\n    run: cat ${{ stages.collect.outputs.feedback }}');
  const r = await fix('missing.pipeline.yaml', text, 'pipeline/missing-need', /Add "collect" to needs/);
  assert.match(r.fixed, /needs: \[collect\]/);
  assert.deepEqual(clean(r.after), []);
});

test('experiment/traffic-sum: normalising is offered but not preferred (it changes the design)', async () => {
  const r = await fix('traffic.experiment.yaml', EXPERIMENT.replace('    traffic: 0.5\n  - id: treatment\n    traffic: 0.5', '    traffic: 0.3\n  - id: treatment\n    traffic: 0.3'), 'experiment/traffic-sum', /Normalise/);
  assert.equal(r.action.isPreferred, false);
  assert.deepEqual(clean(r.after), []);
});

test('code actions for other kinds than quickfix are empty, and a file that is not a config gets none', async () => {
  const file = path.join(dir, 'other.pipeline.yaml');
  const uri = pathToFileURL(file).toString();
  const diags = await client.openAndWait(file, PIPE.replace('needs: [collect]', 'needs: [colect]'));
  assert.deepEqual(await client.request('textDocument/codeAction', { textDocument: { uri }, range: diags[0]!.range, context: { diagnostics: diags, only: ['refactor'] } }), []);
  const plain = path.join(dir, 'plain.yaml');
  client.open(plain, 'a: 1\n');
  assert.deepEqual(await client.request('textDocument/codeAction', { textDocument: { uri: pathToFileURL(plain).toString() }, range: diags[0]!.range, context: { diagnostics: diags } }), []);
});

test('check/unknown-metric and training/method-requirements fixes leave nothing to report', async () => {
  fs.writeFileSync(path.join(dir, 'preds.jsonl'), '{"label": 1, "prob": 0.9}\n');
  fs.writeFileSync(path.join(dir, 'prefs.jsonl'), '{"prompt": "p", "chosen": "a", "rejected": "b"}\n');
  const metric = await fix(
    'metric.pipeline.yaml',
    PIPE.replace('    run: python annotate.py', '    run: python annotate.py\n    checks:\n      - analysis: calibration\n        data: preds.jsonl\n        assert: {ecee: {max: 0.05}}'),
    'check/unknown-metric',
    /Change to "ece"/,
  );
  assert.match(metric.fixed, /assert: \{ece: \{max: 0\.05\}\}/);
  assert.deepEqual(clean(metric.after), []);
  const training = `apiVersion: rlhf-lens/v1
kind: TrainingConfig
metadata: {name: t}
method: dpo
base_model: meta-llama/Llama-3.1-8B-Instruct
dataset: {train: prefs.jsonl, format: preference}
hyperparameters:
  learning_rate: 5.0e-7
`;
  const beta = await fix('beta.training.yaml', training, 'training/method-requirements', /Add beta/);
  assert.match(beta.fixed, /beta: 0\.1/);
  assert.deepEqual(clean(beta.after), []);
});
