/**
 * `rlhf-lens check` as a process on pipelines with `baseline:` checks: a training figure against an
 * earlier run (pass within the bound, fail beyond it and beyond noise, with the numbers), an
 * analysis figure against an earlier eval file (noise from its interval), errors that name the
 * baseline, and the verdicts kept in the store with their hashes.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './support/cli';
import { ROOT } from './support/lsp';
import { Store } from '../server/src/engine/store';
import { wilsonInterval } from '../server/src/analysis/preference-eval';

const WS = path.join(ROOT, 'examples', 'workspace');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-cli-baseline-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

/** A trainer_state.json whose eval_loss alternates level and level + 0.001 (30 evals, every 10 steps). */
function run(name: string, level: number): string {
  const folder = path.join(dir, 'runs', name);
  fs.mkdirSync(folder, { recursive: true });
  const log_history = Array.from({ length: 30 }, (_, i) => ({ step: (i + 1) * 10, epoch: (i + 1) / 30, eval_loss: level + (i % 2) * 0.001 }));
  fs.writeFileSync(path.join(folder, 'trainer_state.json'), JSON.stringify({ global_step: 300, max_steps: 300, log_history }, null, 1));
  fs.writeFileSync(path.join(folder, 'training_args.json'), JSON.stringify({ learning_rate: level > 0.42 ? 3e-4 : 1e-4 }));
  return folder;
}
run('base', 0.4);
run('rerun', 0.402);
run('worse', 0.45);

// Noise of each run's last eval_loss: the changes over the last 20 points alternate +0.001 / -0.001:
// interquartile range 0.002 (numpy linear quantiles of 10 x -0.001 and 9 x +0.001), / 1.349 / sqrt 2.
const IQR_TO_SD = 1.3489795003921634;
const RUN_NOISE = 0.002 / IQR_TO_SD / Math.SQRT2;
const DIFF_NOISE = Math.sqrt(2) * RUN_NOISE;

const pipeline = (name: string, data: string, bound: string, baseline = 'runs/base') => {
  const file = path.join(dir, `${name}.pipeline.yaml`);
  fs.writeFileSync(
    file,
    `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata: {name: ${name}}
stages:
  - id: train
    phase: training
    checks:
      - analysis: training
        data: ${data}
        baseline: ${baseline}
        assert:
          eval_loss.last: {max_vs_baseline: "${bound}"}
          eval_loss.min: {max: 1}
`,
  );
  return file;
};

interface Assert { metric: string; value: number | null; baseline?: number; limit?: number; noise?: number; max?: number; max_vs_baseline?: string; passed: boolean; message: string }
interface Out { pipelines: { checks: { status: string; asserts: Assert[]; error?: string }[] }[]; summary: Record<string, number> }

test('a rerun within +2% of its baseline passes; the numbers are the runs\' own', () => {
  const file = pipeline('rerun', 'runs/rerun', '+2%');
  const r = runCli(['check', file, '--format', 'json'], { cwd: dir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const check = (JSON.parse(r.stdout) as Out).pipelines[0]!.checks[0]!;
  assert.equal(check.status, 'passed');
  const [vs, plain] = check.asserts;
  // The last eval is the 30th (i = 29, odd): level + 0.001.
  assert.equal(vs!.value, 0.403);
  assert.equal(vs!.baseline, 0.401);
  assert.ok(Math.abs(vs!.limit! - 0.401 * 1.02) < 1e-12);
  assert.ok(Math.abs(vs!.noise! - DIFF_NOISE) < 1e-12, `noise ${vs!.noise}`);
  assert.equal(vs!.max_vs_baseline, '+2%');
  assert.equal(vs!.message, 'eval_loss.last 0.403 <= 0.409 (baseline 0.401 +2%)');
  // The plain bound beside it is judged as always.
  assert.deepEqual([plain!.metric, plain!.value, plain!.max, plain!.passed], ['eval_loss.min', 0.402, 1, true]);
});

test('a run worse than its baseline beyond the bound and beyond noise fails with the numbers; over the bound but within noise passes', () => {
  const file = pipeline('worse', 'runs/worse/trainer_state.json', '+2%');
  const r = runCli(['check', file, '--format', 'json'], { cwd: dir });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const check = (JSON.parse(r.stdout) as Out).pipelines[0]!.checks[0]!;
  assert.equal(check.status, 'failed');
  const vs = check.asserts[0]!;
  assert.deepEqual([vs.value, vs.baseline, vs.passed], [0.451, 0.401, false]);
  assert.equal(vs.message, `eval_loss.last 0.451 > 0.409 (baseline 0.401 +2%) by more than noise (2 x ${Number(DIFF_NOISE.toPrecision(4))})`);
  // The text table shows the limit, the baseline and the noise.
  const text = runCli(['check', file], { cwd: dir });
  assert.equal(text.code, 1);
  assert.match(text.stdout, /eval_loss\.last\s+0\.451\s+<= 0\.409 \(baseline 0\.401 \+2%, noise 0\.00148\)\s+FAIL/);
  // rerun is 0.002 above the baseline: over a +0.1% limit (0.4014) by 0.0016, which is less than 2 sd (0.0030).
  const within = runCli(['check', pipeline('within', 'runs/rerun', '+0.1%'), '--format', 'json'], { cwd: dir });
  assert.equal(within.code, 0, within.stdout);
  const w = (JSON.parse(within.stdout) as Out).pipelines[0]!.checks[0]!.asserts[0]!;
  assert.equal(w.passed, true);
  assert.match(w.message, /^eval_loss\.last 0\.403 > 0\.4014 \(baseline 0\.401 \+0\.1%\) within noise/);
});

test('the example workspace: the r32 run against the first run at +2% passes with the figures the runs logged', () => {
  const file = pipeline('example', path.join(WS, 'runs/rm-llama8b-lora-r32'), '+2%', path.join(WS, 'runs/rm-llama8b-lora'));
  const r = runCli(['check', file, '--format', 'json'], { cwd: dir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const vs = (JSON.parse(r.stdout) as Out).pipelines[0]!.checks[0]!.asserts[0]!;
  assert.deepEqual([vs.value, vs.baseline], [0.4029, 0.398]);
});

test('an analysis figure against an earlier eval file: preference-eval accuracy with its Wilson interval as noise', () => {
  // Baseline: 80 of 100 pairs right; new: 60 of 100 (min_vs_baseline -5%: limit 0.76, 0.16 below, noise ~0.06).
  const pairs = (right: number) => Array.from({ length: 100 }, (_, i) => JSON.stringify({ chosen_score: i < right ? 1 : 0, rejected_score: i < right ? 0 : 1 })).join('\n');
  fs.mkdirSync(path.join(dir, 'eval'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'eval', 'old.jsonl'), pairs(80));
  fs.writeFileSync(path.join(dir, 'eval', 'new.jsonl'), pairs(60));
  const file = path.join(dir, 'rm.pipeline.yaml');
  fs.writeFileSync(
    file,
    `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata: {name: rm}
stages:
  - id: eval
    phase: evaluation
    checks:
      - analysis: preference-eval
        data: eval/new.jsonl
        baseline: eval/old.jsonl
        assert: {accuracy: {min_vs_baseline: -5%}}
`,
  );
  const r = runCli(['check', file, '--format', 'json'], { cwd: dir });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const vs = (JSON.parse(r.stdout) as Out).pipelines[0]!.checks[0]!.asserts[0]!;
  const se = (ci: [number, number]) => (ci[1] - ci[0]) / 2 / 1.959963984540054;
  const noise = Math.hypot(se(wilsonInterval(60, 100, 0.95)), se(wilsonInterval(80, 100, 0.95)));
  assert.deepEqual([vs.value, vs.baseline, vs.passed], [0.6, 0.8, false]);
  assert.ok(Math.abs(vs.limit! - 0.76) < 1e-12);
  assert.ok(Math.abs(vs.noise! - noise) < 1e-9, `${vs.noise} vs ${noise}`);
  assert.match(vs.message, /^accuracy 0\.6 < 0\.76 \(baseline 0\.8 -5%\) by more than noise/);
  // Swapped: the old file against the new one as baseline passes.
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('data: eval/new.jsonl', 'data: eval/old.jsonl').replace('baseline: eval/old.jsonl', 'baseline: eval/new.jsonl'));
  assert.equal(runCli(['check', file], { cwd: dir }).code, 0);
});

test('a missing baseline is an error naming it; a bound without baseline: is an invalid check', () => {
  const missing = runCli(['check', pipeline('missing', 'runs/rerun', '+2%', 'runs/nope'), '--format', 'json'], { cwd: dir });
  assert.equal(missing.code, 1);
  const check = (JSON.parse(missing.stdout) as Out).pipelines[0]!.checks[0]!;
  assert.equal(check.status, 'error');
  assert.match(check.error!, /^baseline runs\/nope: .*nope: no such file or folder/);
  // The check's own bounds were still judged.
  assert.deepEqual(check.asserts.map((a) => [a.metric, a.passed]), [['eval_loss.min', true]]);
  const file = pipeline('nobase', 'runs/rerun', '+2%');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/ {8}baseline: .*\n/, ''));
  const r = runCli(['check', file], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /ERROR: eval_loss\.last: max_vs_baseline needs baseline: on the check/);
});

test('with --db every check\'s verdicts are kept with the hashes of its inputs and config; an unchanged rerun adds no row', async () => {
  const db = path.join(dir, 'history.sqlite');
  const file = pipeline('history', 'runs/rerun', '+2%');
  assert.equal(runCli(['check', file, '--db', db], { cwd: dir }).code, 0);
  assert.equal(runCli(['check', file, '--db', db], { cwd: dir }).code, 0);
  // The run is overwritten with a worse one: a new row, failed.
  run('rerun', 0.45);
  assert.equal(runCli(['check', file, '--db', db], { cwd: dir }).code, 1);
  run('rerun', 0.402);
  const store = await Store.open(db);
  try {
    const rows = store.checkResults(file, 'train', 0);
    assert.deepEqual(rows.map((x) => x.status), ['failed', 'passed']);
    assert.notEqual(rows[0]!.inputHash, rows[1]!.inputHash);
    assert.equal(rows[0]!.configHash, rows[1]!.configHash);
    assert.equal((rows[0]!.verdicts[0] as Assert).value, 0.451);
    assert.equal((rows[1]!.verdicts[0] as Assert).baseline, 0.401);
  } finally {
    store.close();
  }
});
