/**
 * Stopping an analysis worker while DuckDB runs a query in it. Terminating such a worker (a cancel,
 * the job budget, server shutdown) aborted the whole process ("terminate called after throwing an
 * instance of 'Napi::Error'"): the worker now interrupts the query and is terminated only once no
 * DuckDB call is in flight (server/src/engine/duckdb/busy.ts). Each test stops a job in the middle of
 * its DuckDB query on a generated 1.5M-row file, then shows this process (or the server) is alive and
 * the next analysis works. An abort would kill this test process, failing the file.
 */
import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { CancelledError, JobRunner, JobTimeoutError } from '../server/src/engine/jobs';
import { requestKey, type AnalyzeRequest } from '../server/src/engine/analyze';
import { FAST_PATH_MIN_BYTES } from '../server/src/engine/duckdb/engine';
import { LspClient, ROOT } from './support/lsp';

const WORKER = path.join(ROOT, 'dist', 'server', 'worker.js');
const skip = !fs.existsSync(WORKER) && 'run npm run build first';
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-engine-stop-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

// Every file through the engine, whatever its size (workers and the server inherit this).
process.env['RLHF_LENS_ENGINE'] = 'duckdb';

const ROWS = 1_500_000;
const BIG = path.join(tmp, 'big.jsonl');
{
  const fd = fs.openSync(BIG, 'w');
  let lines: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    lines.push(`{"id": ${i}, "confidence": ${((i * 7919) % 1000) / 1000}, "correct": ${(i * 31) % 3 === 0 ? 1 : 0}}`);
    if (lines.length === 100_000) {
      fs.writeSync(fd, lines.join('\n') + '\n');
      lines = [];
    }
  }
  fs.closeSync(fd);
}

/** Large enough for the engine by default (8 MiB of narrow lines), small enough for a quick built-in run. */
const MID = path.join(tmp, 'mid.jsonl');
const MID_ROWS = 200_000;
fs.writeFileSync(MID, Array.from({ length: MID_ROWS }, (_, i) => `{"id": ${i}, "confidence": ${((i * 7919) % 1000) / 1000}, "correct": ${(i * 31) % 3 === 0 ? 1 : 0}}\n`).join(''));

const request: AnalyzeRequest = { analysis: 'calibration', file: BIG, options: {} };
let n = 0;
/** A key of its own per job (a job with the same key would be shared). */
const fresh = async () => ({ ...(await requestKey(request)), inputHash: `run-${n++}` });

/** Resolves once `pred` holds (checked every few ms), failing after `ms`. */
async function until(pred: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

test('cancelling a job in the middle of its DuckDB query: the process survives and the next analysis works', { skip }, async () => {
  const jobs = new JobRunner({ workerFile: WORKER });
  // Early in the query, and well into it.
  for (const after of [0, 400]) {
    const controller = new AbortController();
    const running = jobs.run(request, await fresh(), { signal: controller.signal });
    await until(() => jobs.engineCallsInFlight > 0, 20_000, 'a DuckDB call in the worker');
    await new Promise((r) => setTimeout(r, after));
    const inQuery = jobs.engineCallsInFlight > 0;
    controller.abort();
    await assert.rejects(running, CancelledError);
    assert.ok(inQuery, `a DuckDB call was still running ${after} ms later`);
  }
  // The next analysis, through the engine again, reads the whole file.
  let seen = 0;
  const next = jobs.run(request, await fresh());
  const sample = setInterval(() => (seen = Math.max(seen, jobs.engineCallsInFlight)), 2);
  const outcome = await next.finally(() => clearInterval(sample));
  assert.equal(outcome.result['n'], ROWS);
  assert.ok(seen > 0, 'the next analysis ran on DuckDB');
  await jobs.dispose();
});

test('a job that runs out of its time budget during its DuckDB query is stopped; the process survives', { skip }, async () => {
  const jobs = new JobRunner({ workerFile: WORKER, timeBudgetMs: 600 });
  // What the worker was doing when the budget ran out: the last sample before the rejection.
  let last = 0;
  const sample = setInterval(() => (last = jobs.engineCallsInFlight), 2);
  await assert.rejects(jobs.run(request, await fresh()), JobTimeoutError).finally(() => clearInterval(sample));
  assert.ok(last > 0, 'the budget ran out while a DuckDB call was running');
  await jobs.dispose();
  const quick = new JobRunner({ workerFile: WORKER });
  assert.equal((await quick.run(request, await fresh())).result['n'], ROWS);
  await quick.dispose();
});

test('by default the analysis worker reads a large narrow file through DuckDB, with the built-in reader\'s result', { skip }, async () => {
  /** A run in a worker started with RLHF_LENS_ENGINE as given (workers copy the environment when they start). */
  const run = async (mode: string | undefined) => {
    const saved = process.env['RLHF_LENS_ENGINE'];
    if (mode === undefined) delete process.env['RLHF_LENS_ENGINE'];
    else process.env['RLHF_LENS_ENGINE'] = mode;
    const jobs = new JobRunner({ workerFile: WORKER });
    let seen = 0;
    const sample = setInterval(() => (seen = Math.max(seen, jobs.engineCallsInFlight)), 2);
    try {
      const mid: AnalyzeRequest = { ...request, file: MID };
      const outcome = await jobs.run(mid, { ...(await requestKey(mid)), inputHash: `mid-${n++}` });
      return { outcome, engine: seen > 0 };
    } finally {
      clearInterval(sample);
      if (saved === undefined) delete process.env['RLHF_LENS_ENGINE'];
      else process.env['RLHF_LENS_ENGINE'] = saved;
      await jobs.dispose();
    }
  };
  const byDefault = await run(undefined);
  const builtin = await run('builtin');
  assert.equal(byDefault.engine, true, 'DuckDB ran in the worker by default');
  assert.equal(builtin.engine, false);
  assert.ok(fs.statSync(MID).size >= FAST_PATH_MIN_BYTES);
  assert.equal(byDefault.outcome.result['n'], MID_ROWS);
  assert.deepEqual(byDefault.outcome, builtin.outcome);
});

/**
 * A server over stdio, with the times its analyses begin and first report rows read. On the fast path
 * the query's call into DuckDB is in flight from about 0.3-0.35 to 0.95 of the time from an analysis's
 * begin to its first rows-read report (measured on this file over the protocol, warm worker start:
 * 431-1486 ms of 1543, 543-1274 ms of 1320), so `during()` waits 0.6 of that time as the last `full`
 * run took it (the first run of a server is slower: `warm()` runs two).
 */
async function server() {
  const client = await LspClient.start({ rootPath: tmp, initializationOptions: { trusted: true } });
  const begun: number[] = [];
  const firstReport = new Map<number, number>();
  client.connection.onNotification('$/progress', (p: { value: { kind: string; message?: string } }) => {
    if (p.value.kind === 'begin') begun.push(Date.now());
    else if (p.value.kind === 'report' && /rows read/.test(p.value.message ?? '') && !firstReport.has(begun.length)) firstReport.set(begun.length, Date.now());
  });
  const exited = new Promise<number | null>((resolve) => client.proc.once('exit', (code) => resolve(code)));
  // A server that dies (an abort) fails the request that was waiting, with its stderr.
  const died = exited.then((code) => {
    throw new Error(`the server exited (${code}): ${client.stderr}`);
  });
  died.catch(() => undefined);
  const analyze = (bins: number, token?: CancellationTokenSource['token']) => {
    const params = { analysis: 'calibration', path: BIG, options: { bins } };
    const sent = token ? client.connection.sendRequest<{ result: { n: number } }>('rlhfLens/analyze', params, token) : client.connection.sendRequest<{ result: { n: number } }>('rlhfLens/analyze', params);
    return Promise.race([sent, died]);
  };
  let lead = 0;
  return {
    client,
    exited,
    /** A full analysis, timing it. */
    async full(bins: number) {
      const at = begun.length;
      const r = await analyze(bins);
      lead = firstReport.get(at + 1)! - begun[at]!;
      return r;
    },
    /** Two full analyses (the first starts DuckDB's code cold), each reading every row. */
    async warm() {
      for (const bins of [7, 8]) assert.equal((await this.full(bins)).result.n, ROWS);
    },
    /** Starts an analysis and resolves when it is in its DuckDB query (after `full` runs). */
    async during(bins: number, token?: CancellationTokenSource['token']) {
      const at = begun.length;
      const pending = analyze(bins, token);
      pending.catch(() => undefined);
      await until(() => begun.length > at, 20_000, 'the analysis to begin');
      await new Promise((r) => setTimeout(r, Math.max(0, begun[at]! + lead * 0.6 - Date.now())));
      return { pending };
    },
  };
}

test('over the protocol: a cancel and a shutdown during DuckDB queries; the server answers, then exits cleanly', { skip }, async () => {
  const s = await server();
  try {
    await s.warm();
    const source = new CancellationTokenSource();
    const { pending } = await s.during(11, source.token);
    source.cancel();
    await assert.rejects(pending, (e: { code: number }) => e.code === -32800);
    assert.equal((await s.full(13)).result.n, ROWS);
    // Shut down while another analysis is in its query: the answer waits for the worker to stop.
    await s.during(15);
    await s.client.connection.sendRequest('shutdown');
    void s.client.connection.sendNotification('exit');
    assert.equal(await s.exited, 0, s.client.stderr);
    assert.doesNotMatch(s.client.stderr, /terminate called|Napi::Error/);
  } finally {
    await s.client.stop();
  }
});

test('over the protocol: exit without shutdown during a DuckDB query exits with 1, not an abort', { skip }, async () => {
  const s = await server();
  try {
    await s.warm();
    await s.during(17);
    // process.exit in the server: its exit handler interrupts the worker's query and waits for it.
    void s.client.connection.sendNotification('exit');
    assert.equal(await s.exited, 1, s.client.stderr);
    assert.doesNotMatch(s.client.stderr, /terminate called|Napi::Error/);
  } finally {
    await s.client.stop();
  }
});
