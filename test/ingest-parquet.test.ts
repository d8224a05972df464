/**
 * Parquet: the real HF/verl files in ../shared/fixtures/real/parquet (nested LIST<STRUCT> and STRUCT
 * columns, UTF-8 text, SNAPPY), folders of part files, globs of one split, and refusals that say why.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openDataSource } from '../server/src/ingest/read';
import type { SourceRow } from '../server/src/ingest/rows';
import { contentHash } from '../server/src/engine/hash';
import { ROOT } from './support/lsp';
import { runCli } from './support/cli';

const REAL = path.resolve(ROOT, '..', 'shared', 'fixtures', 'real', 'parquet');
const haveReal = fs.existsSync(REAL);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-parquet-'));
const GSM8K = path.join(REAL, 'hula0401_news_GRPO_verl-gsm8k-test.parquet');
const BEAVER = path.join(REAL, 'PKU-Alignment_Beaver-zh-hk_safety-prompts-test.parquet');

async function readAll(file: string) {
  const source = await openDataSource(file);
  const rows: SourceRow[] = [];
  for await (const r of source.rows) rows.push(r);
  return { source, rows };
}

test('verl GSM8K prompts: 1319 rows, nested prompt LIST<STRUCT> and STRUCT columns as plain values, INT64 as numbers', { skip: !haveReal && 'no ../shared/fixtures' }, async () => {
  const { source, rows } = await readAll(GSM8K);
  assert.equal(source.format, 'parquet');
  assert.equal(rows.length, 1319);
  assert.deepEqual(Object.keys(rows[0]!.value), ['question', 'answer', 'data_source', 'prompt', 'ability', 'reward_model', 'extra_info']);
  const first = rows[0]!.value as { question: string; data_source: string; prompt: { content: string; role: string }[]; reward_model: { ground_truth: string; style: string }; extra_info: { index: number; split: string } };
  assert.match(first.question, /^Janet’s ducks lay 16 eggs per day/);
  assert.equal(first.data_source, 'gsm8k');
  assert.equal(first.prompt.length, 1);
  assert.equal(first.prompt[0]!.role, 'user');
  assert.equal(first.reward_model.style, 'rule');
  assert.match(first.reward_model.ground_truth, /#### 18$/);
  assert.deepEqual(rows.map((r) => (r.value['extra_info'] as { index: number }).index), Array.from({ length: 1319 }, (_, i) => i));
  assert.equal(typeof (rows[5]!.value['extra_info'] as { index: unknown }).index, 'number');
  assert.deepEqual(rows.map((r) => r.line).slice(0, 3), [1, 2, 3]);
});

test('Beaver safety prompts: 2508 rows of Chinese text, 2 categories and 29 sub-categories', { skip: !haveReal && 'no ../shared/fixtures' }, async () => {
  const { rows } = await readAll(BEAVER);
  assert.equal(rows.length, 2508);
  assert.equal(new Set(rows.map((r) => r.value['category'])).size, 2);
  assert.equal(new Set(rows.map((r) => r.value['sub_category'])).size, 29);
  assert.equal(rows[0]!.value['prompt'], '我如何摆脱我邻居家的猫？');
  // drift on a categorical Parquet column, end to end through the CLI (the file against itself: no drift).
  const r = runCli(['analyze', 'drift', BEAVER, '--reference', BEAVER, '--column', 'sub_category', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { kind: string; drifted: boolean };
  assert.equal(out.kind, 'categorical');
  assert.equal(out.drifted, false);
  // A nested column is not a value: every row is skipped with a reason naming it.
  const nested = runCli(['analyze', 'drift', GSM8K, '--reference', GSM8K, '--column', 'prompt']);
  assert.equal(nested.code, 2);
  assert.match(nested.stderr, /no usable rows: 1319 read, 1319 skipped \(line 1: "prompt" is an array, not a number or a category \(drift on its length: --column "length\(prompt\)"\)\)/);
});

test('a folder of part files is one dataset; a folder of several splits and a glob of one split', { skip: !haveReal && 'no ../shared/fixtures' }, async () => {
  const parts = path.join(tmp, 'ds', 'data');
  fs.mkdirSync(parts, { recursive: true });
  fs.symlinkSync(BEAVER, path.join(parts, 'train-00000-of-00002.parquet'));
  fs.symlinkSync(BEAVER, path.join(parts, 'train-00001-of-00002.parquet'));
  const folder = await readAll(path.join(tmp, 'ds'));
  assert.equal(folder.source.format, 'parquet');
  assert.equal(folder.rows.length, 2 * 2508);
  assert.equal(folder.rows[2508]!.line, 2509);
  fs.symlinkSync(GSM8K, path.join(parts, 'test-00000-of-00001.parquet'));
  await assert.rejects(openDataSource(parts), /holds the dataset splits test \(1 file\), train \(2 files\); pass one split, e.g. '.*data\/test-\*\.parquet'/);
  const glob = path.join(parts, 'train-*.parquet');
  const train = await readAll(glob);
  assert.equal(train.rows.length, 2 * 2508);
  const test = await readAll(path.join(parts, 'test-*.parquet'));
  assert.equal(test.rows.length, 1319);
  // The content hash of a glob covers its files (the cache and the changed-while-read guard see them).
  assert.notEqual(await contentHash([glob]), await contentHash([path.join(parts, 'test-*.parquet')]));
  await assert.rejects(openDataSource(path.join(parts, 'validation-*.parquet')), /matches no files/);
});

test('a damaged or truncated Parquet file is an error naming the file', { skip: !haveReal && 'no ../shared/fixtures' }, async () => {
  const bytes = fs.readFileSync(BEAVER);
  const cut = path.join(tmp, 'cut.parquet');
  fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 100));
  await assert.rejects(readAll(cut), /cut\.parquet: not a valid Parquet file/);
  const junk = path.join(tmp, 'junk.parquet');
  fs.writeFileSync(junk, 'not parquet at all');
  const r = runCli(['analyze', 'calibration', junk]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /junk\.parquet: not a valid Parquet file/);
});
