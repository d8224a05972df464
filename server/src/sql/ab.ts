/**
 * The A/B analysis as aggregate SQL: one GROUP BY variant query returns, per variant, the units and
 * each metric's sufficient statistics (count, sums, sums of squares, cross-products); quantile
 * metrics need a second, one-row query for their order statistics at levels that depend on the
 * per-variant counts of the first. Nothing row-level crosses the network; `analysis/ab.ts` finishes.
 */
import { quantileLevels, type Moments } from '../analysis/ab-stats';
import type { AbInput, AbMetricInput } from '../analysis/types';
import { isMomentMetric, type AbMetricColumn } from '../engine/inputs';
import { selectFrom, type Dialect, type SqlSource } from './dialect';

export interface AbSqlPlan {
  metrics: AbMetricColumn[];
  /** The variant column (after column mapping). */
  variantColumn: string;
  /** Field -> column mapping, as `--column` / `options.columns`. */
  columns?: Record<string, string>;
  /** Confidence of the quantile metrics' order-statistic intervals. */
  confidence: number;
}

export type SqlRow = Record<string, unknown>;

/** Numbers come back as JSON numbers, or as strings for 64-bit integers. */
export function num(v: unknown, what: string): number {
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || Number.isNaN(n)) throw new Error(`the query answered ${JSON.stringify(v)} for ${what}, not a number`);
  return n;
}

export interface AbQueries {
  /** The GROUP BY variant query. */
  sql: string;
  /** Its rows to the analysis input (and, when there are quantile metrics, the second query). */
  decode(rows: SqlRow[]): { input: AbInput; skippedUnits: number; next?: { sql: string; decode(rows: SqlRow[]): void } };
}

export function buildAbQueries(d: Dialect, source: SqlSource, plan: AbSqlPlan): AbQueries {
  const col = (field: string) => d.ident(plan.columns?.[field] ?? field);
  const variant = d.text(col(plan.variantColumn));
  const select: string[] = [`${variant} AS variant`, `count(*) AS units`];
  plan.metrics.forEach((m, i) => {
    const y = col(m.column);
    if (m.type === 'quantile') {
      select.push(`count(${y}) AS m${i}_n`);
    } else if (isMomentMetric(m)) {
      const x = col(m.denominator ?? m.covariate!);
      const both = `${y} IS NOT NULL AND ${x} IS NOT NULL`;
      const fy = d.float(y);
      const fx = d.float(x);
      select.push(
        `${d.countIf(both)} AS m${i}_n`,
        `${d.sumIf(fy, both)} AS m${i}_sy`,
        `${d.sumIf(`${fy} * ${fy}`, both)} AS m${i}_sy2`,
        `${d.sumIf(fx, both)} AS m${i}_sx`,
        `${d.sumIf(`${fx} * ${fx}`, both)} AS m${i}_sx2`,
        `${d.sumIf(`${fx} * ${fy}`, both)} AS m${i}_sxy`,
      );
    } else {
      const fy = d.float(y);
      select.push(`count(${y}) AS m${i}_n`, `${d.sumIf(fy, `${y} IS NOT NULL`)} AS m${i}_s`);
      if (m.type === 'continuous') select.push(`${d.sumIf(`${fy} * ${fy}`, `${y} IS NOT NULL`)} AS m${i}_s2`);
    }
  });
  const sql = selectFrom(d, source, select, 'GROUP BY variant\nORDER BY variant');

  return {
    sql,
    decode(rows) {
      const units: Record<string, number> = {};
      let skippedUnits = 0;
      const metrics: AbMetricInput[] = plan.metrics.map((m): AbMetricInput => {
        if (m.type === 'quantile') return { name: m.name, type: 'quantile', quantile: m.quantile!, byVariant: {} };
        if (m.type === 'ratio') return { name: m.name, type: 'ratio', byVariant: {} };
        if (isMomentMetric(m)) return { name: m.name, type: 'adjusted', metricType: m.type, byVariant: {} };
        return m.type === 'binomial' ? { name: m.name, type: 'binomial', byVariant: {} } : { name: m.name, type: 'continuous', byVariant: {} };
      });
      const quantileN: Record<number, Record<string, number>> = {};
      for (const row of rows) {
        const v = row['variant'];
        // A NULL or empty variant is a row the file reader would skip.
        if (v === null || v === undefined || v === '') {
          skippedUnits += num(row['units'], 'units');
          continue;
        }
        const key = String(v);
        units[key] = num(row['units'], 'units');
        plan.metrics.forEach((m, i) => {
          const f = (s: string) => num(row[`m${i}_${s}`], `${m.name} ${s}`);
          const target = metrics[i]!;
          const n = f('n');
          if (n === 0) return;
          if (target.type === 'quantile') (quantileN[i] ??= {})[key] = n;
          else if (target.type === 'ratio' || target.type === 'adjusted') {
            const mom: Moments = { n, sum_y: f('sy'), sum_y2: f('sy2'), sum_x: f('sx'), sum_x2: f('sx2'), sum_xy: f('sxy') };
            target.byVariant[key] = mom;
          } else if (target.type === 'binomial') target.byVariant[key] = { n, successes: f('s') };
          else {
            const s = f('s');
            const mean = s / n;
            target.byVariant[key] = { n, mean, variance: n > 1 ? Math.max(0, f('s2') - s * mean) / (n - 1) : 0 };
          }
        });
      }
      const input: AbInput = { units, metrics };
      const qs = Object.entries(quantileN).flatMap(([i, byVariant]) => Object.entries(byVariant).map(([v, n]) => ({ i: Number(i), v, n })));
      if (qs.length === 0) return { input, skippedUnits };
      const qSelect = qs.map((q, k) => {
        const m = plan.metrics[q.i]!;
        const l = quantileLevels(m.quantile!, q.n, m.confidence ?? plan.confidence);
        const y = col(m.column);
        return `${d.orderStatisticsIf(d.float(y), [m.quantile!, l.lower, l.upper], `${variant} = ${d.str(q.v)} AND ${y} IS NOT NULL`)} AS q${k}`;
      });
      return {
        input,
        skippedUnits,
        next: {
          sql: selectFrom(d, source, qSelect),
          decode(qRows) {
            const row = qRows[0] ?? {};
            qs.forEach((q, k) => {
              const raw = row[`q${k}`] as unknown;
              // ClickHouse answers a JSON array; DuckDB's node client a list value {items: [...]}.
              const arr = raw && typeof raw === 'object' && !Array.isArray(raw) && Array.isArray((raw as { items?: unknown }).items) ? (raw as { items: unknown[] }).items : raw;
              if (!Array.isArray(arr) || arr.length !== 3) throw new Error(`the quantile query answered ${JSON.stringify(arr)} for q${k}`);
              const target = metrics[q.i] as Extract<AbMetricInput, { type: 'quantile' }>;
              target.byVariant[q.v] = { n: q.n, value: num(arr[0], 'quantile'), lower: num(arr[1], 'lower'), upper: num(arr[2], 'upper') };
            });
          },
        },
      };
    },
  };
}
