/**
 * The engine's typed JSONL path and its default (engine/duckdb/): the byte scan that lets a key be read
 * as a typed DuckDB column (jsonl-scan.ts), the second attempt as text when the file's first lines
 * chose a type its later lines do not fit, the multi-threaded scan keeping file order, and which files
 * the engine reads when RLHF_LENS_ENGINE is unset. Every case compares with the built-in reader.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runAnalysis } from '../server/src/engine/run';
import { engine, engineWanted, FAST_PATH_MIN_BYTES } from '../server/src/engine/duckdb/engine';
import { averageLineBytes, fastStats } from '../server/src/engine/duckdb/fast';
import { KIND, scanJsonl } from '../server/src/engine/duckdb/jsonl-scan';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-typed-'));

async function withEngine<T>(mode: 'duckdb' | 'builtin' | undefined, f: () => Promise<T>): Promise<T> {
  const before = process.env['RLHF_LENS_ENGINE'];
  if (mode) process.env['RLHF_LENS_ENGINE'] = mode;
  else delete process.env['RLHF_LENS_ENGINE'];
  try {
    return await f();
  } finally {
    if (before === undefined) delete process.env['RLHF_LENS_ENGINE'];
    else process.env['RLHF_LENS_ENGINE'] = before;
  }
}

function write(name: string, lines: string[]): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

test('the byte scan: kinds of each declared key at any depth, strings skipped, escapes and trailing commas seen', () => {
  const file = write('kinds.jsonl', [
    '{"a": 1, "b": true, "c": "x, }", "d": null, "e": [1, 2]}',
    '{"a": -0.5e-3, "b": false, "c": "say \\"a\\": true", "f": {"a": 2}}',
    '{"g": NaN, "h": 1e400, "i": 123456789012345678901234567890}',
    '{"note": "\\u00e9t\\u00e9 \\"ok\\"", "a":3}',
  ]);
  const f = scanJsonl(file, ['a', 'b', 'c', 'd', 'e', 'g', 'h', 'i', 'absent']);
  assert.equal(f.unsafe, false, 'a comma before } inside a string is not a trailing comma');
  assert.equal(f.escapedKey, false, 'escapes in values only');
  assert.equal(f.hasNull, true);
  assert.equal(f.kinds.get('a'), KIND.number, 'the nested "a" is a number too; "a" inside a string is not a key');
  assert.equal(f.kinds.get('b'), KIND.boolean);
  assert.equal(f.kinds.get('c'), KIND.string);
  assert.equal(f.kinds.get('d'), KIND.null);
  assert.equal(f.kinds.get('e'), KIND.nested);
  assert.equal(f.kinds.get('g'), KIND.other, 'NaN');
  assert.equal(f.kinds.get('h'), KIND.other, 'past the double range');
  assert.equal(f.kinds.get('i'), KIND.number);
  assert.equal(f.kinds.get('absent'), 0);
  assert.equal(scanJsonl(write('comma.jsonl', ['{"a": [1, 2, ]}']), ['a']).unsafe, true);
  assert.equal(scanJsonl(write('comma2.jsonl', ['{"a": 1 ,\t}']), ['a']).unsafe, true);
  assert.equal(scanJsonl(write('escaped.jsonl', ['{"\\u0061": true}']), ['a']).escapedKey, true);
  const bom = path.join(tmp, 'bom.jsonl');
  fs.writeFileSync(bom, '\ufeff{"a": 1}\n');
  assert.equal(scanJsonl(bom, ['a']).unsafe, true);
  // A line longer than the read buffer, and a file without a final newline.
  const long = write('long.jsonl', [`{"pad": "${'y'.repeat(5 << 20)}", "a": true}`, '{"a": "s"}']);
  fs.appendFileSync(long, '{"a": null}');
  assert.equal(scanJsonl(long, ['a']).kinds.get('a'), KIND.boolean | KIND.string | KIND.null);
  // The first lines only (what the column types are chosen from).
  assert.equal(scanJsonl(long, ['a'], { limit: 1024 }).kinds.get('a'), 0);
});

test('the byte scan: words only DuckDB reads (inf, nan, -NaN, INFINITY) make a file unsafe; Python\'s NaN and Infinity do not', () => {
  for (const word of ['inf', '-inf', 'nan', '-NaN', 'INFINITY', 'Inf', 'NAN', 'infinity', 'nul', 'True'])
    assert.equal(scanJsonl(write(`word-${word}.jsonl`, ['{"a": 1, "b": 2}', `{"a": 1, "id": ${word}}`]), ['a']).unsafe, true, word);
  for (const word of ['NaN', 'Infinity', '-Infinity', '1e5', '-2.5E-3', 'true', 'false', 'null'])
    assert.equal(scanJsonl(write(`ok-${word}.jsonl`, ['{"a": 1, "b": 2}', `{"a": 1, "id": ${word}}`]), ['a']).unsafe, false, word);
  // Inside strings, any word is text.
  assert.equal(scanJsonl(write('word-in-string.jsonl', ['{"a": 1, "note": "inf nan -NaN, }"}']), ['a']).unsafe, false);
});

test('the byte scan against JSON.parse: on random valid lines, kinds at any depth are exactly those of the parsed values', () => {
  let seed = 11;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
  const keys = ['a', 'b', 'conf', 'x_y', 'é'];
  const space = () => pick(['', ' ', '  ', '\t', ' \r']);
  const value = (depth: number): string => {
    const r = random();
    if (r < 0.2) return pick(['0', '-1.5', '3e8', '1E-300', '123456789012345678901234567890', '0.000001']);
    if (r < 0.3) return pick(['true', 'false']);
    if (r < 0.4) return 'null';
    if (r < 0.6) return JSON.stringify(pick(['', 'a', 'a: b', 'x, }', 'say "hi"', 'tab\there', 'é', '{"a": 1}', '\\']));
    if (r < 0.8 && depth < 3) return `[${space()}${Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1)).join(`,${space()}`)}${space()}]`;
    if (depth < 3) return object(depth + 1);
    return '1';
  };
  // Distinct keys in an object: JSON.parse keeps only the last of repeated ones (DuckDB refuses them).
  const object = (depth: number): string => {
    const names = [...new Set(Array.from({ length: Math.floor(random() * 4) }, () => pick(keys)))];
    return `{${space()}${names.map((k) => `${JSON.stringify(k)}${space()}:${space()}${value(depth)}`).join(`,${space()}`)}${space()}}`;
  };
  const kindOf = (v: unknown): number => (typeof v === 'number' ? KIND.number : typeof v === 'boolean' ? KIND.boolean : typeof v === 'string' ? KIND.string : v === null ? KIND.null : KIND.nested);
  const walk = (v: unknown, into: Map<string, number>): void => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, into));
    else if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        if (into.has(k)) into.set(k, into.get(k)! | kindOf(x));
        walk(x, into);
      }
  };
  for (let file = 0; file < 40; file++) {
    const lines = Array.from({ length: 60 }, () => object(0));
    const expected = new Map(keys.map((k) => [k, 0]));
    let nulls = false;
    for (const l of lines) {
      walk(JSON.parse(l), expected);
      if (/null/.test(l.replace(/"(?:[^"\\]|\\.)*"/g, '""'))) nulls = true;
    }
    const f = scanJsonl(write(`random-${file}.jsonl`, lines), keys);
    assert.equal(f.unsafe, false, lines.join('\n'));
    assert.equal(f.escapedKey, false);
    assert.equal(f.hasNull, nulls);
    assert.deepEqual(f.kinds, expected, lines.join('\n'));
  }
});

function narrow(i: number): string {
  return JSON.stringify({ id: i, confidence: ((i * 7919) % 1000) / 1000, correct: i % 3 === 0 });
}

test('typed columns from the first lines; a later line of another kind: read again as text, or declined with the exact skip', async (t) => {
  if (!(await engine())) return t.skip('the DuckDB engine does not load on this platform');
  // Past the 256 KiB the types are chosen from.
  const head = Array.from({ length: 6000 }, (_, i) => narrow(i));
  assert.ok(head.join('\n').length > 256 << 10);
  const cases: [string, string, boolean, string?][] = [
    ['a quoted number', '{"id": 1, "confidence": "0.25", "correct": "yes"}', true],
    ['a flag written 1', '{"id": 1, "confidence": 0.25, "correct": 1}', true],
    ['a boolean confidence', '{"id": 1, "confidence": true, "correct": true}', false, '"confidence" is boolean'],
    ['a flag 0.5', '{"id": 1, "confidence": 0.5, "correct": 0.5}', false, '"correct" is number'],
    ['a null', '{"id": 1, "confidence": null, "correct": true}', false, '"confidence" is null'],
    ['an escaped key', '{"id": 1, "conf\\u0069dence": true, "correct": true}', false, '"confidence" is boolean'],
    // Typed columns are checked in JavaScript after the query (the calibration sums count what fails).
    ['a confidence of 1.5', '{"id": 1, "confidence": 1.5, "correct": true}', false, 'a probability in [0, 1]'],
    ['a flag written 2', '{"id": 1, "confidence": 0.25, "correct": 2}', false, '"correct" is number'],
    // DuckDB's parser takes inf; JSON.parse does not: the built-in reader skips the line, so the engine must not read it.
    ['inf in a key no analysis reads', '{"id": inf, "confidence": 0.25, "correct": true}', false, 'invalid JSON'],
  ];
  for (const [what, extra, fast, reason] of cases) {
    const file = write(`late-${what.replace(/\W+/g, '-')}.jsonl`, [...head, extra, ...head.slice(0, 100)]);
    const used = fastStats.used;
    const viaEngine = await withEngine('duckdb', () => runAnalysis('calibration', file, { bootstrap: 5, seed: 2 }));
    assert.equal(fastStats.used - used, fast ? 1 : 0, `${what}: fast path ${fast ? 'used' : 'declined'}`);
    const builtin = await withEngine('builtin', () => runAnalysis('calibration', file, { bootstrap: 5, seed: 2 }));
    assert.deepEqual(viaEngine.skipped, builtin.skipped, what);
    if (reason) {
      assert.equal(viaEngine.skipped.first[0]!.line, head.length + 1, what);
      assert.ok(viaEngine.skipped.first[0]!.reason.includes(reason), `${what}: ${viaEngine.skipped.first[0]!.reason}`);
    }
    for (const k of ['n', 'ece', 'adaptive_ece', 'brier', 'nll'] as const) {
      const a = viaEngine.result[k] as number;
      const b = builtin.result[k] as number;
      assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what} ${k}: ${a} vs ${b}`);
    }
    assert.deepEqual(viaEngine.result['ece_ci'], builtin.result['ece_ci'], `${what}: the bootstrap saw the rows in the same order`);
  }
});

test('the scan keeps file order on every thread; an IN list (planned as a join) would not, and is never in its SQL', async (t) => {
  const db = await engine();
  if (!db) return t.skip('the DuckDB engine does not load on this platform');
  const file = write('order.jsonl', Array.from({ length: 5000 }, (_, i) => narrow(i)));
  const rel = `read_json('${file}', format='newline_delimited', columns={'id': 'DOUBLE', 'correct': 'VARCHAR'})`;
  assert.equal(await db.keepsOrder(`SELECT id FROM ${rel}`), true);
  assert.equal(await db.keepsOrder(`SELECT id, correct IN ('true', '1', 'yes', 'y', 't', '1.0') AS k FROM ${rel}`), false);
  const ids: number[] = [];
  await db.scan(`SELECT id FROM ${rel}`, {
    ordered: true,
    onChunk: (count, column) => {
      for (let i = 0; i < count; i++) ids.push(Number(column(0).getItem(i)));
    },
  });
  assert.deepEqual(ids, Array.from({ length: 5000 }, (_, i) => i));
});

test('by default the engine reads large narrow files and Parquet; small files and wide rows stay on the built-in reader', async (t) => {
  await withEngine(undefined, async () => {
    assert.equal(engineWanted('jsonl', FAST_PATH_MIN_BYTES - 1, () => 60), false, 'small');
    assert.equal(engineWanted('jsonl', FAST_PATH_MIN_BYTES, () => 60), true, 'large and narrow');
    assert.equal(engineWanted('csv', 50 << 20, () => 1100), false, 'wide rows');
    assert.equal(engineWanted('parquet', 2 << 20, () => Infinity), true, 'Parquet of 2 MiB');
    assert.equal(engineWanted('parquet', 100 << 10, () => Infinity), false, 'small Parquet');
  });
  await withEngine('builtin', async () => assert.equal(engineWanted('jsonl', 1 << 30, () => 60), false));
  await withEngine('duckdb', async () => assert.equal(engineWanted('jsonl', 10, () => 5000), true));
  if (!(await engine())) return t.skip('the DuckDB engine does not load on this platform');
  // A real file just over 8 MiB of rows of about 240 bytes: read by the engine without RLHF_LENS_ENGINE, same figures.
  const lines: string[] = [];
  const pad = 'p'.repeat(180);
  for (let i = 0, size = 0; size <= FAST_PATH_MIN_BYTES; i++) {
    const l = narrow(i).replace('{', `{"pad": "${pad}", `);
    lines.push(l);
    size += l.length + 1;
  }
  const file = write('default.jsonl', lines);
  assert.ok(averageLineBytes(file) < 256);
  const used = fastStats.used;
  const byDefault = await withEngine(undefined, () => runAnalysis('calibration', file, {}));
  assert.equal(fastStats.used, used + 1, 'read by the engine by default');
  const builtin = await withEngine('builtin', () => runAnalysis('calibration', file, {}));
  assert.equal(byDefault.result['n'], builtin.result['n']);
  assert.ok(Math.abs((byDefault.result['ece'] as number) - (builtin.result['ece'] as number)) < 1e-12);
});

test('the byte scan started while the engine loads leaves no file open, whether the engine answers or declines', { skip: !fs.existsSync('/proc/self/fd') && 'counts /proc/self/fd' }, async (t) => {
  if (!(await engine())) return t.skip('the DuckDB engine does not load on this platform');
  const rows = (n: number, line: (i: number) => string) => write(`fd-${n}-${line(0).length}.jsonl`, Array.from({ length: n }, (_, i) => line(i)));
  // Each more than one 4 MiB step of the scan. Answered (top-label); declined before the query
  // (multiclass lists go the built-in way); declined by the scan's verdict (a null value late in the file).
  const topLabel = rows(60_000, (i) => `{"id": ${i}, "confidence": ${((i % 997) / 997).toFixed(6)}, "correct": ${i % 3 === 0}, "pad": "${'x'.repeat(20)}"}`);
  const multiclass = rows(60_000, (i) => `{"probs": [0.2, 0.8], "label": ${i % 2}, "pad": "${'x'.repeat(40)}"}`);
  const lateNull = rows(60_000, (i) => `{"id": ${i}, "confidence": ${i === 59_999 ? 'null' : '0.5'}, "correct": true, "pad": "${'x'.repeat(30)}"}`);
  // Descriptors open on these data files: DuckDB opens descriptors of its own (threads, caches)
  // when it likes, so counting every descriptor was flaky (CI once saw 26 where 25 were expected).
  const data = new Set([topLabel, multiclass, lateNull].map((f) => fs.realpathSync(f)));
  const openOnData = () =>
    fs.readdirSync('/proc/self/fd').filter((fd) => {
      try {
        return data.has(fs.readlinkSync(`/proc/self/fd/${fd}`));
      } catch {
        return false; // closed between the listing and the readlink (the listing's own descriptor)
      }
    });
  await withEngine('duckdb', async () => {
    assert.deepEqual(openOnData(), [], 'no data file open before');
    for (const file of [topLabel, multiclass, lateNull]) {
      const used = fastStats.used;
      const r = await runAnalysis('calibration', file, {});
      assert.equal(fastStats.used - used, file === topLabel ? 1 : 0, `${path.basename(file)}: the fast path ${file === topLabel ? 'answers' : 'declines'}`);
      assert.ok(Number(r.result['n']) > 0);
      assert.deepEqual(openOnData(), [], `${path.basename(file)}: no data file left open`);
    }
  });
});
