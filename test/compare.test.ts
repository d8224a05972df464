/** Run comparison: the metric-at-step table on the real logs vs an independent Python oracle; hyperparameter diffs with their lines; the CLI. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareRunPaths, findRunLog } from '../server/src/engine/runs';
import { compareRuns, lowerIsBetter } from '../server/src/analysis/compare';
import { runCli } from './support/cli';
import { ROOT } from './support/lsp';
import { assertClose } from './oracles/analyses-oracle';

const REAL = path.resolve(ROOT, '..', 'shared', 'fixtures', 'real');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const oracle = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'oracles', 'compare-runs.json'), 'utf8')) as { steps: number[]; runs: any[] };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-compare-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

for (const step of oracle.steps) {
  test(`compare --step ${step} on the real logs of ../shared matches the Python oracle`, async (t) => {
    if (!fs.existsSync(REAL)) return t.skip(`${REAL} is absent (../shared fixtures not available)`);
    const result = await compareRunPaths(
      oracle.runs.map((r) => path.join(REAL, r.path)),
      { step },
    );
    assert.equal(result.runs.length, oracle.runs.length);
    oracle.runs.forEach((expected, i) => {
      const got = result.runs[i]!;
      assert.deepEqual(Object.keys(got.metrics).sort(), Object.keys(expected.metrics).sort(), `${expected.path}: metric names`);
      for (const [name, m] of Object.entries(expected.metrics as Record<string, Record<string, number>>)) {
        for (const [k, v] of Object.entries(m)) assertClose(got.metrics[name]![k as 'last'], v, `${expected.path} ${name}.${k}`, 1e-12);
        const at = expected.at[String(step)][name];
        assertClose(got.metrics[name]!.at_step, at.at_step, `${expected.path} ${name} at ${step}`, 1e-12);
        assertClose(got.metrics[name]!.at_step_step, at.at_step_step, `${expected.path} ${name} logged at`, 1e-12);
      }
    });
  });
}

test('compare on the real logs: the hyperparameters that differ, each with its file and line', async (t) => {
  if (!fs.existsSync(REAL)) return t.skip(`${REAL} is absent (../shared fixtures not available)`);
  const a = path.join(REAL, 'trainer_state/autoscientist_root_evalloss_trainer_state.json');
  const b = path.join(REAL, 'trainer_state/autoscientist_translation_evalloss_trainer_state.json');
  const r = await compareRunPaths([a, b]);
  // Both runs record eval_steps 4 vs 16, max_steps 21 vs 81, num_train_epochs 1 vs 3; logging_steps etc. agree.
  assert.deepEqual(Object.keys(r.hyperparameters), ['eval_steps', 'max_steps', 'num_train_epochs']);
  assert.deepEqual(r.hyperparameters['eval_steps'], { autoscientist_root_evalloss: 4, autoscientist_translation_evalloss: 16 });
  for (const [k, byRun] of Object.entries(r.hyperparameter_sources)) {
    for (const [run, src] of Object.entries(byRun)) {
      const lines = fs.readFileSync(src!.file, 'utf8').split('\n');
      assert.match(lines[src!.line! - 1]!, new RegExp(`^\\s*"${k}":`), `${run} ${k} points at its line`);
    }
  }
});

test('a run folder: its latest checkpoint, configs saved beside it (YAML and JSON) with lines, MLflow params', async () => {
  const mk = (rel: string, text: string) => {
    const f = path.join(tmp, rel);
    fs.mkdirSync(path.dirname(f), { recursive: true });
    fs.writeFileSync(f, text);
    return f;
  };
  const state = (lr: number) => JSON.stringify({ global_step: 20, train_batch_size: 8, log_history: [{ step: 10, loss: 1.5, learning_rate: lr }, { step: 20, loss: 1.2, eval_loss: 1.4 }] }, null, 2);
  mk('runA/checkpoint-10/trainer_state.json', state(1));
  mk('runA/checkpoint-20/trainer_state.json', state(2));
  mk('runA/checkpoint-20/adapter_config.json', JSON.stringify({ r: 16, lora_alpha: 32, target_modules: ['q_proj', 'v_proj'] }, null, 2));
  mk('runA/hparams.yaml', 'optimizer:\n  name: adamw\n  lr: 1.0e-5\nseed: 1\n');
  mk('runB/trainer_state.json', state(3));
  mk('runB/adapter_config.json', JSON.stringify({ r: 32, lora_alpha: 32, target_modules: ['q_proj', 'v_proj'] }, null, 2));
  mk('runB/hparams.yaml', 'seed: 1\noptimizer:\n  name: adamw\n  lr: 3.0e-5\n');
  assert.equal(findRunLog(path.join(tmp, 'runA')).log, path.join(tmp, 'runA/checkpoint-20/trainer_state.json'));
  const r = await compareRunPaths([path.join(tmp, 'runA'), path.join(tmp, 'runB')], { step: 15 });
  assert.deepEqual(r.runs.map((x) => x.name), ['runA', 'runB']);
  assert.deepEqual(r.hyperparameters, { 'optimizer.lr': { runA: 1e-5, runB: 3e-5 }, r: { runA: 16, runB: 32 } });
  assert.deepEqual(r.hyperparameter_sources['optimizer.lr'], { runA: { file: path.join(tmp, 'runA/hparams.yaml'), line: 3 }, runB: { file: path.join(tmp, 'runB/hparams.yaml'), line: 4 } });
  assert.deepEqual(r.hyperparameter_sources['r'], { runA: { file: path.join(tmp, 'runA/checkpoint-20/adapter_config.json'), line: 2 }, runB: { file: path.join(tmp, 'runB/adapter_config.json'), line: 2 } });
  assert.equal(r.runs[0]!.metrics['loss']!.at_step, 1.5);
  assert.equal(r.runs[0]!.metrics['eval_loss']!.at_step, null);
  assert.equal(r.runs[0]!.metrics['eval_loss']!.best, 1.4);
});

test('best is the minimum for losses and the maximum for accuracies and rewards', () => {
  assert.ok(lowerIsBetter('eval_loss') && lowerIsBetter('train/loss') && lowerIsBetter('objective/kl') && lowerIsBetter('perplexity'));
  assert.ok(!lowerIsBetter('rewards/accuracies') && !lowerIsBetter('eval_accuracy') && !lowerIsBetter('rewards/margins'));
  const r = compareRuns([{ name: 'a', source: 'a', format: 'jsonl', series: { acc: { steps: Float64Array.from([1, 2, 3]), values: Float64Array.from([0.5, 0.9, 0.7]) } }, hyperparameters: { lr: { value: '0.001' } } }, { name: 'b', source: 'b', format: 'jsonl', series: {}, hyperparameters: { lr: { value: 0.001 } } }]);
  assert.equal(r.runs[0]!.metrics['acc']!.best, 0.9);
  assert.equal(r.runs[0]!.metrics['acc']!.best_step, 2);
  // "0.001" from MLflow and 0.001 from a YAML config are the same setting.
  assert.deepEqual(r.hyperparameters, {});
});

test('rlhf-lens compare --format json has the contract fields; a bad run is a clear error', (t) => {
  if (!fs.existsSync(REAL)) return t.skip(`${REAL} is absent (../shared fixtures not available)`);
  const r = runCli(['compare', path.join(REAL, 'trainer_state/autoscientist_root_evalloss_trainer_state.json'), path.join(REAL, 'training_logs/mlruns_deepcnnclassifier'), '--step', '10', '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.step, 10);
  assert.deepEqual(out.runs.map((x: { name: string }) => x.name), ['autoscientist_root_evalloss', 'cb0096518b0e4c66a94428555f05420b']);
  for (const k of ['last', 'last_step', 'min', 'min_step', 'max', 'max_step', 'at_step']) assert.ok(k in out.runs[0].metrics.loss, k);
  assert.equal(out.hyperparameters.LEARNING_RATE.cb0096518b0e4c66a94428555f05420b, '0.01');
  assert.equal(out.hyperparameters.LEARNING_RATE.autoscientist_root_evalloss, null);
  const text = runCli(['compare', path.join(REAL, 'trainer_state/autoscientist_root_evalloss_trainer_state.json'), path.join(REAL, 'trainer_state/autoscientist_translation_evalloss_trainer_state.json'), '--metric', 'eval_loss']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /eval_loss\n/);
  assert.match(text.stdout, /3 hyperparameters differ/);
  const bad = runCli(['compare', tmp + '/nothing-here']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /nothing-here: no such file or folder/);
  fs.mkdirSync(path.join(tmp, 'empty'), { recursive: true });
  const empty = runCli(['compare', path.join(tmp, 'empty')]);
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /holds no training log/);
});
