/** Definition, references, rename, symbols and folding through the real server over stdio. */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from './support/lsp';
import { cursor } from './support/cursor';

type Pos = { line: number; character: number };
type Range = { start: Pos; end: Pos };
interface Location { uri: string; range: Range }
interface Sym { name: string; detail?: string; kind: number; range: Range; selectionRange: Range; children?: Sym[] }

const PIPE = `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata: {name: rm-refresh}
params:
  since: 7d
stages:
  - id: collect
    phase: data_collection
    run: python collect.py --since \${{ params.since }}
    outputs: {feedback: data/feedback.jsonl}
  - id: annotate
    phase: data_collection
    needs: [collect]
    inputs: {raw: "\${{ stages.collect.outputs.feedback }}"}
    checks:
      - analysis: agreement
        data: data/labels.jsonl
        assert: {krippendorff_alpha: {min: 0.6}}
  - id: train
    phase: training
    needs:
      - annotate
      - collect
    training: configs/rm.training.yaml
    run: echo \${{ stages.collect.outputs.feedback }}
`;

let dir = '';
let client: LspClient;
let n = 0;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-nav-'));
  fs.mkdirSync(path.join(dir, 'configs'));
  fs.writeFileSync(path.join(dir, 'configs', 'rm.training.yaml'), 'apiVersion: rlhf-lens/v1\nkind: TrainingConfig\nmetadata: {name: rm-train}\n');
  fs.writeFileSync(path.join(dir, 'ab.experiment.yaml'), 'apiVersion: rlhf-lens/v1\nkind: Experiment\nmetadata: {name: planning-ab}\nvariants:\n  - id: control\n  - id: treatment\nmetrics:\n  - {name: success, type: binomial}\n');
  client = await LspClient.start({ rootPath: dir });
});
after(async () => {
  await client.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function openMarked(marked: string): Promise<{ uri: string; position: Pos; text: string }> {
  const { text, position } = cursor(marked);
  const file = path.join(dir, `nav${n++}.pipeline.yaml`);
  await client.openAndWait(file, text, 'rlhf-pipeline');
  return { uri: pathToFileURL(file).toString(), position, text };
}

function textAt(text: string, r: Range): string {
  const lines = text.split('\n');
  return lines[r.start.line]!.slice(r.start.character, r.end.character);
}

function applyEdits(text: string, edits: { range: Range; newText: string }[]): string {
  const lines = text.split('\n');
  const offset = (p: Pos) => lines.slice(0, p.line).reduce((s, l) => s + l.length + 1, 0) + p.character;
  return edits
    .map((e) => ({ s: offset(e.range.start), e: offset(e.range.end), t: e.newText }))
    .sort((a, b) => b.s - a.s)
    .reduce((acc, e) => acc.slice(0, e.s) + e.t + acc.slice(e.e), text);
}

test('definition: from needs, from an expression stage segment, from an output, from a param', async () => {
  for (const [marked, expected] of [
    [PIPE.replace('needs: [collect]', 'needs: [col|lect]'), { line: 6, character: 8 }],
    [PIPE.replace('${{ stages.collect.outputs.feedback }}"', '${{ stages.co|llect.outputs.feedback }}"'), { line: 6, character: 8 }],
    [PIPE.replace('"${{ stages.collect.outputs.feedback }}"', '"${{ stages.collect.outputs.feed|back }}"'), { line: 9, character: 14 }],
    [PIPE.replace('params.since', 'params.si|nce'), { line: 4, character: 2 }],
  ] as const) {
    const { uri, position } = await openMarked(marked);
    const loc = await client.request<Location | null>('textDocument/definition', { textDocument: { uri }, position });
    assert.ok(loc, marked);
    assert.equal(loc.uri, uri);
    assert.deepEqual(loc.range.start, expected);
  }
});

test('definition on a training: path opens that file; a missing file gives nothing', async () => {
  const { uri, position } = await openMarked(PIPE.replace('configs/rm.training.yaml', 'configs/rm.train|ing.yaml'));
  const loc = await client.request<Location | null>('textDocument/definition', { textDocument: { uri }, position });
  assert.equal(loc?.uri, pathToFileURL(path.join(dir, 'configs', 'rm.training.yaml')).toString());
  const missing = await openMarked(PIPE.replace('data/labels.jsonl', 'data/lab|els.jsonl'));
  assert.equal(await client.request('textDocument/definition', { textDocument: { uri: missing.uri }, position: missing.position }), null);
});

test('references: a stage id in needs (flow and block) and in expressions', async () => {
  const { uri, position, text } = await openMarked(PIPE.replace('  - id: collect', '  - id: coll|ect'));
  const refs = await client.request<Location[]>('textDocument/references', { textDocument: { uri }, position, context: { includeDeclaration: true } });
  assert.deepEqual(refs.map((r) => r.range.start.line), [6, 12, 13, 22, 24]);
  for (const r of refs) assert.equal(textAt(text, r.range), 'collect');
  const noDecl = await client.request<Location[]>('textDocument/references', { textDocument: { uri }, position, context: { includeDeclaration: false } });
  assert.equal(noDecl.length, 4);
});

test('rename a stage: definition, needs and expression segments change, and the file still parses the same way', async () => {
  const { uri, position, text } = await openMarked(PIPE.replace('      - collect', '      - col|lect'));
  const prep = await client.request<{ range: Range; placeholder: string }>('textDocument/prepareRename', { textDocument: { uri }, position });
  assert.equal(prep.placeholder, 'collect');
  const edit = await client.request<{ changes: Record<string, { range: Range; newText: string }[]> }>('textDocument/rename', { textDocument: { uri }, position, newName: 'gather' });
  const after = applyEdits(text, edit.changes[uri]!);
  assert.equal(after, PIPE.replace(/\bcollect\b(?!\.py)/g, 'gather'));
  assert.ok(after.includes('python collect.py'), 'the script name is not a stage reference');
});

test('rename a param and an output; invalid and taken names are refused with a message', async () => {
  const p = await openMarked(PIPE.replace('  since: 7d', '  sin|ce: 7d'));
  const pe = await client.request<{ changes: Record<string, { range: Range; newText: string }[]> }>('textDocument/rename', { textDocument: { uri: p.uri }, position: p.position, newName: 'window' });
  assert.equal(applyEdits(p.text, pe.changes[p.uri]!), PIPE.replace('  since: 7d', '  window: 7d').replace('params.since', 'params.window'));
  const o = await openMarked(PIPE.replace('{feedback: data', '{feed|back: data'));
  const oe = await client.request<{ changes: Record<string, { range: Range; newText: string }[]> }>('textDocument/rename', { textDocument: { uri: o.uri }, position: o.position, newName: 'prefs' });
  assert.equal(applyEdits(o.text, oe.changes[o.uri]!), PIPE.replace('{feedback: data', '{prefs: data').replaceAll('outputs.feedback', 'outputs.prefs'));
  const s = await openMarked(PIPE.replace('  - id: collect', '  - id: coll|ect'));
  await assert.rejects(client.request('textDocument/rename', { textDocument: { uri: s.uri }, position: s.position, newName: 'Bad Name' }), /not a valid stage name/);
  await assert.rejects(client.request('textDocument/rename', { textDocument: { uri: s.uri }, position: s.position, newName: 'train' }), /already exists/);
  const none = await openMarked(PIPE.replace('phase: training', 'phase: trai|ning'));
  assert.equal(await client.request('textDocument/prepareRename', { textDocument: { uri: none.uri }, position: none.position }), null);
});

test('document symbols: stages grouped by phase, with their checks', async () => {
  const { uri } = await openMarked(`${PIPE}|`);
  const syms = await client.request<Sym[]>('textDocument/documentSymbol', { textDocument: { uri } });
  assert.deepEqual(syms.map((s) => s.name), ['apiVersion', 'kind', 'metadata', 'params', 'stages']);
  const stages = syms.find((s) => s.name === 'stages')!;
  assert.deepEqual(stages.children!.map((p) => [p.name, p.children!.map((s) => s.name)]), [
    ['data_collection', ['collect', 'annotate']],
    ['training', ['train']],
  ]);
  const annotate = stages.children![0]!.children![1]!;
  assert.deepEqual(annotate.children!.map((c) => [c.name, c.detail]), [['agreement', 'data/labels.jsonl']]);
  assert.deepEqual(annotate.selectionRange.start, { line: 10, character: 8 });
  assert.deepEqual(syms.find((s) => s.name === 'params')!.children!.map((c) => [c.name, c.detail]), [['since', '7d']]);
});

test('workspace symbols: stages, variants and metrics from files on disk, filtered by the query', async () => {
  await openMarked(`${PIPE}|`);
  const all = await client.request<{ name: string; containerName?: string; location: Location }[]>('workspace/symbol', { query: '' });
  const names = new Set(all.map((s) => s.name));
  for (const expected of ['rm-refresh', 'collect', 'train', 'control', 'treatment', 'success', 'planning-ab', 'rm-train']) assert.ok(names.has(expected), expected);
  const treat = await client.request<{ name: string; containerName?: string; location: Location }[]>('workspace/symbol', { query: 'trtm' });
  assert.deepEqual(treat.map((s) => [s.name, s.containerName]), [['treatment', 'planning-ab']]);
  assert.equal(treat[0]!.location.uri, pathToFileURL(path.join(dir, 'ab.experiment.yaml')).toString());
  assert.deepEqual(treat[0]!.location.range.start, { line: 5, character: 8 });
});

test('folding: top-level blocks and each stage', async () => {
  const { uri } = await openMarked(`${PIPE}|`);
  const folds = await client.request<{ startLine: number; endLine: number }[]>('textDocument/foldingRange', { textDocument: { uri } });
  const pairs = folds.map((f) => `${f.startLine}-${f.endLine}`);
  for (const expected of ['3-4', '5-24', '6-9', '10-17', '18-24', '14-17', '20-22']) assert.ok(pairs.includes(expected), `${expected} in ${pairs.join(' ')}`);
});

test('names do not cross --- documents; variant ids rename', async () => {
  const two = `${PIPE}---\napiVersion: rlhf-lens/v1\nkind: Pipeline\nmetadata: {name: other}\nstages:\n  - id: collect\n    phase: data_collection\n  - id: use\n    phase: training\n    needs: [collect]\n`;
  const { uri, position, text } = await openMarked(two.replace('  - id: collect\n    phase: data_collection\n  - id: use', '  - id: col|lect\n    phase: data_collection\n  - id: use'));
  const refs = await client.request<Location[]>('textDocument/references', { textDocument: { uri }, position, context: { includeDeclaration: true } });
  assert.deepEqual(refs.map((r) => r.range.start.line), [30, 34]);
  const edit = await client.request<{ changes: Record<string, { range: Range; newText: string }[]> }>('textDocument/rename', { textDocument: { uri }, position, newName: 'gather' });
  assert.equal(applyEdits(text, edit.changes[uri]!), `${PIPE}---\napiVersion: rlhf-lens/v1\nkind: Pipeline\nmetadata: {name: other}\nstages:\n  - id: gather\n    phase: data_collection\n  - id: use\n    phase: training\n    needs: [gather]\n`);
  const file = path.join(dir, 'v.experiment.yaml');
  const expText = 'apiVersion: rlhf-lens/v1\nkind: Experiment\nmetadata: {name: e}\nvariants:\n  - id: control\n  - id: treatment\n';
  const expUri = pathToFileURL(file).toString();
  await client.openAndWait(file, expText);
  const ve = await client.request<{ changes: Record<string, { range: Range; newText: string }[]> }>('textDocument/rename', { textDocument: { uri: expUri }, position: { line: 5, character: 10 }, newName: 'v2' });
  assert.equal(applyEdits(expText, ve.changes[expUri]!), expText.replace('id: treatment', 'id: v2'));
  await assert.rejects(client.request('textDocument/rename', { textDocument: { uri: expUri }, position: { line: 5, character: 10 }, newName: 'control' }), /already exists/);
});
