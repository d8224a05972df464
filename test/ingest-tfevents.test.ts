/**
 * TensorBoard event files: every real file in ../shared/fixtures/real/tfevents read to the scalars its
 * SOURCES.md row describes (writers: PyTorch SummaryWriter, Lightning, TF2/Keras, HF Trainer), folders
 * merged, tensor-encoded scalars of every float type, and the damaged cases: a truncated last record,
 * a bad CRC, a run still being written (followed live).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openDataSource } from '../server/src/ingest/read';
import { IngestError, type SourceRow } from '../server/src/ingest/rows';
import { crc32c } from '../server/src/ingest/crc32c';
import { TrainingFollower, type TrainingUpdate } from '../server/src/engine/follow';
import { eventFile, scalarEvent } from './support/tfevents-writer';
import { frameRecord } from '../server/src/ingest/tfrecord';
import { eventBytes } from './support/tfevents-writer';
import { ROOT } from './support/lsp';
import { runCli } from './support/cli';

const REAL = path.resolve(ROOT, '..', 'shared', 'fixtures', 'real', 'tfevents');
const haveReal = fs.existsSync(REAL);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-tfevents-'));

interface Series {
  n: number;
  steps: number[];
  first: number;
  last: number;
}

async function read(file: string) {
  const source = await openDataSource(file);
  const rows: SourceRow[] = [];
  for await (const r of source.rows) rows.push(r);
  const series: Record<string, Series> = {};
  for (const r of rows)
    for (const [k, v] of Object.entries(r.value)) {
      if (k === 'step' || k === 'wall_time') continue;
      const s = (series[k] ??= { n: 0, steps: [], first: v as number, last: NaN });
      s.n++;
      s.steps.push(r.value['step'] as number);
      s.last = v as number;
    }
  return { source, rows, series, skipped: source.skipped.toJSON() };
}

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 5e-6 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

/** [file prefix, tag, n, first step, last step, first value, last value] from SOURCES.md. */
const EXPECTED: [string, string, number, number, number, number, number][] = [
  ['janosh_tensorboard-reducer_strict-run1', 'strict/foo', 100, 0, 495, 1.49626, 1.21209],
  ['janosh_tensorboard-reducer_duplicate-steps-run1', 'dup_steps/foo', 210, 0, 199, 1.49626, 1.54785],
  ['janosh_tensorboard-reducer_duplicate-steps-run1', 'dup_steps/bar', 210, 0, 199, 1.76822, 1.96241],
  ['BullsEye268_da6401_assignment3_lightning-v15-fit', 'train_loss_step', 234, 49, 11699, 2.62512, 0.395824],
  ['BullsEye268_da6401_assignment3_lightning-v15-fit', 'val_loss', 17, 690, 11746, 0.87702, 0.488337],
  ['BullsEye268_da6401_assignment3_lightning-v15-fit', 'val_acc', 17, 690, 11746, 0.701067, 0.839032],
  ['BullsEye268_da6401_assignment3_lightning-v15-fit', 'epoch', 268, 49, 11746, 0, 16],
  ['BullsEye268_da6401_assignment3_lightning-v15-fit', 'hp_metric', 1, 0, 0, -1, -1],
  ['BullsEye268_da6401_assignment3_lightning-v15-test', 'test_loss', 1, 11747, 11747, 0.495658, 0.495658],
  ['BullsEye268_da6401_assignment3_lightning-v15-test', 'test_acc', 1, 11747, 11747, 0.831002, 0.831002],
  ['BullsEye268_da6401_assignment3_lightning-v15-test', 'epoch', 1, 11747, 11747, 17, 17],
  ['ayush2929_ANN-Churn_classification_keras-fit-train', 'epoch_loss', 15, 0, 14, 0.330421, 0.302582],
  ['ayush2929_ANN-Churn_classification_keras-fit-train', 'epoch_accuracy', 15, 0, 14, 0.862875, 0.86975],
  ['ayush2929_ANN-Churn_classification_keras-fit-validation', 'epoch_loss', 15, 0, 14, 0.374034, 0.372783],
  ['ayush2929_ANN-Churn_classification_keras-fit-validation', 'epoch_accuracy', 15, 0, 14, 0.8575, 0.853],
  ['ayush2929_ANN-Churn_classification_keras-fit-validation', 'evaluation_loss_vs_iterations', 15, 6000, 9500, 0.374034, 0.372783],
];
/** The tags of each file, exactly (histograms, graphs, text and hparams are not scalars). */
const TAGS: Record<string, string[]> = {
  'janosh_tensorboard-reducer_strict-run1': ['strict/foo'],
  'janosh_tensorboard-reducer_duplicate-steps-run1': ['dup_steps/bar', 'dup_steps/foo'],
  'BullsEye268_da6401_assignment3_lightning-v15-fit': ['epoch', 'hp_metric', 'train_acc_epoch', 'train_acc_step', 'train_loss_epoch', 'train_loss_step', 'val_acc', 'val_char_acc', 'val_loss'],
  'BullsEye268_da6401_assignment3_lightning-v15-test': ['epoch', 'hp_metric', 'test_acc', 'test_char_acc', 'test_loss'],
  'ayush2929_ANN-Churn_classification_keras-fit-train': ['epoch_accuracy', 'epoch_loss'],
  'ayush2929_ANN-Churn_classification_keras-fit-validation': ['epoch_accuracy', 'epoch_loss', 'evaluation_accuracy_vs_iterations', 'evaluation_loss_vs_iterations'],
};

const realFile = (prefix: string) => path.join(REAL, fs.readdirSync(REAL).find((n) => n.startsWith(prefix + '.'))!);

test('crc32c matches the standard check value', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
});

test('every real event file reads to the scalars SOURCES.md describes', { skip: !haveReal && 'no ../shared/fixtures' }, async () => {
  for (const [prefix, tags] of Object.entries(TAGS)) {
    const { source, series, skipped } = await read(realFile(prefix));
    assert.equal(source.format, 'tfevents', prefix);
    assert.equal(skipped.count, 0, prefix);
    assert.deepEqual(Object.keys(series).sort(), tags, prefix);
  }
  for (const [prefix, tag, n, s0, s1, first, last] of EXPECTED) {
    const { series } = await read(realFile(prefix));
    const s = series[tag]!;
    assert.equal(s.n, n, `${prefix} ${tag} n`);
    assert.equal(s.steps[0], s0, `${prefix} ${tag} first step`);
    assert.equal(s.steps[s.steps.length - 1], s1, `${prefix} ${tag} last step`);
    close(s.first, first, `${prefix} ${tag} first`);
    close(s.last, last, `${prefix} ${tag} last`);
  }
  // strict: every 5 steps; duplicate-steps: 0..99 then 90..199 (step goes backwards once, kept as logged).
  assert.deepEqual((await read(realFile('janosh_tensorboard-reducer_strict-run1'))).series['strict/foo']!.steps, Array.from({ length: 100 }, (_, i) => i * 5));
  const dup = (await read(realFile('janosh_tensorboard-reducer_duplicate-steps-run1'))).series['dup_steps/foo']!.steps;
  assert.deepEqual(dup, [...Array.from({ length: 100 }, (_, i) => i), ...Array.from({ length: 110 }, (_, i) => 90 + i)]);
  assert.equal(new Set(dup).size, 200);
  // Lightning hparams are run parameters.
  const fit = await read(realFile('BullsEye268_da6401_assignment3_lightning-v15-fit'));
  assert.ok(fit.source.params && 'learning_rate' in fit.source.params && 'hidden_size' in fit.source.params);
});

test('HF Trainer text-only event file: its TrainingArguments are run parameters, and "no scalar summaries" says what it holds', { skip: !haveReal && 'no ../shared/fixtures' }, async () => {
  const file = realFile('Alvi-Rahman_Transformers_hftrainer-text-only');
  const source = await openDataSource(file);
  await assert.rejects(
    (async () => {
      for await (const _ of source.rows);
    })(),
    (e: Error) => e instanceof IngestError && /has no scalar summaries; it holds text\/hparams: args\/text_summary, model_config\/text_summary/.test(e.message),
  );
  assert.match(source.params!['args/text_summary']!, /"learning_rate": 5e-05/);
  assert.match(source.params!['args/text_summary']!, /"output_dir": ".\/results"/);
});

test('folders merge their event files: Lightning version_N/ (fit + test), Keras train/ + validation/ as tag prefixes', { skip: !haveReal && 'no ../shared/fixtures' }, async () => {
  const version = path.join(tmp, 'lightning_logs', 'version_15');
  fs.mkdirSync(version, { recursive: true });
  for (const p of ['BullsEye268_da6401_assignment3_lightning-v15-fit', 'BullsEye268_da6401_assignment3_lightning-v15-test']) {
    const f = realFile(p);
    fs.symlinkSync(f, path.join(version, path.basename(f).slice(p.length + 1)));
  }
  const lightning = await read(version);
  assert.equal(lightning.source.format, 'tfevents');
  assert.equal(lightning.source.run, 'version_15');
  assert.equal(lightning.series['epoch']!.n, 269);
  assert.equal(lightning.series['epoch']!.last, 17);
  assert.equal(lightning.series['hp_metric']!.n, 2);
  close(lightning.series['test_loss']!.last, 0.495658, 'test_loss');
  assert.equal(lightning.series['train_loss_step']!.n, 234);

  const fit = path.join(tmp, 'logs', 'fit', '20250623-154041');
  for (const [sub, p] of [['train', 'ayush2929_ANN-Churn_classification_keras-fit-train'], ['validation', 'ayush2929_ANN-Churn_classification_keras-fit-validation']] as const) {
    fs.mkdirSync(path.join(fit, sub), { recursive: true });
    const f = realFile(p);
    fs.symlinkSync(f, path.join(fit, sub, path.basename(f).slice(p.length + 1)));
  }
  const keras = await read(path.join(tmp, 'logs'));
  assert.deepEqual(Object.keys(keras.series).sort(), [
    'fit/20250623-154041/train/epoch_accuracy',
    'fit/20250623-154041/train/epoch_loss',
    'fit/20250623-154041/validation/epoch_accuracy',
    'fit/20250623-154041/validation/epoch_loss',
    'fit/20250623-154041/validation/evaluation_accuracy_vs_iterations',
    'fit/20250623-154041/validation/evaluation_loss_vs_iterations',
  ]);
  const run = await read(fit);
  close(run.series['train/epoch_loss']!.last, 0.302582, 'train/epoch_loss');
  close(run.series['validation/epoch_loss']!.last, 0.372783, 'validation/epoch_loss');

  // The CLI's training analysis on the folder: one run, the Keras curves with their prefixes.
  const r = runCli(['analyze', 'training', fit, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { run: string; metrics: Record<string, { count: number; last: number }> };
  assert.equal(out.run, '20250623-154041');
  assert.equal(out.metrics['train/epoch_loss']!.count, 15);
  close(out.metrics['validation/epoch_accuracy']!.last, 0.853, 'validation/epoch_accuracy');
});

test('tensor-encoded scalars: DT_FLOAT content, DT_DOUBLE, DT_HALF, DT_BFLOAT16, DT_INT64; histograms and text are not curves', async () => {
  const f32 = Buffer.alloc(4);
  f32.writeFloatLE(0.25);
  const file = path.join(tmp, 'events.out.tfevents.1.host.1.0');
  fs.writeFileSync(
    file,
    eventFile([
      { step: 1, values: [{ tag: 'loss', dtype: 1, content: f32, plugin: 'scalars' }] },
      { step: 2, values: [{ tag: 'loss', dtype: 1, content: f32 }] }, // metadata only on a tag's first event
      { step: 3, values: [{ tag: 'd', dtype: 2, doubleVal: [0.1] }] },
      { step: 4, values: [{ tag: 'h', dtype: 19, halfVal: [0x3c00 + 0x200] }] }, // 1.5 in half precision
      { step: 5, values: [{ tag: 'b', dtype: 14, halfVal: [0x4040] }] }, // 3 in bfloat16
      { step: 6, values: [{ tag: 'i', dtype: 9, int64Val: [42] }] },
      { step: 7, values: [{ tag: 'weights', histogram: true }, { tag: 'notes', text: 'hello' }, { tag: 'v', dtype: 2, doubleVal: [1, 2, 3], dims: [3] }] },
      { step: 8, values: [{ tag: 'rewards/chosen', simple: -0.5 }, { tag: 'rewards/rejected', simple: -1.5 }] },
    ]),
  );
  const { rows, source, skipped } = await read(file);
  assert.equal(skipped.count, 0);
  assert.deepEqual(
    rows.map((r) => ({ ...r.value, wall_time: undefined })),
    [
      { step: 1, loss: 0.25 },
      { step: 2, loss: 0.25 },
      { step: 3, d: 0.1 },
      { step: 4, h: 1.5 },
      { step: 5, b: 3 },
      { step: 6, i: 42 },
      { step: 8, 'rewards/chosen': -0.5, 'rewards/rejected': -1.5 },
    ].map((v) => ({ ...v, wall_time: undefined })),
  );
  assert.deepEqual(rows.map((r) => r.line), [2, 3, 4, 5, 6, 7, 9]);
  assert.equal(source.params!['notes'], 'hello');
});

test('a truncated last record (a run still writing) is skipped with a reason; the records before it are read', async () => {
  const whole = eventFile([scalarEvent(1, 'loss', 2), scalarEvent(2, 'loss', 1.5), scalarEvent(3, 'loss', 1)]);
  const file = path.join(tmp, 'trunc.events.out.tfevents.2');
  fs.writeFileSync(file, whole.subarray(0, whole.length - 7));
  const { series, skipped } = await read(file);
  assert.deepEqual(series['loss']!.steps, [1, 2]);
  assert.equal(skipped.count, 1);
  assert.equal(skipped.first[0]!.line, 4);
  assert.match(skipped.first[0]!.reason, /^record at byte \d+ is incomplete \(\d+ bytes at the end of the file\): the run may still be writing it$/);
  // The training analysis runs on it and reports the skip.
  const r = runCli(['analyze', 'training', file, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { metrics: Record<string, { count: number }>; skipped: { count: number } };
  assert.equal(out.metrics['loss']!.count, 2);
  assert.equal(out.skipped.count, 1);
});

test('a bad CRC is an error naming the byte offset; a file that is not TFRecord at all says so', async () => {
  const whole = eventFile([scalarEvent(1, 'loss', 2), scalarEvent(2, 'loss', 1.5), scalarEvent(3, 'loss', 1)]);
  const second = frameRecord(eventBytes({ fileVersion: 'brain.Event:2' })).length + frameRecord(eventBytes(scalarEvent(1, 'loss', 2))).length;
  const bad = Buffer.from(whole);
  bad[second + 14] = bad[second + 14]! ^ 0xff; // a data byte of the third record
  const file = path.join(tmp, 'badcrc.events.out.tfevents.3');
  fs.writeFileSync(file, bad);
  const source = await openDataSource(file);
  await assert.rejects(
    (async () => {
      for await (const _ of source.rows);
    })(),
    new RegExp(`badcrc\\.events\\.out\\.tfevents\\.3: damaged TFRecord at byte ${second} \\(record 3\\): the data CRC does not match \\(stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}\\); 2 records before it were read`),
  );
  const lenBad = Buffer.from(whole);
  lenBad[second + 8] = lenBad[second + 8]! ^ 1;
  fs.writeFileSync(file, lenBad);
  const r = runCli(['analyze', 'training', file]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`damaged TFRecord at byte ${second} \\(record 3\\): the length field's CRC does not match`));
  const notTf = path.join(tmp, 'junk.events.out.tfevents.4');
  fs.writeFileSync(notTf, 'this is not an event file at all, just text\n');
  const j = runCli(['analyze', 'training', notTf]);
  assert.equal(j.code, 2);
  assert.match(j.stderr, /junk\.events\.out\.tfevents\.4: is not a TensorBoard event file \(the length field's CRC does not match/);
});

test('a run still being written is followed: complete records are sent, a half-written record waits for the rest', async () => {
  const file = path.join(tmp, 'live', 'events.out.tfevents.5.host.1.0');
  fs.mkdirSync(path.dirname(file));
  fs.writeFileSync(file, eventFile([scalarEvent(0, 'loss', 3)]));
  const got: TrainingUpdate[] = [];
  const errors: string[] = [];
  const follower = new TrainingFollower(file, (u) => got.push(u), (m) => errors.push(m));
  assert.equal(follower.kind, 'tfevents');
  follower.start();
  const wait = async (n: number) => {
    for (let i = 0; i < 40 && got.length < n; i++) await new Promise((r) => setTimeout(r, 50));
  };
  try {
    const rec = (step: number, x: number) => frameRecord(eventBytes({ step, values: [{ tag: 'loss', simple: x }, { tag: 'lr', simple: 0.5 }] }));
    const third = rec(3, 1);
    fs.appendFileSync(file, Buffer.concat([rec(2, 2), third.subarray(0, 10)]));
    await wait(1);
    assert.deepEqual(got, [{ points: { loss: [[2, 2]], lr: [[2, 0.5]] }, reset: false }]);
    fs.appendFileSync(file, third.subarray(10));
    await wait(2);
    assert.deepEqual(got[1], { points: { loss: [[3, 1]], lr: [[3, 0.5]] }, reset: false });
    // A new file in its place (a restarted run) starts over.
    fs.writeFileSync(file, eventFile([scalarEvent(0, 'loss', 9)]));
    await wait(3);
    assert.deepEqual(got[2], { points: { loss: [[0, 9]] }, reset: true });
    assert.deepEqual(errors, []);
  } finally {
    follower.stop();
  }
});
