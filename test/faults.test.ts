/**
 * Faults, done for real to the language server's results database and data files: the database
 * deleted or corrupted between runs, the server killed mid-job, a data file rewritten or deleted
 * while it is read, the disk full when the database is written. Each asserts what survives.
 * (A worker that exits mid-job is in engine-lsp.test.ts.)
 */
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient, ROOT } from './support/lsp';
import { ANALYSIS_TIME_BUDGET_MS, JobRunner, JobTimeoutError } from '../server/src/engine/jobs';
import { requestKey, type AnalyzeRequest } from '../server/src/engine/analyze';

const WORKER = path.join(ROOT, 'dist', 'server', 'worker.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-faults-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface Analyzed {
  result: { n: number; ece: number };
  skipped: { count: number };
  cached: boolean;
}

function pairsFile(name: string, rows: number, seed: number): string {
  const file = path.join(tmp, name);
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) lines.push(JSON.stringify({ chosen_score: ((i * seed) % 101) / 25, rejected_score: ((i * 7 + seed) % 89) / 30 }));
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

async function server(storage: string): Promise<LspClient & { shown: string[] }> {
  const client = (await LspClient.start({ rootPath: tmp, initializationOptions: { trusted: true, storagePath: storage } })) as LspClient & { shown: string[] };
  client.shown = [];
  client.connection.onNotification('window/showMessage', (p: { message: string }) => {
    client.shown.push(p.message);
  });
  client.proc.on('exit', (code, signal) => {
    if (signal !== 'SIGKILL' && code !== 0) process.stderr.write(`server exited with ${code}: ${client.stderr}\n`);
  });
  return client;
}

const analyze = (client: LspClient, file: string, bins = 10) => client.request<Analyzed>('rlhfLens/analyze', { analysis: 'calibration', path: file, options: { bins } });

/** The results table of a database file, read by a separate sqlite engine (python3's sqlite3). */
function storedResults(db: string): number {
  const r = spawnSync('python3', ['-c', 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from results").fetchone()[0])', db], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return Number(r.stdout.trim());
}

test('database deleted between runs: the next server recomputes the same result and writes a new database', async () => {
  const storage = path.join(tmp, 'deleted');
  const data = pairsFile('deleted.jsonl', 2000, 3);
  const first = await server(storage);
  const before = await analyze(first, data);
  await first.stop();
  const db = path.join(storage, 'rlhf-lens.sqlite');
  assert.equal(storedResults(db), 1);
  fs.rmSync(db);

  const second = await server(storage);
  try {
    const again = await analyze(second, data);
    assert.equal(again.cached, false);
    assert.deepEqual(again.result, before.result);
    assert.equal(storedResults(db), 1);
    assert.deepEqual(second.shown, [], 'a missing database is not a problem to warn about');
  } finally {
    await second.stop();
  }
});

test('database deleted while the server runs: the next write recreates it with the results held in memory', async () => {
  const storage = path.join(tmp, 'deleted-live');
  const a = pairsFile('live-a.jsonl', 1000, 5);
  const b = pairsFile('live-b.jsonl', 1000, 9);
  const client = await server(storage);
  try {
    await analyze(client, a);
    const db = path.join(storage, 'rlhf-lens.sqlite');
    fs.rmSync(db);
    await analyze(client, b);
    assert.equal(storedResults(db), 2, 'the result of a (computed before the delete) is written again');
    assert.equal((await analyze(client, a)).cached, true);
  } finally {
    await client.stop();
  }
});

test('database corrupted between runs: set aside byte for byte as .corrupt-*, a warning is shown, results are recomputed', async () => {
  const storage = path.join(tmp, 'corrupt');
  const data = pairsFile('corrupt.jsonl', 2000, 7);
  const first = await server(storage);
  const before = await analyze(first, data);
  await first.stop();
  const db = path.join(storage, 'rlhf-lens.sqlite');
  // Overwrite the middle of the file: the header survives, the pages do not.
  const bytes = fs.readFileSync(db);
  bytes.fill(0xa5, 100, bytes.length);
  fs.writeFileSync(db, bytes);

  const second = await server(storage);
  try {
    const again = await analyze(second, data);
    assert.equal(again.cached, false);
    assert.deepEqual(again.result, before.result);
    const aside = fs.readdirSync(storage).filter((f) => f.startsWith('rlhf-lens.sqlite.corrupt-'));
    assert.equal(aside.length, 1, fs.readdirSync(storage).join(', '));
    assert.deepEqual(fs.readFileSync(path.join(storage, aside[0]!)), bytes, 'the corrupt file is kept as it was, for inspection');
    assert.equal(second.shown.length, 1);
    assert.match(second.shown[0]!, /the results database .*rlhf-lens\.sqlite could not be read; it was moved to .*\.corrupt-.* and a new one was started/);
    assert.equal(storedResults(db), 1);
    assert.equal((await analyze(second, data)).cached, true);
  } finally {
    await second.stop();
  }
});

test('server killed (SIGKILL) in the middle of a job: the database still opens and keeps the earlier result', async () => {
  const storage = path.join(tmp, 'killed');
  const small = pairsFile('killed-small.jsonl', 1000, 11);
  const big = pairsFile('killed-big.jsonl', 400_000, 13);
  const first = await server(storage);
  const before = await analyze(first, small);
  const pending = analyze(first, big);
  pending.catch(() => undefined);
  await new Promise((r) => setTimeout(r, 300));
  first.proc.kill('SIGKILL');
  await new Promise((r) => first.proc.once('exit', r));
  first.connection.dispose();
  const db = path.join(storage, 'rlhf-lens.sqlite');
  assert.equal(storedResults(db), 1);
  assert.deepEqual(fs.readdirSync(storage).filter((f) => f.endsWith('.tmp')), [], 'no half-written temp file');

  const second = await server(storage);
  try {
    const again = await analyze(second, small);
    assert.equal(again.cached, true, 'the earlier result is answered from the surviving database');
    assert.deepEqual(again.result, before.result);
    assert.deepEqual(second.shown, []);
  } finally {
    await second.stop();
  }
});

test('a data file rewritten in place while it is read: the answer is one version or an error, never a mix, and never cached under the new content', async () => {
  const storage = path.join(tmp, 'rewritten');
  const rowsA = 300_000;
  const rowsB = 1234;
  const file = pairsFile('rewritten.jsonl', rowsA, 17);
  const versionB = pairsFile('version-b.jsonl', rowsB, 19);
  const client = await server(storage);
  try {
    const pending = analyze(client, file);
    const outcome = pending.then(
      (r) => ({ ok: true as const, r }),
      (e: { code: number; message: string }) => ({ ok: false as const, e }),
    );
    await new Promise((r) => setTimeout(r, 150));
    fs.writeFileSync(file, fs.readFileSync(versionB));
    const settled = await outcome;
    if (settled.ok) assert.ok([rowsA, rowsB].includes(settled.r.result.n), `n = ${settled.r.result.n}: neither version A (${rowsA} rows) nor B (${rowsB})`);
    else assert.match(settled.e.message, /rewritten\.jsonl: changed while it was being read; the result was discarded \(run the analysis again\)$/);
    // Whatever happened to that request, asking again about the file as it now is gives version B's answer.
    const now = await analyze(client, file);
    const reference = await analyze(client, versionB);
    assert.equal(now.result.n, rowsB);
    assert.deepEqual(now.result, reference.result);
  } finally {
    await client.stop();
  }
});

test('a data file deleted while it is read: the read finishes on the open file or fails naming it; the server keeps serving', async () => {
  const storage = path.join(tmp, 'unlinked');
  const rows = 300_000;
  const file = pairsFile('unlinked.jsonl', rows, 23);
  const client = await server(storage);
  try {
    const outcome = analyze(client, file).then(
      (r) => ({ ok: true as const, r }),
      (e: { code: number; message: string }) => ({ ok: false as const, e }),
    );
    await new Promise((r) => setTimeout(r, 150));
    fs.rmSync(file);
    const settled = await outcome;
    if (settled.ok) assert.equal(settled.r.result.n, rows);
    else assert.match(settled.e.message, /unlinked\.jsonl: no such file or folder/);
    await assert.rejects(analyze(client, file), (e: { code: number; message: string }) => e.code === 1002 && /unlinked\.jsonl: no such file or folder/.test(e.message));
  } finally {
    await client.stop();
  }
});

/** A tmpfs of `size` mounted at a new folder, or undefined where mounting is not allowed. */
function smallDisk(size: string): string | undefined {
  const dir = fs.mkdtempSync(path.join(tmp, 'disk-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? dir : undefined;
}

test('disk full when the database is written: the analysis is still answered, the previous database file is intact, and writes resume when space is back', async (t) => {
  const disk = smallDisk('512k');
  if (!disk) return t.skip('cannot mount a tmpfs here (needs root and a sandbox that allows mount)');
  const a = pairsFile('full-a.jsonl', 1000, 29);
  const b = pairsFile('full-b.jsonl', 1000, 31);
  const c = pairsFile('full-c.jsonl', 1000, 37);
  const db = path.join(disk, 'rlhf-lens.sqlite');
  const client = await server(disk);
  try {
    await analyze(client, a);
    const saved = fs.readFileSync(db);
    // Fill the disk to the last byte.
    const filler = path.join(disk, 'filler');
    const fd = fs.openSync(filler, 'w');
    try {
      const block = Buffer.alloc(4096, 1);
      for (;;) fs.writeSync(fd, block);
    } catch (err) {
      assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
    } finally {
      fs.closeSync(fd);
    }

    const resultB = await analyze(client, b);
    assert.equal(resultB.result.n, 1000, 'the analysis is answered although its result cannot be saved');
    assert.deepEqual(fs.readFileSync(db), saved, 'the previous database file is intact');
    assert.deepEqual(fs.readdirSync(disk).sort(), ['filler', 'rlhf-lens.sqlite'], 'no partial temp file is left on the full disk');
    assert.ok(client.shown.some((m) => /could not save .*rlhf-lens\.sqlite.*ENOSPC/i.test(m)), `the user is told: ${JSON.stringify(client.shown)}`);
    assert.equal((await analyze(client, a)).cached, true, 'earlier results are still served');

    fs.rmSync(filler);
    await analyze(client, c);
    assert.equal(storedResults(db), 3, 'with space back, the next write saves everything held in memory');
  } finally {
    await client.stop();
    spawnSync('umount', [disk]);
  }
});

test('an analysis past its wall-clock budget is stopped and reported; the next job still runs', { skip: !fs.existsSync(WORKER) && 'run npm run build first' }, async () => {
  const big = pairsFile('budget-big.jsonl', 600_000, 41);
  const small = pairsFile('budget-small.jsonl', 100, 43);
  const jobs = new JobRunner({ workerFile: WORKER, timeBudgetMs: 250 });
  const slow: AnalyzeRequest = { analysis: 'calibration', file: big, options: {} };
  const key = await requestKey(slow);
  const started = Date.now();
  await assert.rejects(
    jobs.run(slow, key),
    (e: Error) => e instanceof JobTimeoutError && e.message === `${big}: the calibration analysis took longer than its time budget of 0.25 s and was stopped`,
  );
  assert.ok(Date.now() - started < 5000, `stopped after ${Date.now() - started} ms (budget 250 ms, plus worker start on a loaded machine)`);
  assert.equal(jobs.activeJobs, 0);
  const quick: AnalyzeRequest = { analysis: 'calibration', file: small, options: {} };
  assert.equal((await jobs.run(quick, await requestKey(quick))).result['n'], 100);
  assert.equal(ANALYSIS_TIME_BUDGET_MS, 120_000, 'the default documented in docs/limits.md');
});
