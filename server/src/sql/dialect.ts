/**
 * The few places where the SQL of ClickHouse and DuckDB differ, behind one interface, so the
 * analysis query builders (sql/ab.ts, sql/latency.ts, ...) are written once. Builders return plain
 * SQL text plus a decoder of the rows it answers; they do no I/O.
 *
 * ClickHouse: kept to what 18.16 (Debian bookworm's clickhouse-server) supports: no window
 * functions, no FILTER clauses, no parameterised queries in the HTTP interface of that age, so
 * every value is written as an escaped literal here.
 */
export interface Dialect {
  readonly name: 'clickhouse' | 'duckdb';
  /** A quoted identifier (column or table name). */
  ident(name: string): string;
  /** A quoted string literal. */
  str(value: string): string;
  /** A numeric literal that reads back as the same double. */
  num(value: number): string;
  /** Rows where `cond` holds. */
  countIf(cond: string): string;
  /** Sum of `expr` over rows where `cond` holds (0 when none). */
  sumIf(expr: string, cond: string): string;
  /** `expr` as a double. */
  float(expr: string): string;
  /** `expr` as text (variant ids, group keys). */
  text(expr: string): string;
  /** Order statistics x_(floor(level n)) (0-based) of `expr` over rows where `cond` holds, one per level, as an array. */
  orderStatisticsIf(expr: string, levels: number[], cond: string): string;
  /** The values of `expr` sorted ascending, as an array (exact quantiles with interpolation). */
  sortedValues(expr: string): string;
  /** Element `index` (0-based SQL expression) of array `arr`. */
  at(arr: string, index: string): string;
  /** Largest whole number <= expr, as an integer. */
  floorInt(expr: string): string;
}

const finite = (x: number): string => {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  // JavaScript's shortest round-trip representation; exponent form is valid SQL in both dialects.
  return String(x);
};

/** Identifiers: letters, digits, `_`, `.` (database.table) only, so nothing needs escaping. */
export function checkIdentifier(name: string, what = 'identifier'): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/.test(name)) {
    throw new SqlBuildError(`${what} "${name}" is not a plain name (letters, digits, _ and one optional "database." prefix)`);
  }
  return name;
}

export class SqlBuildError extends Error {}

export const clickhouse: Dialect = {
  name: 'clickhouse',
  ident: (n) =>
    checkIdentifier(n, 'column')
      .split('.')
      .map((p) => '`' + p + '`')
      .join('.'),
  str: (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`,
  num: finite,
  countIf: (c) => `countIf(${c})`,
  sumIf: (e, c) => `sumIf(${e}, ${c})`,
  float: (e) => `toFloat64(${e})`,
  text: (e) => `toString(${e})`,
  orderStatisticsIf: (e, levels, c) => `quantilesExactIf(${levels.map(finite).join(', ')})(${e}, ${c})`,
  sortedValues: (e) => `arraySort(groupArray(${e}))`,
  at: (arr, i) => `arrayElement(${arr}, toUInt64(${i}) + 1)`,
  floorInt: (e) => `toInt64(floor(${e}))`,
};

export const duckdb: Dialect = {
  name: 'duckdb',
  ident: (n) =>
    checkIdentifier(n, 'column')
      .split('.')
      .map((p) => `"${p}"`)
      .join('.'),
  str: (s) => `'${s.replace(/'/g, "''")}'`,
  num: finite,
  countIf: (c) => `count_if(${c})`,
  sumIf: (e, c) => `coalesce(sum(CASE WHEN ${c} THEN ${e} END), 0)`,
  float: (e) => `CAST(${e} AS DOUBLE)`,
  text: (e) => `CAST(${e} AS VARCHAR)`,
  // DuckDB's quantile_disc picks x_(ceil(level n) - 1); floor(level n) is written out on the sorted list.
  orderStatisticsIf: (e, levels, c) => {
    const sorted = `list_sort(list(${e}) FILTER (WHERE ${c}))`;
    return `[${levels.map((l) => `${sorted}[least(len(${sorted}) - 1, CAST(floor(${finite(l)} * len(${sorted})) AS BIGINT)) + 1]`).join(', ')}]`;
  },
  sortedValues: (e) => `list_sort(list(${e}))`,
  at: (arr, i) => `${arr}[CAST(${i} AS BIGINT) + 1]`,
  floorInt: (e) => `CAST(floor(${e}) AS BIGINT)`,
};

/** What an analysis reads from: a table (optionally `database.table`) or a query, and a filter. */
export interface SqlSource {
  table?: string;
  query?: string;
  where?: string;
}

/**
 * The FROM clause of a source. `query` and `where` are the user's SQL (from their config or command
 * line, sent to their own database): they are wrapped, not parsed. A `query` with a `;` or a
 * `FORMAT` clause would change what the builders read, so it is refused.
 */
export function fromClause(d: Dialect, source: SqlSource): { from: string; where: string | undefined } {
  if ((source.table === undefined) === (source.query === undefined)) throw new SqlBuildError('a source needs exactly one of table or query');
  for (const [k, v] of [['query', source.query], ['where', source.where]] as const) {
    if (v !== undefined && (/;\s*\S/.test(v) || /;\s*$/.test(v))) throw new SqlBuildError(`source ${k} must be one statement without ";"`);
    if (v !== undefined && /\bFORMAT\s+\w+\s*$/i.test(v)) throw new SqlBuildError(`source ${k} must not set a FORMAT`);
  }
  const from = source.table !== undefined ? d.ident(checkIdentifier(source.table, 'table')) : `(${source.query})`;
  return { from, where: source.where?.trim() ? source.where.trim() : undefined };
}

export function selectFrom(d: Dialect, source: SqlSource, columns: string[], tail = ''): string {
  const { from, where } = fromClause(d, source);
  return `SELECT\n  ${columns.join(',\n  ')}\nFROM ${from}${source.query !== undefined ? ' AS src' : ''}${where ? `\nWHERE ${where}` : ''}${tail ? `\n${tail}` : ''}`;
}
