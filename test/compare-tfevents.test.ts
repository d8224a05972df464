/**
 * TensorBoard runs in `rlhf-lens compare` and the Runs view, on the real event files of
 * ../shared/fixtures/real/tfevents (read in place; the run folders below are symlinks to them):
 * the metric-at-step table against an independent Python decoder (test/oracles/compare_tfevents.py),
 * hyperparameters from the hparams plugin's session_start_info, else from the config beside the run,
 * and rlhfLens/listRuns over the protocol listing event-file folders as runs.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './support/cli';
import { LspClient, ROOT } from './support/lsp';
import { assertClose } from './oracles/analyses-oracle';
import { findRunLog } from '../server/src/engine/runs';

const TF = path.resolve(ROOT, '..', 'shared', 'fixtures', 'real', 'tfevents');
const absent = !fs.existsSync(TF) ? `${TF} is absent (../shared fixtures not available)` : undefined;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const oracle = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'oracles', 'compare-tfevents.json'), 'utf8')) as { steps: number[]; runs: any[] };

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-compare-tf-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

interface Metric { count: number; last: number; last_step: number; min: number; min_step: number; max: number; max_step: number; at_step: number | null; at_step_step: number | null }
interface Compare { step: number | null; runs: { name: string; source: string; format: string; metrics: Record<string, Metric> }[]; hyperparameters: Record<string, Record<string, unknown>>; hyperparameter_sources: Record<string, Record<string, { file: string; line: number | null } | null>> }

for (const step of oracle.steps) {
  test(`compare --step ${step} on the real TensorBoard event files matches the Python decoder`, { skip: absent }, () => {
    const r = runCli(['compare', ...oracle.runs.map((x) => path.join(TF, x.path)), '--step', String(step), '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Compare;
    assert.equal(out.runs.length, oracle.runs.length);
    oracle.runs.forEach((expected, i) => {
      const got = out.runs[i]!;
      assert.equal(got.format, 'tfevents');
      assert.deepEqual(Object.keys(got.metrics).sort(), Object.keys(expected.metrics).sort(), `${expected.path}: metric names`);
      for (const [name, m] of Object.entries(expected.metrics as Record<string, Record<string, number>>)) {
        for (const [k, v] of Object.entries(m)) assertClose(got.metrics[name]![k as 'last'], v, `${expected.path} ${name}.${k}`, 1e-12);
        const at = expected.at[String(step)][name];
        assertClose(got.metrics[name]!.at_step, at.at_step, `${expected.path} ${name} at ${step}`, 1e-12);
        assertClose(got.metrics[name]!.at_step_step, at.at_step_step, `${expected.path} ${name} logged at`, 1e-12);
      }
    });
    // Run names: the part of each file name before ".events.out.tfevents".
    assert.deepEqual(out.runs.map((x) => x.name), ['janosh_tensorboard-reducer_strict-run1', 'janosh_tensorboard-reducer_duplicate-steps-run1', 'BullsEye268_da6401_assignment3_lightning-v15-fit', 'ayush2929_ANN-Churn_classification_keras-fit-train', 'ayush2929_ANN-Churn_classification_keras-fit-validation']);
  });
}

/** A folder of symlinks to the real files, laid out as the tools write them. */
function link(rel: string, file: string): void {
  const to = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.symlinkSync(path.join(TF, file), to);
}

test('hyperparameters of a TensorBoard run come from its hparams plugin summary, else from the config beside it', { skip: absent }, () => {
  const fit = oracle.runs.find((x) => x.path.includes('lightning-v15-fit'));
  link('lightning_logs/version_15/events.out.tfevents.1747479572.fit', fit.path);
  link('lightning_logs/version_15/events.out.tfevents.1747480558.test', 'BullsEye268_da6401_assignment3_lightning-v15-test.events.out.tfevents.1747480558.DESKTOP-07FV8E1.24880.3');
  // A SummaryWriter run without hparams, with the config its script saved beside it.
  link('writer/strict/events.out.tfevents.1622543341.strict', oracle.runs[0].path);
  fs.writeFileSync(path.join(tmp, 'writer/strict/config.yaml'), 'learning_rate: 0.01\ncell_type: lstm\nseed: 3\n');
  const v15 = path.join(tmp, 'lightning_logs/version_15');
  assert.deepEqual(findRunLog(v15), { log: v15, kind: 'tfevents' });
  const r = runCli(['compare', v15, path.join(tmp, 'writer/strict'), '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as Compare;
  assert.deepEqual(out.runs.map((x) => [x.name, x.format]), [['version_15', 'tfevents'], ['strict', 'tfevents']]);
  // The fit and test files are one run: test_loss is there beside val_loss.
  assertClose(out.runs[0]!.metrics['test_loss']!.last, 0.495658, 'test_loss of the merged run (SOURCES.md)', 1e-6);
  assertClose(out.runs[0]!.metrics['val_loss']!.last, fit.metrics.val_loss.last, 'val_loss of the merged run', 1e-12);
  // The hparams plugin's values, typed as it recorded them (numbers as numbers), against the oracle's decode.
  const hp = fit.hparams as Record<string, unknown>;
  assert.deepEqual(out.hyperparameters['learning_rate'], { version_15: hp['learning_rate'], strict: 0.01 });
  assert.deepEqual(out.hyperparameters['cell_type'], { version_15: hp['cell_type'], strict: 'lstm' });
  assert.deepEqual(out.hyperparameters['hidden_size'], { version_15: hp['hidden_size'], strict: null });
  assert.deepEqual(out.hyperparameters['seed'], { version_15: null, strict: 3 });
  // Where each value was recorded: the event file (binary: no line), the config with its line.
  assert.deepEqual(out.hyperparameter_sources['learning_rate'], {
    version_15: { file: path.join(v15, 'events.out.tfevents.1747479572.fit'), line: null },
    strict: { file: path.join(tmp, 'writer/strict/config.yaml'), line: 1 },
  });
});

test('the Runs view lists TensorBoard run folders over the protocol (a Keras log_dir is two runs, as TensorBoard shows it); an HF output folder is listed once', { skip: absent }, async () => {
  const ws = path.join(tmp, 'ws');
  const keras = oracle.runs.filter((x) => x.path.includes('keras'));
  link('ws/logs/fit/20250623-154041/train/events.out.tfevents.1750673442.train.v2', keras[0].path);
  link('ws/logs/fit/20250623-154041/validation/events.out.tfevents.1750673442.validation.v2', keras[1].path);
  fs.mkdirSync(path.join(ws, 'out/rm'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'out/rm/trainer_state.json'), JSON.stringify({ global_step: 2, max_steps: 2, log_history: [{ step: 1, loss: 1 }, { step: 2, loss: 0.5 }] }));
  link('ws/out/rm/runs/Dec01_host/events.out.tfevents.1.host', oracle.runs[0].path);
  const client = await LspClient.start({ rootPath: ws });
  try {
    const { runs } = await client.request<{ runs: { name: string; path: string; format: string; group: string; last_step: number; headline: Record<string, number>; error?: string }[] }>('rlhfLens/listRuns', {});
    const shown = runs.map((r) => [r.group, r.name, r.format, r.last_step]).sort();
    assert.deepEqual(shown, [
      ['logs/fit/20250623-154041', 'train', 'tfevents', 14],
      ['logs/fit/20250623-154041', 'validation', 'tfevents', 9500],
      ['out', 'rm', 'trainer_state', 2],
    ]);
    const train = runs.find((r) => r.name === 'train')!;
    assertClose(train.headline['epoch_loss']!, keras[0].metrics.epoch_loss.last, 'train epoch_loss headline', 1e-12);
    // Selecting both opens a comparison: the two Keras runs side by side.
    const compared = await client.request<{ runs: { name: string; metrics: Record<string, Metric> }[] }>('rlhfLens/compareRuns', { paths: runs.filter((r) => r.format === 'tfevents').map((r) => r.path).sort() });
    assert.deepEqual(compared.runs.map((r) => r.name), ['train', 'validation']);
    assertClose(compared.runs[1]!.metrics['epoch_accuracy']!.last, keras[1].metrics.epoch_accuracy.last, 'validation epoch_accuracy', 1e-12);
  } finally {
    await client.stop();
  }
});
