/**
 * Drift and active-learning top-k pushed down to the real two-shard ClickHouse of the harness:
 * every pushed-down result equals the in-process analysis of the same rows pulled into JSONL files
 * (counts and bin shares exactly, statistics to 1e-9 relative); only counts come back.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { clickhouseSkipReason, loadExposures, startCluster, type Cluster } from './harness';
import { runAnalysis } from '../../server/src/engine/run';
import { runSourcePushdown, type PushdownContext, type SourceSpec } from '../../server/src/connections/pushdown';
import { loadConnections } from '../../server/src/connections/load';
import { assertClose } from '../oracles/analyses-oracle';

const skip = clickhouseSkipReason();
const PER_SHARD = 6_000;
let cluster: Cluster;
let ws: string;
let ctx: PushdownContext;
let rows: Record<string, unknown>[];

before(async () => {
  if (skip) return;
  cluster = await startCluster();
  await loadExposures(cluster, PER_SHARD);
  ws = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-ch-drift-'));
  // A second table on both shards (another type for the same column name) for a reference table.
  for (let s = 0; s < 2; s++) {
    await cluster.sql(`CREATE TABLE baseline_local (user_id UInt64, sessions String, latency_ms Nullable(Float64)) ENGINE = MergeTree() ORDER BY user_id`, s);
    await cluster.sql(`INSERT INTO baseline_local SELECT user_id, toString(sessions), if(user_id % 50 = 0, NULL, latency_ms * 0.9) FROM exposures_local WHERE user_id % 3 = 0`, s);
  }
  await cluster.sql(`CREATE TABLE baseline AS baseline_local ENGINE = Distributed(lens_two_shards, default, baseline_local, user_id)`);
  // Predictions for top-k: 3-class probabilities and logits, a 4-d embedding; every 97th row ties at
  // the highest entropy (uniform), so the top 10 is decided by the tie order.
  for (let s = 0; s < 2; s++) {
    await cluster.sql(`CREATE TABLE preds_local (id UInt64, probs Array(Float64), logits Array(Float64), embedding Array(Float64)) ENGINE = MergeTree() ORDER BY id`, s);
    await cluster.sql(
      `INSERT INTO preds_local SELECT id, if(id % 97 = 0, [1/3, 1/3, 1/3], arrayMap(x -> x / arraySum(w), w)) AS probs, arrayMap(x -> round(log(x) * 3, 6), w) AS logits, arrayMap(k -> round((intHash64(id * 13 + k) % 1000) / 1000, 3), [1, 2, 3, 4]) AS embedding
       FROM (SELECT number AS id, arrayMap(k -> 1 + (intHash64(number * 11 + k) % 1000) / 100, [1, 2, 3]) AS w FROM numbers(${s * 3000}, 3000))`,
      s,
    );
  }
  await cluster.sql(`CREATE TABLE preds AS preds_local ENGINE = Distributed(lens_two_shards, default, preds_local, id)`);
  fs.writeFileSync(path.join(ws, 'preds.jsonl'), await cluster.sql('SELECT id, probs, embedding FROM preds ORDER BY id FORMAT JSONEachRow'));
  fs.writeFileSync(path.join(ws, 'logits.jsonl'), await cluster.sql('SELECT id, logits FROM preds ORDER BY id FORMAT JSONEachRow'));
  fs.writeFileSync(path.join(ws, '.rlhf-lens.yaml'), `connections:\n  shards: {type: clickhouse, url: ${cluster.url}}\n`);
  rows = (await cluster.sql('SELECT * FROM exposures ORDER BY user_id FORMAT JSONEachRow'))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const baseline = await cluster.sql('SELECT * FROM baseline ORDER BY user_id FORMAT JSONEachRow');
  fs.writeFileSync(path.join(ws, 'baseline.jsonl'), baseline);
  ctx = { connections: loadConnections(ws).connections };
});

after(async () => {
  if (skip) return;
  await cluster?.stop();
  if (ws) fs.rmSync(ws, { recursive: true, force: true });
});

const opts = { skip };

/** The rows matching `keep`, as a JSONL file of the workspace. */
function file(name: string, keep: (r: Record<string, unknown>) => boolean): string {
  const f = path.join(ws, name);
  fs.writeFileSync(f, rows.filter(keep).map((r) => JSON.stringify(r)).join('\n') + '\n');
  return f;
}

async function compare(spec: SourceSpec, reference: Record<string, string>, column: string, currentFile: string, referenceFile: string) {
  const pushed = await runSourcePushdown('drift', spec, { column, reference_source: reference }, ctx);
  const local = await runAnalysis('drift', currentFile, { column, reference: referenceFile });
  const p = pushed.result as Record<string, any>;
  const l = local.result as Record<string, any>;
  assert.equal(p['kind'], l['kind']);
  assert.equal(p['n_reference'], l['n_reference'], 'reference rows: exact');
  assert.equal(p['n_current'], l['n_current'], 'current rows: exact');
  assert.equal(pushed.skipped.count, local.skipped.count, 'the same rows skipped');
  for (const k of ['psi', 'ks_statistic', 'ks_p_value', 'wasserstein', 'js_distance', 'chi2', 'chi2_p_value']) assertClose(p[k], l[k], k, 1e-9);
  assert.equal(p['drifted'], l['drifted']);
  if (l['kind'] === 'numeric') {
    // The same edges and the same rows in each bin (shares are counts / n: exact).
    assert.deepEqual(p['bins'], l['bins']);
    assert.equal(p['ks_statistic'], l['ks_statistic'], 'KS from the same cumulative counts: exact');
  } else {
    const byCategory = (bins: any[]) => Object.fromEntries(bins.map((b) => [b.category, [b.reference_share, b.current_share]]));
    assert.deepEqual(byCategory(p['bins']), byCategory(l['bins']));
  }
  // Only counts crossed the network: a few KB whatever the rows.
  const bytes = pushed.queries.reduce((s, q) => s + q.response_bytes, 0);
  assert.ok(bytes < 4_000, `${bytes} bytes of answers`);
  assert.ok(pushed.queries.filter((q) => !/LIMIT 0$/.test(q.sql)).every((q) => /UNION ALL/.test(q.sql)), 'after the metadata, every query reads both samples');
  return { pushed, p };
}

test('numeric drift pushed down (two filters of one Distributed table) equals the in-process result', opts, async () => {
  const { pushed, p } = await compare(
    { connection: 'shards', table: 'exposures', where: "variant = 'b'" },
    { where: "variant = 'control'" },
    'latency_ms',
    file('b.jsonl', (r) => r['variant'] === 'b'),
    file('control.jsonl', (r) => r['variant'] === 'control'),
  );
  assert.equal(p['kind'], 'numeric');
  assert.equal(pushed.queries.length, 5, 'metadata, summary, deciles, bins, KS/W1');
  assert.match(pushed.queries[2]!.sql, /quantilesExactIf/);
  assert.match(pushed.queries[4]!.sql, /arrayCumSum/);
});

test('numeric drift with ties (a 1-5 integer column) and with NULLs: edges on data values, the same bins', opts, async () => {
  await compare(
    { connection: 'shards', table: 'exposures', where: 'user_id >= 6000' },
    { where: 'user_id < 6000' },
    'sessions',
    file('late.jsonl', (r) => Number(r['user_id']) >= 6000),
    file('early.jsonl', (r) => Number(r['user_id']) < 6000),
  );
  // Reference on another table whose latency_ms is Nullable: NULL rows skipped as in the file.
  await compare({ connection: 'shards', table: 'exposures' }, { table: 'baseline' }, 'latency_ms', file('all.jsonl', () => true), path.join(ws, 'baseline.jsonl'));
});

test('categorical drift pushed down (a String column; a Nullable one with NULL rows skipped) equals the in-process result', opts, async () => {
  const { p } = await compare(
    { connection: 'shards', table: 'exposures', where: 'user_id % 2 = 1' },
    { where: 'user_id % 2 = 0' },
    'adapter',
    file('odd.jsonl', (r) => Number(r['user_id']) % 2 === 1),
    file('even.jsonl', (r) => Number(r['user_id']) % 2 === 0),
  );
  assert.equal(p['kind'], 'categorical');
  await compare(
    { connection: 'shards', table: 'exposures', where: 'user_id % 2 = 1' },
    { where: 'user_id % 2 = 0' },
    'variant',
    path.join(ws, 'odd.jsonl'),
    path.join(ws, 'even.jsonl'),
  );
});

test('a text column holding numbers is numeric, as in a file; a query as the reference', opts, async () => {
  const { p } = await compare(
    { connection: 'shards', table: 'baseline' },
    { query: 'SELECT toString(sessions) AS sessions FROM exposures' },
    'sessions',
    path.join(ws, 'baseline.jsonl'),
    file('all-sessions.jsonl', () => true),
  );
  assert.equal(p['kind'], 'numeric');
});

test('drift on a connection: clear refusals (no reference, free text, another connection, a missing column)', opts, async () => {
  const spec: SourceSpec = { connection: 'shards', table: 'exposures' };
  await assert.rejects(runSourcePushdown('drift', spec, { column: 'latency_ms' }, ctx), /drift on a connection needs a reference sample: reference: \{where: \.\.\.\}/);
  await assert.rejects(runSourcePushdown('drift', spec, { column: 'latency_ms', reference_source: { connection: 'other', where: '1' } }, ctx), /must be on the connection of the current one \("shards"\), not "other"/);
  await assert.rejects(
    runSourcePushdown('drift', { connection: 'shards', query: 'SELECT concat(\'user-\', toString(user_id)) AS id, user_id FROM exposures' }, { column: 'id', reference_source: { where: 'user_id < 3000' } }, ctx),
    /"id" looks like free text: \d+ distinct values in \d+ rows/,
  );
  await assert.rejects(runSourcePushdown('drift', spec, { column: 'latncy_ms', reference_source: { where: '1' } }, ctx), /drift \(current sample\) reads column "latncy_ms", which the source does not have \(did you mean "latency_ms"\?\)/);
  await assert.rejects(runSourcePushdown('drift', spec, { column: 'latency_ms', reference_source: { table: 'baseline', where: 'user_id < 0' } }, ctx), /shards:baseline \(where user_id < 0\): no usable rows: 0 read/);
});

test('drift on a connection from the CLI (--reference-where, --reference CONN:TABLE) and from a pipeline check (reference: {where})', opts, async () => {
  const { runCli } = await import('../support/cli');
  const r = runCli(['analyze', 'drift', '--source', 'shards:exposures', '--where', "variant = 'b'", '--reference-where', "variant = 'control'", '--column', 'latency_ms', '--format', 'json'], { cwd: ws });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  const local = await runAnalysis('drift', path.join(ws, 'b.jsonl'), { column: 'latency_ms', reference: path.join(ws, 'control.jsonl') });
  assertClose(out.psi, (local.result as any).psi, 'psi', 1e-9);
  assert.equal(out.source, 'shards:exposures');
  const t = runCli(['analyze', 'drift', '--source', 'shards:exposures', '--reference', 'shards:baseline', '--column', 'latency_ms', '--show-sql'], { cwd: ws });
  assert.equal(t.code, 0, t.stderr);
  assert.match(t.stdout, /^drift of shards:exposures \(clickhouse, \d+ rows aggregated on the server\)/);
  assert.match(t.stdout, /note: reference: shards:baseline; current: shards:exposures/);
  assert.match(t.stdout, /UNION ALL/);
  const bad = runCli(['analyze', 'drift', '--source', 'shards:exposures', '--reference', 'baseline.jsonl', '--column', 'latency_ms'], { cwd: ws });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /with --source, --reference must be CONNECTION:TABLE/);
  fs.writeFileSync(
    path.join(ws, 'drift.pipeline.yaml'),
    `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata: {name: drift-gates}
stages:
  - id: serve
    phase: deployment
    checks:
      - analysis: drift
        source: {connection: shards, table: exposures, where: "variant = 'b'"}
        reference: {where: "variant = 'control'"}
        options: {column: latency_ms}
        assert: {psi: {max: 10}, n_current: {min: 1}}
      - analysis: drift
        source: {connection: shards, table: exposures}
        reference: data/ref.jsonl
        options: {column: latency_ms}
        assert: {psi: {max: 10}}
`,
  );
  const c = runCli(['check', 'drift.pipeline.yaml', '--format', 'json'], { cwd: ws });
  const checks = JSON.parse(c.stdout).pipelines[0].checks as { status: string; error?: string; asserts: { label: string; value: number }[] }[];
  assert.equal(checks[0]!.status, 'passed', checks[0]!.error);
  assertClose(checks[0]!.asserts[0]!.value, (local.result as any).psi, 'psi of the check', 1e-9);
  assert.match(checks[1]!.error!, /with source:, reference: is the reference sample on the same connection/);
});

test('active-learning top-k on a connection: the same rows, scores and ranks as the file, only candidates pulled', opts, async () => {
  for (const [method, extra] of [['entropy', 25], ['margin', 10], ['least_confidence', 10], ['diversity', 8]] as const) {
    const pushed = await runSourcePushdown('uncertainty', { connection: 'shards', query: 'SELECT id, probs, embedding FROM preds' }, { method, top: extra }, ctx);
    const local = await runAnalysis('uncertainty', path.join(ws, 'preds.jsonl'), { method, top: extra });
    const p = pushed.result as any;
    const l = local.result as any;
    assert.deepEqual(p.selected.map((s: any) => [s.id, s.rank]), l.selected.map((s: any) => [s.id, s.rank]), method);
    p.selected.forEach((s: any, i: number) => assert.equal(s.score, l.selected[i].score, `${method} score of ${s.id}: the same function`));
    assert.ok(pushed.queries.some((q) => /ORDER BY score DESC\nLIMIT 1 OFFSET/.test(q.sql)));
    const pulled = pushed.queries.at(-1)!.rows;
    assert.ok(pulled < 200, `${method}: ${pulled} candidate rows pulled of 6000`);
  }
  // Ties: the 25 most uncertain include every uniform row (entropy log 3); the order among them is by id.
  const ties = (await runSourcePushdown('uncertainty', { connection: 'shards', query: 'SELECT id, probs FROM preds' }, { top: 25 }, ctx)).result as any;
  const ids = ties.selected.map((s: any) => Number(s.id));
  assert.deepEqual(ids, Array.from({ length: 25 }, (_, i) => i * 97), 'uniform rows first, in id order (numbers, not text: 97 before 194 before 1067)');
  // Logits: softmaxed on the server for the selection, by the pure function for the answer.
  const pl = await runSourcePushdown('uncertainty', { connection: 'shards', query: 'SELECT id, logits FROM preds' }, { method: 'margin', top: 10 }, ctx);
  const ll = await runAnalysis('uncertainty', path.join(ws, 'logits.jsonl'), { method: 'margin', top: 10 });
  assert.deepEqual(pl.result, ll.result);
  await assert.rejects(runSourcePushdown('uncertainty', { connection: 'shards', table: 'exposures' }, {}, ctx), /uncertainty \(the row id\) reads column "id", which the source does not have/);
});
