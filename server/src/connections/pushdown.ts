/**
 * Analyses on a connection: compile to aggregate SQL (server/src/sql/), run it where the data is,
 * finish with the same pure analysis as for files. Only sufficient statistics come back.
 * Results are never cached: a table can change under the same name.
 */
import { analyzeAb } from '../analysis/ab';
import type { AnalysisName, RunOptions } from '../engine/options';
import { OptionError } from '../engine/options';
import type { ExperimentPlan } from '../engine/experiment';
import { didYouMean } from '../config/did-you-mean';
import { clickhouse, fromClause, SqlBuildError, type SqlSource } from '../sql/dialect';
import { buildAbQueries } from '../sql/ab';
import { buildLatencyQueries } from '../sql/latency';
import { buildCalibrationQueries } from '../sql/calibration';
import { driftOverSql } from '../sql/drift';
import { uncertaintyCandidatesOverSql } from '../sql/uncertainty';
import { selectUncertain } from '../analysis/uncertainty';
import { ClickHouseSession, SourceError, type ColumnInfo, type QueryRecord } from './clickhouse';
import { resolveCredentials, CredentialError } from './credentials';
import type { ConnectionConfig } from './config';
import * as path from 'node:path';
import { loadConnections } from './load';
import { readExperiment } from '../engine/experiment';
import type { AnalysisOutcome, RunHooks } from '../engine/run';

/** `source:` of an Experiment or a check, or `--source CONNECTION:TABLE`. */
export interface SourceSpec extends SqlSource {
  connection: string;
}

export interface PushdownContext {
  connections: Record<string, ConnectionConfig>;
  /** Where the connections came from, for messages. */
  settingsFile?: string;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  secrets?: Record<string, string>;
}

export interface PushdownOutcome {
  analysis: AnalysisName;
  /** `connection:table` or `connection:(query)`. */
  source: string;
  /** Rows the server aggregated (units for ab, requests for latency, ...). */
  rowsRead: number;
  skipped: { count: number; first: { line: number; reason: string }[] };
  result: Record<string, unknown>;
  /** Every query sent, in order ("show SQL"), with the size of its answer. */
  queries: QueryRecord[];
  /** What a pushed-down run does not compute (figures that need the rows). */
  notes: string[];
}

export function sourceLabel(spec: SourceSpec): string {
  return `${spec.connection}:${spec.table ?? '(query)'}`;
}

export function connectionOf(spec: SourceSpec, ctx: PushdownContext): ConnectionConfig {
  const conn = ctx.connections[spec.connection];
  if (!conn) {
    const names = Object.keys(ctx.connections);
    const s = didYouMean(spec.connection, names);
    throw new OptionError(
      `unknown connection "${spec.connection}"${s ? ` (did you mean "${s}"?)` : ''}: ${names.length ? `the connections are ${names.join(', ')}` : 'no connections are defined'}${ctx.settingsFile ? ` in ${ctx.settingsFile}` : ' (add them under connections: in .rlhf-lens.yaml)'}`,
    );
  }
  return conn;
}

/**
 * Columns by connection and source (table or query), from the server's own metadata
 * (`SELECT * FROM <source> LIMIT 0`: the answer's header, no rows read), kept 60 s so the checks of
 * one evaluation on the same table ask once. A column found missing in a cached entry is looked up
 * again before it is reported (the table may have changed since): a stale cache never reports a
 * column missing, and a server error about a column drops the entry.
 */
const metadataCache = new Map<string, { at: number; columns: ColumnInfo[] }>();
const METADATA_TTL_MS = 60_000;

const metadataKey = (session: ClickHouseSession, spec: SourceSpec) => `${session.conn.name}|${session.conn.url}|${session.conn.database}|${fromClause(clickhouse, spec).from}`;

export async function sourceColumns(session: ClickHouseSession, spec: SourceSpec, fresh = false): Promise<ColumnInfo[] & { cached?: boolean }> {
  const { from } = fromClause(clickhouse, spec);
  const key = metadataKey(session, spec);
  const hit = metadataCache.get(key);
  if (!fresh && hit && Date.now() - hit.at < METADATA_TTL_MS) return Object.assign([...hit.columns], { cached: true });
  let columns: ColumnInfo[];
  try {
    columns = await session.columns(spec.query !== undefined ? `${from} AS src` : from);
  } catch (err) {
    metadataCache.delete(key);
    throw err;
  }
  metadataCache.set(key, { at: Date.now(), columns });
  return columns;
}

/** A server error about a column: what the cache said is not to be trusted. */
function forgetOnColumnError(session: ClickHouseSession, spec: SourceSpec, err: unknown): void {
  if (err instanceof SourceError && err.kind === 'column') metadataCache.delete(metadataKey(session, spec));
}

/** Only for the tests: forget cached metadata. */
export function clearMetadataCache(): void {
  metadataCache.clear();
}

/** The first needed column the source lacks, as the error users see (with a suggestion and the columns there are). */
export function missingColumn(label: string, have: ColumnInfo[], needed: { column: string; what: string }[]): SourceError | undefined {
  const names = have.map((c) => c.name);
  for (const n of needed) {
    if (!names.includes(n.column)) {
      const s = didYouMean(n.column, names);
      return new SourceError(label, `${n.what} reads column "${n.column}", which the source does not have${s ? ` (did you mean "${s}"?)` : ''}; its columns: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', ...' : ''}`, 'column', n.column);
    }
  }
  return undefined;
}

function requireColumns(label: string, have: ColumnInfo[], needed: { column: string; what: string }[]): void {
  const err = missingColumn(label, have, needed);
  if (err) throw err;
}

/**
 * `columns` (from sourceColumns) checked for `needed`: a column missing from cached metadata is
 * looked up afresh first; returns the columns the check passed on.
 */
async function ensureColumns(session: ClickHouseSession, spec: SourceSpec, label: string, columns: ColumnInfo[] & { cached?: boolean }, needed: { column: string; what: string }[]): Promise<ColumnInfo[]> {
  if (columns.cached && missingColumn(label, columns, needed)) columns = await sourceColumns(session, spec, true);
  requireColumns(label, columns, needed);
  return columns;
}

export async function openSession(spec: SourceSpec, ctx: PushdownContext): Promise<ClickHouseSession> {
  const conn = connectionOf(spec, ctx);
  let creds;
  try {
    creds = resolveCredentials(conn, ctx.env ?? process.env, ctx.secrets ?? {});
  } catch (err) {
    if (err instanceof CredentialError) throw new SourceError(sourceLabel(spec), err.message, 'auth');
    throw err;
  }
  return new ClickHouseSession(conn, creds, sourceLabel(spec), ctx.signal);
}

const mapped = (options: RunOptions, field: string) => options.columns?.[field] ?? field;

/**
 * The reference sample of drift on a connection: `reference_source` ({table | query, where}, the
 * connection optional and then the current one's); `{where}` alone is the current table or query
 * under another filter (e.g. last week against this week).
 */
export function referenceSource(current: SourceSpec, options: RunOptions): SourceSpec {
  const r = options.reference_source as Partial<SourceSpec> | undefined;
  if (!r) throw new OptionError('drift on a connection needs a reference sample: reference: {where: ...} (the same table under another filter) or {table: ...} / {query: ...} on the same connection (CLI: --reference-where SQL or --reference CONNECTION:TABLE)');
  if (r.connection !== undefined && r.connection !== current.connection) throw new OptionError(`the reference sample must be on the connection of the current one ("${current.connection}"), not "${r.connection}"`);
  if (r.table !== undefined && r.query !== undefined) throw new OptionError('the reference sample needs at most one of table or query');
  const own = r.table !== undefined || r.query !== undefined;
  return {
    connection: current.connection,
    ...(own ? (r.table !== undefined ? { table: r.table } : { query: r.query! }) : current.table !== undefined ? { table: current.table } : { query: current.query! }),
    ...(r.where !== undefined ? { where: r.where } : {}),
  };
}

export async function runAbPushdown(plan: ExperimentPlan, spec: SourceSpec, options: RunOptions, ctx: PushdownContext): Promise<PushdownOutcome> {
  const label = sourceLabel(spec);
  const session = await openSession(spec, ctx);
  try {
    await ensureColumns(session, spec, label, await sourceColumns(session, spec), [
      { column: mapped(options, 'variant'), what: 'the variant' },
      ...plan.metrics.flatMap((m) => [
        { column: mapped(options, m.column), what: `metric "${m.name}"` },
        ...(m.covariate ? [{ column: mapped(options, m.covariate), what: `metric "${m.name}" (covariate)` }] : []),
        ...(m.denominator ? [{ column: mapped(options, m.denominator), what: `metric "${m.name}" (denominator)` }] : []),
      ]),
    ]);
    const q = buildAbQueries(clickhouse, spec, { metrics: plan.metrics, variantColumn: 'variant', ...(options.columns ? { columns: options.columns } : {}), confidence: plan.options.confidence ?? 0.95 });
    const first = q.decode(await session.select(q.sql));
    if (first.next) first.next.decode(await session.select(first.next.sql));
    const result = analyzeAb(first.input, plan.options);
    const rowsRead = Object.values(first.input.units).reduce((s, x) => s + x, 0) + first.skippedUnits;
    const skipped = first.skippedUnits ? { count: first.skippedUnits, first: [{ line: 0, reason: `${first.skippedUnits} rows have no variant (NULL or empty)` }] } : { count: 0, first: [] };
    return { analysis: 'ab', source: label, rowsRead, skipped, result: result as unknown as Record<string, unknown>, queries: session.queries, notes: [] };
  } catch (err) {
    forgetOnColumnError(session, spec, err);
    if (err instanceof SqlBuildError) throw new OptionError(`${label}: ${err.message}`);
    throw err;
  } finally {
    await session.close();
  }
}

/** `rlhf-lens analyze <analysis> --source CONNECTION:TABLE` for latency and calibration. */
export async function runSourcePushdown(analysis: AnalysisName, spec: SourceSpec, options: RunOptions, ctx: PushdownContext): Promise<PushdownOutcome> {
  const label = sourceLabel(spec);
  const session = await openSession(spec, ctx);
  try {
    let columns = await sourceColumns(session, spec);
    const names = columns.map((c) => c.name);
    if (analysis === 'latency') {
      const groupBy = options.group_by;
      columns = await ensureColumns(session, spec, label, columns, [
        { column: mapped(options, 'timestamp'), what: 'latency' },
        { column: mapped(options, 'latency_ms'), what: 'latency' },
        ...(groupBy ? [{ column: groupBy, what: '--group-by' }] : []),
      ]);
      const q = buildLatencyQueries(clickhouse, spec, { columns: options.columns ?? {}, groupBy, hasSuccess: names.includes(mapped(options, 'success')), windowMs: options.window_ms ?? 60_000 });
      const rows = [];
      for (const sql of q.sql) rows.push(await session.select(sql));
      const { result, rowsRead } = q.decode(rows);
      return { analysis, source: label, rowsRead, skipped: { count: 0, first: [] }, result: result as unknown as Record<string, unknown>, queries: session.queries, notes: q.notes };
    }
    if (analysis === 'calibration') {
      const q = buildCalibrationQueries(clickhouse, spec, { columns: options.columns ?? {}, have: names, bins: options.bins ?? 15 });
      const { result, rowsRead } = q.decode(await session.select(q.sql));
      return { analysis, source: label, rowsRead, skipped: { count: 0, first: [] }, result: result as unknown as Record<string, unknown>, queries: session.queries, notes: q.notes };
    }
    if (analysis === 'drift') {
      if (!options.column) throw new OptionError('the drift analysis needs the column to compare (option column / --column NAME)');
      const ref = referenceSource(spec, options);
      const column = mapped(options, options.column);
      const refLabel = `${sourceLabel(ref)}${ref.where ? ` (where ${ref.where})` : ''}`;
      const curLabel = `${label}${spec.where ? ` (where ${spec.where})` : ''}`;
      columns = await ensureColumns(session, spec, label, columns, [{ column, what: 'drift (current sample)' }]);
      const refColumns = ref.table === spec.table && ref.query === spec.query ? columns : await ensureColumns(session, ref, sourceLabel(ref), await sourceColumns(session, ref), [{ column, what: 'drift (reference sample)' }]);
      const typeOf = (cols: ColumnInfo[]) => cols.find((c) => c.name === column)!.type;
      const o = await driftOverSql(clickhouse, ref, spec, { column, referenceType: typeOf(refColumns), currentType: typeOf(columns), threshold: options.threshold ?? 0.2 }, (sql) => session.select(sql), { reference: refLabel, current: curLabel });
      const count = o.skipped.reference + o.skipped.current;
      const skipped = count ? { count, first: [{ line: 0, reason: `${o.skipped.reference} reference and ${o.skipped.current} current rows have no usable "${column}" (NULL, blank or not finite)` }] } : { count: 0, first: [] };
      return { analysis, source: label, rowsRead: o.rowsRead, skipped, result: o.result as unknown as Record<string, unknown>, queries: session.queries, notes: [`reference: ${refLabel}; current: ${curLabel}`] };
    }
    if (analysis === 'uncertainty') {
      const logits = names.includes(mapped(options, 'logits'));
      const values = mapped(options, logits ? 'logits' : 'probs');
      const embedding = names.includes(mapped(options, 'embedding')) ? mapped(options, 'embedding') : undefined;
      const method = options.method ?? 'entropy';
      columns = await ensureColumns(session, spec, label, columns, [
        { column: mapped(options, 'id'), what: 'uncertainty (the row id)' },
        { column: values, what: 'uncertainty (probs or logits)' },
        ...(method === 'diversity' ? [{ column: mapped(options, 'embedding'), what: 'diversity selection' }] : []),
      ]);
      const top = options.top ?? 10;
      const c = await uncertaintyCandidatesOverSql(clickhouse, spec, { id: mapped(options, 'id'), values, logits, embedding, method, top, poolFactor: 5 }, (sql) => session.select(sql), label);
      // The candidates, scored and ranked by the same function as a file's rows.
      const result = selectUncertain(
        {
          ids: c.rows.map((r) => r.id),
          values: Float64Array.from(c.rows.flatMap((r) => r.values)),
          classes: c.classes,
          logits,
          ...(embedding && c.rows.length ? { embeddings: { values: Float64Array.from(c.rows.flatMap((r) => r.embedding!)), dim: c.rows[0]!.embedding!.length } } : {}),
        },
        { method, top },
      );
      return { analysis, source: label, rowsRead: c.rowsRead, skipped: { count: 0, first: [] }, result: result as unknown as Record<string, unknown>, queries: session.queries, notes: [`${c.rows.length} candidate rows of ${c.rowsRead} pulled for the top ${top}; ties broken by id`] };
    }
    throw new OptionError(`the ${analysis} analysis does not run on a connection yet (ab, latency, calibration, drift and uncertainty do)`);
  } catch (err) {
    forgetOnColumnError(session, spec, err);
    if (err instanceof SqlBuildError) throw new OptionError(`${label}: ${err.message}`);
    throw err;
  } finally {
    await session.close();
  }
}

/**
 * A request whose options carry `source:` (a pipeline check on a connection): the connections of the
 * `.rlhf-lens.yaml` that applies to `file` (the pipeline), the analysis as SQL there, the outcome as
 * a file run's. The job's signal cancels it (KILL QUERY on the server).
 */
export async function runOnConnection(analysis: AnalysisName, file: string, options: RunOptions, hooks: RunHooks): Promise<AnalysisOutcome> {
  const spec = options.source as SourceSpec;
  const loaded = loadConnections(path.dirname(file));
  if (loaded.problems.length && !loaded.connections[spec.connection]) throw new OptionError(loaded.problems.join('; '));
  const ctx: PushdownContext = { connections: loaded.connections, ...(loaded.file ? { settingsFile: loaded.file } : {}), ...(hooks.signal ? { signal: hooks.signal } : {}), ...(hooks.secrets ? { secrets: hooks.secrets } : {}) };
  let o: PushdownOutcome;
  if (analysis === 'ab') {
    if (!options.experiment) throw new OptionError('the ab analysis needs an Experiment file (option experiment) for its variants and metrics');
    o = await runAbPushdown(readExperiment(options.experiment), spec, options, ctx);
  } else o = await runSourcePushdown(analysis, spec, options, ctx);
  return { analysis, files: [file], format: 'clickhouse', rowsRead: o.rowsRead, skipped: o.skipped, result: o.result, source: o.source, queries: o.queries, notes: o.notes };
}
