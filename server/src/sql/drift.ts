/**
 * The drift analysis as aggregate SQL. Two samples (reference and current: two filters of one table,
 * or two tables or queries on one connection) are read as one `UNION ALL` with a `side` column, and
 * a few aggregate queries return only counts, which `analysis/drift.ts` finishes exactly as for rows
 * in memory (numericDriftFromSummary / categoricalDriftFromCounts):
 *
 *  1. per side: rows, usable rows (not NULL, finite, not blank), values that are not numbers, and,
 *     when the column holds text, the distinct values (the free-text refusal of the file path);
 *  numeric:
 *  2. the reference's order statistics at the two positions of each decile (numpy's linear
 *     interpolation, as quantileSorted), one row;
 *  3. rows per side and per decile bin (the bin is the number of edges a value exceeds);
 *  4. KS and Wasserstein-1 from the per-value counts, cumulated on the server (arrayCumSum over the
 *     values sorted once): two numbers come back;
 *  categorical:
 *  2. rows per side and per category (at most MAX_SQL_DRIFT_CATEGORIES, else refused).
 *
 * Written for ClickHouse (kept to 18.16: arrayCumSum, arraySort with a key, arrayPopBack/Front).
 * The reference's deciles and step 4 keep the values on the server (sorted arrays): memory there is
 * O(distinct values), see docs/scale.md. `length(COLUMN)` is not pushed down.
 */
import { DRIFT_DECILES, categoricalDriftFromCounts, numericDriftFromSummary } from '../analysis/drift';
import { MAX_DRIFT_CATEGORIES } from '../engine/inputs';
import type { DriftResult } from '../analysis/types';
import { num, type SqlRow } from './ab';
import { selectFrom, SqlBuildError, type Dialect, type SqlSource } from './dialect';

/** More categories than this on a connection is refused (the answer would be as large as the column). */
export const MAX_SQL_DRIFT_CATEGORIES = 10_000;
/** As the file path: more than half the rows unusable (and at least this many) is refused. */
const MAX_SKIPPED_SHARE = 0.5;
const MIN_SKIPPED_TO_REFUSE = 10;

export interface DriftSqlPlan {
  /** The compared column (after column mapping). */
  column: string;
  /** Its type in each source, from the server's metadata (e.g. `Nullable(Float64)`, `String`). */
  referenceType: string;
  currentType: string;
  threshold: number;
}

/** Numbers, dates and such are read as numbers when the type is numeric; text columns may hold numbers too. */
export function isNumericType(type: string): boolean {
  const t = type.replace(/^(LowCardinality|Nullable)\((.*)\)$/, '$2').replace(/^(LowCardinality|Nullable)\((.*)\)$/, '$2');
  return /^(U?Int(8|16|32|64)|Float(32|64)|Decimal(32|64|128)?\(.*\))$/.test(t);
}

export interface DriftSqlOutcome {
  result: DriftResult;
  rowsRead: number;
  skipped: { reference: number; current: number };
}

/**
 * Runs the drift queries through `select` (the connection's executor: it records and can cancel
 * them) and finishes with the pure analysis. No I/O of its own.
 */
export async function driftOverSql(d: Dialect, reference: SqlSource, current: SqlSource, plan: DriftSqlPlan, select: (sql: string) => Promise<SqlRow[]>, labels: { reference: string; current: string }): Promise<DriftSqlOutcome> {
  if (d.name !== 'clickhouse') throw new SqlBuildError('drift as SQL is written for ClickHouse only so far');
  if (/^length\(.+\)$/.test(plan.column.trim())) throw new SqlBuildError(`drift on ${plan.column} does not run on a connection yet (text lengths are counted differently in SQL); compute the length in a query: source: {query: "SELECT lengthUTF8(col) AS col_length FROM ..."}`);
  const col = d.ident(plan.column);
  const numericBoth = isNumericType(plan.referenceType) && isNumericType(plan.currentType);
  // The value as text (categories, and text columns that hold numbers) and as a double.
  const side = (s: SqlSource, k: 0 | 1, type: string) => {
    const numeric = isNumericType(type);
    // Not Nullable, so both halves of the UNION ALL have the same types whatever the two sources are.
    const text = `ifNull(${numeric ? d.text(col) : col}, '')`;
    const x = `ifNull(${numeric ? d.float(col) : `toFloat64OrNull(${col})`}, nan)`;
    // Blank text is a missing value, as in files; a number must be finite.
    const ok = numeric ? `ifNull(isFinite(${d.float(col)}), 0)` : `ifNull(replaceRegexpAll(${col}, '^\\\\s+|\\\\s+$', '') != '', 0)`;
    return selectFrom(d, s, [`${k} AS side`, `${text} AS v`, `${x} AS x`, `${ok} AS ok`]);
  };
  const union = `(\n${side(reference, 0, plan.referenceType)}\nUNION ALL\n${side(current, 1, plan.currentType)}\n)`;
  const usable = `${union}\nWHERE ok`;

  // 1. How many rows each side has, how many are usable, whether all are numbers.
  const summarySql = `SELECT side, count() AS rows, countIf(ok) AS n, countIf(ok AND NOT isFinite(x)) AS non_numeric${numericBoth ? '' : ', uniqExactIf(v, ok) AS distinct'}\nFROM ${union}\nGROUP BY side\nORDER BY side`;
  const summary = await select(summarySql);
  const bySide = [0, 1].map((k) => summary.find((r) => num(r['side'], 'side') === k));
  const stat = (k: 0 | 1, f: string) => (bySide[k] ? num(bySide[k]![f], f) : 0);
  const n = [stat(0, 'n'), stat(1, 'n')] as const;
  const skipped = { reference: stat(0, 'rows') - n[0], current: stat(1, 'rows') - n[1] };
  const needs = `drift needs the column "${plan.column}" with numbers or categories (not NULL, not blank)`;
  [0, 1].forEach((k) => {
    const label = k === 0 ? labels.reference : labels.current;
    const rows = stat(k as 0 | 1, 'rows');
    const sk = rows - n[k as 0 | 1];
    if (n[k as 0 | 1] === 0) throw new SqlBuildError(`${label}: no usable rows: ${rows} read, ${sk} skipped; ${needs}`);
    if (sk >= MIN_SKIPPED_TO_REFUSE && sk / rows > MAX_SKIPPED_SHARE) {
      throw new SqlBuildError(`${label}: ${sk} of ${rows} rows (${Math.round((100 * sk) / rows)}%) are unusable, more than the ${MAX_SKIPPED_SHARE * 100}% an analysis accepts; ${needs}`);
    }
  });
  const numeric = stat(0, 'non_numeric') === 0 && stat(1, 'non_numeric') === 0;

  if (!numeric) {
    for (const k of [0, 1] as const) {
      const distinct = stat(k, 'distinct');
      const label = k === 0 ? labels.reference : labels.current;
      if (distinct > MAX_DRIFT_CATEGORIES && distinct >= 0.5 * n[k]) {
        throw new SqlBuildError(`${label}: "${plan.column}" looks like free text: ${distinct} distinct values in ${n[k]} rows, and drift over categories would make each text its own category; drift on a categorical or numeric column (or on a length computed in a query)`);
      }
      if (distinct > MAX_SQL_DRIFT_CATEGORIES) throw new SqlBuildError(`${label}: "${plan.column}" has ${distinct} distinct values; drift on a connection compares at most ${MAX_SQL_DRIFT_CATEGORIES} categories`);
    }
    // 2. Rows per side and category.
    const rows = await select(`SELECT v AS category, countIf(side = 0) AS r, countIf(side = 1) AS c\nFROM ${usable}\nGROUP BY category\nORDER BY category`);
    const categories = rows.map((r) => String(r['category']));
    const result = categoricalDriftFromCounts(categories, rows.map((r) => num(r['r'], 'reference count')), rows.map((r) => num(r['c'], 'current count')), plan.threshold);
    return { result, rowsRead: n[0] + n[1], skipped };
  }

  // 2. The reference's deciles: order statistics at floor(q (n - 1)) and the next. quantileExact
  // picks x_(floor(level n)) (0-based), so level (pos + 0.5) / n picks position pos.
  const nr = n[0];
  const positions = DRIFT_DECILES.flatMap((q) => {
    const lo = Math.floor(q * (nr - 1));
    return [lo, Math.min(lo + 1, nr - 1)];
  });
  const levels = positions.map((p) => (p + 0.5) / nr);
  const [qRow] = await select(`SELECT ${d.orderStatisticsIf('x', levels, 'side = 0')} AS os\nFROM ${usable}`);
  const os = qRow?.['os'];
  if (!Array.isArray(os) || os.length !== positions.length) throw new Error(`the decile query answered ${JSON.stringify(os)}`);
  const edges = DRIFT_DECILES.map((q, i) => {
    const a = num(os[2 * i], 'decile');
    const b = num(os[2 * i + 1], 'decile');
    // numpy's lerp form, as quantileSorted.
    const pos = q * (nr - 1);
    const frac = pos - Math.floor(pos);
    return frac >= 0.5 ? b - (b - a) * (1 - frac) : a + (b - a) * frac;
  });

  // 3. Rows per side and bin: bin k holds edges[k-1] < x <= edges[k].
  const bin = edges.map((e) => `(x > ${d.num(e)})`).join(' + ');
  const binRows = await select(`SELECT side, ${bin} AS bin, count() AS n\nFROM ${usable}\nGROUP BY side, bin\nORDER BY side, bin`);
  const counts = [new Array<number>(edges.length + 1).fill(0), new Array<number>(edges.length + 1).fill(0)];
  for (const r of binRows) counts[num(r['side'], 'side')]![num(r['bin'], 'bin')] = num(r['n'], 'n');

  // 4. KS = max |F_ref - F_cur| over the values; W1 = sum |F_ref - F_cur| (x_next - x), F at each distinct value.
  const F = (a: string, m: number) => `${a} / ${d.num(m)}`;
  const ksSql = `SELECT
  arrayReduce('max', arrayMap((a, b) -> abs(${F('a', nr)} - ${F('b', n[1])}), fr, fc)) AS ks,
  arraySum(arrayMap((a, b, x0, x1) -> abs(${F('a', nr)} - ${F('b', n[1])}) * (x1 - x0), arrayPopBack(fr), arrayPopBack(fc), arrayPopBack(xs), arrayPopFront(xs))) AS w1
FROM (
  SELECT arrayMap(t -> t.1, s) AS xs, arrayCumSum(arrayMap(t -> t.2, s)) AS fr, arrayCumSum(arrayMap(t -> t.3, s)) AS fc
  FROM (
    SELECT arraySort(t -> t.1, groupArray((x, r, c))) AS s
    FROM (SELECT x, countIf(side = 0) AS r, countIf(side = 1) AS c FROM ${usable} GROUP BY x)
  )
)`;
  const [ks] = await select(ksSql);
  const result = numericDriftFromSummary(
    { edges, referenceCounts: counts[0]!, currentCounts: counts[1]!, n_reference: nr, n_current: n[1], ks_statistic: num(ks?.['ks'], 'ks'), wasserstein: num(ks?.['w1'], 'w1') },
    plan.threshold,
  );
  return { result, rowsRead: n[0] + n[1], skipped };
}
