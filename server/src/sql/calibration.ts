/**
 * The calibration analysis as aggregate SQL: one GROUP BY bin query over the top-label
 * (confidence, correct) of each row returns count, sum of confidence and of correctness per bin,
 * plus the Brier and NLL sums; `eceFromSums` of analysis/calibration.ts finishes. The bin of a
 * confidence is the number of inner edges it exceeds, compared against the same edge values the
 * in-process analysis uses, so rows land in the same bins.
 *
 * Shapes: {confidence, correct}, {prob, label}, {chosen_score, rejected_score}. Adaptive ECE,
 * temperature scaling and bootstrap intervals need the rows and are not pushed down (null).
 */
import { binEdges, eceFromSums } from '../analysis/calibration';
import type { CalibrationBin } from '../analysis/types';
import { num, type SqlRow } from './ab';
import { selectFrom, SqlBuildError, type Dialect, type SqlSource } from './dialect';

export interface CalibrationSqlPlan {
  columns: Record<string, string>;
  /** Column names of the source (after nothing: raw names). */
  have: string[];
  bins: number;
}

const NLL_CLIP = 1e-12;

export function buildCalibrationQueries(d: Dialect, source: SqlSource, plan: CalibrationSqlPlan) {
  const field = (f: string) => plan.columns[f] ?? f;
  const has = (f: string) => plan.have.includes(field(f));
  const c = (f: string) => d.float(d.ident(field(f)));
  let conf: string;
  let correct: string;
  let valid: string;
  let shape: string;
  if (has('chosen_score') && has('rejected_score')) {
    shape = 'pairs';
    const diff = `(${c('chosen_score')} - ${c('rejected_score')})`;
    // sigmoid(|d|) as the file path computes it (1 / (1 + exp(-x)) for x >= 0).
    conf = `(1 / (1 + exp(-abs(${diff}))))`;
    correct = `if(${diff} > 0, 1, 0)`;
    valid = `${d.ident(field('chosen_score'))} IS NOT NULL AND ${d.ident(field('rejected_score'))} IS NOT NULL`;
  } else if (has('confidence') && has('correct')) {
    shape = 'top-label';
    conf = c('confidence');
    correct = c('correct');
    valid = `${conf} >= 0 AND ${conf} <= 1 AND ${correct} IN (0, 1)`;
  } else if (has('prob') && has('label')) {
    shape = 'binary';
    const p = c('prob');
    conf = `if(${p} > 0.5, ${p}, 1 - ${p})`;
    correct = `if((${p} > 0.5) = (${c('label')} = 1), 1, 0)`;
    valid = `${p} >= 0 AND ${p} <= 1 AND ${c('label')} IN (0, 1)`;
  } else {
    throw new SqlBuildError('calibration on a connection needs columns {confidence, correct}, {prob, label} or {chosen_score, rejected_score} (map others with --column field=column)');
  }
  const edges = binEdges(plan.bins);
  const inner = Array.from({ length: plan.bins - 1 }, (_, k) => `(conf > ${d.num(edges[k + 1]!)})`);
  const bin = inner.length ? inner.join(' + ') : '0';
  const pTrue = `if(k = 1, conf, 1 - conf)`;
  const clipped = `least(greatest(${pTrue}, ${d.num(NLL_CLIP)}), ${d.num(1 - NLL_CLIP)})`;
  const where = source.where ? `(${source.where}) AND ${valid}` : valid;
  const sql = `SELECT ${bin} AS bin, count(*) AS n, sum(conf) AS sc, sum(k) AS sk, sum((conf - k) * (conf - k)) AS sb, sum(-log(${clipped})) AS snll\nFROM (\n${selectFrom(d, { ...source, where }, [`${conf} AS conf`, `${correct} AS k`])}\n)\nGROUP BY bin\nORDER BY bin`;
  return {
    sql,
    shape,
    notes: ['adaptive_ece, temperature and bootstrap intervals need the rows and are not computed on a connection (null)'],
    decode(rows: SqlRow[]) {
      const count = new Float64Array(plan.bins);
      const sumConf = new Float64Array(plan.bins);
      const sumCorrect = new Float64Array(plan.bins);
      let n = 0;
      let brier = 0;
      let nll = 0;
      for (const r of rows) {
        const b = num(r['bin'], 'bin');
        count[b] = num(r['n'], 'n');
        sumConf[b] = num(r['sc'], 'sum confidence');
        sumCorrect[b] = num(r['sk'], 'sum correct');
        n += count[b]!;
        brier += num(r['sb'], 'brier');
        nll += num(r['snll'], 'nll');
      }
      if (n === 0) throw new SqlBuildError('no usable rows for calibration');
      const { ece, mce } = eceFromSums(count, sumConf, sumCorrect, n);
      const bins: CalibrationBin[] = Array.from({ length: plan.bins }, (_, b) => ({
        lower: edges[b]!,
        upper: edges[b + 1]!,
        count: count[b]!,
        mean_confidence: count[b] ? sumConf[b]! / count[b]! : null,
        accuracy: count[b] ? sumCorrect[b]! / count[b]! : null,
      }));
      const sc = sumConf.reduce((s, x) => s + x, 0);
      const sk = sumCorrect.reduce((s, x) => s + x, 0);
      return {
        result: { n, accuracy: sk / n, mean_confidence: sc / n, ece, mce, adaptive_ece: null, brier: brier / n, nll: nll / n, bins, temperature: null, ece_ci: null, mce_ci: null, adaptive_ece_ci: null, brier_ci: null, nll_ci: null },
        rowsRead: n,
      };
    },
  };
}
