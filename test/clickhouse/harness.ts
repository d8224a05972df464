/**
 * Two ClickHouse servers on loopback as two shards, each with its own temp config and data folder
 * (no system service), a `lens_two_shards` cluster, and a Distributed table over a local table on
 * each. Used by test/clickhouse/*.test.ts and bench/clickhouse.ts.
 *
 * Needs Debian's clickhouse-server (`apt-get install clickhouse-server`; .ci/run installs it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export const CLICKHOUSE_BIN = ['/usr/sbin/clickhouse-server', '/usr/bin/clickhouse-server', '/usr/bin/clickhouse'].find((p) => fs.existsSync(p));

/** Why the ClickHouse tests cannot run here, or undefined when they can. */
export function clickhouseSkipReason(): string | undefined {
  if (!CLICKHOUSE_BIN) return 'clickhouse-server is not installed (apt-get install clickhouse-server; .ci/run does it as root)';
  return undefined;
}

export interface Server {
  http: number;
  tcp: number;
  dir: string;
  proc: ChildProcess;
  url: string;
}

export interface Cluster {
  shards: [Server, Server];
  /** The HTTP url of the server that holds the Distributed table (shard 1). */
  url: string;
  /** Password of the extra user `lens` (for the credentials tests). */
  password: string;
  stop(): Promise<void>;
  /** Runs SQL on one server over HTTP; throws on an error answer. */
  sql(query: string, server?: number): Promise<string>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function config(dir: string, http: number, tcp: number, cluster: [number, number]): string {
  return `<yandex>
  <logger><level>warning</level><log>${dir}/log.txt</log><errorlog>${dir}/err.txt</errorlog><console>0</console></logger>
  <http_port>${http}</http_port>
  <tcp_port>${tcp}</tcp_port>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>67108864</mark_cache_size>
  <uncompressed_cache_size>67108864</uncompressed_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  <!-- Longer than Node's idle keep-alive (4 s): the client closes an idle socket before the server does,
       so a request never goes out on a socket the server is closing ("other side closed" under load). -->
  <keep_alive_timeout>30</keep_alive_timeout>
  <remote_servers>
    <lens_two_shards>
      <shard><replica><host>127.0.0.1</host><port>${cluster[0]}</port></replica></shard>
      <shard><replica><host>127.0.0.1</host><port>${cluster[1]}</port></replica></shard>
    </lens_two_shards>
  </remote_servers>
</yandex>
`;
}

function users(password: string): string {
  const ip = '<networks><ip>127.0.0.1</ip><ip>::1</ip></networks>';
  return `<yandex>
  <profiles><default><max_memory_usage>4000000000</max_memory_usage><max_threads>2</max_threads></default></profiles>
  <users>
    <default><password></password>${ip}<profile>default</profile><quota>default</quota></default>
    <lens><password>${password}</password>${ip}<profile>default</profile><quota>default</quota></lens>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;
}

async function httpSql(url: string, query: string): Promise<string> {
  // 64-bit integers as JSON numbers (the rows pulled for the in-process comparison).
  const res = await fetch(url + '/?output_format_json_quote_64bit_integers=0', { method: 'POST', body: query });
  const text = await res.text();
  if (!res.ok) throw new Error(`ClickHouse ${res.status}: ${text.slice(0, 500)}`);
  return text;
}

async function waitReady(url: string, proc: ChildProcess, dir: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`clickhouse-server exited (${proc.exitCode}): ${fs.existsSync(`${dir}/err.txt`) ? fs.readFileSync(`${dir}/err.txt`, 'utf8').slice(-1000) : ''}`);
    try {
      if ((await httpSql(url, 'SELECT 1')).trim() === '1') return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`clickhouse-server at ${url} did not start within 30 s`);
}

export async function startCluster(): Promise<Cluster> {
  if (!CLICKHOUSE_BIN) throw new Error(clickhouseSkipReason());
  const password = 'lens-test-password';
  const ports = [await freePort(), await freePort(), await freePort(), await freePort()];
  const tcp: [number, number] = [ports[1]!, ports[3]!];
  const servers: Server[] = [];
  for (let i = 0; i < 2; i++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `rlhf-lens-ch${i + 1}-`));
    fs.writeFileSync(path.join(dir, 'config.xml'), config(dir, ports[i * 2]!, tcp[i]!, tcp));
    fs.writeFileSync(path.join(dir, 'users.xml'), users(password));
    const proc = spawn(CLICKHOUSE_BIN, [`--config-file=${path.join(dir, 'config.xml')}`], { cwd: dir, stdio: 'ignore', detached: false });
    servers.push({ http: ports[i * 2]!, tcp: tcp[i]!, dir, proc, url: `http://127.0.0.1:${ports[i * 2]}` });
  }
  const stop = async () => {
    for (const s of servers) {
      if (s.proc.exitCode === null) {
        s.proc.kill('SIGKILL');
        await new Promise((r) => s.proc.once('exit', r));
      }
      fs.rmSync(s.dir, { recursive: true, force: true });
    }
  };
  try {
    await Promise.all(servers.map((s) => waitReady(s.url, s.proc, s.dir)));
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    shards: [servers[0]!, servers[1]!],
    url: servers[0]!.url,
    password,
    stop,
    sql: (q, server = 0) => httpSql(servers[server]!.url, q),
  };
}

/**
 * The A/B exposures used by the tests: deterministic pseudo-random columns of `number` (intHash64,
 * so both shards and every run generate the same rows), rows [from, to) on each shard.
 *   variant: control / b / c (about 1:1:1), success (b better), pre_spend (pre-period covariate),
 *   spend (correlated with pre_spend), tokens / sessions (ratio), latency_ms, ts, adapter,
 *   confidence / correct (calibration), and a few NULL variants.
 */
export const EXPOSURES_COLUMNS = `user_id UInt64, variant Nullable(String), success UInt8, pre_spend Float64, spend Float64, tokens Float64, sessions UInt32, latency_ms Float64, ts UInt64, adapter String, confidence Float64, correct UInt8`;

export function exposuresSelect(from: number, count: number): string {
  const h = (k: number) => `intHash64(number * 7 + ${k})`;
  const u = (k: number) => `(${h(k)} % 1000000) / 1000000`;
  return `SELECT user_id, variant, success, pre_spend, spend, tokens, sessions, latency_ms, ts, adapter, confidence, correct FROM (SELECT
  number AS user_id,
  ['control', 'b', 'c'][${h(2)} % 3 + 1] AS v0,
  if(${h(1)} % 997 = 0, NULL, v0) AS variant,
  toUInt8(${u(3)} < if(v0 = 'b', 0.14, 0.12)) AS success,
  round(${u(4)} * 100, 2) AS pre_spend,
  round(pre_spend * 0.8 + ${u(5)} * 30 + if(v0 = 'b', 1.5, 0), 3) AS spend,
  toUInt32(1 + ${h(6)} % 5) AS sessions,
  round(sessions * (100 + ${u(7)} * 60 + if(v0 = 'c', 4, 0)), 2) AS tokens,
  round(50 + exp(${u(8)} * 5) * if(v0 = 'b', 1.1, 1.0), 3) AS latency_ms,
  1764547200000 + number * 997 AS ts,
  ['a1', 'a2', 'a3', 'a4'][${h(9)} % 4 + 1] AS adapter,
  round(0.5 + ${u(10)} * 0.5, 4) AS confidence,
  toUInt8(${u(11)} < confidence - 0.05) AS correct
FROM numbers(${from}, ${count}))`;
}

/** Creates `exposures_local` on both shards, loads rows, and a Distributed `exposures` on shard 1. */
export async function loadExposures(c: Cluster, perShard: number): Promise<void> {
  for (let s = 0; s < 2; s++) {
    await c.sql('DROP TABLE IF EXISTS exposures_local', s);
    await c.sql(`CREATE TABLE exposures_local (${EXPOSURES_COLUMNS}) ENGINE = MergeTree() ORDER BY user_id`, s);
    await c.sql(`INSERT INTO exposures_local ${exposuresSelect(s * perShard, perShard)}`, s);
  }
  await c.sql('DROP TABLE IF EXISTS exposures');
  await c.sql(`CREATE TABLE exposures AS exposures_local ENGINE = Distributed(lens_two_shards, default, exposures_local, user_id)`);
}

/** Is a clickhouse-server child of ours still running (for cleanup checks)? */
export function running(s: Server): boolean {
  return s.proc.exitCode === null && spawnSync('kill', ['-0', String(s.proc.pid)]).status === 0;
}
