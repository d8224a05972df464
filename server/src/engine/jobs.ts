/**
 * Analysis jobs for the language server: each runs in its own worker thread (so cancelling is
 * terminating, and a crash takes down only that job), at most `maxWorkers` at once.
 *
 * - De-duplication: requests with the same (analysis, file, content hash, options) share one job.
 * - Staleness: a request for the same (analysis, file, options) with different content supersedes
 *   the running one, which is cancelled and answered with a StaleError.
 * - Cancellation: the caller's signal stops the worker (if no other caller shares the job): it is asked
 *   to kill a connection's query and to interrupt a DuckDB query, then terminated once no DuckDB call
 *   is in flight in it (terminating it during one aborts the whole process: duckdb/busy.ts).
 * - A worker that exits without answering fails its job with WorkerCrashError; the next job gets a
 *   new worker, the server is unaffected.
 */
import { Worker } from 'node:worker_threads';
import { readsConnection, type AnalyzeRequest, type RequestKey } from './analyze';
import type { AnalysisOutcome } from './run';
import type { ErrorKind, FromWorker, ToWorker } from './messages';
import { callsInFlight, closeGate, closeGateSync, gateChanged, newGate } from './duckdb/busy';
import { newNoticeFlag } from './duckdb/engine';

export class CancelledError extends Error {
  override name = 'CancelledError';
}
export class StaleError extends Error {
  override name = 'StaleError';
}
export class WorkerCrashError extends Error {
  override name = 'WorkerCrashError';
}
/** A job that ran past its wall-clock budget: its worker was terminated. */
export class JobTimeoutError extends Error {
  override name = 'JobTimeoutError';
}

/** How long a cancelled job on a connection may take to send KILL QUERY before its worker is terminated anyway. */
export const CANCEL_GRACE_MS = 2_000;
/**
 * How long a stopped worker may keep a DuckDB call in flight before it is terminated anyway (which may
 * abort the process, but a worker must not run forever). An interrupted query settles in milliseconds;
 * the wait is the worker's JavaScript reading the `cancel` message (the JSONL byte scan beside the query
 * yields every 50 ms; measured 46-171 ms from cancel to exit on a 100 MB file).
 */
export const ENGINE_STOP_LIMIT_MS = 60_000;
/** How long process exit waits, blocking, for workers' DuckDB calls to be interrupted. */
export const EXIT_WAIT_MS = 5_000;

/** Wall-clock budget of one analysis job, from when its worker begins it (a few million rows take seconds). */
export const ANALYSIS_TIME_BUDGET_MS = 120_000;
/** How long a worker may take to boot and begin a job, on top of the budget (a worker that never starts still fails). */
export const WORKER_BOOT_ALLOWANCE_MS = 30_000;

export interface JobHooks {
  onProgress?: (rowsRead: number) => void;
  signal?: AbortSignal;
}

interface Job {
  id: number;
  dedupKey: string;
  slotKey: string;
  request: AnalyzeRequest;
  promise: Promise<AnalysisOutcome>;
  resolve: (o: AnalysisOutcome) => void;
  reject: (e: Error) => void;
  listeners: Set<(rows: number) => void>;
  callers: number;
  worker?: Worker;
  /** Counts the worker's DuckDB calls in flight; closed before the worker is terminated (duckdb/busy.ts). */
  gate?: Int32Array;
  budget?: NodeJS.Timeout;
  settled: boolean;
  /** Runs on a database connection: cancelling first asks the worker to kill the query there. */
  onConnection: boolean;
}

export interface JobRunnerOptions {
  /** The worker script (dist/server/worker.js). */
  workerFile: string;
  maxWorkers?: number;
  /** Extra node flags for the worker (tests run the TypeScript source through tsx). */
  execArgv?: string[];
  /** Wall-clock budget per job (default ANALYSIS_TIME_BUDGET_MS). */
  timeBudgetMs?: number;
  /** Connection credentials from the editor's SecretStorage, sent with a job that may open a connection. */
  secrets?: () => Record<string, string>;
}

export class JobRunner {
  private nextId = 1;
  private readonly byKey = new Map<string, Job>();
  private readonly bySlot = new Map<string, Job>();
  private readonly queue: Job[] = [];
  private running = 0;
  /** Workers started so far (crash-restart is visible in tests through this). */
  workersStarted = 0;
  /** Workers being stopped (dispose waits for them). */
  private readonly stopping = new Set<Promise<void>>();
  /** Shared by this runner's workers: the engine-unavailable notice is said once for all (duckdb/engine.ts). */
  private readonly engineNotice = newNoticeFlag();

  constructor(private readonly options: JobRunnerOptions) {}

  get activeJobs(): number {
    return this.byKey.size;
  }

  run(request: AnalyzeRequest, key: RequestKey, hooks: JobHooks = {}): Promise<AnalysisOutcome> {
    const dedupKey = `${request.analysis}\u0000${request.file}\u0000${key.inputHash}\u0000${key.optionsHash}`;
    const slotKey = `${request.analysis}\u0000${request.file}\u0000${key.optionsHash}`;
    let job = this.byKey.get(dedupKey);
    if (!job) {
      const stale = this.bySlot.get(slotKey);
      if (stale) this.fail(stale, new StaleError(`superseded: ${request.file} changed while it was being analysed`));
      job = this.createJob(request, dedupKey, slotKey);
    }
    return this.attach(job, hooks);
  }

  /** DuckDB calls in flight in this runner's workers (tests check a cancel hit a running query). */
  get engineCallsInFlight(): number {
    let n = 0;
    for (const job of this.byKey.values()) if (job.gate) n += callsInFlight(job.gate);
    return n;
  }

  /** Stops every worker (server shutdown); resolves when they have exited. */
  async dispose(): Promise<void> {
    for (const job of [...this.byKey.values()]) this.fail(job, new CancelledError('the server is shutting down'));
    await Promise.all([...this.stopping]);
  }

  private createJob(request: AnalyzeRequest, dedupKey: string, slotKey: string): Job {
    let resolve!: (o: AnalysisOutcome) => void;
    let reject!: (e: Error) => void;
    const promise = new Promise<AnalysisOutcome>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const job: Job = { id: this.nextId++, dedupKey, slotKey, request, promise, resolve, reject, listeners: new Set(), callers: 0, settled: false, onConnection: readsConnection(request) };
    // Each caller gets its own view of the promise; an unobserved rejection must not crash the server.
    promise.catch(() => undefined);
    this.byKey.set(dedupKey, job);
    this.bySlot.set(slotKey, job);
    this.queue.push(job);
    this.pump();
    return job;
  }

  private attach(job: Job, hooks: JobHooks): Promise<AnalysisOutcome> {
    job.callers++;
    const listener = hooks.onProgress;
    if (listener) job.listeners.add(listener);
    return new Promise<AnalysisOutcome>((resolve, reject) => {
      let done = false;
      const finish = () => {
        done = true;
        if (listener) job.listeners.delete(listener);
        hooks.signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        if (done) return;
        finish();
        reject(new CancelledError('the analysis was cancelled'));
        job.callers--;
        if (job.callers === 0) this.fail(job, new CancelledError('the analysis was cancelled'));
      };
      if (hooks.signal?.aborted) return onAbort();
      hooks.signal?.addEventListener('abort', onAbort);
      job.promise.then(
        (o) => {
          if (done) return;
          finish();
          resolve(o);
        },
        (e: Error) => {
          if (done) return;
          finish();
          reject(e);
        },
      );
    });
  }

  private pump(): void {
    const max = this.options.maxWorkers ?? 2;
    while (this.running < max && this.queue.length > 0) {
      const job = this.queue.shift()!;
      if (job.settled) continue;
      this.start(job);
    }
  }

  private start(job: Job): void {
    this.running++;
    this.workersStarted++;
    const gate = newGate();
    const worker = new Worker(this.options.workerFile, { execArgv: this.options.execArgv ?? [], env: process.env, workerData: { engineGate: gate, engineNotice: this.engineNotice } });
    job.worker = worker;
    job.gate = gate;
    liveWorkers.set(worker, { gate, id: job.id });
    const budget = this.options.timeBudgetMs ?? ANALYSIS_TIME_BUDGET_MS;
    const armBudget = (ms: number) => {
      clearTimeout(job.budget);
      job.budget = setTimeout(() => this.fail(job, new JobTimeoutError(`${job.request.file}: the ${job.request.analysis} analysis took longer than its time budget of ${budget / 1000} s and was stopped`)), ms);
      job.budget.unref();
    };
    // The budget is the analysis's: it restarts when the worker has loaded and begun the job, so a
    // slow worker boot on a loaded machine does not eat it. Until then the boot allowance also counts.
    armBudget(budget + WORKER_BOOT_ALLOWANCE_MS);
    worker.on('message', (msg: FromWorker) => {
      if (msg.id !== job.id) return;
      if (msg.type === 'started') {
        if (!job.settled) armBudget(budget);
      } else if (msg.type === 'progress') for (const l of job.listeners) l(msg.rowsRead);
      else if (msg.type === 'done') this.settle(job, () => job.resolve(msg.outcome));
      else if (msg.type === 'failed') this.settle(job, () => job.reject(new JobError(msg.kind, msg.message, msg.column)));
    });
    worker.on('error', (err) => this.settle(job, () => job.reject(new WorkerCrashError(`the analysis worker crashed: ${err.message}`))));
    worker.on('exit', (code) => {
      liveWorkers.delete(worker);
      this.running--;
      this.settle(job, () => job.reject(new WorkerCrashError(`the analysis worker stopped unexpectedly (exit code ${code}); the next analysis starts a new one`)));
      this.pump();
    });
    // Credentials only to a job that may open a connection (a check's source:, or an Experiment's).
    const secrets = job.request.options.source !== undefined || job.request.analysis === 'ab' ? this.options.secrets?.() : undefined;
    worker.postMessage({ type: 'run', id: job.id, request: job.request, ...(secrets && Object.keys(secrets).length ? { secrets } : {}) } satisfies ToWorker);
  }

  /** Completes a job once: forgets it and stops its worker (`cancel`: the job did not finish, its worker is asked to stop its queries first). */
  private settle(job: Job, complete: () => void, cancel = false): void {
    if (job.settled) return;
    job.settled = true;
    clearTimeout(job.budget);
    if (this.byKey.get(job.dedupKey) === job) this.byKey.delete(job.dedupKey);
    if (this.bySlot.get(job.slotKey) === job) this.bySlot.delete(job.slotKey);
    complete();
    const worker = job.worker;
    if (!worker || !job.gate) return;
    const stopped = this.stop(job, worker, job.gate, cancel).finally(() => this.stopping.delete(stopped));
    this.stopping.add(stopped);
  }

  /**
   * Terminates a job's worker once that is safe. The worker is first sent `cancel`: it interrupts its
   * DuckDB query if one runs and, for a cancelled job on a connection, kills the query on the database
   * server and answers (the worker is terminated when it has, or after CANCEL_GRACE_MS). In every case the worker
   * is terminated only when its gate closes (no DuckDB call in flight, none can start), or past
   * ENGINE_STOP_LIMIT_MS.
   */
  private async stop(job: Job, worker: Worker, gate: Int32Array, cancel: boolean): Promise<void> {
    let answered = !(cancel && job.onConnection);
    if (!answered) {
      worker.on('message', (msg: FromWorker) => {
        if (msg.id === job.id && msg.type !== 'progress' && msg.type !== 'started') answered = true;
      });
    }
    // Also to a worker whose job has finished: a DuckDB query it may have left running is interrupted.
    if (worker.threadId !== -1) worker.postMessage({ type: 'cancel', id: job.id } satisfies ToWorker);
    const began = Date.now();
    // threadId is -1 once the thread has stopped (a crash: its gate may never close).
    while (worker.threadId !== -1) {
      const waited = Date.now() - began;
      if (waited >= CANCEL_GRACE_MS) answered = true;
      if ((answered && closeGate(gate)) || waited >= ENGINE_STOP_LIMIT_MS) break;
      await gateChanged(gate, Atomics.load(gate, 0), 25);
    }
    await worker.terminate();
  }

  private fail(job: Job, err: Error): void {
    this.settle(job, () => job.reject(err), job.worker !== undefined);
  }
}

/** An analysis that failed in the worker: `kind` tells bad input or options from a bug. */
export class JobError extends Error {
  override name = 'JobError';
  constructor(
    readonly kind: ErrorKind,
    message: string,
    /** A column the job's source (on a connection) does not have. */
    readonly column?: string,
  ) {
    super(message);
  }
}

/**
 * Every running analysis worker with its gate and job, for process exit: exiting while a worker has a
 * DuckDB call in flight aborts the process like terminating it (duckdb/busy.ts), so exit first asks
 * each to interrupt its query and waits, blocking, for its gate to close (up to EXIT_WAIT_MS in all).
 * The language server's ordinary path is the LSP shutdown request (dispose), before exit.
 */
const liveWorkers = new Map<Worker, { gate: Int32Array; id: number }>();
process.on('exit', () => {
  if (liveWorkers.size === 0) return;
  for (const [worker, { id }] of liveWorkers) worker.postMessage({ type: 'cancel', id } satisfies ToWorker);
  const until = Date.now() + EXIT_WAIT_MS;
  for (const { gate } of liveWorkers.values()) closeGateSync(gate, Math.max(0, until - Date.now()));
});
