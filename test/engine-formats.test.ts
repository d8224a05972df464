/**
 * One dataset, three formats, two readers: every analysis gives the same figures from JSONL, CSV and
 * Parquet copies of the example workspace's data, with the DuckDB fast path and with the built-in
 * readers (RLHF_LENS_ENGINE=builtin); and the fast path steps aside whenever it cannot vouch for a
 * file (a trailing comma, a NaN, a string where a number is needed), so skipped rows stay exact.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runAnalysis } from '../server/src/engine/run';
import { engine } from '../server/src/engine/duckdb/engine';
import { fastStats } from '../server/src/engine/duckdb/fast';
import type { RunOptions } from '../server/src/engine/options';
import { LspClient, ROOT } from './support/lsp';

const WS = path.join(ROOT, 'examples', 'workspace');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-formats-'));

async function withEngine<T>(on: boolean, f: () => Promise<T>): Promise<T> {
  const before = process.env['RLHF_LENS_ENGINE'];
  // The test files are small: 'duckdb' takes the fast path whatever the size.
  process.env['RLHF_LENS_ENGINE'] = on ? 'duckdb' : 'builtin';
  try {
    return await f();
  } finally {
    if (before === undefined) delete process.env['RLHF_LENS_ENGINE'];
    else process.env['RLHF_LENS_ENGINE'] = before;
  }
}

/** Equal up to 1e-9 relative in every number (Welford vs DuckDB's var_samp differ in the last bits). */
function near(a: unknown, b: unknown, where = '$'): void {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) && Number.isNaN(b)) return;
    assert.ok(a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)), `${where}: ${a} vs ${b}`);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    assert.equal(a.length, b.length, `${where}: length`);
    a.forEach((x, i) => near(x, b[i], `${where}[${i}]`));
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), `${where}: keys`);
    for (const k of Object.keys(a)) near((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${where}.${k}`);
    return;
  }
  assert.deepEqual(a, b, where);
}

/** JSONL -> CSV and Parquet through DuckDB (lists as JSON text in CSV; ISO timestamps kept as text). */
async function copies(name: string, src: string): Promise<Record<'jsonl' | 'csv' | 'parquet', string>> {
  const db = (await engine())!;
  const out = { jsonl: path.join(tmp, `${name}.jsonl`), csv: path.join(tmp, `${name}.csv`), parquet: path.join(tmp, `${name}.parquet`) };
  fs.copyFileSync(src, out.jsonl);
  const rel = `read_json('${src}', format='newline_delimited', timestampformat='%Y-%m-%dT%H:%M:%S.%gZ-never')`;
  await db.rows(`COPY (SELECT * FROM ${rel}) TO '${out.parquet}' (FORMAT parquet)`);
  const [schema] = [await db.rows(`DESCRIBE SELECT * FROM ${rel}`)];
  const cols = schema.map((r) => String(r['column_name']));
  const lists = new Set(schema.filter((r) => String(r['column_type']).endsWith('[]')).map((r) => String(r['column_name'])));
  const select = cols.map((c) => (lists.has(c) ? `to_json("${c}")::VARCHAR AS "${c}"` : `"${c}"`)).join(', ');
  await db.rows(`COPY (SELECT ${select} FROM ${rel}) TO '${out.csv}' (FORMAT csv, HEADER)`);
  return out;
}

const CASES: { analysis: Parameters<typeof runAnalysis>[0]; file: string; options?: RunOptions; fast: boolean }[] = [
  { analysis: 'calibration', file: 'eval/rm_preds.jsonl', options: { bootstrap: 50, seed: 7 }, fast: true },
  { analysis: 'ab', file: 'results/planning_ab.jsonl', options: { experiment: path.join(WS, 'experiments', 'planning-v1-vs-v2.experiment.yaml') }, fast: true },
  { analysis: 'agreement', file: 'data/labels.jsonl', fast: false },
  { analysis: 'latency', file: 'logs/serving.jsonl', options: { group_by: 'adapter_id' }, fast: false },
  { analysis: 'uncertainty', file: 'data/pool.jsonl', options: { method: 'entropy', top: 20 }, fast: false },
  { analysis: 'drift', file: 'data/feedback_round2.jsonl', options: { reference: path.join(WS, 'data', 'feedback_round1.jsonl'), column: 'score' }, fast: false },
  { analysis: 'drift', file: 'data/feedback_round2.jsonl', options: { reference: path.join(WS, 'data', 'feedback_round1.jsonl'), column: 'category' }, fast: false },
];

test('every analysis: the same figures from JSONL, CSV and Parquet, with the engine and with the built-in readers', { skip: !fs.existsSync(WS) && 'no examples/workspace' }, async (t) => {
  if (!(await engine())) return t.skip('the DuckDB engine does not load on this platform');
  for (const c of CASES) {
    const files = await copies(`${c.analysis}-${path.basename(c.file, '.jsonl')}`, path.join(WS, c.file));
    let reference: unknown;
    for (const format of ['jsonl', 'csv', 'parquet'] as const) {
      // The engine matters only where it has a fast path; other analyses read through the built-in readers either way.
      for (const on of c.fast ? [false, true] : [true]) {
        let options = c.options ?? {};
        if (c.analysis === 'drift') {
          const ref = await copies(`drift-ref-${options.column}`, options.reference!);
          options = { ...options, reference: ref[format] };
        }
        const used = fastStats.used;
        const outcome = await withEngine(on, () => runAnalysis(c.analysis, files[format], options));
        assert.equal(fastStats.used - used, on && c.fast ? 1 : 0, `${c.analysis} ${format} engine ${on}: fast path used`);
        assert.equal(outcome.skipped.count, 0, `${c.analysis} ${format}`);
        if (reference === undefined) reference = outcome.result;
        else near(outcome.result, reference, `${c.analysis} ${format} engine=${on}`);
      }
    }
  }
});

test('the fast path steps aside for what it cannot vouch for; the built-in reader reports the exact skips', async (t) => {
  if (!(await engine())) return t.skip('the DuckDB engine does not load on this platform');
  const good = Array.from({ length: 50 }, (_, i) => JSON.stringify({ confidence: (i % 10) / 10 + 0.05, correct: i % 3 === 0 }));
  const cases: [string, string, string][] = [
    ['trailing comma', '{"confidence": 0.5, "correct": true,}', 'invalid JSON'],
    ['NaN', '{"confidence": NaN, "correct": true}', '"confidence" is NaN'],
    ['string', '{"confidence": "high", "correct": true}', '"confidence" is "high"'],
    ['out of range', '{"confidence": 1.5, "correct": true}', 'a probability in [0, 1]'],
    ['null', '{"confidence": null, "correct": true}', '"confidence" is null'],
    ['missing', '{"correct": true}', 'missing "confidence"'],
    ['other shape', '{"chosen_score": 1, "rejected_score": 0}', 'row shape "pairs" differs'],
    ['not JSON', 'oops', 'invalid JSON'],
    // DuckDB would read these differently from the built-in reader: each must make it decline.
    ['a null shape key', '{"confidence": 0.5, "correct": true, "probs": null}', 'row shape "multiclass" differs'],
    ['a boolean where a number is needed', '{"confidence": true, "correct": true}', '"confidence" is boolean'],
    ['a number where a flag is needed', '{"confidence": 0.5, "correct": 0.5}', '"correct" is number'],
    ['an underscore number', '{"confidence": "0_5", "correct": true}', '"confidence" is "0_5"'],
    ['a trailing comma in a nested list', '{"confidence": 0.5, "correct": true, "x": [1, 2, ]}', 'invalid JSON'],
    ['two objects on a line', '{"confidence": 0.5, "correct": true}{"confidence": 0.5, "correct": true}', 'invalid JSON'],
    ['an array line', '[0.5, true]', ''],
  ];
  for (const [what, bad, reason] of cases) {
    const file = path.join(tmp, `bad-${what.replace(/ /g, '-')}.jsonl`);
    fs.writeFileSync(file, [...good.slice(0, 20), bad, ...good.slice(20)].join('\n') + '\n');
    const used = fastStats.used;
    const fast = await withEngine(true, () => runAnalysis('calibration', file, {}));
    const builtin = await withEngine(false, () => runAnalysis('calibration', file, {}));
    assert.equal(fastStats.used, used, `${what}: the fast path must decline`);
    near(fast, builtin, what);
    if (!reason) {
      assert.equal(fast.skipped.count, 1, what);
      continue;
    }
    assert.equal(fast.skipped.count, 1, what);
    assert.equal(fast.skipped.first[0]!.line, 21, what);
    assert.ok(fast.skipped.first[0]!.reason.includes(reason), `${what}: ${fast.skipped.first[0]!.reason}`);
  }
  // What the engine reads as the built-in reader does: deep nesting in a column the analysis does not
  // read, a duplicate key there, null values there, a quoted number.
  for (const [what, extra] of [
    ['deep nesting', `{"confidence": 0.5, "correct": true, "x": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
    ['an unread duplicate key', '{"confidence": 0.5, "correct": false, "x": 1, "x": 2}'],
    ['an unread null', '{"confidence": 0.5, "correct": 1, "note": null}'],
    ['a quoted number and a "yes"', '{"confidence": "0.25", "correct": "yes"}'],
  ] as const) {
    const file = path.join(tmp, `ok-${what.replace(/\W+/g, '-')}.jsonl`);
    fs.writeFileSync(file, [...good.slice(0, 20), extra, ...good.slice(20)].join('\n') + '\n');
    const used = fastStats.used;
    const fast = await withEngine(true, () => runAnalysis('calibration', file, {}));
    assert.equal(fastStats.used, used + 1, `${what}: the fast path reads it`);
    near(fast, await withEngine(false, () => runAnalysis('calibration', file, {})), what);
    assert.equal(fast.skipped.count, 0, what);
  }
  // --column mapping reaches the fast path.
  const mapped = path.join(tmp, 'mapped.jsonl');
  fs.writeFileSync(mapped, good.map((l) => l.replace('"confidence"', '"p_max"')).join('\n'));
  const used = fastStats.used;
  const viaFast = await withEngine(true, () => runAnalysis('calibration', mapped, { columns: { confidence: 'p_max' } }));
  // Without RLHF_LENS_ENGINE a small file is left to the built-in reader (loading the engine would cost more).
  const before = fastStats.used;
  const mode = process.env['RLHF_LENS_ENGINE'];
  delete process.env['RLHF_LENS_ENGINE'];
  try {
    await runAnalysis('calibration', mapped, { columns: { confidence: 'p_max' } });
  } finally {
    if (mode !== undefined) process.env['RLHF_LENS_ENGINE'] = mode;
  }
  assert.equal(fastStats.used, before);
  assert.equal(fastStats.used, used + 1);
  near(viaFast.result, (await withEngine(false, () => runAnalysis('calibration', mapped, { columns: { confidence: 'p_max' } }))).result);
  assert.equal(viaFast.rowsRead, 50);
});

test('where the engine cannot load, the analysis still runs on the built-in readers and says so once', { skip: !fs.existsSync(path.join(ROOT, 'dist', 'server', 'cli.js')) && 'run npm run build first' }, () => {
  // The CLI bundle copied where no node_modules is above it: the engine's native package (@duckdb/node-bindings,
  // outside the bundle; its JavaScript API is inside) cannot be found, as on a platform without its binary.
  const lonely = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-noengine-'));
  for (const f of fs.readdirSync(path.join(ROOT, 'dist', 'server'))) if (/^cli\.js$|\.wasm$/.test(f)) fs.copyFileSync(path.join(ROOT, 'dist', 'server', f), path.join(lonely, f));
  const file = path.join(WS, 'eval', 'rm_preds.jsonl');
  const r = spawnSync(process.execPath, [path.join(lonely, 'cli.js'), 'analyze', 'calibration', file, '--format', 'json'], { encoding: 'utf8', env: { ...process.env, RLHF_LENS_ENGINE: 'duckdb' } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { n: number }).n, 4000);
  const notes = r.stderr.split('\n').filter((l) => l.includes('DuckDB engine'));
  assert.equal(notes.length, 1, r.stderr);
  assert.match(notes[0]!, /^rlhf-lens: the DuckDB engine could not load on \w+-\w+ \(Cannot find module '@duckdb\/node-bindings'.*\); analyses use the built-in readers/);
});

test('where the engine cannot load, the language server says so once per session, not once per analysis (each runs in its own worker)', { skip: !fs.existsSync(path.join(ROOT, 'dist', 'server', 'server.js')) && 'run npm run build first' }, async () => {
  // The server and worker bundles where no node_modules is above them: the native package cannot be found.
  const lonely = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-noengine-lsp-'));
  for (const f of fs.readdirSync(path.join(ROOT, 'dist', 'server'))) if (/^(server|worker)\.js$|\.wasm$/.test(f)) fs.copyFileSync(path.join(ROOT, 'dist', 'server', f), path.join(lonely, f));
  const before = process.env['RLHF_LENS_ENGINE'];
  process.env['RLHF_LENS_ENGINE'] = 'duckdb';
  const client = await LspClient.start({ rootPath: WS, command: [path.join(lonely, 'server.js'), '--stdio'] });
  try {
    // Three calibrations (other bins each time, so none is answered from the cache): three workers.
    for (const bins of [10, 12, 14]) {
      const r = await client.request<{ result: { n: number; bins: unknown[] } }>('rlhfLens/analyze', { analysis: 'calibration', path: path.join(WS, 'eval', 'rm_preds.jsonl'), options: { bins } });
      assert.equal(r.result.n, 4000);
      assert.equal(r.result.bins.length, bins);
    }
    const notes = client.stderr.split('\n').filter((l) => l.includes('DuckDB engine could not load'));
    assert.equal(notes.length, 1, client.stderr);
  } finally {
    await client.stop();
    if (before === undefined) delete process.env['RLHF_LENS_ENGINE'];
    else process.env['RLHF_LENS_ENGINE'] = before;
    fs.rmSync(lonely, { recursive: true, force: true });
  }
});

test('A/B: the engine aggregates what the built-in reader would, and declines where a row would be read differently', async (t) => {
  if (!(await engine())) return t.skip('the DuckDB engine does not load on this platform');
  const experiment = path.join(WS, 'experiments', 'planning-v1-vs-v2.experiment.yaml');
  const good = fs.readFileSync(path.join(WS, 'results', 'planning_ab.jsonl'), 'utf8').trim().split('\n').slice(0, 400);
  const run = (file: string, on: boolean) => withEngine(on, () => runAnalysis('ab', file, { experiment }));
  const cases: [string, string, boolean][] = [
    ['clean', good[0]!, true],
    ['an unread null and a quoted number', '{"variant":"control","user_id":"u1","success":"1","latency_ms":"900.5","retailer":null}', true],
    ['an aggregated row', '{"variant":"control","n":10,"successes":4}', false],
    ['aggregated keys with null values', '{"variant":"control","success":1,"latency_ms":900,"n":null,"successes":null}', false],
    ['a numeric variant written as 1.0', '{"variant":1.0,"success":1,"latency_ms":900}', false],
    ['a variant list', '{"variant":["control"],"success":1,"latency_ms":900}', false],
    ['a missing metric', '{"variant":"control","success":1}', false],
    ['a boolean latency', '{"variant":"control","success":1,"latency_ms":true}', false],
  ];
  for (const [what, extra, fast] of cases) {
    const file = path.join(tmp, `ab-${what.replace(/\W+/g, '-')}.jsonl`);
    fs.writeFileSync(file, [...good.slice(0, 200), extra, ...good.slice(200)].join('\n') + '\n');
    const used = fastStats.used;
    const viaEngine = await run(file, true);
    assert.equal(fastStats.used - used, fast ? 1 : 0, `${what}: fast path ${fast ? 'used' : 'declined'}`);
    near(viaEngine, await run(file, false), what);
  }
});

test('a file of several DuckDB read buffers: the engine gives the rows in file order (the bootstrap depends on it)', async (t) => {
  if (!(await engine())) return t.skip('the DuckDB engine does not load on this platform');
  // About 20 MB: DuckDB reads JSONL in 16 MiB buffers; a multi-threaded scan returned them interleaved.
  const file = path.join(tmp, 'order.jsonl');
  const lines: string[] = [];
  for (let i = 0; i < 60_000; i++) lines.push(`{"id": ${i}, "confidence": ${((i * 7919) % 1000) / 1000}, "correct": ${i % 3 === 0}, "pad": "${'x'.repeat(300)}"}`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  assert.ok(fs.statSync(file).size > 17 * 2 ** 20);
  const used = fastStats.used;
  const viaEngine = await withEngine(true, () => runAnalysis('calibration', file, { bootstrap: 20, seed: 3 }));
  assert.equal(fastStats.used, used + 1, 'the fast path read it');
  near(viaEngine.result, (await withEngine(false, () => runAnalysis('calibration', file, { bootstrap: 20, seed: 3 }))).result, 'order');
});
