/**
 * Engine throughput and memory on 1M-row files (generated into bench/out/, gitignored):
 * calibration (reward pairs), ab (unit exposures) and training (a JSONL log), each run by our
 * engine (ingest + analysis, in a fresh process) and by a plain python3 + numpy script doing the
 * same reading and the core figures, side by side. Prints rows/s and peak RSS.
 *
 *   node --import tsx bench/engine.ts [rows]      (default 1,000,000)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mulberry32 } from '../server/src/analysis/stats/random';

const OUT = path.join(__dirname, 'out');

interface Measure {
  seconds: number;
  maxRssMb: number;
  check: number;
}

// ------------------------------------------------------------------ child: one engine run
async function child(analysis: string, file: string, optionsJson: string): Promise<void> {
  const { runAnalysis } = await import('../server/src/engine/run');
  const { parseRunOptions } = await import('../server/src/engine/options');
  const baseline = process.resourceUsage().maxRSS / 1024;
  const t = performance.now();
  const outcome = await runAnalysis(analysis as 'calibration', file, parseRunOptions(JSON.parse(optionsJson) as Record<string, unknown>, OUT));
  const seconds = (performance.now() - t) / 1000;
  const r = outcome.result;
  const check = analysis === 'calibration' ? (r['ece'] as number) : analysis === 'ab' ? ((r['metrics'] as { results: { p_value: number }[] }[])[0]!.results[0]!.p_value) : ((r['metrics'] as Record<string, { last: number }>)['loss']!.last);
  process.stdout.write(JSON.stringify({ seconds, maxRssMb: process.resourceUsage().maxRSS / 1024, baselineMb: baseline, check, rows: outcome.rowsRead }) + '\n');
}

// ------------------------------------------------------------------ data
const rng = mulberry32;

function generate(rows: number): Record<string, string> {
  fs.mkdirSync(OUT, { recursive: true });
  const files = {
    calibration: path.join(OUT, `pairs-${rows}.jsonl`),
    ab: path.join(OUT, `ab-${rows}.jsonl`),
    training: path.join(OUT, `train-${rows}.jsonl`),
    experiment: path.join(OUT, 'bench.experiment.yaml'),
  };
  const write = (file: string, line: (i: number, r: () => number) => string) => {
    if (fs.existsSync(file)) return;
    const r = rng(42);
    const fd = fs.openSync(file, 'w');
    let chunk: string[] = [];
    for (let i = 0; i < rows; i++) {
      chunk.push(line(i, r));
      if (chunk.length === 50_000) {
        fs.writeSync(fd, chunk.join('\n') + '\n');
        chunk = [];
      }
    }
    if (chunk.length) fs.writeSync(fd, chunk.join('\n') + '\n');
    fs.closeSync(fd);
  };
  write(files.calibration, (_, r) => `{"chosen_score": ${(r() * 4 - 1).toFixed(6)}, "rejected_score": ${(r() * 4 - 2).toFixed(6)}}`);
  write(files.ab, (i, r) => {
    const treat = r() < 0.5;
    return `{"variant": "${treat ? 'treatment' : 'control'}", "user_id": "u${i}", "success": ${r() < (treat ? 0.105 : 0.1) ? 1 : 0}, "latency_ms": ${(200 + r() * 100).toFixed(2)}}`;
  });
  write(files.training, (i, r) => `{"step": ${i + 1}, "loss": ${(2 * Math.exp(-i / rows) + r() * 0.1).toFixed(6)}, "learning_rate": ${(1e-4 * (1 - i / rows)).toExponential(4)}, "grad_norm": ${(1 + r()).toFixed(4)}}`);
  fs.writeFileSync(
    files.experiment,
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
  return files;
}

// ------------------------------------------------------------------ numpy baseline
const PYTHON = String.raw`
import json, sys, time, resource, numpy as np
analysis, path = sys.argv[1], sys.argv[2]
t = time.perf_counter()
if analysis == 'calibration':
    c, r = [], []
    with open(path) as f:
        for line in f:
            d = json.loads(line); c.append(d['chosen_score']); r.append(d['rejected_score'])
    p = 1 / (1 + np.exp(-(np.array(c) - np.array(r))))
    conf = np.maximum(p, 1 - p); y = (p >= 0.5).astype(float)
    idx = np.clip(np.ceil(conf * 15).astype(int) - 1, 0, 14)
    n = len(conf); counts = np.bincount(idx, minlength=15)
    acc = np.bincount(idx, weights=y, minlength=15); cs = np.bincount(idx, weights=conf, minlength=15)
    nz = counts > 0
    check = float(np.sum(np.abs(acc[nz] - cs[nz]) / n))
elif analysis == 'ab':
    from scipy.stats import norm
    v, s, l = [], [], []
    with open(path) as f:
        for line in f:
            d = json.loads(line); v.append(d['variant'] == 'treatment'); s.append(d['success']); l.append(d['latency_ms'])
    v = np.array(v); s = np.array(s, float); l = np.array(l)
    n1, n0 = v.sum(), (~v).sum(); p1, p0 = s[v].mean(), s[~v].mean()
    pp = s.sum() / len(s); z = (p1 - p0) / np.sqrt(pp * (1 - pp) * (1 / n1 + 1 / n0))
    lm1, lm0, lv1, lv0 = l[v].mean(), l[~v].mean(), l[v].var(ddof=1), l[~v].var(ddof=1)
    check = float(2 * norm.sf(abs(z)))
else:
    series = {}
    with open(path) as f:
        for line in f:
            d = json.loads(line); step = d['step']
            for k, x in d.items():
                if k != 'step': series.setdefault(k, []).append((step, x))
    arrays = {k: np.array(v) for k, v in series.items()}
    check = float(arrays['loss'][-1, 1]); mins = {k: a[:, 1].min() for k, a in arrays.items()}
secs = time.perf_counter() - t
print(json.dumps({'seconds': secs, 'maxRssMb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 'check': check}))
`;

/** One measured run, or the first line of the error that stopped it. */
function run(cmd: string, args: string[]): Measure | string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) return (r.stderr.split('\n').find((l) => /Error/.test(l)) ?? r.stderr).trim();
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Measure;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child') return child(process.argv[3]!, process.argv[4]!, process.argv[5]!);
  const rows = Number(process.argv[2] ?? 1_000_000);
  const files = generate(rows);
  const cases: [string, string, object][] = [
    ['calibration', files.calibration!, {}],
    ['ab', files.ab!, { experiment: files.experiment! }],
    ['training', files.training!, {}],
  ];
  console.log(`rows per file: ${rows.toLocaleString('en-US')}`);
  let failures = 0;
  console.log('analysis      engine rows/s  engine peak RSS   numpy rows/s  numpy peak RSS   speed ratio  same figure');
  for (const [analysis, file, options] of cases) {
    const ours = run(process.execPath, ['--import', 'tsx', __filename, '--child', analysis, file, JSON.stringify(options)]);
    const py = run('python3', ['-c', PYTHON, analysis, file]);
    if (typeof ours === 'string' || typeof py === 'string') {
      console.log(`${analysis.padEnd(12)} FAILED: ${typeof ours === 'string' ? `engine: ${ours}` : ''} ${typeof py === 'string' ? `numpy: ${py}` : ''}`);
      failures++;
      continue;
    }
    const agree = Math.abs(ours.check - py.check) <= 1e-9 * Math.max(1, Math.abs(py.check));
    console.log(
      [
        analysis.padEnd(12),
        Math.round(rows / ours.seconds).toLocaleString('en-US').padStart(14),
        `${ours.maxRssMb.toFixed(0)} MB`.padStart(16),
        Math.round(rows / py.seconds).toLocaleString('en-US').padStart(14),
        `${py.maxRssMb.toFixed(0)} MB`.padStart(15),
        `${(py.seconds / ours.seconds).toFixed(2)}x`.padStart(12),
        `${agree ? 'yes' : 'NO'} (${ours.check.toPrecision(6)} / ${py.check.toPrecision(6)})`.padStart(12),
      ].join(' '),
    );
  }
  if (failures) process.exitCode = 1;
  console.log('engine peak RSS includes the Node + tsx runtime; speed ratio > 1 means the engine is faster.');
}

void main();
