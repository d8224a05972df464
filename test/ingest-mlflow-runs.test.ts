/**
 * MLflow stores holding many runs: listed, one picked with --run (id, id prefix or name), all of them
 * compared with `compare mlruns/`; an ambiguous store without --run lists its runs. On a generated
 * store (two experiments, four runs, one deleted) and on the real one-run store of ../shared.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listMlflowRuns } from '../server/src/ingest/mlflow';
import { runCli } from './support/cli';
import { ROOT } from './support/lsp';

const REAL_STORE = path.resolve(ROOT, '..', 'shared', 'fixtures', 'real', 'training_logs', 'mlruns_deepcnnclassifier');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-mlruns-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

interface GenRun {
  experiment: string;
  id: string;
  name: string;
  lr: string;
  losses: number[];
  deleted?: boolean;
}

/** A file store as MLflow 2.x writes it: mlruns/<exp>/meta.yaml, mlruns/<exp>/<run>/{meta.yaml,metrics,params,tags}. */
function writeStore(root: string, experiments: Record<string, string>, runs: GenRun[]): string {
  const store = path.join(root, 'mlruns');
  for (const [id, name] of Object.entries(experiments)) {
    fs.mkdirSync(path.join(store, id), { recursive: true });
    fs.writeFileSync(path.join(store, id, 'meta.yaml'), `artifact_location: file:///tmp/mlruns/${id}\nexperiment_id: '${id}'\nlifecycle_stage: active\nname: ${name}\n`);
  }
  for (const r of runs) {
    const dir = path.join(store, r.experiment, r.id);
    for (const sub of ['metrics', 'params', 'tags']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
    fs.writeFileSync(path.join(dir, 'meta.yaml'), `artifact_uri: file:///tmp/mlruns/${r.experiment}/${r.id}/artifacts\nend_time: 1700000100000\nentry_point_name: ''\nexperiment_id: '${r.experiment}'\nlifecycle_stage: ${r.deleted ? 'deleted' : 'active'}\nrun_id: ${r.id}\nrun_name: ${r.name}\nrun_uuid: ${r.id}\nstatus: 3\n`);
    fs.writeFileSync(path.join(dir, 'tags', 'mlflow.runName'), r.name);
    fs.writeFileSync(path.join(dir, 'params', 'learning_rate'), r.lr);
    fs.writeFileSync(path.join(dir, 'metrics', 'loss'), r.losses.map((v, i) => `${1700000000000 + i} ${v} ${i * 10}\n`).join(''));
  }
  return store;
}

const STORE = writeStore(
  tmp,
  { '0': 'Default', '1': 'dpo-sweep' },
  [
    { experiment: '0', id: 'aaaa1111bbbb2222cccc3333dddd4444', name: 'baseline', lr: '1e-5', losses: [1.0, 0.8, 0.7] },
    { experiment: '1', id: 'bbbb1111bbbb2222cccc3333dddd4444', name: 'beta-0.1', lr: '5e-6', losses: [1.1, 0.6, 0.5, 0.45] },
    { experiment: '1', id: 'bbbb9999bbbb2222cccc3333dddd4444', name: 'beta-0.1', lr: '2e-6', losses: [1.2, 0.9] },
    { experiment: '1', id: 'cccc1111bbbb2222cccc3333dddd4444', name: 'gone', lr: '1e-4', losses: [9], deleted: true },
  ],
);

const json = (args: string[]) => {
  const r = runCli(args);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown> & { run: string; metrics: Record<string, { last: number; count: number }> };
};

test('a store of several runs: listed with id, name and experiment; deleted runs left out', () => {
  const runs = listMlflowRuns(STORE);
  assert.deepEqual(
    runs.map((r) => [r.runId, r.name, r.experimentId, r.experiment]),
    [
      ['aaaa1111bbbb2222cccc3333dddd4444', 'baseline', '0', 'Default'],
      ['bbbb1111bbbb2222cccc3333dddd4444', 'beta-0.1', '1', 'dpo-sweep'],
      ['bbbb9999bbbb2222cccc3333dddd4444', 'beta-0.1', '1', 'dpo-sweep'],
    ],
  );
});

test('analyze training on an ambiguous store without --run: refused, listing the runs and the flag', () => {
  const r = runCli(['analyze', 'training', STORE]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /holds 3 MLflow runs: aaaa1111bbbb2222cccc3333dddd4444 "baseline" \(experiment 0 "Default"\), bbbb1111\S+ "beta-0\.1" \(experiment 1 "dpo-sweep"\)/);
  assert.match(r.stderr, /--run RUN_ID_OR_NAME/);
  assert.doesNotMatch(r.stderr, /gone/);
});

test('--run picks a run by name, id or id prefix; the result is that run', () => {
  const byName = json(['analyze', 'training', STORE, '--run', 'baseline', '--format', 'json']);
  assert.equal(byName.run, 'baseline');
  assert.equal(byName.metrics['loss']!.last, 0.7);
  assert.equal(byName.metrics['loss']!.count, 3);
  const byId = json(['analyze', 'training', STORE, '--run', 'bbbb9999bbbb2222cccc3333dddd4444', '--format', 'json']);
  assert.equal(byId.metrics['loss']!.last, 0.9);
  const byPrefix = json(['analyze', 'training', STORE, '--run', 'bbbb1111', '--format', 'json']);
  assert.equal(byPrefix.metrics['loss']!.last, 0.45);
  // The experiment folder is a store of its own.
  const inExperiment = json(['analyze', 'training', path.join(STORE, '1'), '--run', 'bbbb1111', '--format', 'json']);
  assert.equal(inExperiment.metrics['loss']!.count, 4);
});

test('--run that matches no run, several runs, or a file with one run: clear messages', () => {
  const none = runCli(['analyze', 'training', STORE, '--run', 'nope']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /has no MLflow run with id or name "nope"; its 3 runs are: aaaa1111/);
  const twoNamed = runCli(['analyze', 'training', STORE, '--run', 'beta-0.1']);
  assert.equal(twoNamed.code, 2);
  assert.match(twoNamed.stderr, /has 2 MLflow runs named "beta-0\.1": bbbb1111\S+ .*bbbb9999\S+ .*pass --run with the run id/);
  const prefix = runCli(['analyze', 'training', STORE, '--run', 'bbbb']);
  assert.match(prefix.stderr, /run id prefix "bbbb" matches 2 MLflow runs/);
  const jsonl = path.join(tmp, 'log.jsonl');
  fs.writeFileSync(jsonl, '{"step": 1, "loss": 1}\n{"step": 2, "loss": 0.5}\n');
  const file = runCli(['analyze', 'training', jsonl, '--run', 'x']);
  assert.equal(file.code, 2);
  assert.match(file.stderr, /log\.jsonl: is jsonl, which holds one run: --run/);
});

test('compare mlruns/ expands to every live run of the store, with their params as hyperparameters', () => {
  const r = runCli(['compare', STORE, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { runs: { name: string; metrics: Record<string, { last: number }> }[]; hyperparameters: Record<string, Record<string, unknown>> };
  assert.deepEqual(out.runs.map((x) => x.name), ['baseline', 'beta-0.1', 'beta-0.1 (2)']);
  assert.deepEqual(out.runs.map((x) => x.metrics['loss']!.last), [0.7, 0.45, 0.9]);
  assert.deepEqual(out.hyperparameters['learning_rate'], { baseline: '1e-5', 'beta-0.1': '5e-6', 'beta-0.1 (2)': '2e-6' });
});

test('the real one-run store of ../shared: --run by id selects it, a wrong --run lists it', (t) => {
  if (!fs.existsSync(REAL_STORE)) return t.skip(`${REAL_STORE} is absent (../shared fixtures not available)`);
  const ok = json(['analyze', 'training', REAL_STORE, '--run', 'cb0096518b0e4c66a94428555f05420b', '--format', 'json']);
  assert.equal(ok.run, 'cb0096518b0e4c66a94428555f05420b');
  assert.equal(ok.metrics['loss']!.last, 3.2727866172790527);
  const bad = runCli(['analyze', 'training', REAL_STORE, '--run', 'other']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /has no MLflow run with id or name "other"; its run is: cb0096518b0e4c66a94428555f05420b \(experiment 0 "Default"\)/);
  // compare of the store alone: its one run.
  const cmp = runCli(['compare', REAL_STORE, '--format', 'json']);
  assert.equal(cmp.code, 0, cmp.stderr);
  assert.equal((JSON.parse(cmp.stdout) as { runs: unknown[] }).runs.length, 1);
});
