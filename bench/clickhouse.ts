/**
 * A/B analysis of N exposure rows (default 100M) on the local two-shard ClickHouse (two
 * clickhouse-server processes, a Distributed table; the test harness's setup), pushed down against
 * pulling the rows:
 *
 *   pushed down: the GROUP BY variant query of sql/ab.ts; only per-variant sums cross the network;
 *   pulled:      SELECT variant, success, spend, pre_spend ... FORMAT TabSeparated, streamed and
 *                reduced in-process to the same sums (the fastest possible client: no JSON).
 *
 * Rows are generated server-side with numbers() (intHash64, deterministic). Prints time and bytes.
 *   node --import tsx bench/clickhouse.ts [--rows 100000000] [--pull-rows N]
 * (--pull-rows pulls only the first N rows and says so, for slow machines.)
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { startCluster } from '../test/clickhouse/harness';
import { runAbPushdown } from '../server/src/connections/pushdown';
import { parseConnections } from '../server/src/connections/config';
import { analyzeAb } from '../server/src/analysis/ab';
import { emptyMoments, pushMoments, type Moments } from '../server/src/analysis/ab-stats';
import type { ExperimentPlan } from '../server/src/engine/experiment';
import type { AbInput } from '../server/src/analysis/types';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const ROWS = arg('rows', 100_000_000);
const PULL = arg('pull-rows', ROWS);

const COLUMNS = 'user_id UInt64, variant String, success UInt8, spend Float64, pre_spend Float64';
const gen = (from: number, count: number) => {
  const h = (k: number) => `intHash64(number * 7 + ${k})`;
  const u = (k: number) => `(${h(k)} % 1000000) / 1000000`;
  return `SELECT user_id, variant, success, spend, pre_spend FROM (SELECT number AS user_id, ['control', 'b'][${h(2)} % 2 + 1] AS variant,
    toUInt8(${u(3)} < if(variant = 'b', 0.121, 0.12)) AS success, round(${u(4)} * 100, 2) AS pre_spend,
    round(pre_spend * 0.8 + ${u(5)} * 30 + if(variant = 'b', 0.05, 0), 3) AS spend FROM numbers(${from}, ${count}))`;
};

const plan: ExperimentPlan = {
  file: 'bench.experiment.yaml',
  minSampleSize: null,
  guardrails: [],
  options: { variants: ['control', 'b'], control: 'control', traffic: { control: 1, b: 1 }, metricSpecs: [{ name: 'success', primary: true }, { name: 'spend' }] },
  metrics: [
    { name: 'success', type: 'binomial', column: 'success' },
    { name: 'spend', type: 'continuous', column: 'spend', covariate: 'pre_spend' },
  ],
};

/** Runs SQL through clickhouse-client (native TCP protocol) and counts the bytes it prints: the engine's own time, for comparison. */
function clickhouseClient(port: number, sql: string): Promise<{ ms: number; bytes: number }> {
  const bin = ['/usr/bin/clickhouse-client', '/usr/bin/clickhouse'].find((p) => fs.existsSync(p));
  if (!bin) return Promise.resolve({ ms: NaN, bytes: NaN });
  const args = bin.endsWith('clickhouse') ? ['client'] : [];
  return new Promise((resolve, reject) => {
    const t = performance.now();
    let bytes = 0;
    const p = spawn(bin, [...args, '--host', '127.0.0.1', '--port', String(port), '--query', sql], { stdio: ['ignore', 'pipe', 'inherit'] });
    p.stdout.on('data', (c: Buffer) => (bytes += c.length));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve({ ms: performance.now() - t, bytes }) : reject(new Error(`clickhouse-client exited ${code}`))));
  });
}

const mb = (b: number) => `${(b / 1e6).toFixed(b < 1e6 ? 4 : 1)} MB`;

async function main(): Promise<void> {
  const t0 = performance.now();
  const cluster = await startCluster();
  try {
    const per = Math.ceil(ROWS / 2);
    for (let s = 0; s < 2; s++) {
      await cluster.sql(`CREATE TABLE ab_local (${COLUMNS}) ENGINE = MergeTree() ORDER BY user_id`, s);
    }
    // In chunks: one INSERT of 50M generated rows outlasts the HTTP client's 300 s header timeout on a busy machine.
    const CHUNK = 5_000_000;
    await Promise.all(
      [0, 1].map(async (s) => {
        const end = Math.min(per, ROWS - s * per);
        for (let off = 0; off < end; off += CHUNK) await cluster.sql(`INSERT INTO ab_local ${gen(s * per + off, Math.min(CHUNK, end - off))}`, s);
      }),
    );
    await cluster.sql(`CREATE TABLE ab AS ab_local ENGINE = Distributed(lens_two_shards, default, ab_local, user_id)`);
    const loaded = Number(await cluster.sql('SELECT count() FROM ab'));
    console.log(`loaded ${loaded.toLocaleString('en-US')} rows on 2 shards in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const ctx = { connections: parseConnections({ bench: { type: 'clickhouse', url: cluster.url, timeout_ms: 3_600_000 } }, 'bench').connections };
    const t1 = performance.now();
    const pushed = await runAbPushdown(plan, { connection: 'bench', table: 'ab' }, {}, ctx);
    const pushMs = performance.now() - t1;
    const pushBytes = pushed.queries.reduce((n, q) => n + q.response_bytes, 0);
    const aggregate = pushed.queries.find((q) => /GROUP BY variant/.test(q.sql))!;

    // Pull: stream the rows as TSV and reduce them to the same sums.
    const t2 = performance.now();
    const res = await fetch(`${cluster.url}/`, { method: 'POST', body: `SELECT variant, success, spend, pre_spend FROM ab${PULL < ROWS ? ` LIMIT ${PULL}` : ''} FORMAT TabSeparated` });
    if (!res.ok || !res.body) throw new Error(`pull failed: ${res.status} ${await res.text()}`);
    let bytes = 0;
    let rest = '';
    const units: Record<string, number> = {};
    const succ: Record<string, { n: number; successes: number }> = {};
    const mom: Record<string, Moments> = {};
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.byteLength;
      const text = rest + decoder.decode(chunk, { stream: true });
      let start = 0;
      for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
        const line = text.slice(start, nl);
        start = nl + 1;
        const t1i = line.indexOf('\t');
        const t2i = line.indexOf('\t', t1i + 1);
        const t3i = line.indexOf('\t', t2i + 1);
        const v = line.slice(0, t1i);
        const s = line.charCodeAt(t1i + 1) - 48;
        const y = Number(line.slice(t2i + 1, t3i));
        const x = Number(line.slice(t3i + 1));
        units[v] = (units[v] ?? 0) + 1;
        const b = (succ[v] ??= { n: 0, successes: 0 });
        b.n++;
        b.successes += s;
        pushMoments((mom[v] ??= emptyMoments()), y, x);
      }
      rest = text.slice(start);
    }
    const input: AbInput = {
      units,
      metrics: [
        { name: 'success', type: 'binomial', byVariant: succ },
        { name: 'spend', type: 'adjusted', metricType: 'continuous', byVariant: mom },
      ],
    };
    const pulled = analyzeAb(input, plan.options);
    const pullMs = performance.now() - t2;
    const scale = ROWS / Math.min(PULL, ROWS);

    console.log(`\nA/B analysis (binomial success + CUPED spend), ${ROWS.toLocaleString('en-US')} exposure rows, 2 shards, this machine (2 cores shared):`);
    console.log(`  pushed down: ${(pushMs / 1000).toFixed(2)} s, ${pushed.queries.length} queries, ${mb(pushBytes)} of results (aggregate query ${mb(aggregate.response_bytes)}, ${(aggregate.duration_ms / 1000).toFixed(2)} s)`);
    console.log(`  pulled rows: ${(pullMs / 1000).toFixed(2)} s, ${mb(bytes)} transferred for ${Math.min(PULL, ROWS).toLocaleString('en-US')} rows${scale > 1 ? ` (x${scale.toFixed(1)} for all rows: ~${((pullMs * scale) / 1000).toFixed(0)} s, ~${mb(bytes * scale)})` : ''}`);
    // The same SQL through clickhouse-client: the aggregate as it is sent, and the pull (rows printed as TSV, not parsed).
    const cliAgg = await clickhouseClient(cluster.shards[0].tcp, aggregate.sql);
    const cliPull = await clickhouseClient(cluster.shards[0].tcp, `SELECT variant, success, spend, pre_spend FROM ab${PULL < ROWS ? ` LIMIT ${PULL}` : ''} FORMAT TabSeparated`);
    console.log(`  clickhouse-client, the same aggregate SQL: ${(cliAgg.ms / 1000).toFixed(2)} s, ${mb(cliAgg.bytes)} printed`);
    console.log(`  clickhouse-client, the same rows pulled as TSV (printed, not parsed): ${(cliPull.ms / 1000).toFixed(2)} s, ${mb(cliPull.bytes)}`);
    console.log(`  ratio: ${((bytes * scale) / pushBytes).toFixed(0)}x fewer bytes, ${((pullMs * scale) / pushMs).toFixed(1)}x less time pushed down`);
    if (scale === 1) {
      const p = (pushed.result as unknown as ReturnType<typeof analyzeAb>).metrics[1]!.results[0]!;
      const q = pulled.metrics[1]!.results[0]!;
      console.log(`  same answer: CUPED spend diff ${p.abs_diff} vs ${q.abs_diff} (relative difference ${Math.abs(p.abs_diff - q.abs_diff) / Math.abs(q.abs_diff)})`);
    }
  } finally {
    await cluster.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
