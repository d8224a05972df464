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
  assert.deepEqual(Object.keys(out).sort(), ['accuracy', 'adaptive_ece', 'adaptive_ece_ci', 'bins', 'brier', 'brier_ci', 'ece', 'ece_ci', 'mce', 'mce_ci', 'mean_confidence', 'n', 'nll', 'nll_ci', 'skipped', 'temperature'].sort());
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

function python(code: string, input: unknown): Record<string, unknown> {
  const r = spawnSync('python3', ['-c', code], { input: JSON.stringify(input), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

test('ab from aggregated rows and an Experiment matches the statsmodels oracle (z-test p 0.15918129181156992)', () => {
  const exp = write('oracle.experiment.yaml', `apiVersion: rlhf-lens/v1
kind: Experiment
metadata: {name: oracle}
variants:
  - {id: a, control: true, traffic: 0.5}
  - {id: b, traffic: 0.5}
metrics:
  - {name: success, type: binomial, column: success}
data: oracle.csv
`);
  write('oracle.csv', 'variant,n,successes\nb,83,5\na,99,12\n');
  const viaData = json(['ab', exp]);
  const viaFlag = json(['ab', path.join(tmp, 'oracle.csv'), '--experiment', exp]);
  assert.deepEqual(viaData, viaFlag);
  const result = (viaData['metrics'] as { results: { p_value: number; n: number; control_n: number }[] }[])[0]!.results[0]!;
  assert.ok(Math.abs(result.p_value - 0.15918129181156992) < 1e-9);
  assert.equal(result.n, 83);
  assert.equal(result.control_n, 99);
  assert.deepEqual((viaData['srm'] as { observed: unknown }).observed, { a: 99, b: 83 });
});

test('drift with --reference and --column matches scipy (KS statistic, Wasserstein)', () => {
  let s = 3;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const ref = Array.from({ length: 300 }, () => rand());
  const cur = Array.from({ length: 200 }, () => rand() * 1.2);
  write('ref.jsonl', ref.map((x) => JSON.stringify({ score: x, other: 'z' })).join('\n'));
  write('cur.csv', 'score\n' + cur.join('\n'));
  const out = json(['drift', path.join(tmp, 'cur.csv'), '--reference', path.join(tmp, 'ref.jsonl'), '--column', 'score']);
  const expected = python('import json,sys; from scipy import stats; d=json.load(sys.stdin); print(json.dumps({"ks": stats.ks_2samp(d[0], d[1]).statistic, "w": stats.wasserstein_distance(d[0], d[1])}))', [ref, cur]);
  assert.equal(out['n_reference'], 300);
  assert.equal(out['n_current'], 200);
  assert.ok(Math.abs((out['ks_statistic'] as number) - (expected['ks'] as number)) < 1e-12);
  assert.ok(Math.abs((out['wasserstein'] as number) - (expected['w'] as number)) < 1e-9);
});

test('drift: --reference A --current B, or either flag with a positional FILE, give one answer', () => {
  const ref = write('drift-ref.jsonl', Array.from({ length: 50 }, (_, i) => JSON.stringify({ score: i / 50 })).join('\n'));
  const cur = write('drift-cur.jsonl', Array.from({ length: 40 }, (_, i) => JSON.stringify({ score: 0.3 + i / 40 })).join('\n'));
  const flags = json(['drift', '--reference', ref, '--current', cur, '--column', 'score']);
  const positionalCurrent = json(['drift', cur, '--reference', ref, '--column', 'score']);
  const positionalReference = json(['drift', ref, '--current', cur, '--column', 'score']);
  assert.equal(flags['n_reference'], 50);
  assert.equal(flags['n_current'], 40);
  assert.deepEqual(positionalCurrent, flags);
  assert.deepEqual(positionalReference, flags);
  const text = runCli(['analyze', 'drift', '--reference', ref, '--current', cur, '--column', 'score']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /drift-ref\.jsonl vs .*drift-cur\.jsonl/);
  const three = runCli(['analyze', 'drift', ref, '--reference', ref, '--current', cur]);
  assert.equal(three.code, 2);
  assert.match(three.stderr, /both flags without FILE/);
  const one = runCli(['analyze', 'drift', '--reference', ref]);
  assert.equal(one.code, 2);
  assert.match(one.stderr, /--reference REF --current FILE/);
});

test('latency --group-by and uncertainty --method/--top match numpy', () => {
  const rows = Array.from({ length: 120 }, (_, i) => ({ timestamp: 1_700_000_000 + i, adapter_id: i % 3 === 0 ? 'a' : 'b', latency_ms: ((i * 37) % 101) + 5, success: i % 7 !== 0 }));
  write('serve.jsonl', rows.map((r) => JSON.stringify(r)).join('\n'));
  const lat = json(['latency', path.join(tmp, 'serve.jsonl'), '--group-by', 'adapter_id']) as { overall: Record<string, number>; groups: { key: string; p95: number; count: number }[] };
  const np = python('import json,sys,numpy as np; d=json.load(sys.stdin); l=np.array([r["latency_ms"] for r in d]); a=np.array([r["latency_ms"] for r in d if r["adapter_id"]=="a"]); print(json.dumps({"p50": np.percentile(l,50), "p99": np.percentile(l,99), "a95": np.percentile(a,95), "ok": np.mean([r["success"] for r in d])}))', rows);
  assert.ok(Math.abs(lat.overall['p50']! - (np['p50'] as number)) < 1e-9);
  assert.ok(Math.abs(lat.overall['p99']! - (np['p99'] as number)) < 1e-9);
  assert.ok(Math.abs(lat.overall['success_rate']! - (np['ok'] as number)) < 1e-12);
  assert.ok(Math.abs(lat.groups.find((g) => g.key === 'a')!.p95 - (np['a95'] as number)) < 1e-9);

  const probs = Array.from({ length: 40 }, (_, i) => {
    const a = ((i * 13) % 17) + 1;
    const b = ((i * 7) % 11) + 1;
    const c = ((i * 5) % 3) + 1;
    return [a / (a + b + c), b / (a + b + c), c / (a + b + c)];
  });
  write('pool.jsonl', probs.map((p, i) => JSON.stringify({ id: `x${i}`, probs: p })).join('\n'));
  const unc = json(['uncertainty', path.join(tmp, 'pool.jsonl'), '--method', 'entropy', '--top', '5']) as { method: string; selected: { id: string; score: number; rank: number }[] };
  const top = python('import json,sys,numpy as np; p=np.array(json.load(sys.stdin)); h=-(p*np.log(p)).sum(1); o=np.argsort(-h, kind="stable")[:5]; print(json.dumps({"ids": ["x%d" % i for i in o], "h": h[o].tolist()}))', probs);
  assert.equal(unc.method, 'entropy');
  assert.deepEqual(unc.selected.map((s) => s.rank), [1, 2, 3, 4, 5]);
  const hs = top['h'] as number[];
  unc.selected.forEach((s, i) => assert.ok(Math.abs(s.score - hs[i]!) < 1e-12));
});
