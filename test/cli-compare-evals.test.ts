/**
 * `rlhf-lens compare-evals` as a process: the paired comparison of a per-row metric of two eval
 * files against statsmodels / scipy (test/oracles/paired_evals.py, its files in test/fixtures/paired):
 * exact McNemar for a 0/1 win metric, the paired t-test for a continuous score, the paired bootstrap
 * of the mean difference; pairing by key (not position); errors with the file and line.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './support/cli';
import { ROOT } from './support/lsp';
import { assertClose } from './oracles/analyses-oracle';

const FIX = path.join(ROOT, 'test', 'fixtures', 'paired');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const oracle = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'oracles', 'paired-evals.json'), 'utf8')) as any;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-compare-evals-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

const close = (got: number, want: number, what: string) => assertClose(got, want, what, 1e-10, 1e-12);

test('a 0/1 win metric: exact McNemar on the discordant prompts, the paired bootstrap interval, counts of unpaired and skipped rows', () => {
  const r = runCli(['compare-evals', 'policy_a.jsonl', 'policy_b.jsonl', '--key', 'prompt_id', '--metric', 'win', '--seed', String(oracle.seed), '--bootstrap', String(oracle.iterations), '--format', 'json'], { cwd: FIX });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const want = oracle.binary;
  assert.equal(out.test, 'mcnemar-exact');
  assert.deepEqual([out.a, out.b, out.key, out.metric], ['policy_a.jsonl', 'policy_b.jsonl', 'prompt_id', 'win']);
  for (const k of ['n_a', 'n_b', 'n', 'only_a', 'only_b']) assert.equal(out[k], want[k], k);
  assert.deepEqual(out.discordant, want.discordant);
  for (const k of ['mean_a', 'mean_b', 'difference', 'p_value']) close(out[k], want[k], k);
  close(out.difference_ci.low, want.difference_ci.low, 'bootstrap low');
  close(out.difference_ci.high, want.difference_ci.high, 'bootstrap high');
  assert.deepEqual([out.difference_ci.level, out.difference_ci.iterations, out.difference_ci.seed], [0.95, oracle.iterations, oracle.seed]);
  assert.equal(out.t_test, null);
  assert.equal(out.skipped_a.count, want.skipped_a);
  assert.match(out.skipped_a.first[0].reason, /"win" is "maybe", not a number or true\/false/);
  assert.match(out.skipped_b.first[0].reason, /missing "prompt_id"/);
  // The text report says the same.
  const text = runCli(['compare-evals', 'policy_a.jsonl', 'policy_b.jsonl', '--key', 'prompt_id', '--metric', 'win'], { cwd: FIX });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /paired on prompt_id: 385 pairs \(6 only in A, 10 only in B\)/);
  assert.match(text.stdout, /A only 62, B only 72, both 111, neither 140/);
});

test('a continuous score in CSV files in different row orders: the paired t-test and its interval, as scipy', () => {
  const r = runCli(['compare-evals', path.join(FIX, 'scores_a.csv'), path.join(FIX, 'scores_b.csv'), '--key', 'item', '--metric', 'score', '--seed', String(oracle.seed), '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const want = oracle.continuous;
  assert.equal(out.test, 'paired-t');
  assert.equal(out.n, want.n);
  for (const k of ['mean_a', 'mean_b', 'difference', 'p_value']) close(out[k], want[k], k);
  close(out.t_test.statistic, want.t_test.statistic, 't');
  assert.equal(out.t_test.df, want.t_test.df);
  close(out.t_test.difference_sd, want.t_test.difference_sd, 'sd');
  close(out.t_test.difference_ci[0], want.t_test.difference_ci[0], 't ci low');
  close(out.t_test.difference_ci[1], want.t_test.difference_ci[1], 't ci high');
  close(out.difference_ci.low, want.difference_ci.low, 'bootstrap low');
  close(out.difference_ci.high, want.difference_ci.high, 'bootstrap high');
  assert.equal(out.discordant, null);
  // --test t on the 0/1 metric is the paired t-test; --test mcnemar on scores is refused.
  const forced = JSON.parse(runCli(['compare-evals', 'policy_a.jsonl', 'policy_b.jsonl', '--key', 'prompt_id', '--metric', 'win', '--test', 't', '--bootstrap', '0', '--format', 'json'], { cwd: FIX }).stdout);
  assert.equal(forced.test, 'paired-t');
  assert.equal(forced.difference_ci, null);
  const refused = runCli(['compare-evals', 'scores_a.csv', 'scores_b.csv', '--key', 'item', '--metric', 'score', '--test', 'mcnemar'], { cwd: FIX });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /McNemar's test needs a 0\/1 metric/);
});

test('bad input: a repeated key names its lines, no shared keys and a missing column are clear errors, usage errors exit 2', () => {
  const dup = path.join(tmp, 'dup.jsonl');
  fs.writeFileSync(dup, '{"id": "a", "win": 1}\n{"id": "b", "win": 0}\n{"id": "a", "win": 0}\n');
  const other = path.join(tmp, 'other.jsonl');
  fs.writeFileSync(other, '{"id": "x", "win": 1}\n');
  const r = runCli(['compare-evals', dup, other, '--key', 'id', '--metric', 'win']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /dup\.jsonl: line 3: id "a" appears again \(first at line 1\)/);
  const none = runCli(['compare-evals', other, path.join(FIX, 'policy_b.jsonl'), '--key', 'id', '--metric', 'win']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /policy_b\.jsonl: no rows with both "id" and "win"/);
  fs.writeFileSync(dup, '{"id": "y", "win": 1}\n');
  const disjoint = runCli(['compare-evals', dup, other, '--key', 'id', '--metric', 'win']);
  assert.equal(disjoint.code, 2);
  assert.match(disjoint.stderr, /share no id \(1 and 1 keys\)/);
  assert.equal(runCli(['compare-evals', dup, '--key', 'id', '--metric', 'win']).code, 2);
  assert.match(runCli(['compare-evals', dup, other, '--metric', 'win']).stderr, /give --key COLUMN/);
  assert.match(runCli(['compare-evals', '--help']).stdout, /Usage: rlhf-lens compare-evals A B --key COLUMN --metric COLUMN/);
});
