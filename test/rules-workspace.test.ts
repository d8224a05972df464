/** File-system facts: kinds from content or name, data samples from the head of large files, cache invalidation. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FileSystemFacts, HEAD_BYTES } from '../server/src/workspace/index';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-facts-'));
const file = (name: string, text: string): string => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};

test('config kinds come from kind: lines, else the file name; other YAML is null; missing is undefined', () => {
  const facts = new FileSystemFacts();
  assert.equal(facts.configKind(file('a.yaml', '# x\napiVersion: rlhf-lens/v1\nkind: Experiment\n')), 'Experiment');
  assert.equal(facts.configKind(file('b.training.yaml', 'metadata: {name: b}\n')), 'TrainingConfig');
  assert.equal(facts.configKind(file('c.yaml', 'services: {}\n')), null);
  assert.equal(facts.configKind(path.join(dir, 'missing.yaml')), undefined);
  assert.equal(facts.configKind(file('d.jsonl', '{}\n')), null);
});

test('a changed file is re-read (mtime/size), and an open buffer wins over the disk', () => {
  const facts = new FileSystemFacts();
  const p = file('e.yaml', 'apiVersion: rlhf-lens/v1\nkind: Pipeline\n');
  assert.equal(facts.configKind(p), 'Pipeline');
  fs.writeFileSync(p, 'apiVersion: rlhf-lens/v1\nkind: TrainingConfig\n');
  fs.utimesSync(p, new Date(), new Date(Date.now() + 5000));
  assert.equal(facts.configKind(p), 'TrainingConfig');
  facts.override(p, 'apiVersion: rlhf-lens/v1\nkind: Experiment\n');
  assert.equal(facts.configKind(p), 'Experiment');
  facts.override(p, undefined);
  assert.equal(facts.configKind(p), 'TrainingConfig');
  assert.equal(facts.exists(path.join(dir, 'unsaved.yaml')), false);
  facts.override(path.join(dir, 'unsaved.yaml'), 'x: 1\n');
  assert.equal(facts.exists(path.join(dir, 'unsaved.yaml')), true);
});

test('JSONL, CSV, TSV and JSON samples: columns, rows, and counts only when the whole file was read', () => {
  const facts = new FileSystemFacts();
  const jsonl = facts.dataSample(file('s.jsonl', '{"a": 1}\n{"b": 2}\nnot json\n\n{"a": 3, "c": [1]}\n'))!;
  assert.deepEqual(jsonl.columns, ['a', 'b', 'c']);
  assert.equal(jsonl.rows.length, 3);
  assert.equal(jsonl.rowCount, 4); // non-empty lines, the unparsable one included
  const csv = facts.dataSample(file('s.csv', 'x,"y, z"\n1,"two, three"\n4,5\n'))!;
  assert.deepEqual(csv.columns, ['x', 'y, z']);
  assert.deepEqual(csv.rows[0], { x: '1', 'y, z': 'two, three' });
  assert.equal(csv.rowCount, 2);
  assert.deepEqual(facts.dataSample(file('s.tsv', 'p\tq\n1\t2\n'))!.columns, ['p', 'q']);
  assert.deepEqual(facts.dataSample(file('s.json', '[{"k": 1}, {"k": 2, "m": "}"}]'))!.columns, ['k', 'm']);
  assert.equal(facts.dataSample(file('s.txt', 'hello')), undefined);
});

test('large files are sampled from their first 64 KiB; a cut-off last row is dropped', () => {
  const facts = new FileSystemFacts();
  const row = JSON.stringify({ prompt: 'p'.repeat(100), chosen: 'c', rejected: 'r' }) + '\n';
  const n = Math.ceil((HEAD_BYTES * 4) / row.length);
  const big = facts.dataSample(file('big.jsonl', row.repeat(n)))!;
  assert.equal(big.rowCount, undefined);
  assert.deepEqual(big.columns, ['prompt', 'chosen', 'rejected']);
  assert.ok(big.rows.length > 0 && big.rows.length <= 200);
  const arr = '[' + Array.from({ length: n }, (_, i) => JSON.stringify({ id: i, text: 'x'.repeat(100) })).join(',') + ']';
  const bigJson = facts.dataSample(file('big.json', arr))!;
  assert.equal(bigJson.rowCount, undefined);
  assert.deepEqual(bigJson.columns, ['id', 'text']);
  assert.equal(bigJson.rows[0]!['id'], 0);
});
