/**
 * No silent wrong answers (issue 17) on real third-party files, read in place from
 * ../shared/fixtures/real (see its SOURCES.md; skipped with the reason when it is absent):
 * a trainer's own remaining_time in a trainer_state.json, and drift on the free-text column of a
 * real preference-prompt Parquet file.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli } from './support/cli';
import { ROOT } from './support/lsp';
import { runAnalysis } from '../server/src/engine/run';
import { parseRunOptions } from '../server/src/engine/options';
import { durationSeconds } from '../server/src/engine/inputs';
import { openDataSource } from '../server/src/ingest/read';
import { trainerProgress } from '../server/src/report/dashboard-data';
import type { TrainingResult } from '../server/src/analysis/types';

const REAL = path.resolve(ROOT, '..', 'shared', 'fixtures', 'real');
const skip = !fs.existsSync(REAL) && `${REAL} is absent (a clone without ../shared)`;
const STAR = path.join(REAL, 'trainer_state', 'star_large_2000entries_trainer_state.json');
const BEAVER = path.join(REAL, 'parquet', 'PKU-Alignment_Beaver-zh-hk_safety-prompts-test.parquet');
const GSM8K = path.join(REAL, 'parquet', 'hula0401_news_GRPO_verl-gsm8k-test.parquet');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-real-logs-'));

type R = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

test('durations as trainers log them: H:MM:SS, "N days, H:MM:SS", and unit-suffixed parts', () => {
  assert.equal(durationSeconds('0:12:34'), 754);
  assert.equal(durationSeconds('2 days, 1:00:00'), 2 * 86400 + 3600);
  assert.equal(durationSeconds('59h:30m:19s'), 59 * 3600 + 30 * 60 + 19);
  assert.equal(durationSeconds('1d 2h 3m'), 86400 + 2 * 3600 + 180);
  assert.equal(durationSeconds('45m'), 2700);
  assert.equal(durationSeconds('12.5s'), 12.5);
  assert.equal(durationSeconds(90), 90);
  // Not a duration: no number is made up.
  for (const bad of ['', 'soon', '12', '1:2', 'h', '-5s', '3 weeks']) assert.equal(durationSeconds(bad), undefined, bad);
});

test('a real trainer_state.json with remaining_time strings ("50h:50m:26s"): the ETA is the log\'s own, remaining_time is not a metric', { skip }, async () => {
  const state = JSON.parse(fs.readFileSync(STAR, 'utf8')) as { global_step: number; max_steps: number; log_history: R[] };
  const last = state.log_history[state.log_history.length - 1]!;
  assert.equal(last['remaining_time'], '50h:50m:26s');
  const outcome = await runAnalysis('training', STAR, parseRunOptions({}, tmp));
  const r = outcome.result as unknown as TrainingResult;
  assert.equal(r.metrics['remaining_time'], undefined);
  assert.deepEqual(r.progress, { step: 40000, total_steps: null, percentage: null, elapsed_seconds: null, remaining_seconds: 50 * 3600 + 50 * 60 + 26 });
  // The dashboard: planned length from trainer_state.json, the ETA the trainer wrote, epochs from the log.
  const shown = trainerProgress(STAR, r.steps, r.progress, r.metrics['epoch']);
  assert.deepEqual(shown.progress, { step: 40000, max_steps: state.max_steps, running: true, eta_seconds: 183026 });
  assert.ok(Math.abs(shown.steps_per_epoch! - 40000 / (last['epoch'] as number)) < 1e-9);
  const text = runCli(['analyze', 'training', STAR]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /progress: step 40,?000, elapsed -, remaining 50:50:26/);
});

test('drift on a real Parquet file\'s prompt column (2508 Chinese prompts): refused as free text with the hint; length(prompt) matches scipy', { skip }, async () => {
  const r = runCli(['analyze', 'drift', BEAVER, '--reference', BEAVER, '--column', 'prompt']);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /Beaver-zh-hk_safety-prompts-test\.parquet: "prompt" looks like free text: 2027 distinct values in 2508 rows.*--column "length\(prompt\)"/);
  assert.ok(r.stderr.length < 1000, `a short refusal (${r.stderr.length} chars)`);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  // Lengths: Beaver's prompt strings against GSM8K's prompt chat messages (one user message each).
  const out = runCli(['analyze', 'drift', GSM8K, '--reference', BEAVER, '--column', 'length(prompt)', '--format', 'json']);
  assert.equal(out.code, 0, out.stderr);
  const d = JSON.parse(out.stdout) as R;
  assert.equal(d['kind'], 'numeric');
  assert.equal(d['n_reference'], 2508);
  assert.equal(d['n_current'], 1319);
  const lengths = async (file: string) => {
    const source = await openDataSource(file);
    const out: number[] = [];
    for await (const row of source.rows) {
      const p = row.value['prompt'];
      // Python's len: code points; a chat is the sum of its messages' contents.
      out.push(typeof p === 'string' ? [...p].length : (p as { content: string }[]).reduce((s, m) => s + [...m.content].length, 0));
    }
    return out;
  };
  const script = 'import json,sys\nfrom scipy import stats\nd=json.load(sys.stdin)\nprint(json.dumps({"w": stats.wasserstein_distance(d[0], d[1]), "ks": stats.ks_2samp(d[0], d[1]).statistic}))';
  const py = spawnSync('python3', ['-c', script], { input: JSON.stringify([await lengths(BEAVER), await lengths(GSM8K)]), encoding: 'utf8' });
  if (py.status !== 0) return; // python3 with scipy is the oracle where present (CI has it)
  const oracle = JSON.parse(py.stdout) as { w: number; ks: number };
  assert.ok(Math.abs(d['wasserstein'] - oracle.w) < 1e-9 * Math.max(1, oracle.w), `${d['wasserstein']} vs ${oracle.w}`);
  assert.ok(Math.abs(d['ks_statistic'] - oracle.ks) < 1e-12);
  assert.equal(d['drifted'], true);
});
