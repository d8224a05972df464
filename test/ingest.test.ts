/** Streaming readers on the real third-party files and on small hostile files. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { openDataSource, parseColumnMap, type IngestOptions } from '../server/src/ingest/read';
import { IngestError, type SourceRow } from '../server/src/ingest/rows';
import { ROOT } from './support/lsp';

const REAL = path.resolve(ROOT, '..', 'shared', 'fixtures', 'real');
const haveReal = fs.existsSync(REAL);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-ingest-'));

function write(name: string, content: string | Buffer): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, content);
  return p;
}

async function readAll(file: string, options: IngestOptions = {}) {
  const source = await openDataSource(file, options);
  const rows: SourceRow[] = [];
  for await (const r of source.rows) rows.push(r);
  return { source, rows, skipped: source.skipped.toJSON() };
}

test('real trainer_state.json files: every log_history entry, non-standard keys kept', { skip: !haveReal && 'no ../shared/fixtures' }, async () => {
  const dir = path.join(REAL, 'trainer_state');
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    const expected = (JSON.parse(fs.readFileSync(file, 'utf8')) as { log_history: Record<string, unknown>[] }).log_history;
    const { source, rows, skipped } = await readAll(file);
    assert.equal(source.format, 'trainer_state', name);
    assert.equal(skipped.count, 0, name);
    assert.equal(rows.length, expected.length, name);
    assert.deepEqual(rows[rows.length - 1]!.value, expected[expected.length - 1], name);
    assert.deepEqual(rows.map((r) => r.line), expected.map((_, i) => i + 1));
  }
  const star = await readAll(path.join(dir, 'star_large_2000entries_trainer_state.json'));
  assert.equal(star.rows[0]!.value['lr'], 0.0001);
  assert.equal(star.rows[0]!.value['train/acc_3'], 0.025070799432009367);
});

test('real MLflow file store: the run is found from the mlruns root, metrics as step/value rows', { skip: !haveReal && 'no ../shared/fixtures' }, async () => {
  const { source, rows } = await readAll(path.join(REAL, 'training_logs', 'mlruns_deepcnnclassifier'));
  assert.equal(source.format, 'mlflow');
  assert.equal(source.run, 'cb0096518b0e4c66a94428555f05420b');
  assert.equal(source.params?.['BATCH_SIZE'], '16');
  assert.deepEqual(rows.map((r) => r.value), [
    { step: 0, timestamp: 1664364007310, accuracy: 0.7858095765113831 },
    { step: 0, timestamp: 1664364007310, loss: 3.2727866172790527 },
  ]);
});

test('real annotation files: preference JSONL and the headerless nltk triples', { skip: !haveReal && 'no ../shared/fixtures' }, async () => {
  const dpo = await readAll(path.join(REAL, 'annotation_preference', 'llamafactory_v1_dpo_demo.jsonl'));
  assert.equal(dpo.rows.length, 10);
  assert.ok(Array.isArray(dpo.rows[0]!.value['chosen_messages']));
  const nltkFile = path.join(REAL, 'annotation_preference', 'nltk_artstein_poesio_example.txt');
  const nltk = await readAll(nltkFile, { columnNames: ['annotator', 'item_id', 'label'] });
  assert.equal(nltk.source.format, 'tsv');
  assert.equal(nltk.rows.length, 200);
  assert.deepEqual(nltk.rows[0]!.value, { annotator: 'a', item_id: '1', label: 'stat' });
  const labels = fs.readFileSync(nltkFile, 'utf8').trim().split('\n').map((l) => l.split('\t')[2]);
  assert.deepEqual(nltk.rows.map((r) => r.value['label']), labels);
});

test('real non-data files are refused with a reason naming the file', { skip: !haveReal && 'no ../shared/fixtures' }, async () => {
  for (const rel of ['pipelines/deepcnnclassifier_dvc.yaml', 'pipelines/growthbook_experimentSignificance.mocks.json', 'configs']) {
    const file = path.join(REAL, rel);
    await assert.rejects(readAll(file), (err: Error) => err instanceof IngestError && err.message.startsWith(file));
  }
  // A JSON array of objects is data, even if it is a config list.
  const gb = await readAll(path.join(REAL, 'pipelines', 'growthbook_integration_experiments.json'));
  assert.equal(gb.source.format, 'json');
  assert.equal(gb.rows.length, (JSON.parse(fs.readFileSync(path.join(REAL, 'pipelines', 'growthbook_integration_experiments.json'), 'utf8')) as unknown[]).length);
});

test('JSONL: BOM, CRLF, blank lines, Python NaN/Infinity, a truncated last line and a non-object', async () => {
  const file = write('hostile.jsonl', '\uFEFF{"loss": NaN, "s": "NaN Infinity"}\r\n\r\n{"loss": -Infinity}\r\n[1,2]\r\n{"loss": 1.5, "x"');
  const { rows, skipped } = await readAll(file);
  assert.equal(rows.length, 2);
  assert.ok(Number.isNaN(rows[0]!.value['loss']));
  assert.equal(rows[0]!.value['s'], 'NaN Infinity');
  assert.equal(rows[1]!.value['loss'], -Infinity);
  assert.deepEqual(rows.map((r) => r.line), [1, 3]);
  assert.equal(skipped.count, 2);
  assert.deepEqual(skipped.first.map((s) => s.line), [4, 5]);
  assert.match(skipped.first[0]!.reason, /expected a JSON object, got an array/);
  assert.match(skipped.first[1]!.reason, /invalid JSON/);
});

test('gzip: .jsonl.gz and .csv.gz are read; a corrupt .gz is a clear error', async () => {
  const gz = write('rows.jsonl.gz', zlib.gzipSync('{"a":1}\n{"a":2}\n{"a":3}\n'));
  assert.deepEqual((await readAll(gz)).rows.map((r) => r.value['a']), [1, 2, 3]);
  const csvGz = write('rows.csv.gz', zlib.gzipSync('a,b\n1,2\n'));
  assert.deepEqual((await readAll(csvGz)).rows.map((r) => r.value), [{ a: '1', b: '2' }]);
  const bad = write('bad.jsonl.gz', 'this is not gzip');
  await assert.rejects(readAll(bad), /bad\.jsonl\.gz: not a valid gzip file/);
});

test('CSV: BOM, CRLF, quoted commas and quotes, embedded newline, short rows skipped, empty cells left out', async () => {
  const file = write('t.csv', '\uFEFFstep,"train loss",note\r\n1,0.5,"a, b"\r\n2,,"say ""hi"""\r\n3,0.25\r\n4,0.125,"two\nlines"\r\n');
  const { rows, skipped } = await readAll(file);
  assert.deepEqual(rows.map((r) => r.value), [
    { step: '1', 'train loss': '0.5', note: 'a, b' },
    { step: '2', note: 'say "hi"' },
    { step: '4', 'train loss': '0.125', note: 'two\nlines' },
  ]);
  assert.deepEqual(skipped, { count: 1, first: [{ line: 4, reason: 'expected 3 fields, found 2' }] });
});

test('TSV and column mapping (--column field=column)', async () => {
  const file = write('r.tsv', 'rater\tthing\tverdict\nx\t1\tgood\n');
  const { rows } = await readAll(file, { columnMap: parseColumnMap(['annotator=rater', 'item_id=thing']) });
  assert.equal(rows[0]!.value['annotator'], 'x');
  assert.equal(rows[0]!.value['item_id'], '1');
  assert.throws(() => parseColumnMap(['nope']), /field=column/);
});

test('JSON arrays stream; a syntax error keeps the rows before it; a non-array is refused', async () => {
  const { rows, skipped } = await readAll(write('a.json', '[{"a":1},{"a":NaN},2,{"a":'));
  assert.deepEqual(rows.map((r) => r.line), [1, 2]);
  assert.ok(Number.isNaN(rows[1]!.value['a']));
  assert.equal(skipped.count, 2);
  assert.match(skipped.first[1]!.reason, /JSON syntax error after entry 3/);
  await assert.rejects(readAll(write('obj.json', '{\n"a": 1\n}')), /obj\.json: is a summary, not a history: one JSON object of 1 final value \(a 1\)/);
});

test('a file with no usable rows is an IngestError naming the file and the reason', async () => {
  await assert.rejects(readAll(write('empty.jsonl', '')), /empty\.jsonl: it has no data rows/);
  await assert.rejects(readAll(write('junk.jsonl', 'nope\nstill nope\n')), /junk\.jsonl: all 2 rows are unusable \(line 1: invalid JSON/);
  await assert.rejects(readAll(write('ts_trainer_state.json', '{"global_step": 3, "log_history": []}')), /"log_history" has no entries/);
  await assert.rejects(readAll(path.join(tmp, 'missing.csv')), /missing\.csv: no such file or folder/);
});

test('Lightning metrics.csv: sparse rows (train and validation logged apart) keep only the cells present', async () => {
  const file = write('metrics.csv', 'epoch,step,train_loss,val_loss,val_acc\n0,49,0.91,,\n0,99,0.73,,\n0,99,,0.70,0.61\n1,149,nan,,\n');
  const { source, rows, skipped } = await readAll(file);
  assert.equal(source.format, 'csv');
  assert.equal(skipped.count, 0);
  assert.deepEqual(rows.map((r) => r.value), [
    { epoch: '0', step: '49', train_loss: '0.91' },
    { epoch: '0', step: '99', train_loss: '0.73' },
    { epoch: '0', step: '99', val_loss: '0.70', val_acc: '0.61' },
    { epoch: '1', step: '149', train_loss: 'nan' },
  ]);
  const { loadTraining } = await import('../server/src/engine/inputs');
  const training = await loadTraining(await openDataSource(file));
  assert.deepEqual([...training.series['train_loss']!.steps], [49, 99, 149]);
  assert.ok(Number.isNaN(training.series['train_loss']!.values[2]));
  assert.deepEqual([...training.series['val_acc']!.values], [0.61]);
});

test('a gzipped JSON array and a gzipped trainer_state.json are streamed', async () => {
  const arr = write('rows.json.gz', zlib.gzipSync(JSON.stringify([{ a: 1 }, { a: 2 }])));
  const a = await readAll(arr);
  assert.equal(a.source.format, 'json');
  assert.deepEqual(a.rows.map((r) => r.value['a']), [1, 2]);
  const ts = write('trainer_state.json.gz', zlib.gzipSync('{"global_step": 2, "log_history": [{"step": 1, "loss": NaN}, {"step": 2, "loss": 0.5}]}'));
  const t = await readAll(ts);
  assert.equal(t.source.format, 'trainer_state');
  assert.ok(Number.isNaN(t.rows[0]!.value['loss']));
  assert.equal(t.rows[1]!.value['loss'], 0.5);
});
