/**
 * Weights & Biases run folders: the run-<id>.wandb transaction log (history, config, summary, run
 * record) on generated logs written as wandb's datastore.py writes them (test/support/wandb-writer.ts),
 * with the damage a real run leaves (a cut-off last record, a bad CRC, a record split over blocks,
 * record types we do not read); wandb/ folders of several runs with --run; the files/ fallback; the
 * Runs view, compare and live following; the real logs of ../shared when present.
 */
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openDataSource } from '../server/src/ingest/read';
import { WandbScanner, crc32 } from '../server/src/ingest/wandb';
import { listRuns, compareRunPaths, STALLED_AFTER_MS } from '../server/src/engine/runs';
import { TrainingFollower, type TrainingUpdate } from '../server/src/engine/follow';
import { WandbLogWriter, rec } from './support/wandb-writer';
import { runCli } from './support/cli';
import { ROOT } from './support/lsp';
import * as zlib from 'node:zlib';
import { contentHash } from '../server/src/engine/hash';

const REAL_WANDB = path.resolve(ROOT, '..', 'shared', 'fixtures', 'real', 'wandb');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-wandb-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A run as TRL + HF Trainer log it: train/loss, train/rewards/margins, trainer/global_step per row. */
function trlRun(steps: number, lrScale = 1): Buffer[] {
  const out: Buffer[] = [rec.header(), rec.run({ id: 'abc123', project: 'dpo', name: 'lively-sun-7', config: { _wandb: {}, learning_rate: 5e-7 * lrScale, beta: 0.1 } })];
  out.push(rec.config({ per_device_train_batch_size: 4, gradient_accumulation_steps: 8, lr_scheduler_type: 'cosine', optim: { name: 'adamw' } }));
  for (let i = 0; i < steps; i++) {
    out.push(rec.output(`step ${i}`));
    out.push(rec.history({ 'train/loss': 0.69 - i * 0.001, 'train/rewards/margins': i * 0.01, 'trainer/global_step': (i + 1) * 10, _step: i, _runtime: i * 1.5, _timestamp: 1.7e9 + i }));
  }
  out.push(rec.summary({ 'train/loss': 0.69 - (steps - 1) * 0.001, _wandb: { runtime: 10 } }));
  out.push(rec.exit(0));
  return out;
}

function runFolder(root: string, folder: string, records: Buffer[], id = folder.split('-').pop()!): { dir: string; log: string; writer: WandbLogWriter } {
  const dir = path.join(root, folder);
  fs.mkdirSync(path.join(dir, 'files'), { recursive: true });
  const writer = new WandbLogWriter();
  for (const r of records) writer.write(r);
  const log = path.join(dir, `run-${id}.wandb`);
  fs.writeFileSync(log, writer.bytes());
  return { dir, log, writer };
}

async function readAll(p: string, run?: string) {
  const source = await openDataSource(p, run ? { run } : {});
  const rows: { line: number; value: Record<string, unknown> }[] = [];
  for await (const r of source.rows) rows.push(r);
  return { source, rows, skipped: source.skipped.toJSON() };
}

const cliJson = (args: string[]) => {
  const r = runCli(args);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as { run: string; steps: number; metrics: Record<string, { count: number; last: number }> } & Record<string, unknown>;
};

test('the CRC is zlib crc32 (IEEE) of the type byte and the data, as datastore.py computes it', () => {
  const data = Buffer.from('{"loss": 0.5}');
  assert.equal(crc32(data, crc32(Uint8Array.of(1))), zlib.crc32(Buffer.concat([Buffer.from([1]), data])));
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
});

test('a generated run folder: history rows, the run record and config records, summary; other record types ignored', async () => {
  const { dir } = runFolder(path.join(tmp, 'one', 'wandb'), 'run-20261201_101010-abc123', [...trlRun(120), rec.unknown()]);
  const { source, rows, skipped } = await readAll(dir);
  assert.equal(source.format, 'wandb');
  assert.equal(source.run, 'lively-sun-7');
  assert.equal(rows.length, 120);
  assert.deepEqual(skipped, { count: 0, first: [] });
  assert.deepEqual(rows[3]!.value, { 'train/loss': 0.69 - 3 * 0.001, 'train/rewards/margins': 0.03, 'trainer/global_step': 40, _step: 3, _runtime: 4.5, _timestamp: 1.7e9 + 3 });
  // Lines are record numbers in the log (header, run, config, then output/history pairs).
  assert.equal(rows[0]!.line, 5);
  assert.deepEqual(source.params, { learning_rate: '5e-7', beta: '0.1', per_device_train_batch_size: '4', gradient_accumulation_steps: '8', lr_scheduler_type: 'cosine', optim: '{"name":"adamw"}' });
  assert.equal(source.recorded!['beta']!.value, 0.1);
  // The CLI: trainer/global_step is the step column, _runtime/_timestamp are bookkeeping.
  const out = cliJson(['analyze', 'training', dir, '--format', 'json']);
  assert.equal(out.run, 'lively-sun-7');
  assert.equal(out.steps, 1200);
  assert.deepEqual(Object.keys(out.metrics).sort(), ['train/loss', 'train/rewards/margins']);
  assert.equal(out.metrics['train/loss']!.count, 120);
  assert.equal(out.metrics['train/loss']!.last, 0.69 - 119 * 0.001);
  // The wandb/ folder of one run and the .wandb file itself read the same.
  assert.equal(cliJson(['analyze', 'training', path.dirname(dir), '--format', 'json']).metrics['train/loss']!.count, 120);
  assert.equal(cliJson(['analyze', 'training', path.join(dir, 'run-abc123.wandb'), '--format', 'json']).metrics['train/loss']!.count, 120);
});

test('a record larger than a block is split FIRST/MIDDLE/LAST over three blocks and read whole; NaN and nested keys kept', async () => {
  const big = 'x'.repeat(70_000);
  const { dir, writer } = runFolder(path.join(tmp, 'big'), 'offline-run-20261201_101010-big1', [rec.run({ id: 'big1' }), rec.history({ loss: 1, _step: 0 }), rec.history({ loss: NaN, caption: big, _step: 1 }), rec.history({ ['eval\u0000loss']: 0.5, _step: 2 })]);
  assert.ok(writer.bytes().length > 2 * 32768);
  const { rows, skipped, source } = await readAll(dir);
  assert.equal(source.run, 'big1');
  assert.equal(skipped.count, 0);
  assert.equal(rows.length, 3);
  assert.equal((rows[1]!.value['caption'] as string).length, 70_000);
  assert.ok(Number.isNaN(rows[1]!.value['loss']));
  assert.equal(rows[2]!.value['eval.loss'], 0.5);
});

test('a run still writing: the cut-off last record is skipped with its byte offset and the reason', async () => {
  const { log, writer } = runFolder(path.join(tmp, 'cut'), 'run-20261201_101010-cut1', trlRun(50).slice(0, -2));
  const bytes = writer.bytes();
  const lastStart = writer.offsets[writer.offsets.length - 1]!;
  fs.writeFileSync(log, bytes.subarray(0, lastStart + 20));
  const { rows, skipped } = await readAll(path.dirname(log));
  assert.equal(rows.length, 49);
  assert.equal(skipped.count, 1);
  assert.match(skipped.first[0]!.reason, new RegExp(`^record at byte ${lastStart} is incomplete \\(20 bytes at the end of the file\\): the run may still be writing it$`));
  // The CLI shows it with its record number.
  const r = runCli(['analyze', 'training', path.dirname(log)]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /1 row skipped:\n {2}line \d+: record at byte \d+ is incomplete/);
});

test('a bad CRC: the chunk is skipped with its offset, reading resumes at the next block', async () => {
  const { log, writer } = runFolder(path.join(tmp, 'crc'), 'run-20261201_101010-crc1', trlRun(800));
  const bytes = Buffer.from(writer.bytes());
  assert.ok(bytes.length > 3 * 32768);
  // Damage the 10th history record (in block 0): one byte of its data.
  const target = writer.offsets[4 + 2 * 9]!;
  bytes[target + 10] ^= 0xff;
  fs.writeFileSync(log, bytes);
  const { rows, skipped } = await readAll(path.dirname(log));
  assert.match(skipped.first[0]!.reason, new RegExp(`^record at byte ${target}: chunk CRC does not match \\(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\\); the rest of the block is skipped$`));
  // Everything in block 0 from the damage on is lost (LevelDB's recovery); records starting in later blocks are read.
  const historyOffsets = Array.from({ length: 800 }, (_, i) => writer.offsets[4 + 2 * i]!);
  const kept = historyOffsets.map((o, i) => [o, i] as const).filter(([o]) => o < target || o >= 32768).map(([, i]) => i);
  assert.deepEqual(rows.map((r) => r.value['_step']), kept);
  assert.equal(kept[9]! > 9, true);
  assert.equal(rows[rows.length - 1]!.value['_step'], 799);
});

test('the scanner keeps a record split over blocks across reads (following a growing file)', () => {
  const w = new WandbLogWriter();
  const records = [rec.history({ a: 1 }), rec.history({ s: 'y'.repeat(40_000) }), rec.history({ a: 2 })];
  for (const r of records) w.write(r);
  const bytes = w.bytes();
  const scanner = new WandbScanner();
  const got: Buffer[] = [];
  // Feed it in pieces of 1000 bytes, each time from the scanner's position, as the follower does.
  for (let end = 1000; ; end += 1000) {
    const piece = bytes.subarray(scanner.position, Math.min(end, bytes.length));
    const r = scanner.scan(piece);
    assert.deepEqual(r.problems, []);
    got.push(...r.records.map((x) => Buffer.from(x.data)));
    if (end >= bytes.length) break;
  }
  assert.deepEqual(got, records);
});

test('not a W&B log, a wrong version, an empty history: clear messages naming the file', () => {
  const dir = path.join(tmp, 'bad', 'run-20261201_101010-bad1');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'run-bad1.wandb'), 'hello, not a log');
  const r = runCli(['analyze', 'training', dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /run-bad1\.wandb: is not a W&B transaction log \(it does not start with ":W&B"\)/);
  const v1 = new WandbLogWriter(1).write(rec.history({ loss: 1 })).bytes();
  fs.writeFileSync(path.join(dir, 'run-bad1.wandb'), v1);
  assert.match(runCli(['analyze', 'training', dir]).stderr, /is a W&B transaction log of version 1; RLHF Lens reads version 0 \(byte 6\)/);
  fs.writeFileSync(path.join(dir, 'run-bad1.wandb'), new WandbLogWriter().write(rec.run({ id: 'bad1' })).write(rec.summary({ loss: 0.25 })).bytes());
  assert.match(runCli(['analyze', 'training', dir]).stderr, /run-bad1\.wandb: has no history records; its summary holds loss 0\.25/);
});

test('a wandb/ folder of several runs: listed without --run, picked by id, folder or name; compare wandb/ compares them', async () => {
  const root = path.join(tmp, 'many', 'wandb');
  runFolder(root, 'run-20261201_101010-aaa111', trlRun(10));
  runFolder(root, 'offline-run-20261202_101010-bbb222', [rec.run({ id: 'bbb222', name: 'second', config: { learning_rate: 1e-6, beta: 0.1 } }), rec.history({ 'train/loss': 0.5, _step: 0 }), rec.history({ 'train/loss': 0.4, _step: 1 })]);
  fs.symlinkSync(path.join(root, 'offline-run-20261202_101010-bbb222'), path.join(root, 'latest-run'));
  const none = runCli(['analyze', 'training', root]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /holds 2 W&B runs: abc123 "lively-sun-7" \(run-20261201_101010-aaa111\), bbb222 "second" \(offline-run-20261202_101010-bbb222\); pick one with --run/);
  assert.equal(cliJson(['analyze', 'training', root, '--run', 'bbb222', '--format', 'json']).metrics['train/loss']!.last, 0.4);
  assert.equal(cliJson(['analyze', 'training', root, '--run', 'second', '--format', 'json']).run, 'second');
  assert.equal(cliJson(['analyze', 'training', root, '--run', 'run-20261201_101010-aaa111', '--format', 'json']).metrics['train/loss']!.count, 10);
  assert.match(runCli(['analyze', 'training', root, '--run', 'zzz']).stderr, /has no W&B run with id, folder or name "zzz"; its 2 runs are: abc123/);
  // latest-run is a link to a run folder: readable as one.
  assert.equal(cliJson(['analyze', 'training', path.join(root, 'latest-run'), '--format', 'json']).run, 'second');
  // compare: both runs, the config as hyperparameters with where it was recorded.
  const result = await compareRunPaths([root]);
  assert.deepEqual(result.runs.map((r) => r.name), ['lively-sun-7', 'second']);
  assert.deepEqual(result.hyperparameters['learning_rate'], { 'lively-sun-7': 5e-7, second: 1e-6 });
  assert.equal(result.hyperparameters['beta'], undefined, 'beta is the same in both');
  assert.match(result.hyperparameter_sources['learning_rate']!['second']!.file, /run-bbb222\.wandb$/);
  const cli = runCli(['compare', root, '--format', 'json']);
  assert.equal(cli.code, 0, cli.stderr);
  assert.equal((JSON.parse(cli.stdout) as { runs: unknown[] }).runs.length, 2);
  // The Runs view lists each run of the wandb/ folder, by its name.
  const listed = await listRuns([path.dirname(root)]);
  assert.deepEqual(listed.map((r) => [r.name, r.format, r.error]).sort(), [['lively-sun-7', 'wandb', undefined], ['second', 'wandb', undefined]]);
  // Status: the first log has its exit record (finished); the second has none and was just written (running),
  // and would be stalled once its log is older than STALLED_AFTER_MS.
  assert.deepEqual(Object.fromEntries(listed.map((r) => [r.name, r.status])), { 'lively-sun-7': 'finished', second: 'running' });
  const later = await listRuns([path.dirname(root)], Date.now() + STALLED_AFTER_MS + 60_000);
  assert.deepEqual(Object.fromEntries(later.map((r) => [r.name, r.status])), { 'lively-sun-7': 'finished', second: 'stalled' });
});

test('a run folder without a .wandb log: files/wandb-history.jsonl, config.yaml (with lines) and wandb-summary.json', async () => {
  const dir = path.join(tmp, 'files', 'wandb', 'run-20221010_101010-old123');
  fs.mkdirSync(path.join(dir, 'files'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'files', 'wandb-history.jsonl'), Array.from({ length: 5 }, (_, i) => JSON.stringify({ _step: i, loss: 1 - i / 10, _runtime: i })).join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'files', 'config.yaml'), 'wandb_version: 1\n\n_wandb:\n  desc: null\n  value:\n    cli_version: 0.12.0\nlearning_rate:\n  desc: null\n  value: 0.0003\nmodel:\n  desc: null\n  value: gpt2\n');
  fs.writeFileSync(path.join(dir, 'files', 'wandb-summary.json'), '{"loss": 0.6, "_step": 4}');
  const { source, rows } = await readAll(dir);
  assert.equal(source.format, 'wandb');
  assert.equal(source.run, 'old123');
  assert.equal(rows.length, 5);
  assert.deepEqual(source.params, { learning_rate: '0.0003', model: 'gpt2' });
  assert.deepEqual(source.recorded!['learning_rate'], { value: 0.0003, file: path.join(dir, 'files', 'config.yaml'), line: 7 });
  assert.equal(cliJson(['analyze', 'training', dir, '--format', 'json']).metrics['loss']!.last, 0.6);
});

test('the content hash of a run folder covers its log and files/ config, history and summary, not its media', async () => {
  const { dir, log } = runFolder(path.join(tmp, 'hash'), 'run-20261201_101010-hash1', trlRun(5));
  const before = await contentHash([dir]);
  fs.mkdirSync(path.join(dir, 'files', 'media', 'images'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'files', 'media', 'images', 'sample_0.png'), Buffer.alloc(1000));
  fs.writeFileSync(path.join(dir, 'files', 'output.log'), 'console text\n');
  assert.equal(await contentHash([dir]), before);
  fs.writeFileSync(path.join(dir, 'files', 'config.yaml'), 'wandb_version: 1\nbeta:\n  value: 0.2\n');
  const withConfig = await contentHash([dir]);
  assert.notEqual(withConfig, before);
  fs.appendFileSync(log, Buffer.from([0, 0, 0, 0, 0, 0, 0]));
  assert.notEqual(await contentHash([dir]), withConfig);
});

test('following a W&B run folder: history records appended to its log become points', async () => {
  const { dir, log, writer } = runFolder(path.join(tmp, 'follow'), 'run-20261201_101010-fol1', trlRun(3).slice(0, -2));
  const got: TrainingUpdate[] = [];
  const errors: string[] = [];
  const follower = new TrainingFollower(dir, (u) => got.push(u), (m) => errors.push(m));
  await follower.start();
  try {
    assert.equal(follower.kind, 'wandb');
    const before = writer.bytes().length;
    writer.write(rec.history({ 'train/loss': 0.5, 'trainer/global_step': 40, _step: 3 }));
    writer.write(rec.history({ 'train/loss': 0.45, 'trainer/global_step': 50, _step: 4, caption: 'z'.repeat(40_000) }));
    const all = writer.bytes();
    // Half of the big record first: nothing is reported until its LAST chunk is there.
    const mid = writer.offsets[writer.offsets.length - 1]! + 20_000;
    fs.appendFileSync(log, all.subarray(before, mid));
    for (let i = 0; i < 40 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(got, [{ points: { 'train/loss': [[40, 0.5]] }, reset: false }]);
    fs.appendFileSync(log, all.subarray(mid));
    for (let i = 0; i < 40 && got.length === 1; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(got[1], { points: { 'train/loss': [[50, 0.45]] }, reset: false });
    assert.deepEqual(errors, []);
  } finally {
    follower.stop();
  }
});

test('the real W&B logs of ../shared: every history record read, the writer reproduces them byte for byte', async (t) => {
  if (!fs.existsSync(REAL_WANDB)) return t.skip(`${REAL_WANDB} is absent (../shared fixtures not available; W&B logs not yet added there)`);
  const logs: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name));
      else if (e.name.endsWith('.wandb')) logs.push(path.join(d, e.name));
    }
  };
  walk(REAL_WANDB);
  assert.ok(logs.length > 0);
  for (const log of logs) {
    const bytes = fs.readFileSync(log);
    const scanner = new WandbScanner();
    const scan = scanner.scan(bytes.subarray(7));
    assert.deepEqual(scan.problems, [], log);
    const w = new WandbLogWriter();
    for (const r of scan.records) w.write(r.data);
    // A complete log is reproduced exactly; a cut-off one up to its last complete record.
    const again = w.bytes();
    assert.ok(bytes.subarray(0, again.length).equals(again), `${log}: framing differs`);
    if (scanner.position === bytes.length) assert.equal(again.length, bytes.length, log);
  }
});
