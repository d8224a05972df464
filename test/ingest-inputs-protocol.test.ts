/**
 * The new inputs through the language server's protocol, as the editor uses them: rlhfLens/analyze on
 * a W&B run folder, on a wandb/ folder and an MLflow store with the `run` option, on an HF datasets
 * save_to_disk folder; rlhfLens/listRuns and rlhfLens/compareRuns over W&B runs; the training monitor
 * following a W&B run (rlhfLens/followTraining -> rlhfLens/trainingUpdate).
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tableToIPC, vectorFromArray, Table, Bool } from 'apache-arrow';
import { LspClient } from './support/lsp';
import { WandbLogWriter, rec } from './support/wandb-writer';

const tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-inputs-lsp-')));

function wandbRun(folder: string, id: string, name: string, lr: number, losses: number[]): { dir: string; log: string; writer: WandbLogWriter } {
  const dir = path.join(tmp, 'wandb', folder);
  fs.mkdirSync(path.join(dir, 'files'), { recursive: true });
  const writer = new WandbLogWriter();
  writer.write(rec.run({ id, name, project: 'p', config: { learning_rate: lr } }));
  losses.forEach((loss, i) => writer.write(rec.history({ 'train/loss': loss, 'trainer/global_step': (i + 1) * 10, _step: i })));
  const log = path.join(dir, `run-${id}.wandb`);
  fs.writeFileSync(log, writer.bytes());
  return { dir, log, writer };
}

const A = wandbRun('run-20261201_090000-aaa111', 'aaa111', 'first', 1e-5, [1, 0.8, 0.6]);
const B = wandbRun('run-20261201_100000-bbb222', 'bbb222', 'second', 2e-5, [1.1, 0.7]);

// An MLflow store of two runs.
for (const [id, name, loss] of [['1111aaaa', 'ml-a', 0.5], ['2222bbbb', 'ml-b', 0.25]] as const) {
  const d = path.join(tmp, 'mlruns', '0', id);
  fs.mkdirSync(path.join(d, 'metrics'), { recursive: true });
  fs.mkdirSync(path.join(d, 'tags'), { recursive: true });
  fs.writeFileSync(path.join(d, 'meta.yaml'), `experiment_id: '0'\nlifecycle_stage: active\nrun_id: ${id}\n`);
  fs.writeFileSync(path.join(d, 'tags', 'mlflow.runName'), name);
  fs.writeFileSync(path.join(d, 'metrics', 'loss'), `1700000000000 1 0\n1700000000001 ${loss} 1\n`);
}

// A save_to_disk folder.
const DS = path.join(tmp, 'ds');
fs.mkdirSync(DS);
const conf = Float64Array.from({ length: 200 }, (_, i) => (i % 10) / 10 + 0.05);
fs.writeFileSync(path.join(DS, 'data-00000-of-00001.arrow'), tableToIPC(new Table({ confidence: vectorFromArray(conf), correct: vectorFromArray(Array.from(conf, (c, i) => c > 0.5 !== (i % 7 === 0)), new Bool()) }), 'stream'));
fs.writeFileSync(path.join(DS, 'state.json'), JSON.stringify({ _data_files: [{ filename: 'data-00000-of-00001.arrow' }] }));

let client: LspClient;
before(async () => {
  client = await LspClient.start({ rootPath: tmp, initializationOptions: { trusted: true, storagePath: path.join(tmp, '.storage') } });
});
after(async () => {
  await client.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

interface Analyzed {
  format: string;
  rowsRead: number;
  result: { run: string; metrics: Record<string, { last: number; count: number }> } & Record<string, unknown>;
}

test('rlhfLens/analyze: a W&B run folder, a wandb/ folder with the run option, refused without it', async () => {
  const one = await client.request<Analyzed>('rlhfLens/analyze', { analysis: 'training', path: A.dir });
  assert.equal(one.format, 'wandb');
  assert.equal(one.result.run, 'first');
  assert.equal(one.result.metrics['train/loss']!.last, 0.6);
  const picked = await client.request<Analyzed>('rlhfLens/analyze', { analysis: 'training', path: path.join(tmp, 'wandb'), options: { run: 'second' } });
  assert.equal(picked.result.metrics['train/loss']!.count, 2);
  await assert.rejects(client.request('rlhfLens/analyze', { analysis: 'training', path: path.join(tmp, 'wandb') }), /holds 2 W&B runs: aaa111 "first" .*bbb222 "second"/);
});

test('rlhfLens/analyze: an MLflow store with the run option; an HF save_to_disk folder', async () => {
  const ml = await client.request<Analyzed>('rlhfLens/analyze', { analysis: 'training', path: path.join(tmp, 'mlruns'), options: { run: 'ml-b' } });
  assert.equal(ml.result.run, 'ml-b');
  assert.equal(ml.result.metrics['loss']!.last, 0.25);
  await assert.rejects(client.request('rlhfLens/analyze', { analysis: 'training', path: path.join(tmp, 'mlruns') }), /holds 2 MLflow runs: 1111aaaa "ml-a"/);
  const cal = await client.request<Analyzed>('rlhfLens/analyze', { analysis: 'calibration', path: DS });
  assert.equal(cal.format, 'arrow');
  assert.equal(cal.rowsRead, 200);
  assert.equal(cal.result['n'], 200);
});

test('rlhfLens/listRuns and rlhfLens/compareRuns over the runs of a wandb/ folder', async () => {
  const listed = await client.request<{ runs: { name: string; format: string; path: string }[] }>('rlhfLens/listRuns', {});
  const wandb = listed.runs.filter((r) => r.format === 'wandb');
  assert.deepEqual(wandb.map((r) => r.name), ['first', 'second']);
  const cmp = await client.request<{ runs: { name: string }[]; hyperparameters: Record<string, Record<string, unknown>> }>('rlhfLens/compareRuns', { paths: wandb.map((r) => r.path) });
  assert.deepEqual(cmp.runs.map((r) => r.name), ['first', 'second']);
  assert.deepEqual(cmp.hyperparameters['learning_rate'], { first: 1e-5, second: 2e-5 });
});

test('the training monitor follows a W&B run folder: appended history records arrive as points', async () => {
  let resolve: (u: { path: string; points: Record<string, [number, number][]> }) => void = () => undefined;
  const next = new Promise<{ path: string; points: Record<string, [number, number][]> }>((r) => (resolve = r));
  client.connection.onNotification('rlhfLens/trainingUpdate', (u: { path: string; points: Record<string, [number, number][]> }) => resolve(u));
  await client.request('rlhfLens/followTraining', { path: B.dir });
  const before = B.writer.bytes().length;
  B.writer.write(rec.history({ 'train/loss': 0.65, 'trainer/global_step': 30, _step: 2 }));
  fs.appendFileSync(B.log, B.writer.bytes().subarray(before));
  const u = await Promise.race([next, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no trainingUpdate within 10 s')), 10_000))]);
  assert.equal(u.path, B.dir);
  assert.deepEqual(u.points, { 'train/loss': [[30, 0.65]] });
  await client.request('rlhfLens/unfollowTraining', { path: B.dir });
});
