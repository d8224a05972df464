/**
 * The embedded analytical engine: DuckDB through @duckdb/node-api, loaded lazily on the first analysis
 * that can use it (never on the language server's answering thread: analyses run in the worker, or
 * in-process for the CLI). It is an accelerator, not a requirement: where its native binary cannot load
 * (a platform without a prebuilt @duckdb/node-bindings-*, a vsix without it), `engine()` answers
 * `undefined` once with the reason and every analysis runs on the built-in readers.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { busy, EngineStoppedError, refuseEngineCalls } from './busy';

type Api = typeof import('@duckdb/node-api');
type Connection = import('@duckdb/node-api').DuckDBConnection;

export interface Engine {
  /** Every call on it goes through busy() (busy.ts: a worker must not be stopped while one runs). */
  connection: Connection;
  /** All rows of a query as plain objects (bigint made number). For small aggregate results. */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  /**
   * Whether DuckDB keeps a query's rows in file order on every thread: it does for a projection or
   * filter over one table function (preserve_insertion_order, on by default; DuckDB's "order
   * preservation" page), not once the plan holds a join, an aggregate, a sort or a window. A
   * measured case: an `IN (...)` list is planned as a MARK join, which returned 2048-row chunks
   * out of file order (calibration's bootstrap depends on the order). Asked of the plan (EXPLAIN).
   */
  keepsOrder(sql: string): Promise<boolean>;
  /** A query's chunks in file order (ScanOptions says how). */
  scan(sql: string, options: ScanOptions): Promise<void>;
}

export interface ScanOptions {
  /** From keepsOrder: the query runs on every thread; else on one thread, which keeps the order. */
  ordered: boolean;
  /** One call per chunk, with its row count and column getters. */
  onChunk: (rowCount: number, column: (i: number) => { getItem(i: number): unknown }) => void;
  /** This thread's own work, done while the query runs; `failed()` says the query has already failed (no point going on). */
  meanwhile?: (failed: () => boolean) => void | Promise<void>;
  /** The result's row count, before the first chunk. */
  onRows?: (rows: number) => void;
}

let loading: Promise<Engine | undefined> | undefined;
let live: Connection | undefined;
const THREADS = Math.max(1, Math.min(4, os.cpus().length));
let unavailable: string | undefined;

/** Why the engine is not available (after a failed `engine()`), else undefined. */
export function engineUnavailableReason(): string | undefined {
  return unavailable;
}

/**
 * Whether this is the first time the process says that the engine is unavailable: an Int32 shared by
 * every analysis worker of one language server (a SharedArrayBuffer the job runner hands each worker,
 * `useNoticeFlag`), so the editor's output says it once per session, not once per analysis; in the CLI
 * a private one.
 */
let noticeFlag: Int32Array<ArrayBufferLike> = new Int32Array(1);

export function useNoticeFlag(shared: Int32Array): void {
  noticeFlag = shared;
}

export function newNoticeFlag(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

export function firstUnavailableNotice(): boolean {
  return Atomics.compareExchange(noticeFlag, 0, 0, 1) === 0;
}

/** Turning the engine off: RLHF_LENS_ENGINE=builtin (tests of the built-in readers, benchmarks). */
export function engineDisabled(): boolean {
  return process.env['RLHF_LENS_ENGINE'] === 'builtin';
}

/**
 * When the engine reads a file by default (RLHF_LENS_ENGINE unset), from bench/engine.ts and the wide-row
 * measurements in docs/engine.md ("Measured"): text files (JSONL, CSV/TSV) of at least 8 MiB whose lines
 * average at most 256 bytes (narrow rows: scores, labels, ids, where DuckDB's typed scan is several
 * times faster than a JSON.parse a line); Parquet files of at least 1 MiB (columnar: DuckDB reads only
 * the needed columns). Smaller files take milliseconds on the built-in readers, less than loading the
 * engine; on wide rows (a 1 KB prompt beside two scores) the built-in reader measured as fast and
 * 70 MB smaller. RLHF_LENS_ENGINE=duckdb uses the engine for every file, =builtin never.
 *
 * The same in the CLI and in the language server's analysis worker: a worker in a DuckDB call is
 * interrupted and terminated only once the call has settled (busy.ts, engine/jobs.ts), since
 * terminating it during one aborts the whole process.
 */
export const FAST_PATH_MIN_BYTES = 8 * 1024 * 1024;
export const FAST_PATH_MIN_PARQUET_BYTES = 1024 * 1024;
export const FAST_PATH_MAX_LINE_BYTES = 256;

export type EngineChoice = 'duckdb' | 'builtin';

/**
 * Whether to read a file through the engine. `lineBytes` is the average line length of the file's
 * first lines (text formats), measured by the caller only once the size qualifies.
 */
export function engineWanted(format: 'jsonl' | 'csv' | 'tsv' | 'parquet', bytes: number, lineBytes: () => number): boolean {
  const mode = process.env['RLHF_LENS_ENGINE'];
  if (mode === 'duckdb') return true;
  if (mode === 'builtin') return false;
  if (format === 'parquet') return bytes >= FAST_PATH_MIN_PARQUET_BYTES;
  return bytes >= FAST_PATH_MIN_BYTES && lineBytes() <= FAST_PATH_MAX_LINE_BYTES;
}

function plain(v: unknown): unknown {
  return typeof v === 'bigint' ? Number(v) : v;
}

export function engine(): Promise<Engine | undefined> {
  if (engineDisabled()) return Promise.resolve(undefined);
  return (loading ??= (async () => {
    let api: Api;
    try {
      // A plain require so esbuild leaves the native package outside the bundles.
      api = require('@duckdb/node-api') as Api;
    } catch (err) {
      unavailable = `the DuckDB engine could not load on ${process.platform}-${process.arch} (${(err as Error).message.split('\n')[0]})`;
      return undefined;
    }
    // Every call into the addon is counted (busy.ts): a thread must not be stopped while one runs.
    const instance = await busy(() => api.DuckDBInstance.create(':memory:', {
      // Bounded memory (spills to disk past it) and no surprise files in the user's folder.
      memory_limit: '512MB',
      temp_directory: path.join(os.tmpdir(), 'rlhf-lens-duckdb'),
      threads: String(THREADS),
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    }));
    const connection = await busy(() => instance.connect());
    live = connection;
    const db: Engine = {
      connection,
      async rows(sql) {
        const reader = await busy(() => connection.runAndReadAll(sql));
        return reader.getRowObjects().map((r) => {
          const out: Record<string, unknown> = {};
          for (const k in r) out[k] = plain((r as Record<string, unknown>)[k]);
          return out;
        });
      },
      async keepsOrder(sql) {
        const plan = (await this.rows(`EXPLAIN ${sql}`)).map((r) => String(r['explain_value'] ?? '')).join('\n');
        return !/JOIN|AGGREGATE|ORDER|WINDOW|SAMPLE|UNION|LIMIT|TOP_N|DISTINCT/.test(plan);
      },
      scan: (sql, { ordered, onChunk, meanwhile, onRows }) => busy(async () => {
        // Materialised inside DuckDB (a few bytes a row), then read chunk by chunk without an await
        // each: 490 awaited fetches of a streamed 1M-row result cost more CPU than the copy itself
        // (measured). The query is under way before `meanwhile` runs (run() starts it before its first
        // await), so this thread's own work overlaps DuckDB's threads.
        const pending = connection.run(ordered ? sql : `SET threads = 1; ${sql}`);
        try {
          let failed: { error: unknown } | undefined;
          let settled = false;
          void pending.then(
            () => undefined,
            () => (settled = true),
          );
          try {
            // Told to stop when the query has failed (cancelled, interrupted, declined).
            await meanwhile?.(() => settled);
          } catch (error) {
            failed = { error };
          }
          // Whatever meanwhile did, the query is waited for (never left running unobserved).
          const result = await pending;
          if (failed) throw failed.error;
          onRows?.(result.rowCount);
          for (let i = 0; i < result.chunkCount; i++) {
            const chunk = result.getChunk(i);
            if (chunk.rowCount === 0) continue;
            onChunk(chunk.rowCount, (c) => chunk.getColumnVector(c) as unknown as { getItem(i: number): unknown });
          }
        } finally {
          if (!ordered) await connection.run(`SET threads = ${THREADS}`);
        }
      }),
    };
    return db;
  })().catch((err: unknown) => {
    if (err instanceof EngineStoppedError) return undefined; // a cancelled job, not a broken engine
    unavailable = `the DuckDB engine failed to start (${(err as Error).message})`;
    return undefined;
  }));
}

/**
 * Interrupts this thread's running query, if any, and refuses new ones: a cancelled job's worker, so
 * that it can be stopped safely once the query's promise has settled (busy.ts says why).
 */
export function interruptEngine(): void {
  refuseEngineCalls();
  live?.interrupt();
}

/** A SQL string literal. */
export function lit(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A SQL identifier. */
export function ident(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}
