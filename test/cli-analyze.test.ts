/** `rlhf-lens analyze` as a process: the contract's JSON fields, tables, mapping, caching and clear errors. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import { runCli } from './support/cli';
import { ROOT } from './support/lsp';

const REAL = path.resolve(ROOT, '..', 'shared', 'fixtures', 'real');
const haveReal = fs.existsSync(REAL);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-cli-analyze-'));

function write(name: string, content: string | Buffer): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, content);
  return p;
}

function json(args: string[]): Record<string, unknown> {
  const r = runCli(['analyze', ...args, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

/** A deterministic sample of (confidence, correct) rows. */
function calibrationRows(n: number): { confidence: number; correct: number }[] {
  let s = 12345;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: n }, () => {
    const confidence = 0.5 + rand() / 2;
    return { confidence, correct: rand() < confidence - 0.1 ? 1 : 0 };
  });
}

test('calibration of a gzipped CSV with mapped columns equals numpy, and reports the bad rows it skipped', () => {
  const rows = calibrationRows(500);
  const csv = 'p_top,is_right\n' + rows.map((r) => `${r.confidence},${r.correct}`).join('\n') + '\nnot-a-number,1\n0.7,maybe\n';
  const file = write('preds.csv.gz', zlib.gzipSync(csv));
  const out = json(['calibration', file, '--bins', '10', '--column', 'confidence=p_top', '--column', 'correct=is_right']);
  const numpy = spawnSync('python3', ['-c', `
import json, sys, numpy as np
d = json.load(sys.stdin); c = np.array([r['confidence'] for r in d]); y = np.array([r['correct'] for r in d], float)
idx = np.clip(np.ceil(c * 10).astype(int) - 1, 0, 9)
ece = sum((idx == i).sum() / len(c) * abs(y[idx == i].mean() - c[idx == i].mean()) for i in range(10) if (idx == i).any())
print(json.dumps({'ece': ece, 'accuracy': y.mean(), 'brier': ((c - y) ** 2).mean()}))
`], { input: JSON.stringify(rows), encoding: 'utf8' });
  assert.equal(numpy.status, 0, numpy.stderr);
  const expected = JSON.parse(numpy.stdout) as { ece: number; accuracy: number; brier: number };
  assert.equal(out['n'], 500);
  for (const k of ['ece', 'accuracy', 'brier'] as const) assert.ok(Math.abs((out[k] as number) - expected[k]) < 1e-9, `${k}: ${out[k]} vs ${expected[k]}`);
  assert.deepEqual(out['skipped'], {
    count: 2,
    first: [
      { line: 502, reason: '"confidence" is "not-a-number", not a probability in [0, 1]' },
      { line: 503, reason: '"correct" is "maybe", not true/false or 1/0' },
    ],
  });
  // Exactly the contract's fields plus skipped.
  assert.deepEqual(Object.keys(out).sort(), ['accuracy', 'adaptive_ece', 'bins', 'brier', 'ece', 'ece_ci', 'mce', 'mean_confidence', 'n', 'nll', 'skipped', 'temperature'].sort());
});

test('agreement on the real nltk file matches the published oracle (Cohen 0.801325, pi 0.79953, Ao 0.88)', { skip: !haveReal && 'no ../shared/fixtures' }, () => {
  const file = path.join(REAL, 'annotation_preference', 'nltk_artstein_poesio_example.txt');
  const out = json(['agreement', file]);
  assert.equal(out['n_items'], 100);
  assert.equal(out['n_annotators'], 2);
  assert.ok(Math.abs((out['mean_cohen_kappa'] as number) - 0.801325) < 1e-6);
  assert.ok(Math.abs((out['fleiss_kappa'] as number) - 0.79953) < 1e-5);
  assert.ok(Math.abs((out['percent_agreement'] as number) - 0.88) < 1e-12);
  const text = runCli(['analyze', 'agreement', file]);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /^krippendorff_alpha\s+0\.8005/m);
  assert.match(text.stdout, /^a\s+b\s+100\s+0\.801325$/m);
});

test('training on every real trainer_state.json and the MLflow run: series, steps and the last loss as logged', { skip: !haveReal && 'no ../shared/fixtures' }, () => {
  const dir = path.join(REAL, 'trainer_state');
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    const history = (JSON.parse(fs.readFileSync(file, 'utf8')) as { log_history: Record<string, number>[] }).log_history;
    const out = json(['training', file]) as { steps: number; metrics: Record<string, { count: number; last: number }> };
    const losses = history.filter((h) => typeof h['loss'] === 'number');
    assert.equal(out.metrics['loss']!.count, losses.length, name);
    assert.equal(out.metrics['loss']!.last, losses[losses.length - 1]!['loss'], name);
    assert.equal(out.steps, Math.max(...history.map((h) => h['step']!)), name);
  }
  const star = json(['training', path.join(dir, 'star_large_2000entries_trainer_state.json')]) as { metrics: Record<string, unknown> };
  assert.ok(star.metrics['lr'] && star.metrics['train/acc_6']);
  assert.equal(star.metrics['remaining_time'], undefined);
  const ml = json(['training', path.join(REAL, 'training_logs', 'mlruns_deepcnnclassifier')]) as { run: string; metrics: Record<string, { last: number }> };
  assert.equal(ml.run, 'cb0096518b0e4c66a94428555f05420b');
  assert.equal(ml.metrics['loss']!.last, 3.2727866172790527);
});

test('clear errors: unusable file, missing file, unknown analysis, missing experiment', () => {
  const junk = write('junk.jsonl', '{"x": 1}\n{"y": 2}\n');
  const r = runCli(['analyze', 'calibration', junk]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /junk\.jsonl: no usable rows: 2 read, 2 skipped \(line 1: none of probs/);
  assert.equal(r.stdout, '');
  const missing = runCli(['analyze', 'training', path.join(tmp, 'nope.jsonl')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.jsonl: no such file or folder/);
  const unknown = runCli(['analyze', 'vibes', junk]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown analysis "vibes"/);
  const ab = runCli(['analyze', 'ab', junk]);
  assert.equal(ab.code, 2);
  assert.match(ab.stderr, /needs an Experiment file/);
});

test('--db keeps results keyed by content: a second run is cached, a changed file is recomputed, a corrupt db is set aside', () => {
  const file = write('pairs.jsonl', '{"chosen_score": 2, "rejected_score": 1}\n{"chosen_score": 0.5, "rejected_score": 1}\n{"chosen_score": 3, "rejected_score": -1}\n');
  const db = path.join(tmp, 'cache', 'engine.sqlite');
  const first = runCli(['analyze', 'calibration', file, '--db', db]);
  assert.equal(first.code, 0, first.stderr);
  assert.doesNotMatch(first.stdout, /cached/);
  const second = runCli(['analyze', 'calibration', file, '--db', db]);
  assert.match(second.stdout, /\(jsonl, 3 rows, cached\)/);
  assert.equal(second.stdout.replace(', cached', ''), first.stdout);
  fs.appendFileSync(file, '{"chosen_score": 1, "rejected_score": 4}\n');
  const third = runCli(['analyze', 'calibration', file, '--db', db]);
  assert.match(third.stdout, /\(jsonl, 4 rows\)/);
  fs.writeFileSync(db, 'garbage, not sqlite'.repeat(100));
  const fourth = runCli(['analyze', 'calibration', file, '--db', db]);
  assert.equal(fourth.code, 0);
  assert.match(fourth.stderr, /was not a readable database; moved it to .*engine\.sqlite\.corrupt-/);
  assert.ok(fs.readdirSync(path.dirname(db)).some((f) => f.startsWith('engine.sqlite.corrupt-')));
});

test('analyze --help', () => {
  const r = runCli(['analyze', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Usage: rlhf-lens analyze <analysis> FILE/);
});
