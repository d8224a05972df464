/**
 * The embedded analytical engine: DuckDB through @duckdb/node-api, loaded lazily on the first analysis
 * that can use it (never on the language server's answering thread: analyses run in the worker, or
 * in-process for the CLI). It is an accelerator, not a requirement: where its native binary cannot load
 * (a platform without a prebuilt @duckdb/node-bindings-*, a vsix without it), `engine()` answers
 * `undefined` once with the reason and every analysis runs on the built-in readers.
 */
import * as os from 'node:os';
import * as path from 'node:path';

type Api = typeof import('@duckdb/node-api');
type Connection = import('@duckdb/node-api').DuckDBConnection;

export interface Engine {
  connection: Connection;
  /** All rows of a query as plain objects (bigint made number). For small aggregate results. */
  rows(sql: string): Promise<Record<string, unknown>[]>;
  /**
   * Streams a query's chunks in the file's row order: one callback per chunk with its row count and
   * column getters. It runs on one DuckDB thread: measured, a multi-threaded scan of read_json with
   * CASE projections returned 2048-row chunks out of file order despite preserve_insertion_order, and
   * calibration's bootstrap depends on the order. Aggregates (`rows`) use every thread.
   */
  scan(sql: string, onChunk: (rowCount: number, column: (i: number) => { getItem(i: number): unknown }) => void): Promise<void>;
}

let loading: Promise<Engine | undefined> | undefined;
const THREADS = Math.max(1, Math.min(4, os.cpus().length));
let unavailable: string | undefined;

/** Why the engine is not available (after a failed `engine()`), else undefined. */
export function engineUnavailableReason(): string | undefined {
  return unavailable;
}

/** Turning the engine off: RLHF_LENS_ENGINE=builtin (tests of the built-in readers, benchmarks). */
export function engineDisabled(): boolean {
  return process.env['RLHF_LENS_ENGINE'] === 'builtin';
}

/**
 * Files smaller than this are read by the built-in readers: they take milliseconds there, less than
 * loading the engine. RLHF_LENS_ENGINE=duckdb uses the engine for every size (tests).
 */
export const FAST_PATH_MIN_BYTES = 8 * 1024 * 1024;

/**
 * Opt-in for now (RLHF_LENS_ENGINE=duckdb). Since the fast path reads only the needed columns, a
 * 212 MB JSONL of long prompts peaks at about 260 MB through it (was 529 MB), under the 300 MB
 * streaming guarantee, with the same results; but on such wide rows it is not faster than the
 * built-in reader, and it costs 60-90 MB more everywhere. See docs/engine.md, "Session 3".
 */
export function engineWanted(_bytes: number): boolean {
  return process.env['RLHF_LENS_ENGINE'] === 'duckdb';
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
    const instance = await api.DuckDBInstance.create(':memory:', {
      // Bounded memory (spills to disk past it) and no surprise files in the user's folder.
      memory_limit: '512MB',
      temp_directory: path.join(os.tmpdir(), 'rlhf-lens-duckdb'),
      threads: String(THREADS),
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
    });
    const connection = await instance.connect();
    const db: Engine = {
      connection,
      async rows(sql) {
        const reader = await connection.runAndReadAll(sql);
        return reader.getRowObjects().map((r) => {
          const out: Record<string, unknown> = {};
          for (const k in r) out[k] = plain((r as Record<string, unknown>)[k]);
          return out;
        });
      },
      async scan(sql, onChunk) {
        try {
          // Materialised inside DuckDB (17 bytes a row here), so the query runs on its own thread while
          // the caller's thread does other work (the JSONL byte scan), then is copied out chunk by chunk.
          // One statement string, so the query is under way before this function first yields.
          const result = await connection.run(`SET threads = 1; ${sql}`);
          for (;;) {
            const chunk = await result.fetchChunk();
            if (!chunk || chunk.rowCount === 0) break;
            onChunk(chunk.rowCount, (i) => chunk.getColumnVector(i) as unknown as { getItem(i: number): unknown });
          }
        } finally {
          await connection.run(`SET threads = ${THREADS}`);
        }
      },
    };
    return db;
  })().catch((err: unknown) => {
    unavailable = `the DuckDB engine failed to start (${(err as Error).message})`;
    return undefined;
  }));
}

/** A SQL string literal. */
export function lit(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** A SQL identifier. */
export function ident(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}
