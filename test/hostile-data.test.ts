/**
 * Hostile data files through the CLI (`rlhf-lens analyze calibration FILE --format json`) and the
 * language server (`rlhfLens/analyze` over stdio). Each case asserts the exact outcome: which rows
 * were used (the result equals that of a clean file holding only those rows), which were skipped
 * with what line and reason, or the error naming the file. Small files are committed under
 * test/hostile/data/; the big ones are generated into a temp folder.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI, LspClient, ROOT } from './support/lsp';
import { runCli } from './support/cli';
import { mulberry32 } from './support/prng';

const DATA = path.join(ROOT, 'test', 'hostile', 'data');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-hostile-data-'));

type Pair = [chosen: number, rejected: number];
interface Skip {
  line: number;
  reason: RegExp;
}
interface Case {
  name: string;
  file: string;
  /** The rows that must be used: the result must equal the result of a clean file of exactly these. */
  used?: Pair[];
  skipped?: Skip[];
  /** Else: the file is unusable, with this message (after the file name). */
  error?: RegExp;
}

/** A committed file, copied into the temp folder that is the server's workspace (it reads data only inside it). */
const d = (name: string) => {
  const file = path.join(tmp, name);
  fs.copyFileSync(path.join(DATA, name), file);
  return file;
};

function generated(name: string, write: (fd: number) => void): string {
  const file = path.join(tmp, name);
  const fd = fs.openSync(file, 'w');
  try {
    write(fd);
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

const rand = mulberry32(11);
const randomBytes = Buffer.alloc(8192);
for (let i = 0; i < randomBytes.length; i++) randomBytes[i] = Math.floor(rand() * 256);

const cases: Case[] = [
  {
    name: 'JSONL whose last line is cut mid-object',
    file: d('truncated.jsonl'),
    used: [[1, 0.5], [2, 0.1]],
    skipped: [{ line: 3, reason: /^invalid JSON: Unterminated string/ }],
  },
  {
    name: 'NaN, Infinity, -Infinity, "nan" and 1e400 (overflows to Infinity)',
    file: d('non-finite.jsonl'),
    used: [[1, 0.1], [2.5, 0.25]],
    skipped: [
      { line: 1, reason: /^"chosen_score" is NaN where a number is needed$/ },
      { line: 2, reason: /^"chosen_score" is Infinity where a number is needed$/ },
      { line: 3, reason: /^"chosen_score" is "nan", not a number$/ },
      { line: 5, reason: /^"chosen_score" is Infinity where a number is needed$/ },
      { line: 6, reason: /^"rejected_score" is -Infinity where a number is needed$/ },
    ],
  },
  {
    name: 'mixed types in a JSONL column (a numeric string is read as its number)',
    file: d('mixed-types.jsonl'),
    used: [[1.5, 0.5], [1.5, 0.5], [3, 1]],
    skipped: [
      { line: 3, reason: /^"chosen_score" is boolean, not a number$/ },
      { line: 4, reason: /^"chosen_score" is an array, not a number$/ },
      { line: 5, reason: /^"chosen_score" is object, not a number$/ },
      { line: 6, reason: /^"chosen_score" is null, not a number$/ },
    ],
  },
  {
    name: 'mixed types and an empty cell in a CSV column',
    file: d('mixed-types.csv'),
    used: [[1, 0.5], [3, 1]],
    skipped: [
      { line: 3, reason: /^"chosen_score" is "abc", not a number$/ },
      { line: 4, reason: /^missing "rejected_score"$/ },
    ],
  },
  { name: 'JSONL with a byte-order mark, CRLF line ends and a blank CRLF line', file: d('bom-crlf.jsonl'), used: [[1, 0.5], [2, 0.1]], skipped: [] },
  { name: 'CSV with a byte-order mark and CRLF line ends', file: d('bom-crlf.csv'), used: [[1, 0.5], [2, 0.1]], skipped: [] },
  { name: 'Latin-1 bytes in a text column (not a number the analysis reads)', file: d('latin1.jsonl'), used: [[1, 0.5], [2, 0.1]], skipped: [] },
  {
    name: 'a JSON array that never closes keeps the entries before the break',
    file: d('unclosed-array.json'),
    used: [[1, 0.5], [2, 0.1]],
    skipped: [{ line: 3, reason: /^JSON syntax error after entry 2, rest of the file ignored/ }],
  },
  {
    name: 'terminal escapes and a bidi override in bad lines are quoted as \\uXXXX, never passed through',
    file: generated('escapes.jsonl', (fd) =>
      fs.writeSync(fd, '\u001b]0;pwned\u0007\u001b[31m{"chosen_score": 1}\n{"chosen_score": 2.0, "rejected_score": 0.1}\n\u202e{"chosen_score": 3}\n'),
    ),
    used: [[2, 0.1]],
    skipped: [
      { line: 1, reason: /^invalid JSON: Unexpected token '\\u001b', "\\u001b\]0;pwned\\u0007"\.\.\. is not valid JSON$/ },
      { line: 3, reason: /^invalid JSON: Unexpected token '\\u202e'/ },
    ],
  },
  { name: 'UTF-16 encoded JSONL', file: d('utf16.jsonl'), error: /: is UTF-16 encoded; RLHF Lens reads UTF-8 \(save the file as UTF-8\)$/ },
  { name: 'a PNG renamed .jsonl', file: d('image-renamed.jsonl'), error: /: all 4 rows are unusable \(line 1: invalid JSON: / },
  { name: 'random bytes named .jsonl', file: generated('random.jsonl', (fd) => fs.writeSync(fd, randomBytes)), error: /: (all \d+ rows are|its only row is) unusable \(line 1: invalid JSON: / },
  { name: 'an empty file', file: d('empty.jsonl'), error: /: it has no data rows$/ },
  { name: 'a CSV with only its header', file: d('header-only.csv'), error: /: it has no data rows$/ },
  { name: 'a .gz that is not gzip', file: d('not-gzip.jsonl.gz'), error: /: not a valid gzip file \(incorrect header check\)$/ },
  { name: 'a truncated .gz', file: d('truncated.jsonl.gz'), error: /: not a valid gzip file \(unexpected end of file\)$/ },
  {
    name: 'a 50 MB line is skipped unparsed; the rows around it are used',
    file: generated('long-line.jsonl', (fd) => {
      fs.writeSync(fd, '{"chosen_score": 1, "rejected_score": 0, "text": "');
      const block = 'x'.repeat(1 << 20);
      for (let i = 0; i < 50; i++) fs.writeSync(fd, block);
      fs.writeSync(fd, '"}\n{"chosen_score": 2.0, "rejected_score": 0.1}\n{"chosen_score": 0.5, "rejected_score": 0.75}\n');
    }),
    used: [[2, 0.1], [0.5, 0.75]],
    skipped: [{ line: 1, reason: /^line longer than 16777216 characters$/ }],
  },
  {
    name: 'a row nesting 2 million arrays (no stack overflow)',
    file: generated('deep.jsonl', (fd) => {
      fs.writeSync(fd, '{"chosen_score": 1.0, "rejected_score": 0.5, "x": ' + '['.repeat(2_000_000) + ']'.repeat(2_000_000) + '}\n');
      fs.writeSync(fd, '{"chosen_score": 2.0, "rejected_score": 0.1}\n');
    }),
    used: [[1, 0.5], [2, 0.1]],
    skipped: [],
  },
];

/** The result of the same analysis on a clean JSONL file of exactly `rows` (the oracle for "which rows were used"). */
const cleanResults = new Map<string, Record<string, unknown>>();
function cleanResult(rows: Pair[]): Record<string, unknown> {
  const key = JSON.stringify(rows);
  const known = cleanResults.get(key);
  if (known) return known;
  const file = path.join(tmp, `clean-${cleanResults.size}.jsonl`);
  fs.writeFileSync(file, rows.map(([c, r]) => JSON.stringify({ chosen_score: c, rejected_score: r })).join('\n') + '\n');
  const out = runCli(['analyze', 'calibration', file, '--format', 'json']);
  assert.equal(out.code, 0, out.stderr);
  const { skipped, ...result } = JSON.parse(out.stdout) as Record<string, unknown>;
  assert.deepEqual(skipped, { count: 0, first: [] });
  cleanResults.set(key, result);
  return result;
}

function assertSkipped(actual: { count: number; first: { line: number; reason: string }[] }, expected: Skip[], name: string): void {
  assert.equal(actual.count, expected.length, `${name}: ${JSON.stringify(actual)}`);
  assert.deepEqual(actual.first.map((s) => s.line), expected.map((s) => s.line), name);
  actual.first.forEach((s, i) => assert.match(s.reason, expected[i]!.reason, name));
}

let client: LspClient;
before(async () => {
  client = await LspClient.start({ rootPath: tmp, initializationOptions: { trusted: true, storagePath: path.join(tmp, 'storage') } });
});
after(async () => {
  await client.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

for (const c of cases) {
  test(`CLI: ${c.name}`, () => {
    const out = runCli(['analyze', 'calibration', c.file, '--format', 'json']);
    assert.doesNotMatch(out.stdout + out.stderr, /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e]/, 'no control characters reach the terminal');
    if (c.error) {
      assert.equal(out.code, 2, `${out.stdout}\n${out.stderr}`);
      assert.equal(out.stdout, '');
      const message = out.stderr.trim();
      assert.ok(message.startsWith(`rlhf-lens analyze: ${c.file}: `), message);
      assert.match(message.split('\n')[0]!, c.error);
      assert.ok(!/\n\s+at /.test(out.stderr), `no stack trace: ${out.stderr}`);
      return;
    }
    assert.equal(out.code, 0, out.stderr);
    const { skipped, ...result } = JSON.parse(out.stdout) as Record<string, unknown> & { skipped: { count: number; first: { line: number; reason: string }[] } };
    assertSkipped(skipped, c.skipped!, c.name);
    assert.deepEqual(result, cleanResult(c.used!));
  });

  test(`server: ${c.name}`, async () => {
    const request = client.request<{ result: Record<string, unknown>; skipped: { count: number; first: { line: number; reason: string }[] } }>('rlhfLens/analyze', {
      analysis: 'calibration',
      path: c.file,
    });
    if (c.error) {
      await assert.rejects(request, (e: { code: number; message: string }) => {
        assert.equal(e.code, 1002);
        assert.ok(e.message.startsWith(`${c.file}: `), e.message);
        assert.match(e.message, c.error!);
        return true;
      });
    } else {
      const r = await request;
      assertSkipped(r.skipped, c.skipped!, c.name);
      assert.deepEqual(r.result, cleanResult(c.used!));
    }
  });
}

test('server: after every hostile file it still answers, and wrote nothing to stderr but warnings', async () => {
  const status = await client.request<{ trusted: boolean }>('rlhfLens/status', {});
  assert.equal(status.trusted, true);
  assert.ok(!/Error:|\n\s+at /.test(client.stderr), client.stderr);
});

test('CLI: a 200 MB JSONL is streamed; peak memory stays under 300 MB and every row is counted', () => {
  // 200,000 rows of about 1 KB: a long prompt the analysis never keeps, two scores it does.
  const rows = 200_000;
  const prompt = 'lorem ipsum dolor sit amet '.repeat(37);
  const big = generated('big.jsonl', (fd) => {
    let chunk = '';
    for (let i = 0; i < rows; i++) {
      chunk += `{"prompt": "${prompt}", "chosen_score": ${(i % 97) / 10}, "rejected_score": ${(i % 89) / 10}}\n`;
      if (chunk.length > 4 << 20) {
        fs.writeSync(fd, chunk);
        chunk = '';
      }
    }
    fs.writeSync(fd, chunk);
  });
  assert.ok(fs.statSync(big).size > 200_000_000, `${fs.statSync(big).size} bytes`);
  // Preloaded into the CLI process: prints its peak resident set at exit.
  const probe = path.join(tmp, 'peak-rss.cjs');
  fs.writeFileSync(probe, "process.on('exit', () => process.stderr.write(`peak-rss-kb ${process.resourceUsage().maxRSS}\\n`));\n");
  const r = spawnSync(process.execPath, ['--require', probe, CLI, 'analyze', 'calibration', big, '--format', 'json'], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { n: number; skipped: { count: number } };
  assert.equal(out.n, rows);
  assert.equal(out.skipped.count, 0);
  const peakKb = Number(/peak-rss-kb (\d+)/.exec(r.stderr)?.[1]);
  assert.ok(peakKb > 0, r.stderr);
  assert.ok(peakKb < 300 * 1024, `peak RSS ${Math.round(peakKb / 1024)} MB for a ${Math.round(fs.statSync(big).size / 1e6)} MB file`);
  fs.rmSync(big);
});
