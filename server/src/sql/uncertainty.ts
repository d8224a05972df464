/**
 * Active-learning top-k as SQL: the uncertainty score of every row is computed on the server, and
 * only the rows that can be in the top k come back (ORDER BY score DESC LIMIT 1 OFFSET k - 1 finds
 * the k-th score; the rows at or above it, less a small slack for rounding, are pulled with their
 * probabilities). `analysis/uncertainty.ts` then scores and ranks those candidates exactly as for
 * a file, so the selection equals the in-process one; ties are broken by id (a table has no row
 * order). `diversity` pulls its candidate pool (top x 5) with the embeddings.
 *
 * ClickHouse (18.16): the probabilities are an Array column (`probs`) or logits (`logits`).
 */
import { num, type SqlRow } from './ab';
import { selectFrom, SqlBuildError, type Dialect, type SqlSource } from './dialect';

/** More rows than this tied at the k-th score are refused (they would all have to come back). */
export const MAX_TOPK_CANDIDATES = 100_000;
/** Relative slack under the k-th SQL score: covers SQL's and JavaScript's exp/log differing in the last bits. */
const SLACK = 1e-6;

export interface UncertaintySqlPlan {
  /** Column names after mapping. */
  id: string;
  values: string;
  logits: boolean;
  embedding?: string | undefined;
  method: 'entropy' | 'margin' | 'least_confidence' | 'diversity';
  top: number;
  /** diversity: candidates pooled = top x poolFactor (as analysis/uncertainty.ts). */
  poolFactor: number;
}

export interface UncertaintyCandidates {
  rowsRead: number;
  classes: number;
  rows: { id: string; values: number[]; embedding?: number[] }[];
}

export async function uncertaintyCandidatesOverSql(d: Dialect, source: SqlSource, plan: UncertaintySqlPlan, select: (sql: string) => Promise<SqlRow[]>, label: string): Promise<UncertaintyCandidates> {
  if (d.name !== 'clickhouse') throw new SqlBuildError('uncertainty as SQL is written for ClickHouse only so far');
  const id = d.ident(plan.id);
  const l = d.ident(plan.values);
  const base = plan.method === 'diversity' ? 'entropy' : plan.method;
  const k = plan.method === 'diversity' ? plan.top * plan.poolFactor : plan.top;
  const extra = plan.embedding ? [`${d.ident(plan.embedding)} AS emb`] : [];

  // 0. Rows, classes, non-finite values (refused, as for a file).
  const [shape] = await select(`SELECT count() AS n, min(length(${l})) AS lo, max(length(${l})) AS hi, countIf(arrayExists(v -> NOT isFinite(v), ${l})) AS bad\nFROM (\n${selectFrom(d, source, [`${l}`])}\n)`);
  const n = num(shape?.['n'], 'rows');
  if (n === 0) throw new SqlBuildError(`${label}: no rows`);
  const lo = num(shape!['lo'], 'classes');
  const hi = num(shape!['hi'], 'classes');
  if (lo !== hi) throw new SqlBuildError(`${label}: "${plan.values}" has between ${lo} and ${hi} values per row; uncertainty on a connection needs the same number of classes in every row (filter with where:)`);
  if (lo < 2) throw new SqlBuildError(`${label}: "${plan.values}" has ${lo} values per row; uncertainty needs at least 2 classes`);
  if (num(shape!['bad'], 'non-finite') > 0) throw new SqlBuildError(`${label}: ${num(shape!['bad'], 'non-finite')} rows have a NaN or infinite value in "${plan.values}"`);

  // The probabilities (a softmax of logits with the max subtracted), then the score.
  const raw = `(\n${selectFrom(d, source, [`${id} AS id`, `${l} AS l`, ...extra])}\n)`;
  const probs = plan.logits
    ? `(SELECT id, arrayMap(x -> x / arraySum(e), e) AS p${extra.length ? ', emb' : ''}, l FROM (SELECT id, arrayMap(v -> exp(v - arrayReduce('max', l)), l) AS e${extra.length ? ', emb' : ''}, l FROM ${raw}))`
    : `(SELECT id, l AS p${extra.length ? ', emb' : ''}, l FROM ${raw})`;
  const score =
    base === 'entropy' ? `-arraySum(arrayMap(x -> if(x > 0, x * log(x), 0), p))` : base === 'margin' ? `1 - (arrayReverseSort(p)[1] - arrayReverseSort(p)[2])` : `1 - arrayReduce('max', p)`;
  const scored = `(SELECT id, l${extra.length ? ', emb' : ''}, ${score} AS score FROM ${probs})`;

  // 1. The k-th highest score (or the lowest, with fewer rows).
  const [kth] = await select(`SELECT score FROM ${scored}\nORDER BY score DESC\nLIMIT 1 OFFSET ${Math.min(k, n) - 1}`);
  const t = num(kth?.['score'], 'k-th score');
  const floor = t - Math.max(SLACK * Math.abs(t), 1e-9);
  // 2. The candidates, in id order (the tie order; the id's own type, numbers as numbers), with what the pure analysis needs.
  const rows = await select(`SELECT toString(id) AS sid, l${extra.length ? ', emb' : ''} FROM ${scored}\nWHERE score >= ${d.num(floor)}\nORDER BY id\nLIMIT ${MAX_TOPK_CANDIDATES + 1}`);
  if (rows.length > MAX_TOPK_CANDIDATES) throw new SqlBuildError(`${label}: more than ${MAX_TOPK_CANDIDATES} rows tie at the ${k}-th highest score; on a connection top-k pulls at most that many candidates`);
  const nums = (v: unknown, what: string) => {
    if (!Array.isArray(v)) throw new Error(`the query answered ${JSON.stringify(v)} for ${what}, not an array`);
    return v.map((x) => num(x, what));
  };
  return {
    rowsRead: n,
    classes: lo,
    rows: rows.map((r) => ({ id: String(r['sid']), values: nums(r['l'], plan.values), ...(extra.length ? { embedding: nums(r['emb'], 'embedding') } : {}) })),
  };
}
