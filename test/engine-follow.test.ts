/** Following a training log being written: appended JSONL lines and trainer_state.json saves reach the client within a second. */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient, ROOT } from './support/lsp';
import { TrainingFollower, type TrainingUpdate } from '../server/src/engine/follow';
import { eventFile, eventBytes, scalarEvent } from './support/tfevents-writer';
import { frameRecord } from '../server/src/ingest/tfrecord';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-engine-follow-'));

interface UpdateParams extends TrainingUpdate {
  path: string;
}

let client: LspClient;
const updates: UpdateParams[] = [];
let waiter: ((u: UpdateParams) => void) | undefined;

function nextUpdate(timeoutMs = 1000): Promise<UpdateParams> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no trainingUpdate within ${timeoutMs} ms`)), timeoutMs);
    waiter = (u) => {
      clearTimeout(t);
      waiter = undefined;
      resolve(u);
    };
  });
}

before(async () => {
  client = await LspClient.start({ rootPath: dir });
  client.connection.onNotification('rlhfLens/trainingUpdate', (u: UpdateParams) => {
    updates.push(u);
    waiter?.(u);
  });
});

after(async () => {
  await client.stop();
});

test('JSONL: only appended lines are sent, a partial line waits for its newline, within a second', async () => {
  const file = path.join(dir, 'train.jsonl');
  fs.writeFileSync(file, '{"step": 1, "loss": 2.0}\n{"step": 2, "loss": 1.8}\n');
  await client.request('rlhfLens/followTraining', { path: file });
  const started = Date.now();
  let next = nextUpdate();
  fs.appendFileSync(file, '{"step": 3, "loss": 1.5, "rewards/chosen": 0.4}\n{"step": 4, "loss": NaN');
  const first = await next;
  assert.ok(Date.now() - started < 1000);
  assert.equal(first.path, file);
  assert.equal(first.reset, false);
  assert.deepEqual(first.points, { loss: [[3, 1.5]], 'rewards/chosen': [[3, 0.4]] });
  next = nextUpdate();
  fs.appendFileSync(file, '}\n');
  const second = await next;
  assert.equal(second.points['loss']!.length, 1);
  assert.equal(second.points['loss']![0]![0], 4);
  // NaN has no JSON form: it crosses JSON-RPC as null (the client draws it as a gap and the analysis raises a nan alert).
  assert.equal(second.points['loss']![0]![1], null);
  // Truncation: start again from the top.
  next = nextUpdate();
  fs.writeFileSync(file, '{"step": 1, "loss": 9}\n');
  const third = await next;
  assert.equal(third.reset, true);
  assert.deepEqual(third.points, { loss: [[1, 9]] });
  await client.request('rlhfLens/unfollowTraining', { path: file });
});

test('trainer_state.json: a new save sends only the new log_history entries', async () => {
  const file = path.join(dir, 'trainer_state.json');
  const state = (history: object[]) => JSON.stringify({ global_step: history.length, log_history: history }, null, 2);
  const history: object[] = [{ step: 10, loss: 2.5, learning_rate: 1e-4 }];
  fs.writeFileSync(file, state(history));
  await client.request('rlhfLens/followTraining', { path: file });
  const next = nextUpdate();
  history.push({ step: 20, loss: 2.1, learning_rate: 9e-5 }, { step: 20, eval_loss: 2.3 });
  fs.writeFileSync(file, state(history));
  const u = await next;
  assert.deepEqual(u.points, { loss: [[20, 2.1]], learning_rate: [[20, 9e-5]], eval_loss: [[20, 2.3]] });
  await client.request('rlhfLens/unfollowTraining', { path: file });
});

test('TensorBoard event file over the protocol: new scalar records arrive as points within a second', async () => {
  const file = path.join(dir, 'events.out.tfevents.1700000000.host.1.0');
  fs.writeFileSync(file, eventFile([scalarEvent(1, 'train/loss', 2)]));
  await client.request('rlhfLens/followTraining', { path: file });
  const started = Date.now();
  const next = nextUpdate();
  fs.appendFileSync(file, frameRecord(eventBytes({ step: 2, values: [{ tag: 'train/loss', simple: 1.5 }, { tag: 'train/reward', simple: 0.25 }] })));
  const u = await next;
  assert.ok(Date.now() - started < 1000);
  assert.deepEqual(u.points, { 'train/loss': [[2, 1.5]], 'train/reward': [[2, 0.25]] });
  await client.request('rlhfLens/unfollowTraining', { path: file });
});

test('following a missing file is a clear error; the follower unit ignores a mid-write trainer_state', async () => {
  await assert.rejects(client.request('rlhfLens/followTraining', { path: path.join(dir, 'nope.jsonl') }), /nope\.jsonl: no such file/);
  const file = path.join(dir, 'half', 'trainer_state.json');
  fs.mkdirSync(path.dirname(file));
  fs.writeFileSync(file, JSON.stringify({ log_history: [] }));
  const got: TrainingUpdate[] = [];
  const follower = new TrainingFollower(file, (u) => got.push(u));
  follower.start();
  try {
    fs.writeFileSync(file, '{"log_history": [{"step": 1, "loss"');
    await new Promise((r) => setTimeout(r, 700));
    assert.deepEqual(got, []);
    fs.writeFileSync(file, '{"log_history": [{"step": 1, "loss": 3}]}');
    await new Promise((r) => setTimeout(r, 700));
    assert.deepEqual(got, [{ points: { loss: [[1, 3]] }, reset: false }]);
  } finally {
    follower.stop();
  }
});

test('trainer_state.json is parsed in a worker thread (the reader the server uses): same entries as in-process, a too-large or mid-write file handled', async () => {
  const { historyInWorker, readHistoryTail, MAX_TRAINER_STATE_BYTES } = await import('../server/src/engine/follow');
  const reader = historyInWorker(path.join(ROOT, 'dist', 'server', 'worker.js'));
  const inWorker = (file: string, from: number) => reader.read(file, from);
  const file = path.join(dir, 'worker', 'trainer_state.json');
  fs.mkdirSync(path.dirname(file));
  const history = Array.from({ length: 50 }, (_, i) => ({ step: i + 1, loss: 3 - i / 50, learning_rate: 1e-4 }));
  fs.writeFileSync(file, JSON.stringify({ global_step: 50, log_history: history }));
  assert.deepEqual(await inWorker(file, 40), readHistoryTail(file, 40));
  assert.deepEqual(await inWorker(file, 40), { length: 50, fresh: history.slice(40) });
  // A history shorter than what was reported comes back whole (the follower resets).
  assert.deepEqual(await inWorker(file, 60), { length: 50, fresh: history });
  fs.writeFileSync(file, '{"log_history": [{"step": 1, "loss"');
  assert.equal(await inWorker(file, 0), undefined);
  fs.truncateSync(file, MAX_TRAINER_STATE_BYTES + 1);
  await assert.rejects(inWorker(file, 0), /larger than/);
  // The follower reports through the worker reader as it does in-process.
  fs.writeFileSync(file, JSON.stringify({ log_history: history.slice(0, 2) }));
  const got: TrainingUpdate[] = [];
  const follower = new TrainingFollower(file, (u) => got.push(u), undefined, reader);
  await follower.start();
  try {
    fs.writeFileSync(file, JSON.stringify({ log_history: history.slice(0, 3) }));
    for (let i = 0; i < 40 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(got, [{ points: { loss: [[3, history[2]!.loss]], learning_rate: [[3, 1e-4]] }, reset: false }]);
  } finally {
    follower.stop();
  }
});
