/**
 * The data-quality analysis on 1M preference rows (prompt / chosen / rejected JSONL, generated
 * into bench/out/, gitignored; about 300 bytes a row), near-duplicate detection included, in a
 * fresh process: the time to read and profile the rows, the time of the analysis (duplicates,
 * MinHash LSH, distributions), wall and CPU seconds, rows/s, MB/s and peak RSS. The file plants
 * 1% near-duplicate prompts (the last word of a 24-word prompt changed: exact Jaccard of the
 * 3-word shingles 21/23) and 0.5% exact duplicate rows; the bench prints how many were found.
 *
 * Then, on the same file and in the same run, what a user would write instead: `rlhf-lens analyze
 * data-quality FILE --format json` as a process, a pandas script (Debian's /usr/bin/python3) and a
 * DuckDB query (@duckdb/node-api in a fresh process) computing the figures they can: exact duplicate
 * rows, duplicate prompts (whitespace-normalised), identical and empty sides, length percentiles.
 * Neither has a MinHash near-duplicate search (datasketch is not installed here), so theirs is the
 * exact part only; the counts are printed side by side as a cross-check.
 *
 *   node --import tsx bench/data-quality.ts [rows]      (default 1,000,000)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mulberry32 } from '../server/src/analysis/stats/random';

const OUT = path.join(__dirname, 'out');
const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'bin', 'rlhf-lens.js');
const PANDAS_PYTHON = '/usr/bin/python3';

/** The figures every contestant computes, to check they agree. */
interface Figures {
  rows: number;
  exact_duplicate_rows: number;
  duplicate_prompts: number;
  identical_chosen_rejected: number;
  empty_chosen: number;
  prompt_chars_p50: number;
  chosen_tokens_p95: number;
}
interface Contestant {
  seconds: number;
  cpu: number;
  rssMb: number;
  figures: Figures;
}

/** Wall time, CPU time (user + sys, every thread) and peak RSS of a process (GNU time); its stdout is one JSON value. */
function timed(cmd: string, args: string[], pick: (json: Record<string, unknown>) => Figures): Contestant | string {
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) return (r.stderr.split('\n').find((l) => /rror/.test(l)) ?? r.stderr).trim().slice(0, 200);
  const [user, sys, rss] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number) as [number, number, number];
  return { seconds, cpu: user + sys, rssMb: rss / 1024, figures: pick(JSON.parse(r.stdout) as Record<string, unknown>) };
}

function oursCli(file: string): Contestant | string {
  if (!fs.existsSync(path.join(ROOT, 'dist', 'server', 'cli.js'))) return 'run "npm run build" first';
  return timed(process.execPath, [CLI, 'analyze', 'data-quality', file, '--format', 'json'], (r) => {
    const len = (role: string, unit: string, q: string) => ((r['lengths'] as Record<string, unknown>[]).find((l) => l['role'] === role && l['unit'] === unit)?.[q] as number) ?? NaN;
    return {
      rows: r['rows'] as number,
      exact_duplicate_rows: r['exact_duplicate_rows'] as number,
      duplicate_prompts: r['duplicate_prompts'] as number,
      identical_chosen_rejected: r['identical_chosen_rejected'] as number,
      empty_chosen: r['empty_chosen'] as number,
      prompt_chars_p50: len('prompt', 'chars', 'p50'),
      chosen_tokens_p95: len('chosen', 'tokens', 'p95'),
    };
  });
}

// The same definitions as docs/analyses.md: ASCII whitespace, normalised = trimmed with inner runs collapsed, empty = no token, numpy linear percentiles.
const PANDAS = String.raw`
import sys, json, numpy as np, pandas as pd
df = pd.read_json(sys.argv[1], lines=True, dtype=False)
ws = r'[ \t\n\v\f\r]+'
norm = lambda s: s.fillna('').astype(str).str.replace(ws, ' ', regex=True).str.strip(' ')
p, c, r = norm(df['prompt']), norm(df['chosen']), norm(df['rejected'])
has = p != ''
tok = lambda s: s.str.count(r'[^ \t\n\v\f\r]+').to_numpy(float)
print(json.dumps({
  'rows': int(len(df)),
  'exact_duplicate_rows': int(df.duplicated().sum()),
  'duplicate_prompts': int(p[has].duplicated().sum()),
  'identical_chosen_rejected': int(((c == r) & (c != '')).sum()),
  'empty_chosen': int((c == '').sum()),
  'prompt_chars_p50': float(np.percentile(df['prompt'].fillna('').astype(str).str.len().to_numpy(float), 50)),
  'chosen_tokens_p95': float(np.percentile(tok(c), 95)),
}))
`;

function pandas(file: string): Contestant | string {
  if (!fs.existsSync(PANDAS_PYTHON) || spawnSync(PANDAS_PYTHON, ['-c', 'import pandas']).status !== 0) return `no pandas at ${PANDAS_PYTHON}`;
  return timed(PANDAS_PYTHON, ['-c', PANDAS, file], (r) => r as unknown as Figures);
}

const DUCKDB_CHILD = String.raw`
const { DuckDBInstance } = require('@duckdb/node-api');
(async () => {
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  const file = process.argv[1].replace(/'/g, "''");
  const norm = (x) => "regexp_replace(regexp_replace(coalesce(" + x + ", ''), '[ \t\n\v\f\r]+', ' ', 'g'), '^ | $', '', 'g')";
  await c.run("CREATE TEMP TABLE t AS SELECT prompt, chosen, rejected, " + norm('prompt') + " np, " + norm('chosen') + " nc, " + norm('rejected') + " nr FROM read_json('" + file + "', format='newline_delimited', columns={prompt: 'VARCHAR', chosen: 'VARCHAR', rejected: 'VARCHAR'})");
  const rows = (await c.runAndReadAll("SELECT count(*) n, count(*) - (SELECT count(*) FROM (SELECT DISTINCT prompt, chosen, rejected FROM t)) exact, count(*) FILTER (WHERE np <> '') - count(DISTINCT np) FILTER (WHERE np <> '') dup, count(*) FILTER (WHERE nc = nr AND nc <> '') ident, count(*) FILTER (WHERE nc = '') empty, quantile_cont(length(coalesce(prompt, '')), 0.5) p50, quantile_cont(CASE WHEN nc = '' THEN 0 ELSE length(nc) - length(replace(nc, ' ', '')) + 1 END, 0.95) t95 FROM t")).getRowObjects();
  const r = rows[0];
  console.log(JSON.stringify({ rows: Number(r.n), exact_duplicate_rows: Number(r.exact), duplicate_prompts: Number(r.dup), identical_chosen_rejected: Number(r.ident), empty_chosen: Number(r.empty), prompt_chars_p50: Number(r.p50), chosen_tokens_p95: Number(r.t95) }));
})();
`;

function duckdb(file: string): Contestant | string {
  return timed(process.execPath, ['-e', DUCKDB_CHILD, file], (r) => r as unknown as Figures);
}


async function child(file: string): Promise<void> {
  const { openDataSource } = await import('../server/src/ingest/read');
  const { loadDataQuality } = await import('../server/src/engine/data-quality-input');
  const { analyzeDataQuality } = await import('../server/src/analysis/data-quality');
  const baseline = process.resourceUsage().maxRSS / 1024;
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const c0 = cpu();
  const t0 = performance.now();
  const input = await loadDataQuality(await openDataSource(file));
  const t1 = performance.now();
  const c1 = cpu();
  const r = analyzeDataQuality(input);
  const t2 = performance.now();
  const c2 = cpu();
  process.stdout.write(
    JSON.stringify({
      readSeconds: (t1 - t0) / 1000,
      analysisSeconds: (t2 - t1) / 1000,
      readCpu: c1 - c0,
      analysisCpu: c2 - c1,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      baselineMb: baseline,
      rows: r.rows,
      near: r.near_duplicate_prompts,
      exact: r.exact_duplicate_rows,
      dupPrompts: r.duplicate_prompts,
      score: r.quality_score,
    }) + '\n',
  );
}

function generate(rows: number): { file: string; plantedNear: number; plantedExact: number } {
  fs.mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, `dq-prefs-v2-${rows}.jsonl`);
  const rand = mulberry32(15);
  const syl = ['ka', 'lo', 'mi', 're', 'tu', 'sa', 'ne', 'po', 'vi', 'da', 'ru', 'fe', 'go', 'hi', 'ja', 'ze', 'qu', 'bo', 'wi', 'xe'];
  const vocab = Array.from({ length: 5000 }, () => Array.from({ length: 2 + Math.floor(rand() * 2) }, () => syl[Math.floor(rand() * syl.length)]).join(''));
  const words = (k: number) => Array.from({ length: k }, () => vocab[Math.floor(rand() * vocab.length)]).join(' ');
  let plantedNear = 0;
  let plantedExact = 0;
  if (!fs.existsSync(file)) {
    const fd = fs.openSync(file + '.tmp', 'w');
    let chunk: string[] = [];
    let last = '';
    let lastPrompt = '';
    for (let i = 0; i < rows; i++) {
      let line: string;
      if (i % 200 === 199) {
        line = last;
        plantedExact++;
      } else {
        let prompt = words(24) + '?';
        if (i % 100 === 50 && lastPrompt) {
          // The last word of an earlier prompt changed.
          prompt = lastPrompt.slice(0, lastPrompt.lastIndexOf(' ')) + ' changed?';
          plantedNear++;
        }
        if (i % 100 === 0) lastPrompt = prompt;
        line = JSON.stringify({ prompt, chosen: words(10 + Math.floor(rand() * 16)) + '.', rejected: words(5 + Math.floor(rand() * 16)) + '.' });
      }
      last = line;
      chunk.push(line);
      if (chunk.length === 50_000) {
        fs.writeSync(fd, chunk.join('\n') + '\n');
        chunk = [];
      }
    }
    if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
    fs.closeSync(fd);
    fs.renameSync(file + '.tmp', file);
  } else {
    plantedExact = Math.floor((rows + 1) / 200);
    plantedNear = rows > 50 ? Math.floor((rows - 51) / 100) + 1 : 0;
  }
  return { file, plantedNear, plantedExact };
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]!);
  const rows = Number(process.argv[2] ?? 1_000_000);
  const { file, plantedNear, plantedExact } = generate(rows);
  const mb = fs.statSync(file).size / 1e6;
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', file], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(r.stderr);
  const m = JSON.parse(r.stdout.trim().split('\n').pop()!) as { readSeconds: number; analysisSeconds: number; readCpu: number; analysisCpu: number; maxRssMb: number; baselineMb: number; rows: number; near: number; exact: number; dupPrompts: number; score: number };
  const total = m.readSeconds + m.analysisSeconds;
  console.log(`data-quality on ${m.rows.toLocaleString('en-US')} preference rows (${mb.toFixed(0)} MB JSONL), near-duplicate detection included`);
  const cpu = m.readCpu + m.analysisCpu;
  console.log(`  read + profile   ${m.readSeconds.toFixed(2)} s wall, ${m.readCpu.toFixed(2)} s CPU   (JSON parsing, lengths, keys, MinHash signatures)`);
  console.log(`  analysis         ${m.analysisSeconds.toFixed(2)} s wall, ${m.analysisCpu.toFixed(2)} s CPU   (exact duplicates, LSH over distinct prompts, distributions)`);
  console.log(`  total            ${total.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU   ${Math.round(m.rows / total).toLocaleString('en-US')} rows/s   ${(mb / total).toFixed(0)} MB/s   peak RSS ${m.maxRssMb.toFixed(0)} MB (runtime before reading ${m.baselineMb.toFixed(0)} MB)`);
  console.log(`  machine load     ${os.loadavg()[0]!.toFixed(1)} (1-minute average, ${os.cpus().length} cores): wall time grows with it, CPU time much less`);
  console.log(`  found            ${m.near} near-duplicate prompts (${plantedNear} planted), ${m.exact} exact duplicate rows (${plantedExact} planted), score ${m.score.toFixed(1)}`);

  // What a user would run instead, on the same file in the same run.
  console.log(`\nthe same file, end to end as processes (start, read, compute, print), at load ${os.loadavg()[0]!.toFixed(1)}:`);
  console.log('contestant                                   wall s    CPU s  peak RSS   exact dup rows  dup prompts  identical  empty chosen  prompt chars p50  chosen tokens p95');
  const contestants: [string, Contestant | string][] = [
    ['rlhf-lens analyze data-quality (+ MinHash)', oursCli(file)],
    ['pandas 1.5 script (exact figures only)', pandas(file)],
    ['DuckDB query (exact figures only)', duckdb(file)],
  ];
  for (const [who, c] of contestants) {
    if (typeof c === 'string') {
      console.log(`${who.padEnd(44)} n/a: ${c}`);
      continue;
    }
    const f = c.figures;
    console.log(
      [who.padEnd(44), c.seconds.toFixed(2).padStart(7), c.cpu.toFixed(2).padStart(8), `${c.rssMb.toFixed(0)} MB`.padStart(9), String(f.exact_duplicate_rows).padStart(16), String(f.duplicate_prompts).padStart(12), String(f.identical_chosen_rejected).padStart(10), String(f.empty_chosen).padStart(13), String(f.prompt_chars_p50).padStart(17), String(f.chosen_tokens_p95).padStart(18)].join(' '),
    );
  }
  const first = contestants[0]![1];
  if (typeof first === 'object')
    for (const [who, c] of contestants.slice(1))
      if (typeof c === 'object')
        for (const k of Object.keys(first.figures) as (keyof Figures)[])
          if (Math.abs(first.figures[k] - c.figures[k]) > 1e-9) console.log(`  note: ${k} differs: ours ${first.figures[k]}, ${who} ${c.figures[k]}`);
}

void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
