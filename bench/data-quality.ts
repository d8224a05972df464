/**
 * The data-quality analysis on 1M preference rows (prompt / chosen / rejected JSONL, generated
 * into bench/out/, gitignored; about 300 bytes a row), near-duplicate detection included, in a
 * fresh process: the time to read and profile the rows, the time of the analysis (duplicates,
 * MinHash LSH, distributions), wall and CPU seconds, rows/s, MB/s and peak RSS. The file plants
 * 1% near-duplicate prompts (the last word of a 24-word prompt changed: exact Jaccard of the
 * 3-word shingles 21/23) and 0.5% exact duplicate rows; the bench prints how many were found.
 *
 *   node --import tsx bench/data-quality.ts [rows]      (default 1,000,000)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mulberry32 } from '../server/src/analysis/stats/random';

const OUT = path.join(__dirname, 'out');

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
}

void main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
