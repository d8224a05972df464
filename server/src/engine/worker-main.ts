/**
 * The analysis worker (dist/server/worker.js): runs analyses off the language server's thread.
 * One job per worker at a time; the server cancels a job by terminating its worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { IngestError } from '../ingest/rows';
import { AnalysisError } from '../analysis/types';
import { runAnalysis } from './run';
import { OptionError } from './options';
import { readHistoryTail } from './follow';
import { interruptEngine, useNoticeFlag } from './duckdb/engine';
import { useGate } from './duckdb/busy';
import { TEST_HOOKS_ENV, type ErrorKind, type FromWorker, type ToWorker } from './messages';

const port = parentPort;
if (!port) throw new Error('worker-main.ts must run in a worker thread');
// Shared with the runner, which stops this thread only while no DuckDB call is in flight (duckdb/busy.ts).
const gate = (workerData as { engineGate?: unknown } | undefined)?.engineGate;
if (gate instanceof Int32Array) useGate(gate);
// Shared by every worker of this runner: the engine-unavailable notice is said once for all of them.
const notice = (workerData as { engineNotice?: unknown } | undefined)?.engineNotice;
if (notice instanceof Int32Array) useNoticeFlag(notice);

function kindOf(err: unknown): ErrorKind {
  if (err instanceof IngestError) return 'input';
  if (err instanceof OptionError) return 'option';
  if (err instanceof AnalysisError) return 'analysis';
  return 'internal';
}

/**
 * Running jobs by id: a `cancel` aborts the job's signal (a connection's query gets KILL QUERY) and
 * interrupts a DuckDB query, so that the runner can terminate this thread once it has settled.
 */
const running = new Map<number, AbortController>();

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cancel') {
    interruptEngine();
    running.get(msg.id)?.abort();
    return;
  }
  if (msg.type === 'history') {
    try {
      port.postMessage({ type: 'history', id: msg.id, tail: readHistoryTail(msg.file, msg.from) } satisfies FromWorker);
    } catch (err) {
      port.postMessage({ type: 'failed', id: msg.id, kind: 'input', message: (err as Error).message } satisfies FromWorker);
    }
    return;
  }
  if (msg.type !== 'run') return;
  const { id, request, secrets } = msg;
  const controller = new AbortController();
  running.set(id, controller);
  const post = (m: FromWorker) => port.postMessage(m);
  const crash = request.options.crash_worker === true && process.env[TEST_HOOKS_ENV] === '1';
  let lastReport = 0;
  post({ type: 'started', id });
  runAnalysis(request.analysis, request.file, request.options, {
    onProgress: (rowsRead) => {
      if (crash) process.exit(3);
      const now = Date.now();
      if (now - lastReport >= 100) {
        lastReport = now;
        post({ type: 'progress', id, rowsRead });
      }
    },
    signal: controller.signal,
    ...(secrets ? { secrets } : {}),
  }).finally(() => running.delete(id)).then(
    (outcome) => post({ type: 'done', id, outcome }),
    (err: unknown) => {
      const kind = kindOf(err);
      const column = (err as { column?: unknown }).column;
      post({ type: 'failed', id, kind, message: kind === 'internal' ? `internal error: ${(err as Error).stack ?? String(err)}` : (err as Error).message, ...(typeof column === 'string' ? { column } : {}) });
    },
  );
});
