/**
 * Seeded fuzzing of data files: the example workspace's data, mutated, through the analysis engine
 * (engine/run.ts, the one implementation behind the CLI and the server's worker) and a sample of
 * them through the CLI process. Two kinds of mutation:
 * - line mutations, whose effect is known: k chosen lines broken in k different ways must be
 *   exactly the k skipped rows (count, and the first ten line numbers), and the result equals that
 *   of the file with those lines left out;
 * - byte mutations (flips, random bytes, cuts, splices), where the contract is: a result whose
 *   numbers are finite or null, with n <= the rows in the file, or an error naming the file. Never
 *   another exception, never a hang.
 */
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runAnalysis } from '../server/src/engine/run';
import type { AnalysisName } from '../server/src/engine/options';
import { IngestError } from '../server/src/ingest/rows';
import { ROOT } from './support/lsp';
import { runCli } from './support/cli';
import { mulberry32 } from './support/prng';

const WS = path.join(ROOT, 'examples', 'workspace');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-fuzz-data-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Seed {
  analysis: AnalysisName;
  file: string;
  /** A line breaker per kind, each making the row unusable for this analysis. */
  breakers: ((line: string, r: () => number) => string)[];
}

const cutInHalf = (line: string) => line.slice(0, Math.floor(line.length / 2));
const seeds: Seed[] = [
  {
    analysis: 'calibration',
    file: path.join(WS, 'eval', 'rm_preds.jsonl'),
    breakers: [cutInHalf, (l) => l.replace(/"chosen_score":[^,}]+/, '"chosen_score":"high"'), (l) => l.replace(/"rejected_score":[^,}]+/, '"rejected_score":NaN'), (l) => `[${l}]`, (l) => l.replace('chosen_score', 'chosen_scor')],
  },
  {
    analysis: 'latency',
    file: path.join(WS, 'logs', 'serving.jsonl'),
    breakers: [cutInHalf, (l) => l.replace(/"latency_ms":[^,}]+/, '"latency_ms":null'), (l) => l.replace(/"latency_ms":[^,}]+/, '"latency_ms":Infinity'), (l) => '\u0000' + l],
  },
  {
    analysis: 'agreement',
    file: path.join(WS, 'data', 'labels.jsonl'),
    breakers: [cutInHalf, (l) => l.replace('"annotator"', '"annotater"'), (l) => `"${l.replace(/"/g, '')}"`],
  },
];

function numbersAreFinite(value: unknown, where: string): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${where} is ${value}`);
  else if (Array.isArray(value)) value.forEach((v, i) => numbersAreFinite(v, `${where}[${i}]`));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) numbersAreFinite(v, `${where}.${k}`);
}

async function analyse(analysis: AnalysisName, file: string) {
  return runAnalysis(analysis, file, {});
}

test('line mutations: exactly the broken lines are skipped, every other row is used', async () => {
  const rand = mulberry32(20261123);
  for (const seed of seeds) {
    const lines = fs.readFileSync(seed.file, 'utf8').split('\n').filter((l) => l !== '');
    const clean = await analyse(seed.analysis, seed.file);
    assert.equal(clean.skipped.count, 0, `${seed.file} is clean to begin with`);
    for (let round = 0; round < 6; round++) {
      const k = 1 + Math.floor(rand() * 25);
      const broken = new Set<number>();
      while (broken.size < k) broken.add(Math.floor(rand() * lines.length));
      const mutated = lines.map((l, i) => (broken.has(i) ? seed.breakers[Math.floor(rand() * seed.breakers.length)]!(l, rand) : l));
      const file = path.join(tmp, `${seed.analysis}-lines-${round}.jsonl`);
      fs.writeFileSync(file, mutated.join(round % 2 ? '\r\n' : '\n') + '\n');
      const out = await analyse(seed.analysis, file);
      const expectedLines = [...broken].sort((a, b) => a - b).map((i) => i + 1);
      assert.equal(out.skipped.count, k, `${seed.analysis} round ${round}: ${JSON.stringify(out.skipped.first)}`);
      assert.deepEqual(out.skipped.first.map((s) => s.line), expectedLines.slice(0, 10));
      // The oracle: the same file with the broken lines left out.
      const without = path.join(tmp, `${seed.analysis}-without-${round}.jsonl`);
      fs.writeFileSync(without, lines.filter((_, i) => !broken.has(i)).join('\n') + '\n');
      assert.deepEqual(out.result, (await analyse(seed.analysis, without)).result, `${seed.analysis} round ${round}: the other rows are all used`);
      numbersAreFinite(out.result, `${seed.analysis}.result`);
    }
  }
});

test('byte mutations: a finite result or an error naming the file, nothing else', async () => {
  const rand = mulberry32(7);
  const outcomes = { ok: 0, error: 0 };
  for (const seed of seeds) {
    const original = fs.readFileSync(seed.file);
    const lineCount = original.toString('utf8').split('\n').length;
    for (let round = 0; round < 12; round++) {
      let bytes = Buffer.from(original);
      const kind = round % 4;
      if (kind === 0) for (let i = 0; i < 40; i++) bytes[Math.floor(rand() * bytes.length)] = Math.floor(rand() * 256);
      else if (kind === 1) bytes = bytes.subarray(0, Math.floor(rand() * bytes.length));
      else if (kind === 2) {
        const at = Math.floor(rand() * bytes.length);
        const junk = Buffer.alloc(1 + Math.floor(rand() * 2000));
        for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(rand() * 256);
        bytes = Buffer.concat([bytes.subarray(0, at), junk, bytes.subarray(at)]);
      } else {
        const a = Math.floor(rand() * bytes.length);
        const b = Math.floor(rand() * bytes.length);
        bytes = Buffer.concat([bytes.subarray(0, Math.min(a, b)), bytes.subarray(Math.max(a, b)), bytes.subarray(Math.min(a, b), Math.max(a, b))]);
      }
      const file = path.join(tmp, `${seed.analysis}-bytes-${round}.jsonl`);
      fs.writeFileSync(file, bytes);
      try {
        const out = await analyse(seed.analysis, file);
        outcomes.ok++;
        assert.ok(out.rowsRead + out.skipped.count <= lineCount + 2000, `${file}: ${out.rowsRead} read + ${out.skipped.count} skipped`);
        numbersAreFinite(out.result, `${seed.analysis}.result`);
      } catch (err) {
        outcomes.error++;
        assert.ok(err instanceof IngestError, `${file}: ${(err as Error).stack}`);
        assert.ok(err.message.startsWith(`${file}: `), err.message);
      }
    }
  }
  assert.ok(outcomes.ok > 0, JSON.stringify(outcomes));
});

test('a sample of mutants through the CLI process: exit 0 with the skips, or exit 2 with one line naming the file', () => {
  const rand = mulberry32(99);
  const lines = fs.readFileSync(seeds[0]!.file, 'utf8').split('\n').filter((l) => l !== '');
  const broken = lines.map((l, i) => (i % 500 === 7 ? cutInHalf(l) : l));
  const partly = path.join(tmp, 'cli-partly.jsonl');
  fs.writeFileSync(partly, broken.join('\n'));
  const ok = runCli(['analyze', 'calibration', partly, '--format', 'json']);
  assert.equal(ok.code, 0, ok.stderr);
  const result = JSON.parse(ok.stdout) as { n: number; skipped: { count: number; first: { line: number }[] } };
  assert.equal(result.skipped.count, 8);
  assert.deepEqual(result.skipped.first.map((s) => s.line), [8, 508, 1008, 1508, 2008, 2508, 3008, 3508]);
  assert.equal(result.n, lines.length - 8);

  const garbage = Buffer.alloc(20_000);
  for (let i = 0; i < garbage.length; i++) garbage[i] = Math.floor(rand() * 256);
  const unusable = path.join(tmp, 'cli-garbage.jsonl');
  fs.writeFileSync(unusable, garbage);
  const bad = runCli(['analyze', 'calibration', unusable, '--format', 'json']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stdout, '');
  assert.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
  assert.match(bad.stderr, new RegExp(`^rlhf-lens analyze: ${unusable.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: (all \\d+ rows are|its only row is) unusable \\(line 1: `));
});
