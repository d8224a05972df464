/**
 * Runs the analysis SQL on a ClickHouse connection through the official client (@clickhouse/client,
 * HTTP interface; it speaks to ClickHouse 18.16 as shipped by Debian, see docs/connections.md).
 * Every query gets its own query_id; cancelling (the job's AbortSignal) or the time limit aborts the
 * HTTP request and sends KILL QUERY for that id, so the server stops working too. Errors are turned
 * into messages that say what to do; credentials never appear in them or in any log.
 */
import { randomUUID } from 'node:crypto';
import { createClient, ClickHouseLogLevel, type ClickHouseClient } from '@clickhouse/client';
import { IngestError } from '../ingest/rows';
import type { ConnectionConfig } from './config';
import type { Credentials } from './credentials';

/** A query as sent, for "show SQL" and the bench: text, id, answer size and time. */
export interface QueryRecord {
  sql: string;
  query_id: string;
  /** Bytes of the (uncompressed) JSON answer. */
  response_bytes: number;
  rows: number;
  duration_ms: number;
}

/** A failure reading from a connection: named by `connection:table` like a file is by its path. */
export class SourceError extends IngestError {
  constructor(
    label: string,
    reason: string,
    readonly kind: 'unreachable' | 'auth' | 'column' | 'table' | 'cancelled' | 'timeout' | 'query' = 'query',
    /** kind 'column': the column the source does not have (the editor puts its diagnostic on the key naming it). */
    readonly column?: string,
  ) {
    super(label, reason);
    this.name = 'SourceError';
  }
}

export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

export interface ColumnInfo {
  name: string;
  type: string;
}

export class ClickHouseSession {
  private readonly client: ClickHouseClient;
  readonly queries: QueryRecord[] = [];

  constructor(
    readonly conn: ConnectionConfig,
    credentials: Credentials,
    /** What errors are named by, e.g. `prod-logs:ab_exposures`. */
    readonly label: string,
    private readonly signal?: AbortSignal,
  ) {
    this.client = createClient({
      url: conn.url,
      username: credentials.username,
      password: credentials.password,
      database: conn.database,
      // Our own timer aborts first and kills the query; this is the transport's backstop.
      request_timeout: conn.timeoutMs + 10_000,
      application: 'rlhf-lens',
      // The client would log failed requests (with their settings) to the console.
      log: { level: ClickHouseLogLevel.OFF },
    });
  }

  /** Runs one SELECT and returns its rows (JSONEachRow). */
  async select(sql: string): Promise<Record<string, unknown>[]> {
    const text = await this.run(sql, 'JSONEachRow');
    return text
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  /** Column names and types of a FROM clause, from the server's own metadata (no rows read). */
  async columns(from: string): Promise<ColumnInfo[]> {
    const text = await this.run(`SELECT * FROM ${from} LIMIT 0`, 'JSON');
    const meta = (JSON.parse(text) as { meta?: ColumnInfo[] }).meta ?? [];
    return meta.map((m) => ({ name: m.name, type: m.type }));
  }

  private async run(sql: string, format: 'JSONEachRow' | 'JSON'): Promise<string> {
    // Cancelled between two queries of a run: the next one is not sent, and nothing is running.
    if (this.signal?.aborted) throw new CancelledError(`cancelled before the next query was sent to ${this.conn.name}; nothing is running there`);
    const queryId = `rlhf-lens-${randomUUID()}`;
    const controller = new AbortController();
    let reason: 'cancelled' | 'timeout' | undefined;
    let killed: Promise<void> | undefined;
    const stop = (why: 'cancelled' | 'timeout') => {
      if (reason) return;
      reason = why;
      controller.abort();
      killed = this.kill(queryId);
    };
    const onAbort = () => stop('cancelled');
    this.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => stop('timeout'), this.conn.timeoutMs);
    const started = performance.now();
    try {
      const rs = await this.client.query({ query: sql, format, query_id: queryId, abort_signal: controller.signal });
      const text = await rs.text();
      this.queries.push({ sql, query_id: queryId, response_bytes: Buffer.byteLength(text), rows: format === 'JSON' ? 0 : text.split('\n').filter(Boolean).length, duration_ms: performance.now() - started });
      return text;
    } catch (err) {
      // Answer only once the server was told to stop (a worker is terminated right after it answers).
      await killed;
      if (reason === 'cancelled') throw new CancelledError(`cancelled; query ${queryId} was stopped on ${this.conn.name}`);
      if (reason === 'timeout') throw new SourceError(this.label, `the query took longer than ${this.conn.timeoutMs} ms (timeout_ms of connection "${this.conn.name}") and was stopped on the server (query_id ${queryId})`, 'timeout');
      throw this.explain(err);
    } finally {
      clearTimeout(timer);
      this.signal?.removeEventListener('abort', onAbort);
    }
  }

  /** KILL QUERY on a fresh request (the aborted one is gone); best effort. */
  async kill(queryId: string): Promise<void> {
    try {
      // Bounded: a server that does not answer must not hold up the cancellation.
      await this.client.command({ query: `KILL QUERY WHERE query_id = '${queryId.replace(/[^A-Za-z0-9-]/g, '')}' ASYNC`, abort_signal: AbortSignal.timeout(2_000) });
    } catch {
      // The server may be gone, or the query already finished: nothing more to stop.
    }
  }

  private explain(err: unknown): SourceError {
    const e = err as { code?: string; message?: string; type?: string };
    const code = e.code !== undefined ? String(e.code) : '';
    const first = (e.message ?? String(err)).split('\n')[0]!.replace(/, e\.what\(\) = DB::Exception$/, '').replace(/^Code: \d+, e\.displayText\(\) = /, '').replace(/^DB::Exception: /, '');
    const where = `ClickHouse at ${this.conn.url} (connection "${this.conn.name}")`;
    if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN'].includes(code)) {
      return new SourceError(this.label, `cannot reach ${where}: ${code === 'ECONNREFUSED' ? 'connection refused (is the server running?)' : code}`, 'unreachable');
    }
    if (code === '516' || code === '192' || code === '193' || /Authentication failed|Wrong password|Unknown user/i.test(first)) {
      const how = [this.conn.userEnv && `user from ${this.conn.userEnv}`, this.conn.passwordEnv && `password from ${this.conn.passwordEnv}`].filter(Boolean).join(', ') || 'user "default", no password';
      return new SourceError(this.label, `${where} refused the credentials (${how}): wrong user or password`, 'auth');
    }
    if (code === '47' || /Missing columns|Unknown identifier/i.test(first)) return new SourceError(this.label, `a column is missing: ${first}`, 'column');
    if (code === '60' || code === '81') return new SourceError(this.label, `${first}`, 'table');
    // An operator's KILL QUERY: while running (394, "Query was cancelled"), or before it started ("killed in pending state").
    if (code === '394' || /Query was cancelled|killed in pending state/i.test(first)) return new SourceError(this.label, `the query was killed on the server: ${first}`, 'cancelled');
    return new SourceError(this.label, `${where} answered an error${code ? ` (code ${code})` : ''}: ${first}`);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
