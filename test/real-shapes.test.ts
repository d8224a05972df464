/**
 * No silent wrong answers (issue 17): logs and data in the shapes real tools write them
 * (test/fixtures/shapes/, see its SOURCES.md) give the right figures, or a clear refusal that
 * names the file, says what it is and what was expected.
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
import { parseRunOptions, type AnalysisName } from '../server/src/engine/options';
import { trainerProgress } from '../server/src/report/dashboard-data';

const SHAPES = path.join(ROOT, 'test', 'fixtures', 'shapes');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-shapes-'));
const shape = (name: string) => path.join(SHAPES, name);

function write(name: string, content: string): string {
  const p = path.join(tmp, name);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

type R = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** The analysis through the engine, in process (the CLI's own output is checked where it matters). */
async function analyze(analysis: AnalysisName, file: string, options: Record<string, unknown> = {}): Promise<R> {
  const outcome = await runAnalysis(analysis, file, parseRunOptions(options, tmp));
  return { ...outcome.result, skipped: outcome.skipped };
}

/** A refusal naming the file, never a result. */
async function refused(analysis: AnalysisName, file: string, pattern: RegExp, options: Record<string, unknown> = {}): Promise<string> {
  let message = '';
  await assert.rejects(analyze(analysis, file, options), (err: Error) => {
    message = err.message;
    assert.match(err.message, pattern);
    return true;
  });
  return message;
}

/** The CLI as a process: exit code, stdout, and no stack trace on stderr. */
function cli(args: string[], code: number): { stdout: string; stderr: string } {
  const r = runCli(args);
  assert.equal(r.code, code, r.stderr);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  return r;
}

function python(script: string, input: unknown): R {
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as R;
}

const jsonl = (file: string): R[] => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as R);

// ---------------------------------------------------------------- 1. trainer logs with a step column

test('LLaMA-Factory trainer_log.jsonl: steps are current_steps, bookkeeping is not a metric, progress and ETA are read', async () => {
  const file = shape('llamafactory_trainer_log.jsonl');
  const rows = jsonl(file);
  const out = (await analyze('training', file));
  assert.equal(out.steps, 600, 'the last current_steps, not the row count');
  const losses = rows.filter((r) => r['loss'] !== undefined);
  assert.equal(out.metrics.loss.count, losses.length);
  assert.deepEqual(out.series.loss.map((p: number[]) => p[0]), losses.map((r) => r['current_steps']));
  assert.equal(out.metrics.loss.max_step, 430);
  const spikes = out.alerts.filter((a: R) => a.type === 'spike' && a.metric === 'loss');
  assert.deepEqual(spikes.map((a: R) => a.step), [430]);
  assert.match(spikes[0].message, /at step 430:/);
  assert.equal(out.metrics.eval_loss.count, 6);
  for (const bookkeeping of ['current_steps', 'total_steps', 'percentage', 'elapsed_time', 'remaining_time', 'total_tokens']) assert.ok(!(bookkeeping in out.metrics), `${bookkeeping} is listed as a metric`);
  assert.deepEqual(out.progress, { step: 600, total_steps: 1200, percentage: 50, elapsed_seconds: 1440, remaining_seconds: 1440 });
  // The training monitor's progress line and epoch axis come from the log itself.
  assert.deepEqual(trainerProgress(file, out.steps, out.progress, out.metrics.epoch), { progress: { step: 600, max_steps: 1200, running: true, eta_seconds: 1440 }, steps_per_epoch: 400 });
  const text = cli(['analyze', 'training', file], 0);
  assert.match(text.stdout, /^progress: step 600 of 1200 \(50%\), elapsed 0:24:00, remaining 0:24:00$/m);
  assert.match(text.stdout, /step 430\s+spike\s+loss/);
});

test('other step-like columns: trainer/global_step over W&B _step, global_step, and _step alone', async () => {
  const wandb = write('wandb-history.jsonl', Array.from({ length: 30 }, (_, i) => JSON.stringify({ _step: i, 'trainer/global_step': 10 * (i + 1), 'train/loss': 2 - i / 30, _runtime: 12.5 * i, _timestamp: 1.7e9 + i })).join('\n') + '\n');
  const a = (await analyze('training', wandb));
  assert.equal(a.steps, 300);
  assert.deepEqual(Object.keys(a.metrics), ['train/loss']);
  assert.equal(a.metrics['train/loss'].min_step, 300);
  const gs = write('gs.jsonl', Array.from({ length: 5 }, (_, i) => JSON.stringify({ global_step: 100 * (i + 1), loss: 1 / (i + 1) })).join('\n') + '\n');
  assert.equal((await analyze('training', gs)).metrics.loss.min_step, 500);
  const only = write('only_step.jsonl', Array.from({ length: 5 }, (_, i) => JSON.stringify({ _step: 7 + i, reward: i })).join('\n') + '\n');
  const c = (await analyze('training', only));
  assert.equal(c.steps, 11);
  assert.deepEqual(Object.keys(c.metrics), ['reward']);
});

// ---------------------------------------------------------------- 2. several eval sets

test('HF run with six eval sets: the one whose eval loss rose while the train loss fell raises the overfit alert, by name', async () => {
  const out = (await analyze('training', shape('hf_multi_eval_trainer_state.json')));
  const overfit = out.alerts.filter((a: R) => a.type === 'overfit');
  assert.deepEqual(overfit.map((a: R) => [a.metric, a.step]), [['eval_g3_loss', 600]]);
  assert.match(overfit[0].message, /^eval_g3_loss rose for 3 evaluations in a row \(1 -> 1\.600\) while loss fell/);
  assert.deepEqual(out.groups.loss, ['loss', 'eval_g0_loss', 'eval_g1_loss', 'eval_g2_loss', 'eval_g3_loss', 'eval_g4_loss', 'eval_g5_loss']);
  assert.deepEqual(out.groups.eval_accuracy, ['eval_g0_accuracy', 'eval_g1_accuracy', 'eval_g2_accuracy', 'eval_g3_accuracy', 'eval_g4_accuracy', 'eval_g5_accuracy']);
});

// ---------------------------------------------------------------- 3. summaries are not histories

test('one JSON object of final results is refused as "a summary, not a history", with what it holds and where the history is', async () => {
  await refused('training', shape('wandb-summary.json'), /wandb-summary\.json: is a summary, not a history: one JSON object of 10 final values \(eval\/loss 2\.462, train\/loss 2\.301, .*\); W&B keeps the run's history in wandb-history\.jsonl/);
  await refused('training', shape('all_results.json'), /all_results\.json: is a summary, not a history: one JSON object of 6 final values \(epoch 4, total_flos 2\.381e\+18, train_loss 0\.2892, .*the trainer_state\.json beside it/);
  await refused('training', shape('eval_results.json'), /eval_results\.json: is a summary, not a history: .*eval_loss 1\.082/);
  await refused('training', shape('rewardbench_results.json'), /rewardbench_results\.json: is a summary, not a history: one JSON object of 13 final values \(alpacaeval-easy 0\.97,/);
  await refused('latency', shape('llmperf_summary.json'), /llmperf_summary\.json: is a summary, not a history: .*LLMPerf writes one record per request to the \*_individual_responses\.json beside it/);
  // The same object under a .jsonl name would be one row of a log; under any other name it is a summary.
  await refused('calibration', write('final.txt', '{"accuracy": 0.9, "ece": 0.03}\n'), /final\.txt: is a summary, not a history/);
});

test('JSON Lines under a .json name (as HF datasets writes it) is still read as rows', async () => {
  const file = write('preds.json', Array.from({ length: 20 }, (_, i) => JSON.stringify({ confidence: 0.5 + i / 50, correct: i % 3 ? 1 : 0 })).join('\n') + '\n');
  assert.equal((await analyze('calibration', file)).n, 20);
});

// ---------------------------------------------------------------- 4. wide annotation matrices and the skip share

/** Nominal Krippendorff's alpha of an items x annotators matrix (null = missing), written out with numpy. */
const ALPHA_PY = `
import json, sys, numpy as np
m = json.load(sys.stdin)
labels = sorted({x for row in m for x in row if x is not None})
idx = {l: i for i, l in enumerate(labels)}
o = np.zeros((len(labels), len(labels)))
for row in m:
    vals = [idx[x] for x in row if x is not None]
    if len(vals) < 2: continue
    c = np.bincount(vals, minlength=len(labels)).astype(float)
    o += (np.outer(c, c) - np.diag(c)) / (len(vals) - 1)
n_c = o.sum(axis=1); n = n_c.sum()
d_o = o.sum() - np.trace(o); d_e = (n * n - (n_c ** 2).sum()) / (n - 1)
print(json.dumps({'alpha': 1 - d_o / d_e, 'ratings': int(sum(1 for row in m for x in row if x is not None))}))
`;

test('MACE-style matrix (one row per item, one column per annotator, blanks, no header): every item is used, alpha equals numpy', async () => {
  const file = shape('mace_matrix.csv');
  const matrix = fs.readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => l.split(',').map((c) => (c === '' ? null : c)));
  const oracle = python(ALPHA_PY, matrix);
  const out = (await analyze('agreement', file));
  assert.equal(out.n_items, 800);
  assert.equal(out.n_annotators, 5);
  assert.equal(out.n_ratings, oracle.ratings);
  assert.equal(out.skipped.count, 0);
  assert.ok(Math.abs(out.krippendorff_alpha - oracle.alpha) < 1e-12, `${out.krippendorff_alpha} vs ${oracle.alpha}`);
  assert.deepEqual(out.per_annotator.map((a: R) => a.annotator).sort(), ['col1', 'col2', 'col3', 'col4', 'col5']);

  // The same matrix with a header row, an item column and NA for missing.
  const withHeader = write('matrix_header.csv', 'item,ann_a,ann_b,ann_c,ann_d,ann_e\n' + matrix.map((r, i) => [`q${i}`, ...r.map((x) => x ?? 'NA')].join(',')).join('\n') + '\n');
  const h = (await analyze('agreement', withHeader));
  assert.equal(h.n_items, 800);
  assert.ok(Math.abs(h.krippendorff_alpha - oracle.alpha) < 1e-12);
  assert.deepEqual(h.per_annotator.map((a: R) => a.annotator).sort(), ['ann_a', 'ann_b', 'ann_c', 'ann_d', 'ann_e']);

  // And as JSONL rows with null for missing.
  const rows = write('matrix.jsonl', matrix.map((r, i) => JSON.stringify({ id: i, a: r[0], b: r[1], c: r[2], d: r[3], e: r[4] })).join('\n') + '\n');
  const j = (await analyze('agreement', rows));
  assert.equal(j.n_items, 800);
  assert.ok(Math.abs(j.krippendorff_alpha - oracle.alpha) < 1e-12);
});

test('a table that is neither long ratings nor a matrix of annotators is refused, not scored', async () => {
  const file = write('workers.jsonl', Array.from({ length: 30 }, (_, i) => JSON.stringify({ item_id: i, worker_id: `w${i % 7}`, answer: i % 2 ? 'yes' : 'no' })).join('\n') + '\n');
  await refused('agreement', file, /workers\.jsonl: read as an item x annotator matrix, but columns "worker_id", "answer" share almost no labels with the other columns/);
  // With the columns named it is long ratings, one per item: refused for that reason, by name.
  await refused('agreement', file, /workers\.jsonl: agreement needs at least one item rated by two or more annotators; each of its 30 items has one rating/, { columns: { annotator: 'worker_id', label: 'answer' } });
});

test('numeric labels in a headerless matrix (ordinal ratings 1-5) are read as a matrix too', async () => {
  const m = Array.from({ length: 50 }, (_, i) => [1 + (i % 5), 1 + (i % 5), i % 4 === 0 ? '' : 1 + ((i + 1) % 5), '']);
  const file = write('ratings.csv', m.map((r) => r.join(',')).join('\n') + '\n');
  const out = (await analyze('agreement', file, { level: 'ordinal' }));
  assert.equal(out.n_items, 50);
  assert.equal(out.n_annotators, 3);
});

test('when most rows are skipped the result is refused (above the documented 50% skip share), naming the count and the first reason', async () => {
  const rows = Array.from({ length: 800 }, (_, i) => JSON.stringify(i < 20 ? { item_id: `i${i >> 1}`, annotator: `a${i % 2}`, label: i % 3 ? 'x' : 'y' } : { item_id: `i${i}`, annotator: 'a0', verdict: 'x' }));
  const file = write('mostly_skipped.jsonl', rows.join('\n') + '\n');
  await refused('agreement', file, /mostly_skipped\.jsonl: 780 of 800 rows \(98%\) are unusable, more than the 50% an analysis accepts; a result from the other 20 would not be this file's answer \(line 21: missing "label"\)/);
  // At or below the share the result stands, with the skipped rows reported.
  const half = write('half_skipped.jsonl', rows.slice(0, 40).join('\n') + '\n');
  assert.equal((await analyze('agreement', half)).skipped.count, 20);
});

test('agreement messages name the file: single ratings, and a degenerate alpha', async () => {
  const single = write('one_each.jsonl', ['a', 'b', 'c'].map((item, i) => JSON.stringify({ item_id: item, annotator: `r${i}`, label: 'yes' })).join('\n') + '\n');
  await refused('agreement', single, /one_each\.jsonl: agreement needs at least one item rated by two or more annotators; each of its 3 items has one rating \(read as \{item_id, annotator, label\} rows\)/);
  const same = write('all_same.jsonl', ['a', 'a', 'b', 'b'].map((item, i) => JSON.stringify({ item_id: item, annotator: `r${i % 2}`, label: 'yes' })).join('\n') + '\n');
  // The pure analysis does not know the file; the CLI names it.
  assert.match(cli(['analyze', 'agreement', same], 2).stderr, /^rlhf-lens analyze: .*all_same\.jsonl: Krippendorff's alpha is undefined/);
});

// ---------------------------------------------------------------- 5. drift on free text

const prefs = (n: number, offset: number) =>
  Array.from({ length: n }, (_, i) => JSON.stringify({ prompt: `question ${i}`, chosen: `Answer ${i + offset}: ${'word '.repeat(5 + ((i * 7 + offset) % 40))}`, rejected: `no ${i}`, chosen_messages: [{ role: 'user', content: `q${i}` }, { role: 'assistant', content: 'x'.repeat(10 + (i % 9)) }], source: i % 3 ? 'web' : 'api' })).join('\n') + '\n';

test('drift on a text column with a distinct value per row is refused with a hint; length(COLUMN) compares the lengths', async () => {
  const ref = write('prefs_round1.jsonl', prefs(600, 0));
  const cur = write('prefs_round2.jsonl', prefs(600, 3));
  const msg = await refused('drift', cur, /"chosen" looks like free text: 600 distinct values in 600 rows.*--column "length\(chosen\)"/, { reference: ref, column: 'chosen' });
  assert.ok(msg.length < 1000, `the refusal is short (${msg.length} chars)`);
  const out = (await analyze('drift', cur, { reference: ref, column: 'length(chosen)' }));
  assert.equal(out.kind, 'numeric');
  const lengths = (f: string) => jsonl(f).map((r) => (r['chosen'] as string).length);
  const oracle = python('import json,sys\nfrom scipy import stats\nd=json.load(sys.stdin)\nprint(json.dumps({"w": stats.wasserstein_distance(d[0], d[1]), "ks": stats.ks_2samp(d[0], d[1]).statistic}))', [lengths(ref), lengths(cur)]);
  assert.ok(Math.abs(out.wasserstein - oracle.w) < 1e-9, `${out.wasserstein} vs ${oracle.w}`);
  assert.ok(Math.abs(out.ks_statistic - oracle.ks) < 1e-12);
  // Chat messages: the total length of their contents.
  const msgs = (await analyze('drift', cur, { reference: ref, column: 'length(chosen_messages)' }));
  assert.equal(msgs.n_reference, 600);
  // A real categorical column is unaffected.
  assert.equal((await analyze('drift', cur, { reference: ref, column: 'source' })).kind, 'categorical');
});

test('text output caps what it prints: a run with 300 metrics lists 100', async () => {
  const wide = write('wide_log.jsonl', Array.from({ length: 3 }, (_, i) => JSON.stringify({ step: i, ...Object.fromEntries(Array.from({ length: 300 }, (_, k) => [`grad/norm/layer.${k}.weight`, k + i])) })).join('\n') + '\n');
  const r = cli(['analyze', 'training', wide], 0);
  assert.match(r.stdout, /^\.\.\. and 200 more metrics \(--format json lists them all\)$/m);
  assert.equal(Object.keys((await analyze('training', wide)).metrics).length, 300);
});

test('text output caps what it prints: long labels are cut, many categories are listed up to 50', async () => {
  const mk = (shift: number) => Array.from({ length: 900 }, (_, i) => JSON.stringify({ topic: `topic-${(i + shift) % 150}-${'x'.repeat(200)}` })).join('\n') + '\n';
  const ref = write('topics1.jsonl', mk(0));
  const cur = write('topics2.jsonl', mk(7));
  const r = cli(['analyze', 'drift', cur, '--reference', ref, '--column', 'topic'], 0);
  assert.match(r.stdout, /\.\.\. and 100 more categories \(--format json lists them all\)/);
  assert.ok(r.stdout.split('\n').every((l) => l.length < 140), 'no line longer than 140 characters');
  assert.ok(r.stdout.length < 12_000, `printed ${r.stdout.length} characters`);
});

// ---------------------------------------------------------------- 6. latency records of benchmark tools

test('LLMPerf individual responses (JSON array, seconds, no timestamp): percentiles from end_to_end_latency_s, failures counted, no windows', async () => {
  const file = shape('llmperf_individual_responses.json');
  const requests = JSON.parse(fs.readFileSync(file, 'utf8')) as R[];
  const ok = requests.filter((r) => r['error_code'] === null);
  const oracle = python('import json,sys\nimport numpy as np\nx=np.array(json.load(sys.stdin))*1000\nprint(json.dumps({"p50": np.percentile(x,50), "p95": np.percentile(x,95), "p99": np.percentile(x,99), "mean": x.mean(), "max": x.max()}))', ok.map((r) => r['end_to_end_latency_s']));
  const out = (await analyze('latency', file));
  assert.equal(out.timed, false);
  assert.deepEqual(out.windows, []);
  assert.equal(out.overall.count, 40);
  assert.equal(out.overall.success_rate, 39 / 40);
  for (const k of ['p50', 'p95', 'p99', 'mean', 'max']) assert.ok(Math.abs(out.overall[k] - oracle[k]) < 1e-9, `${k}: ${out.overall[k]} vs ${oracle[k]}`);
  assert.equal(out.skipped.count, 0);
  // Time to first token instead: map the column, the unit still comes from its name (ttft_s).
  const ttft = (await analyze('latency', file, { columns: { latency_s: 'ttft_s' } }));
  const t50 = python('import json,sys\nimport numpy as np\nprint(json.dumps({"p50": np.percentile(np.array(json.load(sys.stdin))*1000,50)}))', ok.map((r) => r['ttft_s']));
  assert.ok(Math.abs(ttft.overall.p50 - t50.p50) < 1e-9);
  const text = cli(['analyze', 'latency', file], 0);
  assert.match(text.stdout, /no timestamps: percentiles and groups only, no time windows/);
});

test('latency units come from the column name; a latency column without a unit is refused with how to map it', async () => {
  const ms = write('bench_ms.jsonl', [120, 80, 100].map((x, i) => JSON.stringify({ e2el_ms: x, model: i ? 'a' : 'b' })).join('\n') + '\n');
  const out = (await analyze('latency', ms, { group_by: 'model' }));
  assert.equal(out.overall.p50, 100);
  assert.deepEqual(out.groups.map((g: R) => [g.key, g.count]), [['a', 2], ['b', 1]]);
  const bare = write('bare.jsonl', [1.2, 0.8].map((x) => JSON.stringify({ latency: x })).join('\n') + '\n');
  await refused('latency', bare, /bare\.jsonl: no usable rows: .*the unit comes from the name's _ms \/ _s suffix; map another with --column latency_ms=COLUMN or latency_s=COLUMN/);
  assert.equal((await analyze('latency', bare, { columns: { latency_s: 'latency' } })).overall.max, 1200);
});

// ---------------------------------------------------------------- 8. messages that fit the folder or file

test('folders that are not MLflow runs are named for what they are', async () => {
  const hf = path.join(tmp, 'hf_out');
  for (const n of [100, 200]) write(`hf_out/checkpoint-${n}/trainer_state.json`, JSON.stringify({ log_history: [{ step: n, loss: 1 }] }));
  await refused('training', hf, /hf_out: is an HF Trainer output folder \(2 checkpoint-\*\/ folders\); the latest log is .*checkpoint-200[/\\]trainer_state\.json: pass that file/);
  // A checkpoint folder itself stands for its trainer_state.json (ingest/folders.ts).
  assert.equal((await analyze('training', path.join(hf, 'checkpoint-100'))).steps, 100);
  write('pl/lightning_logs/version_0/metrics.csv', 'epoch,step,train_loss\n0,0,1.0\n');
  write('pl/lightning_logs/version_0/hparams.yaml', 'lr: 0.1\n');
  await refused('training', path.join(tmp, 'pl'), /pl: is a PyTorch Lightning log folder; its metrics are in .*version_0[/\\]metrics\.csv: pass that file/);
  write('ckpts/epoch=3-step=400.ckpt', 'x');
  await refused('training', path.join(tmp, 'ckpts'), /ckpts: is a PyTorch Lightning log or checkpoint folder without a metrics\.csv/);
  fs.mkdirSync(path.join(tmp, 'emptydir'));
  await refused('training', path.join(tmp, 'emptydir'), /emptydir: is a folder, not a data file, and holds no MLflow run .* HF Trainer checkpoint .* or Lightning metrics\.csv/);
});

test('check on a file that is not a Pipeline says what the file is and what was expected', async () => {
  const exp = path.join(ROOT, 'examples', 'workspace', 'experiments', 'planning-v1-vs-v2.experiment.yaml');
  assert.match(cli(['check', exp], 2).stderr, /planning-v1-vs-v2\.experiment\.yaml: is an Experiment file \(kind: Experiment\), whose results "rlhf-lens analyze ab FILE" analyses; check runs the quality gates of RLHF Lens pipeline files: YAML with "apiVersion: rlhf-lens\/v1", "kind: Pipeline" and stages\[\]\.checks/);
  const dvc = write('dvc.yaml', 'stages:\n  train:\n    cmd: python train.py\n');
  assert.match(cli(['check', dvc], 2).stderr, /dvc\.yaml: is a DVC pipeline \(stages with cmd:\), not an RLHF Lens one; check runs/);
  const axo = write('axolotl.yml', 'base_model: meta-llama/Llama-3.2-1B\ndatasets:\n  - path: x\n');
  assert.match(cli(['check', axo], 2).stderr, /axolotl\.yml: is another tool's training config/);
});

test('the shape fixtures are what their generator writes, byte for byte', () => {
  const out = fs.mkdtempSync(path.join(tmp, 'gen-'));
  const r = spawnSync(process.execPath, [path.join(SHAPES, 'generate.mjs'), out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const written = fs.readdirSync(out).sort();
  assert.deepEqual(written, fs.readdirSync(SHAPES).filter((f) => f !== 'generate.mjs' && f !== 'SOURCES.md').sort());
  for (const f of written) assert.ok(fs.readFileSync(path.join(out, f)).equals(fs.readFileSync(path.join(SHAPES, f))), f);
});
