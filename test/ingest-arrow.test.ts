/**
 * Arrow IPC as the HF `datasets` library writes it: save_to_disk folders (state.json, data-*.arrow in
 * the stream format), DatasetDict folders, cache folders of several splits and cache-*.arrow files;
 * the IPC file format too. Files are generated with apache-arrow's own writers (DuckDB cannot write
 * Arrow IPC without its arrow extension, and no pyarrow is available here); the real HF file of
 * ../shared is read when present.
 */
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tableToIPC, vectorFromArray, Table, Field, List, Struct, Utf8, Float64, Int64, Bool, RecordBatch } from 'apache-arrow';
import { openDataSource } from '../server/src/ingest/read';
import { runCli } from './support/cli';
import { ROOT } from './support/lsp';

const REAL_ARROW = path.resolve(ROOT, '..', 'shared', 'fixtures', 'real', 'arrow');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-arrow-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** {id, prompt, confidence, correct} rows i in [from, to): a deterministic calibration set. */
function rows(from: number, to: number) {
  const ids: bigint[] = [];
  const prompts: string[] = [];
  const conf: number[] = [];
  const correct: boolean[] = [];
  for (let i = from; i < to; i++) {
    ids.push(BigInt(i));
    prompts.push(`prompt ${i}`);
    conf.push(((i * 37) % 100) / 100);
    correct.push((i * 7) % 3 !== 0);
  }
  return { ids, prompts, conf, correct };
}

function table(from: number, to: number): Table {
  const r = rows(from, to);
  return new Table({ id: vectorFromArray(r.ids, new Int64()), prompt: vectorFromArray(r.prompts, new Utf8()), confidence: vectorFromArray(Float64Array.from(r.conf)), correct: vectorFromArray(r.correct, new Bool()) });
}

/** A stream of several record batches, as datasets' ArrowWriter writes (one batch per writer_batch_size rows). */
function streamOf(from: number, to: number, batch = 100): Uint8Array {
  const batches: RecordBatch[] = [];
  for (let s = from; s < to; s += batch) batches.push(...table(s, Math.min(to, s + batch)).batches);
  return tableToIPC(new Table(batches), 'stream');
}

function jsonlCopy(file: string, from: number, to: number): string {
  const r = rows(from, to);
  fs.writeFileSync(file, r.ids.map((_, i) => JSON.stringify({ id: Number(r.ids[i]), prompt: r.prompts[i], confidence: r.conf[i], correct: r.correct[i] })).join('\n') + '\n');
  return file;
}

function saveToDisk(dir: string, parts: [number, number][]): string {
  fs.mkdirSync(dir, { recursive: true });
  const names = parts.map((_, i) => `data-${String(i).padStart(5, '0')}-of-${String(parts.length).padStart(5, '0')}.arrow`);
  parts.forEach(([a, b], i) => fs.writeFileSync(path.join(dir, names[i]!), streamOf(a, b)));
  fs.writeFileSync(path.join(dir, 'state.json'), JSON.stringify({ _data_files: names.map((filename) => ({ filename })), _fingerprint: 'abc', _format_columns: null, _format_kwargs: {}, _format_type: null, _output_all_columns: false, _split: null }, null, 2));
  fs.writeFileSync(path.join(dir, 'dataset_info.json'), JSON.stringify({ features: { id: { dtype: 'int64', _type: 'Value' } } }));
  return dir;
}

const cli = (args: string[]) => {
  const r = runCli(args);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
};

test('a save_to_disk folder of two stream files: rows in state.json order, calibration equal to the JSONL copy', async () => {
  const dir = saveToDisk(path.join(tmp, 'ds'), [[0, 450], [450, 1000]]);
  const source = await openDataSource(dir);
  assert.equal(source.format, 'arrow');
  let n = 0;
  let last: Record<string, unknown> | undefined;
  for await (const r of source.rows) {
    n++;
    if (n === 451) assert.deepEqual(r.value, { id: 450, prompt: 'prompt 450', confidence: ((450 * 37) % 100) / 100, correct: (450 * 7) % 3 !== 0 });
    last = r.value;
  }
  assert.equal(n, 1000);
  assert.equal(last!['id'], 999);
  const fromArrow = cli(['analyze', 'calibration', dir, '--format', 'json']);
  const fromJsonl = cli(['analyze', 'calibration', jsonlCopy(path.join(tmp, 'ds.jsonl'), 0, 1000), '--format', 'json']);
  assert.deepEqual(fromArrow, fromJsonl);
  // One data file alone, and the IPC file format (ARROW1, Feather v2) without an extension.
  assert.equal((cli(['analyze', 'calibration', path.join(dir, 'data-00001-of-00002.arrow'), '--format', 'json']) as { n: number }).n, 550);
  const fileFormat = path.join(tmp, 'table-as-file');
  fs.writeFileSync(fileFormat, tableToIPC(table(0, 1000), 'file'));
  assert.deepEqual(cli(['analyze', 'calibration', fileFormat, '--format', 'json']), fromJsonl);
});

test('nested columns (a chat messages list of structs, a struct) stay arrays and objects, as from Parquet', async () => {
  const messages = [
    [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'hello' }],
    [{ role: 'user', content: '2+2?' }],
  ];
  const msgType = new List(new Field('item', new Struct([new Field('role', new Utf8()), new Field('content', new Utf8())])));
  const t = new Table({ messages: vectorFromArray(messages, msgType), score: vectorFromArray(Float64Array.from([0.5, NaN])), meta: vectorFromArray([{ source: 'a', n: 1 }, null], new Struct([new Field('source', new Utf8()), new Field('n', new Float64())])) });
  const file = path.join(tmp, 'chat.arrow');
  fs.writeFileSync(file, tableToIPC(t, 'stream'));
  const source = await openDataSource(file);
  const got: Record<string, unknown>[] = [];
  for await (const r of source.rows) got.push(r.value);
  assert.deepEqual(got[0], { messages: messages[0], score: 0.5, meta: { source: 'a', n: 1 } });
  assert.deepEqual(got[1]!['messages'], messages[1]);
  assert.ok(Number.isNaN(got[1]!['score']));
  assert.equal(got[1]!['meta'], null);
  // An analysis pointed at the nested column says which column and why.
  const r = runCli(['analyze', 'drift', file, '--reference', file, '--column', 'messages']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /"messages"/);
});

test('folders as datasets leaves them: a DatasetDict, a cache folder of two splits, only cache-*.arrow: refused saying what to pass', () => {
  const dict = path.join(tmp, 'dict');
  saveToDisk(path.join(dict, 'train'), [[0, 50]]);
  saveToDisk(path.join(dict, 'test'), [[50, 60]]);
  fs.writeFileSync(path.join(dict, 'dataset_dict.json'), JSON.stringify({ splits: ['train', 'test'] }));
  const d = runCli(['analyze', 'calibration', dict]);
  assert.equal(d.code, 2);
  assert.match(d.stderr, /is a DatasetDict saved with save_to_disk, holding the splits train, test; pass one split's folder, e\.g\. '.*dict\/train'/);
  assert.equal((cli(['analyze', 'calibration', path.join(dict, 'train'), '--format', 'json']) as { n: number }).n, 50);

  const cache = path.join(tmp, 'cache', 'imdb', 'plain_text', '1.0.0', 'abc');
  fs.mkdirSync(cache, { recursive: true });
  fs.writeFileSync(path.join(cache, 'imdb-train-00000-of-00002.arrow'), streamOf(0, 40));
  fs.writeFileSync(path.join(cache, 'imdb-train-00001-of-00002.arrow'), streamOf(40, 80));
  fs.writeFileSync(path.join(cache, 'imdb-test.arrow'), streamOf(80, 90));
  fs.writeFileSync(path.join(cache, 'cache-0123abcd.arrow'), streamOf(0, 5));
  fs.writeFileSync(path.join(cache, 'dataset_info.json'), '{}');
  const c = runCli(['analyze', 'calibration', cache]);
  assert.equal(c.code, 2);
  assert.match(c.stderr, /holds the dataset splits (train \(2 files\), test \(1 file\)|test \(1 file\), train \(2 files\)); pass one split, e\.g\. '.*imdb-(train|test)(-\*)?\.arrow'/);
  assert.equal((cli(['analyze', 'calibration', path.join(cache, 'imdb-train-*.arrow'), '--format', 'json']) as { n: number }).n, 80);
  assert.equal((cli(['analyze', 'calibration', path.join(cache, 'cache-0123abcd.arrow'), '--format', 'json']) as { n: number }).n, 5);
  const onlyCache = path.join(tmp, 'only-cache');
  fs.mkdirSync(onlyCache);
  fs.writeFileSync(path.join(onlyCache, 'cache-ffff.arrow'), streamOf(0, 5));
  assert.match(runCli(['analyze', 'calibration', onlyCache]).stderr, /holds only 1 cache-\*\.arrow file \(results of Dataset\.map \/ filter, each a whole dataset\); pass one of them/);
});

test('damaged Arrow files: truncated, not Arrow at all, a state.json naming a missing file: errors naming the file', () => {
  const whole = streamOf(0, 1000);
  const cut = path.join(tmp, 'cut.arrow');
  fs.writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
  const r = runCli(['analyze', 'calibration', cut]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cut\.arrow: /);
  assert.doesNotMatch(r.stderr, /at .*node_modules|TypeError/);
  const junk = path.join(tmp, 'junk.arrow');
  fs.writeFileSync(junk, 'this is not arrow data at all, just text\n');
  const j = runCli(['analyze', 'calibration', junk]);
  assert.equal(j.code, 2);
  assert.match(j.stderr, /junk\.arrow: not a valid Arrow IPC file/);
  const broken = saveToDisk(path.join(tmp, 'broken'), [[0, 10]]);
  fs.rmSync(path.join(broken, 'data-00000-of-00001.arrow'));
  assert.match(runCli(['analyze', 'calibration', broken]).stderr, /state\.json lists 1 data file that is missing: data-00000-of-00001\.arrow/);
});

test('a real HF datasets save_to_disk folder of ../shared', async (t) => {
  if (!fs.existsSync(REAL_ARROW)) return t.skip(`${REAL_ARROW} is absent (../shared fixtures not available; Arrow files not yet added there)`);
  for (const dir of fs.readdirSync(REAL_ARROW).map((d) => path.join(REAL_ARROW, d)).filter((d) => fs.existsSync(path.join(d, 'state.json')))) {
    const source = await openDataSource(dir);
    let n = 0;
    for await (const r of source.rows) {
      n++;
      for (const v of Object.values(r.value)) assert.ok(v === null || ['string', 'number', 'boolean', 'object'].includes(typeof v));
    }
    assert.ok(n > 0, dir);
  }
});

