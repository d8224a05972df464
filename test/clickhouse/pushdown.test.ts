/**
 * Analyses pushed down to a real, sharded ClickHouse: two clickhouse-server processes on loopback
 * (own temp configs, no system service) as two shards with a Distributed table over them. Every
 * pushed-down analysis equals the in-process analysis of the same rows pulled into a JSONL file:
 * counts exactly, statistics to 1e-9 relative, quantiles exactly (quantileExact picks the same order
 * statistic). Faults: server down, query cancelled (killed on the server), killed by someone else,
 * timeout, wrong or missing credentials, a missing column; results on a connection are never cached.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { clickhouseSkipReason, loadExposures, startCluster, type Cluster } from './harness';
import { runAnalysis } from '../../server/src/engine/run';
import { analyzeWithCache } from '../../server/src/engine/analyze';
import { readExperiment } from '../../server/src/engine/experiment';
import { Store } from '../../server/src/engine/store';
import { runAbPushdown, runSourcePushdown, type PushdownContext } from '../../server/src/connections/pushdown';
import { loadConnections } from '../../server/src/connections/load';
import { SourceError, CancelledError } from '../../server/src/connections/clickhouse';
import { assertClose, assertFieldsClose } from '../oracles/analyses-oracle';

const skip = clickhouseSkipReason();
const PER_SHARD = 15_000;
let cluster: Cluster;
let ws: string;
let ctx: PushdownContext;

const EXPERIMENT = (extra: string) => `apiVersion: rlhf-lens/v1
kind: Experiment
metadata: {name: pushdown}
variants:
  - {id: control, control: true, traffic: 1}
  - {id: b, traffic: 1}
  - {id: c, traffic: 1}
metrics:
  - {name: success, type: binomial, primary: true}
  - {name: spend, type: continuous, covariate: pre_spend}
  - {name: spend_raw, type: continuous, column: spend}
  - {name: tokens_per_session, type: ratio, numerator: tokens, denominator: sessions, direction: decrease, guardrail: {max_relative_change: 0.1}}
  - {name: latency_p95, type: quantile, column: latency_ms, quantile: 0.95, direction: decrease}
  - {name: latency_p50, type: quantile, column: latency_ms, quantile: 0.5}
analysis: {correction: bh, confidence: 0.95}
${extra}
`;

before(async () => {
  if (skip) return;
  cluster = await startCluster();
  await loadExposures(cluster, PER_SHARD);
  ws = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-ch-ws-'));
  const closed = 1; // nothing listens on port 1
  fs.writeFileSync(
    path.join(ws, '.rlhf-lens.yaml'),
    `connections:
  shards: {type: clickhouse, url: ${cluster.url}, database: default}
  lens-auth: {type: clickhouse, url: ${cluster.url}, user_env: LENS_TEST_USER, password_env: LENS_TEST_PASSWORD}
  down: {type: clickhouse, url: http://127.0.0.1:${closed}}
  impatient: {type: clickhouse, url: ${cluster.url}, timeout_ms: 400}
`,
  );
  // The same rows, pulled once, for the in-process analyses (64-bit integers as JSON numbers).
  const rows = await cluster.sql('SELECT * FROM exposures ORDER BY user_id FORMAT JSONEachRow');
  fs.writeFileSync(path.join(ws, 'exposures.jsonl'), rows);
  fs.writeFileSync(path.join(ws, 'file.experiment.yaml'), EXPERIMENT('data: exposures.jsonl'));
  fs.writeFileSync(path.join(ws, 'pushed.experiment.yaml'), EXPERIMENT('source: {connection: shards, table: exposures}'));
  const loaded = loadConnections(ws);
  assert.deepEqual(loaded.problems, []);
  ctx = { connections: loaded.connections };
});

after(async () => {
  if (skip) return;
  await cluster?.stop();
  if (ws) fs.rmSync(ws, { recursive: true, force: true });
});

const opts = { skip };

test('the Distributed table holds both shards', opts, async () => {
  const total = await cluster.sql('SELECT count() FROM exposures');
  const local = [await cluster.sql('SELECT count() FROM exposures_local', 0), await cluster.sql('SELECT count() FROM exposures_local', 1)];
  assert.equal(Number(total), 2 * PER_SHARD);
  assert.deepEqual(local.map(Number), [PER_SHARD, PER_SHARD]);
});

test('ab pushed down (CUPED, ratio, quantile, binomial, continuous) equals the in-process analysis of the same rows', opts, async () => {
  const pushed = await runAnalysis('ab', path.join(ws, 'pushed.experiment.yaml'), {});
  const local = await runAnalysis('ab', path.join(ws, 'file.experiment.yaml'), {});
  assert.equal(pushed.format, 'clickhouse');
  assert.equal(pushed.source, 'shards:exposures');
  assert.equal(pushed.rowsRead, local.rowsRead);
  assert.equal(pushed.skipped.count, local.skipped.count, 'NULL variants are skipped on both paths');
  const p = pushed.result as Record<string, any>;
  const l = local.result as Record<string, any>;
  assert.deepEqual(p['srm'].observed, l['srm'].observed, 'units per variant: exact');
  assertFieldsClose(p['srm'], l['srm'], 'srm', 1e-9);
  assert.equal(p['metrics'].length, 6);
  for (const [i, m] of (l['metrics'] as any[]).entries()) {
    const pm = p['metrics'][i];
    assert.equal(pm.type, m.type);
    for (const [j, r] of (m.results as any[]).entries()) {
      assert.equal(pm.results[j].n, r.n, `${m.name} ${r.variant} n exact`);
      assert.equal(pm.results[j].control_n, r.control_n);
      if (m.type === 'quantile') {
        assert.equal(pm.results[j].mean, r.mean, `${m.name} ${r.variant}: the same order statistic`);
        assert.equal(pm.results[j].control_mean, r.control_mean);
      }
      assertFieldsClose(pm.results[j], r, `${m.name} ${r.variant}`, 1e-9);
    }
    if (m.adjustment) assertClose(pm.adjustment.theta, m.adjustment.theta, 'theta', 1e-9);
  }
  assertFieldsClose(p['guardrails'], l['guardrails'], 'guardrails', 1e-9);
  assert.deepEqual(p['decision'], l['decision']);
  // Show SQL: the GROUP BY query and the quantile query, and only a few KB came back.
  assert.ok(pushed.queries!.some((q) => /GROUP BY variant/.test(q.sql)));
  assert.ok(pushed.queries!.some((q) => /quantilesExactIf/.test(q.sql)));
  const bytes = pushed.queries!.reduce((n, q) => n + q.response_bytes, 0);
  assert.ok(bytes < 20_000, `${bytes} bytes of results for ${pushed.rowsRead} rows`);
});

test('latency pushed down: overall, per group and per window equal the in-process figures', opts, async () => {
  // The table calls it ts: the column mapping works as for files.
  const o = { group_by: 'adapter', window_ms: 3_600_000, columns: { timestamp: 'ts' } };
  const pushed = await runSourcePushdown('latency', { connection: 'shards', table: 'exposures' }, o, ctx);
  const local = await runAnalysis('latency', path.join(ws, 'exposures.jsonl'), o);
  const p = pushed.result as Record<string, any>;
  const l = local.result as Record<string, any>;
  assert.equal(p['overall'].count, l['overall'].count);
  assertFieldsClose(p['overall'], l['overall'], 'overall', 1e-9);
  assert.deepEqual(p['groups'].map((g: any) => [g.key, g.count]), l['groups'].map((g: any) => [g.key, g.count]));
  assertFieldsClose(p['groups'], l['groups'], 'groups', 1e-9);
  assert.deepEqual(p['windows'].map((w: any) => [w.key, w.count]), l['windows'].map((w: any) => [w.key, w.count]));
  assertFieldsClose(p['windows'], l['windows'], 'windows', 1e-9);
  assert.deepEqual(p['anomalies'], []);
  assert.match(pushed.notes.join(' '), /anomalies/);
});

test('calibration pushed down: bins, ECE, MCE, Brier and NLL equal the in-process figures', opts, async () => {
  const pushed = await runSourcePushdown('calibration', { connection: 'shards', table: 'exposures', where: 'user_id % 2 = 0' }, { bins: 10 }, ctx);
  fs.writeFileSync(
    path.join(ws, 'even.jsonl'),
    fs
      .readFileSync(path.join(ws, 'exposures.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line && JSON.parse(line).user_id % 2 === 0)
      .join('\n'),
  );
  const local = await runAnalysis('calibration', path.join(ws, 'even.jsonl'), { bins: 10 });
  const p = pushed.result as Record<string, any>;
  const l = local.result as Record<string, any>;
  assert.equal(p['n'], l['n']);
  for (const k of ['accuracy', 'mean_confidence', 'ece', 'mce', 'brier', 'nll']) assertClose(p[k], l[k], k, 1e-9);
  assert.deepEqual(p['bins'].map((b: any) => b.count), l['bins'].map((b: any) => b.count), 'rows land in the same bins');
  assertFieldsClose(p['bins'], l['bins'], 'bins', 1e-9);
  assert.equal(p['adaptive_ece'], null);
  assert.match(pushed.queries.at(-1)!.sql, /WHERE \(user_id % 2 = 0\)/);
});

test('results on a connection are never cached: new rows on a shard change the next answer', opts, async () => {
  const store = await Store.open(undefined);
  const file = path.join(ws, 'pushed.experiment.yaml');
  const run = () => analyzeWithCache({ analysis: 'ab', file, options: {} }, (req) => runAnalysis(req.analysis, req.file, req.options), store);
  const first = await run();
  await cluster.sql(`INSERT INTO exposures_local SELECT * FROM exposures_local WHERE variant = 'b' LIMIT 100`, 1);
  const second = await run();
  store.close();
  assert.equal(second.cached, false);
  const o1 = (first.result as any).srm.observed;
  const o2 = (second.result as any).srm.observed;
  assert.equal(o2.b, o1.b + 100);
});

test('server down: a clear error naming the connection, nothing else', opts, async () => {
  const plan = readExperiment(path.join(ws, 'pushed.experiment.yaml'));
  await assert.rejects(runAbPushdown(plan, { connection: 'down', table: 'exposures' }, {}, ctx), (err: unknown) => {
    assert.ok(err instanceof SourceError);
    assert.match((err as Error).message, /^down:exposures: cannot reach ClickHouse at http:\/\/127\.0\.0\.1:1 \(connection "down"\): connection refused \(is the server running\?\)$/);
    return true;
  });
});

test('credentials: only from the environment variables the connection names; wrong ones are refused without echoing them', opts, async () => {
  const plan = readExperiment(path.join(ws, 'pushed.experiment.yaml'));
  const spec = { connection: 'lens-auth', table: 'exposures' };
  await assert.rejects(runAbPushdown(plan, spec, {}, { ...ctx, env: {} }), /environment variable LENS_TEST_USER \(user_env\) is not set/);
  const wrong = 'not-the-password-123';
  await assert.rejects(runAbPushdown(plan, spec, {}, { ...ctx, env: { LENS_TEST_USER: 'lens', LENS_TEST_PASSWORD: wrong } }), (err: unknown) => {
    assert.ok(err instanceof SourceError);
    assert.match((err as Error).message, /refused the credentials \(user from LENS_TEST_USER, password from LENS_TEST_PASSWORD\): wrong user or password/);
    assert.ok(!(err as Error).message.includes(wrong), 'the password is not in the message');
    return true;
  });
  const ok = await runAbPushdown(plan, spec, {}, { ...ctx, env: { LENS_TEST_USER: 'lens', LENS_TEST_PASSWORD: cluster.password } });
  assert.equal(ok.rowsRead > 0, true);
});

test('a missing column is named, with a suggestion, before any aggregate runs', opts, async () => {
  fs.writeFileSync(path.join(ws, 'typo.experiment.yaml'), EXPERIMENT('source: {connection: shards, table: exposures}').replace('numerator: tokens', 'numerator: tokns'));
  await assert.rejects(runAnalysis('ab', path.join(ws, 'typo.experiment.yaml'), {}), (err: unknown) => {
    assert.ok(err instanceof SourceError);
    assert.match((err as Error).message, /^shards:exposures: metric "tokens_per_session" reads column "tokns", which the source does not have \(did you mean "tokens"\?\)/);
    return true;
  });
  // A column that disappears between the metadata and the query (a where clause naming it) is the server's error, named as such.
  await assert.rejects(runSourcePushdown('calibration', { connection: 'shards', table: 'exposures', where: 'no_such_column = 1' }, {}, ctx), /a column is missing: .*no_such_column/);
});

const SLOW = `SELECT (number % 1000) / 1000 AS confidence, toUInt8(number % 3 = 0) AS correct FROM numbers(100000000000)`;

/**
 * Aggregates of SLOW running on the server. Only the aggregate (GROUP BY bin): the run's first query
 * reads the source's columns (`SELECT * FROM (SLOW) AS src LIMIT 0`) and carries the same marker; a
 * test that took it for the aggregate cancelled, or killed, between the two queries (the flake under
 * load: cancelled before the aggregate was sent, or the aggregate never started).
 */
const AGGREGATE = 'GROUP BY bin';
async function running(marker: string): Promise<number> {
  return Number(await cluster.sql(`SELECT count() FROM system.processes WHERE query LIKE '%${marker}%' AND query LIKE '%${AGGREGATE}%' AND query NOT LIKE '%system.processes%'`));
}

test('cancelling kills the query on the server (KILL QUERY by query_id)', opts, async () => {
  const controller = new AbortController();
  const marker = 'numbers(100000000000)';
  const job = runSourcePushdown('calibration', { connection: 'shards', query: SLOW }, {}, { ...ctx, signal: controller.signal });
  // Wait until the aggregate is running on the server, then cancel.
  const t0 = Date.now();
  while ((await running(marker)) === 0 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
  assert.ok((await running(marker)) > 0, 'the slow query started');
  controller.abort();
  await assert.rejects(job, (err: unknown) => err instanceof CancelledError && /was stopped on shards/.test((err as Error).message));
  const t1 = Date.now();
  while ((await running(marker)) > 0 && Date.now() - t1 < 10_000) await new Promise((r) => setTimeout(r, 50));
  assert.equal(await running(marker), 0, 'no query left running on the server');
});

test('a query killed by someone else, and a time limit: clear errors, query gone from the server', opts, async () => {
  const marker = 'numbers(100000000000)';
  // Settled at once, so the rejection is not unhandled while the KILL runs.
  const job = runSourcePushdown('calibration', { connection: 'shards', query: SLOW }, {}, ctx).then(() => undefined, (e: unknown) => e as Error);
  const t0 = Date.now();
  while ((await running(marker)) === 0 && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 50));
  await cluster.sql(`KILL QUERY WHERE query LIKE '%${marker}%' AND query LIKE '%${AGGREGATE}%' AND query NOT LIKE '%system.processes%' SYNC`);
  const err = await job;
  assert.ok(err instanceof SourceError, String(err));
  assert.match(err.message, /^shards:\(query\): the query was killed on the server: .*Query was cancelled/);
  await assert.rejects(runSourcePushdown('calibration', { connection: 'impatient', query: SLOW }, {}, ctx), /took longer than 400 ms \(timeout_ms of connection "impatient"\) and was stopped on the server/);
  const t1 = Date.now();
  while ((await running(marker)) > 0 && Date.now() - t1 < 10_000) await new Promise((r) => setTimeout(r, 50));
  assert.equal(await running(marker), 0);
});

test('CLI: analyze --source CONNECTION:TABLE with --show-sql and --format json; a bad source exits 2 with the reason', opts, async () => {
  const { runCli } = await import('../support/cli');
  const text = runCli(['analyze', 'ab', '--source', 'shards:exposures', '--where', 'user_id % 2 = 1', '--experiment', 'file.experiment.yaml', '--show-sql'], { cwd: ws });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^ab of shards:exposures \(clickhouse, \d+ rows aggregated on the server\)/);
  assert.match(text.stdout, /ran on shards:exposures: 3 queries, \d+ bytes of results transferred/);
  assert.match(text.stdout, /WHERE user_id % 2 = 1\nGROUP BY variant/);
  const json = runCli(['analyze', 'latency', '--source', 'shards:exposures', '--column', 'timestamp=ts', '--group-by', 'adapter', '--format', 'json'], { cwd: ws });
  assert.equal(json.code, 0, json.stderr);
  const out = JSON.parse(json.stdout);
  assert.equal(out.source, 'shards:exposures');
  assert.equal(out.overall.count, Number(await cluster.sql('SELECT count() FROM exposures')));
  assert.ok(out.sql.length >= 3 && out.sql.every((q: { sql: string; query_id: string }) => q.sql.startsWith('SELECT') && q.query_id.startsWith('rlhf-lens-')));
  const down = runCli(['analyze', 'calibration', '--source', 'down:exposures'], { cwd: ws });
  assert.equal(down.code, 2);
  assert.match(down.stderr, /^rlhf-lens analyze: down:exposures: cannot reach ClickHouse/);
  const unknown = runCli(['analyze', 'calibration', '--source', 'shard:exposures'], { cwd: ws });
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown connection "shard" \(did you mean "shards"\?\)/);
});

const CHECKS = (where: (analysis: string, extra?: string) => string) => `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata: {name: warehouse-gates}
stages:
  - id: serve
    phase: deployment
    checks:
      - analysis: latency
        ${where('latency')}
        options: {columns: {timestamp: ts}, group_by: adapter}
        assert: {p95: {max: 1000000}, mean: {max: 1}}
      - analysis: calibration
        ${where('calibration', 'user_id % 2 = 0')}
        options: {bins: 10}
        assert: {ece: {max: 1}, brier: {max: 1}}
      - analysis: ab
        ${where('ab')}
        options: {experiment: file.experiment.yaml}
        assert: {srm.p_value: {min: 0}, p_value: {max: 1}}
`;

test('pipeline checks with source: run on the connection (rlhf-lens check), with the verdicts of the same rows in a file', opts, async () => {
  const { runCli } = await import('../support/cli');
  // Pulled now: an earlier test added rows to a shard.
  const rows = await cluster.sql('SELECT * FROM exposures ORDER BY user_id FORMAT JSONEachRow');
  fs.writeFileSync(path.join(ws, 'now.jsonl'), rows);
  fs.writeFileSync(path.join(ws, 'now-even.jsonl'), rows.split('\n').filter((l) => l && JSON.parse(l).user_id % 2 === 0).join('\n'));
  fs.writeFileSync(path.join(ws, 'pushed.pipeline.yaml'), CHECKS((_a, w) => `source: {connection: shards, table: exposures${w ? `, where: "${w}"` : ''}}`));
  fs.writeFileSync(path.join(ws, 'file.pipeline.yaml'), CHECKS((_a, w) => `data: ${w ? 'now-even.jsonl' : 'now.jsonl'}`));
  const run = (f: string) => {
    const r = runCli(['check', f, '--format', 'json'], { cwd: ws });
    assert.equal(r.code, 1, `one assert fails on purpose (mean <= 1): ${r.stderr}`);
    return JSON.parse(r.stdout).pipelines[0].checks as { source?: string; data?: string; status: string; error?: string; asserts: { label: string; value: number; passed: boolean }[] }[];
  };
  const pushed = run('pushed.pipeline.yaml');
  const local = run('file.pipeline.yaml');
  assert.deepEqual(pushed.map((c) => c.source), ['shards:exposures', 'shards:exposures', 'shards:exposures']);
  assert.deepEqual(pushed.map((c) => c.error), [undefined, undefined, undefined]);
  assert.deepEqual(pushed.map((c) => c.status), local.map((c) => c.status));
  assert.deepEqual(pushed.map((c) => c.status), ['failed', 'passed', 'passed']);
  for (const [i, c] of pushed.entries()) {
    assert.deepEqual(c.asserts.map((a) => [a.label, a.passed]), local[i]!.asserts.map((a) => [a.label, a.passed]));
    c.asserts.forEach((a, j) => assertClose(a.value, local[i]!.asserts[j]!.value, `${c.source} ${a.label}`, 1e-9));
  }
  // A bad source is the check's error, named, not a crash; data: and source: together are refused.
  fs.writeFileSync(path.join(ws, 'bad.pipeline.yaml'), CHECKS((a) => (a === 'latency' ? 'source: {connection: shard, table: exposures}' : a === 'ab' ? 'data: now.jsonl\n        source: {connection: shards, table: exposures}' : 'source: {connection: down, table: exposures}')));
  const bad = runCli(['check', 'bad.pipeline.yaml', '--format', 'json'], { cwd: ws });
  assert.equal(bad.code, 1, bad.stderr);
  const errors = (JSON.parse(bad.stdout).pipelines[0].checks as { error?: string }[]).map((c) => c.error);
  assert.match(errors[0]!, /unknown connection "shard" \(did you mean "shards"\?\)/);
  assert.match(errors[1]!, /^down:exposures: cannot reach ClickHouse/);
  assert.equal(errors[2], 'give either data: or source:, not both');
});

test('cancelling an analysis job in the worker kills its query on the server (the language server path)', opts, async () => {
  const { JobRunner } = await import('../../server/src/engine/jobs');
  const { ROOT } = await import('../support/lsp');
  const jobs = new JobRunner({ workerFile: path.join(ROOT, 'dist', 'server', 'worker.js') });
  fs.writeFileSync(path.join(ws, 'slow.pipeline.yaml'), 'kind: Pipeline\n');
  const marker = 'numbers(100000000000)';
  const controller = new AbortController();
  const job = jobs.run({ analysis: 'calibration', file: path.join(ws, 'slow.pipeline.yaml'), options: { source: { connection: 'shards', query: SLOW } } }, { inputHash: 'slow', optionsHash: 'slow' }, { signal: controller.signal });
  const settled = job.then(() => undefined, (e: unknown) => e as Error);
  const t0 = Date.now();
  while ((await running(marker)) === 0 && Date.now() - t0 < 15_000) await new Promise((r) => setTimeout(r, 50));
  assert.ok((await running(marker)) > 0, 'the slow query started from the worker');
  controller.abort();
  const err = await settled;
  assert.equal(err?.name, 'CancelledError');
  const t1 = Date.now();
  while ((await running(marker)) > 0 && Date.now() - t1 < 10_000) await new Promise((r) => setTimeout(r, 50));
  assert.equal(await running(marker), 0, 'the worker sent KILL QUERY before it was terminated');
  jobs.dispose();
});

test('in the editor, a check on a connection queries it on open and save; an edit re-judges the kept result without a query', opts, async () => {
  const { LspClient } = await import('../support/lsp');
  const queries = async () => Number(await cluster.sql(`SELECT value FROM system.events WHERE event = 'Query'`));
  const text = (max: number) => `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata: {name: editor-gates}
stages:
  - id: serve
    phase: deployment
    checks:
      - analysis: latency
        source: {connection: shards, table: exposures}
        options: {columns: {timestamp: ts}}
        assert: {mean: {max: ${max}}}
`;
  const file = path.join(ws, 'editor.pipeline.yaml');
  fs.writeFileSync(file, text(1));
  const client = await LspClient.start({ rootPath: ws });
  try {
    client.connection.onRequest('workspace/codeLens/refresh', () => null);
    client.connection.onRequest('workspace/diagnostic/refresh', () => null);
    const failed = async (uri: string) => (await client.request<{ items: { code: string; message: string }[] }>('textDocument/diagnostic', { textDocument: { uri } })).items.filter((d) => d.code === 'check/failed');
    const until = async (uri: string, want: number) => {
      for (let i = 0; i < 200; i++) {
        if ((await failed(uri)).length === want) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.fail(`expected ${want} check/failed diagnostics`);
    };
    const uri = client.open(file, text(1), 'rlhf-pipeline');
    await until(uri, 1);
    assert.match((await failed(uri))[0]!.message, /mean .* > max 1 \(latency of shards:exposures\)/);
    const before = await queries();
    client.change(uri, text(1e9));
    await until(uri, 0);
    // The only query since is the one counting them.
    assert.equal((await queries()) - before, 1, 'an edit of the bound sent no query');
    client.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
    const t0 = Date.now();
    while ((await queries()) - before <= 2 && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 100));
    assert.ok((await queries()) - before > 2, 'saving queries the connection again');
  } finally {
    await client.stop();
  }
});
