/** The cursor's JSON path and role, on complete and half-typed YAML, marked with `|` in the input. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { cursorContext, readConfigFile } from '../server/src/config/yaml-path';

function at(marked: string) {
  const offset = marked.indexOf('|');
  assert.ok(offset >= 0, 'input needs a | cursor');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const ctx = cursorContext(text, offset);
  assert.ok(ctx, `no context for ${JSON.stringify(marked)}`);
  return ctx;
}

const STAGE = `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata: {name: p}
stages:
  - id: a
    phase: training
`;

test('a half-typed key in a stage is a key of that stage', () => {
  const c = at(`${STAGE}    pha|\n`);
  assert.equal(c.role, 'key');
  assert.deepEqual(c.path, ['stages', 0]);
  assert.equal(c.prefix, 'pha');
  assert.deepEqual(c.siblingKeys.sort(), ['id', 'phase']);
});

test('a blank line at top level is a top-level key; a blank line under metadata is a metadata key', () => {
  assert.deepEqual(at(`${STAGE}|`).path, []);
  assert.equal(at(`${STAGE}|`).role, 'key');
  const m = at(`apiVersion: rlhf-lens/v1\nkind: Pipeline\nmetadata:\n  name: x\n  |\nstages: []\n`);
  assert.equal(m.role, 'key');
  assert.deepEqual(m.path, ['metadata']);
  assert.deepEqual(m.siblingKeys, ['name']);
});

test('a value with nothing typed after "key: " and after "key:"', () => {
  const c = at(`${STAGE}  - id: b\n    phase: |\n`);
  assert.equal(c.role, 'value');
  assert.deepEqual(c.path, ['stages', 1, 'phase']);
  assert.equal(c.prefix, '');
  const d = at(`${STAGE}  - id: b\n    phase:|\n`);
  assert.deepEqual(d.path, ['stages', 1, 'phase']);
  assert.equal(d.role, 'value');
});

test('a partly typed value, and the cursor in the middle of an existing value', () => {
  const c = at(`${STAGE}  - id: b\n    phase: eva|\n`);
  assert.equal(c.role, 'value');
  assert.equal(c.prefix, 'eva');
  const d = at(STAGE.replace('phase: training', 'phase: trai|ning'));
  assert.deepEqual(d.path, ['stages', 0, 'phase']);
  assert.equal(d.word.text, 'training');
  assert.equal(d.prefix, 'trai');
});

test('the cursor on an existing key', () => {
  const c = at(STAGE.replace('    phase:', '    ph|ase:'));
  assert.equal(c.role, 'key');
  assert.deepEqual(c.path, ['stages', 0]);
  assert.equal(c.word.text, 'phase');
});

test('sequence items: block, flow, unclosed flow', () => {
  const block = at(`${STAGE}  - id: b\n    phase: training\n    needs:\n      - |\n`);
  assert.equal(block.role, 'value');
  assert.equal(block.inSequence, true);
  assert.deepEqual(block.path, ['stages', 1, 'needs', 0]);
  const flow = at(`${STAGE}  - id: b\n    needs: [a, |]\n`);
  assert.deepEqual(flow.path, ['stages', 1, 'needs', 1]);
  assert.equal(flow.inSequence, true);
  const open = at(`${STAGE}  - id: b\n    needs: [|\n`);
  assert.equal(open.role, 'value');
  assert.deepEqual(open.path.slice(0, 3), ['stages', 1, 'needs']);
});

test('a new stage item: "- " under stages is a value of the stages sequence', () => {
  const c = at(`${STAGE}  - |\n`);
  assert.equal(c.role, 'value');
  assert.deepEqual(c.path, ['stages', 1]);
  assert.equal(c.inSequence, true);
});

test('keys inside flow mappings', () => {
  const c = at(`apiVersion: rlhf-lens/v1\nkind: TrainingConfig\nhardware: {gpus: 8, |}\n`);
  assert.equal(c.role, 'key');
  assert.deepEqual(c.path, ['hardware']);
  assert.deepEqual(c.siblingKeys, ['gpus']);
});

test('inside ${{ }}: the expression before the cursor and the value it sits in', () => {
  const c = at(`${STAGE}    run: python x.py --since \${{ params.si| }}\n`);
  assert.equal(c.role, 'expression');
  assert.deepEqual(c.path, ['stages', 0, 'run']);
  assert.equal(c.expression!.beforeCursor, 'params.si');
  assert.equal(c.prefix, 'si');
  const open = at(`${STAGE}    inputs: {raw: "\${{ stages.|`);
  assert.equal(open.role, 'expression');
  assert.equal(open.expression!.beforeCursor, 'stages.');
  assert.equal(open.prefix, '');
  // After the closing braces the cursor is back in plain text.
  assert.equal(at(`${STAGE}    run: \${{ params.x }} |\n`).role, 'value');
});

test('the second YAML document of a file', () => {
  const c = at(`${STAGE}---\napiVersion: rlhf-lens/v1\nkind: Experiment\nvariants:\n  - id: c\n    |\n`);
  assert.equal(c.documentIndex, 1);
  assert.deepEqual(c.path, ['variants', 0]);
  assert.equal(c.role, 'key');
});

test('comments after the cursor and CRLF line ends do not change the answer', () => {
  const c = at(`${STAGE}    pha|  # the phase\n`);
  assert.equal(c.role, 'key');
  assert.deepEqual(c.path, ['stages', 0]);
  const crlf = at(`${STAGE}  - id: b\r\n    phase: |\r\n`.replace(/\n/g, '\r\n').replace(/\r\r/g, '\r'));
  assert.deepEqual(crlf.path, ['stages', 1, 'phase']);
});

test('on existing text, the lookup in the already parsed tree agrees with the patched parse at every word', () => {
  const text = `${STAGE}    needs: [x, y]\n    run: python a.py \${{ params.since }}\n    outputs: {feedback: "data/f.jsonl"}\n    checks:\n      - analysis: calibration\n        assert: {ece: {max: 0.05}}\n---\napiVersion: rlhf-lens/v1\nkind: Experiment\nvariants:\n  - {id: control, traffic: 0.5}\n`;
  const file = readConfigFile(text, '/x/a.pipeline.yaml');
  let compared = 0;
  for (let o = 0; o < text.length; o++) {
    if (!/[A-Za-z0-9_]/.test(text[o]!) || (o > 0 && /[A-Za-z0-9_]/.test(text[o - 1]!))) continue;
    const patched = cursorContext(text, o + 1);
    const parsed = cursorContext(text, o + 1, file);
    assert.ok(patched && parsed, `offset ${o}`);
    assert.deepEqual([parsed.role, parsed.path, parsed.documentIndex, parsed.word], [patched.role, patched.path, patched.documentIndex, patched.word], `offset ${o}: ${JSON.stringify(text.slice(o, o + 12))}`);
    compared++;
  }
  assert.ok(compared >= 40, String(compared));
});
