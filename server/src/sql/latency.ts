/**
 * The latency analysis as aggregate SQL: overall, per group and per tumbling window, each a GROUP BY
 * returning count, successes, sum, max and, per percentile, the two order statistics numpy's linear
 * interpolation needs (positions floor(q (n - 1)) and the next), so p50/p95/p99 equal the in-process
 * figures exactly. The sorted values stay on the server (an inner arraySort(groupArray()) per group;
 * its memory is the column's, see docs/scale.md). Row-order anomalies are not pushed down.
 */
import type { LatencyResult, LatencyStats } from '../analysis/types';
import { num, type SqlRow } from './ab';
import { selectFrom, type Dialect, type SqlSource } from './dialect';

const PERCENTILES = [
  ['p50', 0.5],
  ['p95', 0.95],
  ['p99', 0.99],
] as const;

export interface LatencySqlPlan {
  columns: Record<string, string>;
  groupBy?: string | undefined;
  /** Without a success column every request counts as a success (as for files). */
  hasSuccess: boolean;
  windowMs: number;
}

/** numpy's linear interpolation between the order statistics at floor(pos) and the next (quantileSorted's form). */
export function lerpOrderStatistics(a: number, b: number, q: number, n: number): number {
  const pos = q * (n - 1);
  const frac = pos - Math.floor(pos);
  return frac >= 0.5 ? b - (b - a) * (1 - frac) : a + (b - a) * frac;
}

export function buildLatencyQueries(d: Dialect, source: SqlSource, plan: LatencySqlPlan): { sql: string[]; notes: string[]; decode(results: SqlRow[][]): { result: LatencyResult; rowsRead: number } } {
  const c = (f: string) => d.ident(plan.columns[f] ?? f);
  const latency = d.float(c('latency_ms'));
  const ts = d.float(c('timestamp'));
  // Epoch seconds or milliseconds, as the file reader decides (below 1e11 means seconds).
  const tsMs = `if(${ts} < 100000000000, ${ts} * 1000, ${ts})`;
  const success = plan.hasSuccess ? d.float(c('success')) : '1';
  const valid = `${c('latency_ms')} IS NOT NULL AND ${latency} >= 0 AND ${c('timestamp')} IS NOT NULL`;
  const inner = (key: string | null) => {
    const cols = [
      ...(key ? [`${key} AS key`] : []),
      'count(*) AS n',
      `sum(${success}) AS ok`,
      `sum(${latency}) AS s`,
      `max(${latency}) AS mx`,
      `${d.sortedValues(latency)} AS sv`,
    ];
    return `(\n${selectFrom(d, { ...source, where: source.where ? `(${source.where}) AND ${valid}` : valid }, cols, key ? 'GROUP BY key' : '')}\n)`;
  };
  const outer = (key: string | null, order: string) => {
    const pick = PERCENTILES.flatMap(([name, q]) => {
      const lo = d.floorInt(`${d.num(q)} * (n - 1)`);
      return [`${d.at('sv', lo)} AS ${name}_a`, `${d.at('sv', `least(${lo} + 1, ${d.floorInt("n")} - 1)`)} AS ${name}_b`];
    });
    return `SELECT ${key ? 'key, ' : ''}n, ok, s, mx, ${pick.join(', ')}\nFROM ${inner(key)}${order ? `\n${order}` : ''}`;
  };
  const sql = [outer(null, '')];
  if (plan.groupBy) sql.push(outer(d.text(c(plan.groupBy)), 'ORDER BY key'));
  sql.push(outer(`floor(${tsMs} / ${d.num(plan.windowMs)}) * ${d.num(plan.windowMs)}`, 'ORDER BY key'));

  const stats = (key: string, r: SqlRow): LatencyStats => {
    const n = num(r['n'], 'n');
    const p = (name: string, q: number) => lerpOrderStatistics(num(r[`${name}_a`], name), num(r[`${name}_b`], name), q, n);
    return { key, count: n, success_rate: num(r['ok'], 'ok') / n, mean: num(r['s'], 's') / n, p50: p('p50', 0.5), p95: p('p95', 0.95), p99: p('p99', 0.99), max: num(r['mx'], 'max') };
  };
  return {
    sql,
    notes: ['anomalies need the requests in time order and are not computed on a connection (anomalies: [])'],
    decode(results) {
      const overallRow = results[0]?.[0];
      if (!overallRow || num(overallRow['n'], 'n') === 0) throw new Error('no usable rows: latency needs timestamp and a non-negative latency_ms');
      const overall = stats('all', overallRow);
      const groups = plan.groupBy ? results[1]!.map((r) => stats(String(r['key']), r)).sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) : [];
      const windows = results[results.length - 1]!.map((r) => {
        const start = num(r['key'], 'window');
        return { ...stats(new Date(start).toISOString(), r), start, end: start + plan.windowMs };
      });
      // The SQL reads only rows with a timestamp (valid above), so its windows always exist.
      return { result: { timed: true, overall, groups, windows, anomalies: [] }, rowsRead: overall.count };
    },
  };
}
