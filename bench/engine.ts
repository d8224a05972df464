/**
 * The data engine side by side, on the same generated files (bench/out/, gitignored):
 *
 *   - ours, end to end: `rlhf-lens analyze ...` as a process (start, read, analyse, print), as a user
 *     runs it (RLHF_LENS_ENGINE unset: these files are large and narrow, so the DuckDB path) and with
 *     the built-in readers (RLHF_LENS_ENGINE=builtin);
 *   - pandas, end to end: Debian's /usr/bin/python3 reading the same file and computing the same figure;
 *   - DuckDB alone: an equivalent aggregate query (ECE bins; per-variant counts, means and variances),
 *     its query time and its time as a fresh process (start + load + query).
 *
 * Cases: calibration `{id, confidence, correct}` and an A/B test `{variant, user_id, success, latency_ms}`
 * as JSONL and Parquet, 1M rows. `--big` adds 10M rows (JSONL ~600 MB and Parquet): time and peak RSS.
 *
 * Our runs, pandas' and DuckDB's are repeated (`--repeat N`, default 3) and the fastest is shown: on a
 * shared machine the fastest run is the one least disturbed by others (the built-in readers, not part
 * of the targets, run once).
 *
 *   npm run build && node --import tsx bench/engine.ts [--rows N] [--repeat N] [--big | --big-only]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mulberry32 } from '../server/src/analysis/stats/random';

const ROOT = path.resolve(__dirname, '..');
const OUT = path.join(__dirname, 'out');
const CLI = path.join(ROOT, 'bin', 'rlhf-lens.js');
const PANDAS_PYTHON = '/usr/bin/python3';

interface Measure {
  seconds: number;
  rssMb: number;
  check: number;
  /** DuckDB only: the query alone. */
  querySeconds?: number;
}

// ------------------------------------------------------------------ data
function writeLines(file: string, rows: number, line: (i: number, r: () => number) => string): void {
  if (fs.existsSync(file)) return;
  const r = mulberry32(42);
  const fd = fs.openSync(file + '.tmp', 'w');
  let chunk: string[] = [];
  for (let i = 0; i < rows; i++) {
    chunk.push(line(i, r));
    if (chunk.length === 100_000) {
      fs.writeSync(fd, chunk.join('\n') + '\n');
      chunk = [];
    }
  }
  if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
  fs.closeSync(fd);
  fs.renameSync(file + '.tmp', file);
}

async function toParquet(jsonl: string): Promise<string> {
  const out = jsonl.replace(/\.jsonl$/, '.parquet');
  if (fs.existsSync(out)) return out;
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  await c.run(`COPY (SELECT * FROM read_json('${jsonl}', format='newline_delimited')) TO '${out}.tmp' (FORMAT parquet, ROW_GROUP_SIZE 122880)`);
  fs.renameSync(`${out}.tmp`, out);
  return out;
}

async function generate(rows: number): Promise<Record<string, string>> {
  fs.mkdirSync(OUT, { recursive: true });
  const cal = path.join(OUT, `calibration-${rows}.jsonl`);
  const ab = path.join(OUT, `ab-${rows}.jsonl`);
  writeLines(cal, rows, (i, r) => {
    const c = 0.5 + r() * 0.5;
    return `{"id": ${i}, "confidence": ${c.toFixed(6)}, "correct": ${r() < c * 0.95 ? 'true' : 'false'}}`;
  });
  writeLines(ab, rows, (i, r) => {
    const treat = r() < 0.5;
    return `{"variant": "${treat ? 'treatment' : 'control'}", "user_id": "u${i}", "success": ${r() < (treat ? 0.105 : 0.1) ? 1 : 0}, "latency_ms": ${(200 + r() * 100).toFixed(2)}}`;
  });
  const experiment = path.join(OUT, 'bench.experiment.yaml');
  fs.writeFileSync(
    experiment,
    `apiVersion: rlhf-lens/v1
kind: Experiment
metadata: {name: bench}
variants:
  - {id: control, control: true, traffic: 0.5}
  - {id: treatment, traffic: 0.5}
metrics:
  - {name: success, type: binomial, column: success}
  - {name: latency_ms, type: continuous, column: latency_ms}
`,
  );
  return { cal, ab, calParquet: await toParquet(cal), abParquet: await toParquet(ab), experiment };
}

// ------------------------------------------------------------------ the contestants
/** Wall time and peak RSS of a process (GNU time), its last stdout line parsed by `check`. */
function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv, check: (stdout: string) => number): Measure | string {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 });
  // GNU time's line is the last of stderr; the CLI writes nothing else there on success.
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) return (r.stderr.split('\n').find((l) => /rror/.test(l)) ?? r.stderr).trim().slice(0, 200);
  const rssKb = Number(r.stderr.trim().split('\n').pop());
  return { seconds, rssMb: rssKb / 1024, check: check(r.stdout) };
}

const repeatAt = process.argv.indexOf('--repeat');
const REPEAT = repeatAt > 0 ? Math.max(1, Number(process.argv[repeatAt + 1])) : 3;

/** The fastest of `times` runs (a string, a failure, as soon as one fails). */
function fastest(times: number, run: () => Measure | string): Measure | string {
  let best: Measure | undefined;
  for (let k = 0; k < times; k++) {
    const m = run();
    if (typeof m === 'string') return m;
    if (!best || m.seconds < best.seconds) best = m;
  }
  return best!;
}

function ours(analysis: 'calibration' | 'ab', file: string, experiment: string, engine: 'default' | 'builtin'): Measure | string {
  const args = [CLI, 'analyze', analysis, file, '--format', 'json', ...(analysis === 'ab' ? ['--experiment', experiment] : [])];
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (engine === 'default') delete env['RLHF_LENS_ENGINE'];
  else env['RLHF_LENS_ENGINE'] = engine;
  return timed(process.execPath, args, env, (out) => {
    const r = JSON.parse(out) as Record<string, unknown>;
    return analysis === 'calibration' ? (r['ece'] as number) : (r['metrics'] as { results: { p_value: number }[] }[])[0]!.results[0]!.p_value;
  });
}

const PANDAS = String.raw`
import sys, json, numpy as np, pandas as pd
from scipy.stats import norm
analysis, path = sys.argv[1], sys.argv[2]
df = pd.read_parquet(path) if path.endswith('.parquet') else pd.read_json(path, lines=True)
if analysis == 'calibration':
    conf = df['confidence'].to_numpy(float); y = df['correct'].to_numpy(float)
    idx = np.clip(np.ceil(conf * 15).astype(int) - 1, 0, 14)
    counts = np.bincount(idx, minlength=15); acc = np.bincount(idx, weights=y, minlength=15); cs = np.bincount(idx, weights=conf, minlength=15)
    print(json.dumps({'check': float(np.sum(np.abs(acc - cs)) / len(conf))}))
else:
    g = df.groupby('variant').agg(n=('success', 'size'), s=('success', 'sum'), m=('latency_ms', 'mean'), v=('latency_ms', 'var'))
    n1, n0, s1, s0 = g.loc['treatment', 'n'], g.loc['control', 'n'], g.loc['treatment', 's'], g.loc['control', 's']
    p1, p0, pp = s1 / n1, s0 / n0, (s1 + s0) / (n1 + n0)
    z = (p1 - p0) / np.sqrt(pp * (1 - pp) * (1 / n1 + 1 / n0))
    print(json.dumps({'check': float(2 * norm.sf(abs(z)))}))
`;

function pandas(analysis: string, file: string): Measure | string {
  if (!fs.existsSync(PANDAS_PYTHON)) return `${PANDAS_PYTHON} is absent`;
  if (file.endsWith('.parquet') && spawnSync(PANDAS_PYTHON, ['-c', 'import pyarrow']).status !== 0 && spawnSync(PANDAS_PYTHON, ['-c', 'import fastparquet']).status !== 0) return 'pandas has no Parquet engine here (no pyarrow/fastparquet)';
  return timed(PANDAS_PYTHON, ['-c', PANDAS, analysis, file], {}, (out) => (JSON.parse(out) as { check: number }).check);
}

/** DuckDB by itself in a fresh Node process: the aggregate an analysis needs, timed alone and as a whole process. */
const DUCKDB_CHILD = String.raw`
const t0 = performance.now();
const { DuckDBInstance } = require('@duckdb/node-api');
(async () => {
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  const [analysis, file] = process.argv.slice(1);
  const rel = file.endsWith('.parquet') ? "read_parquet('" + file + "')" : "read_json('" + file + "', format='newline_delimited')";
  const sql = analysis === 'calibration'
    ? "SELECT sum(abs(acc - cs)) / sum(n) AS check FROM (SELECT least(greatest(ceil(confidence * 15)::INT - 1, 0), 14) b, count(*) n, sum(correct::INT) acc, sum(confidence) cs FROM " + rel + " GROUP BY b)"
    : "SELECT variant, count(*) n, sum(success) s, avg(latency_ms) m, var_samp(latency_ms) v FROM " + rel + " GROUP BY variant";
  const t1 = performance.now();
  const rows = (await c.runAndReadAll(sql)).getRowObjects();
  const q = (performance.now() - t1) / 1000;
  let check;
  if (analysis === 'calibration') check = Number(rows[0].check);
  else {
    const g = Object.fromEntries(rows.map((r) => [r.variant, r]));
    const n1 = Number(g.treatment.n), n0 = Number(g.control.n), s1 = Number(g.treatment.s), s0 = Number(g.control.s);
    const pp = (s1 + s0) / (n1 + n0), z = (s1 / n1 - s0 / n0) / Math.sqrt(pp * (1 - pp) * (1 / n1 + 1 / n0));
    check = z; // the p-value needs a normal cdf; the z statistic stands for "same figure" here
  }
  console.log(JSON.stringify({ q, check }));
})();
`;

/** DuckDB as a fresh process; `querySeconds` is the query alone, as the child timed it. */
function duckdb(analysis: string, file: string): Measure | string {
  let q: number | undefined;
  const m = timed(process.execPath, ['-e', DUCKDB_CHILD, analysis, file], {}, (out) => {
    const r = JSON.parse(out) as { check: number; q: number };
    q = r.q;
    return r.check;
  });
  return typeof m === 'string' ? m : { ...m, ...(q !== undefined ? { querySeconds: q } : {}) };
}

// ------------------------------------------------------------------ report
const fmt = (m: Measure | string | undefined) => (m === undefined ? '-' : typeof m === 'string' ? 'n/a' : `${m.seconds.toFixed(2)} s`);
const rss = (m: Measure | string | undefined) => (m === undefined || typeof m === 'string' ? '-' : `${m.rssMb.toFixed(0)} MB`);

async function table(rows: number, withPandas: boolean): Promise<void> {
  const f = await generate(rows);
  console.log(`\n${rows.toLocaleString('en-US')} rows (calibration JSONL ${(fs.statSync(f.cal!).size / 2 ** 20).toFixed(0)} MB, Parquet ${(fs.statSync(f.calParquet!).size / 2 ** 20).toFixed(0)} MB)`);
  console.log('case                    ours (default)      peak RSS   ours (built-in)  peak RSS    pandas  peak RSS   DuckDB query  DuckDB process   vs pandas  vs DuckDB process');
  const notes: string[] = [];
  for (const [analysis, file] of [['calibration', f.cal], ['calibration', f.calParquet], ['ab', f.ab], ['ab', f.abParquet]] as const) {
    const fast = fastest(REPEAT, () => ours(analysis, file!, f.experiment!, 'default'));
    // At 10M rows the built-in readers take minutes; the point there is the engine's time and memory.
    const builtin = withPandas ? ours(analysis, file!, f.experiment!, 'builtin') : undefined;
    const py = withPandas ? fastest(REPEAT, () => pandas(analysis, file!)) : undefined;
    const dd = fastest(REPEAT, () => duckdb(analysis, file!));
    const q = typeof dd === 'object' ? dd.querySeconds : undefined;
    for (const [who, m] of [['ours', fast], ['built-in', builtin], ['pandas', py], ['duckdb', dd]] as const) if (typeof m === 'string') notes.push(`${analysis} ${path.extname(file!)} ${who}: ${m}`);
    const ratio = (a: Measure | string | undefined, b: Measure | string | undefined) => (typeof a === 'object' && typeof b === 'object' ? `${(b.seconds / a.seconds).toFixed(2)}x` : '-');
    if (typeof fast === 'object' && typeof builtin === 'object' && Math.abs(fast.check - builtin.check) > 1e-9 * Math.max(1, Math.abs(builtin.check))) notes.push(`${analysis}: the fast path and the built-in readers DISAGREE (${fast.check} vs ${builtin.check})`);
    if (analysis === 'calibration' && typeof fast === 'object' && typeof py === 'object' && Math.abs(fast.check - py.check) > 1e-9) notes.push(`${analysis}: ECE differs from pandas (${fast.check} vs ${py.check})`);
    if (typeof fast === 'object' && fast.rssMb >= 1024) notes.push(`${analysis} ${path.extname(file!)}: peak RSS ${fast.rssMb.toFixed(0)} MB is over 1 GiB`);
    console.log(
      [
        `${analysis} ${path.extname(file!).slice(1)}`.padEnd(22),
        fmt(fast).padStart(19),
        rss(fast).padStart(9),
        fmt(builtin).padStart(16),
        rss(builtin).padStart(9),
        fmt(py).padStart(9),
        rss(py).padStart(9),
        (q === undefined ? '-' : `${q.toFixed(2)} s`).padStart(14),
        fmt(dd).padStart(16),
        `${ratio(fast, py)}`.padStart(11),
        `${typeof fast === 'object' && typeof dd === 'object' ? (fast.seconds / dd.seconds).toFixed(2) + 'x slower' : '-'}`.padStart(18),
      ].join(' '),
    );
  }
  for (const n of notes) console.log(`  note: ${n}`);
}

/** The CLI's fixed cost: `rlhf-lens --version`, median of 5 (after one run that fills the compile cache). */
function startup(): string {
  spawnSync(process.execPath, [CLI, '--version']);
  const times: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t = performance.now();
    spawnSync(process.execPath, [CLI, '--version']);
    times.push((performance.now() - t) / 1000);
  }
  const bare: number[] = [];
  for (let k = 0; k < 5; k++) {
    const t = performance.now();
    spawnSync(process.execPath, ['-e', '0']);
    bare.push((performance.now() - t) / 1000);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return `rlhf-lens --version ${median(times).toFixed(3)} s (node -e 0: ${median(bare).toFixed(3)} s)`;
}

const load = () => os.loadavg().map((x) => x.toFixed(1)).join(' ');

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'server', 'cli.js'))) throw new Error('run "npm run build" first');
  const i = process.argv.indexOf('--rows');
  const rows = i > 0 ? Number(process.argv[i + 1]) : 1_000_000;
  if (process.argv.includes('--generate-only')) {
    await generate(rows);
    if (process.argv.includes('--big')) await generate(10_000_000);
    return;
  }
  console.log(`load average ${load()} on ${os.cpus().length} cores; ${startup()}`);
  if (!process.argv.includes('--big-only')) await table(rows, true);
  if (process.argv.includes('--big') || process.argv.includes('--big-only')) await table(10_000_000, false);
  console.log(`\nload average at the end ${load()}`);
  console.log('"vs pandas": pandas time / ours (higher is better; target >= 5x). "vs DuckDB process": ours / DuckDB as a fresh process (lower is better; target <= 1.5x).');
}

void main().catch((e: Error) => {
  console.error(e.message);
  process.exitCode = 1;
});
