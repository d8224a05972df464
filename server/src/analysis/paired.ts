/**
 * The paired comparison of one per-row metric of two eval files joined on a key (two policies'
 * win rates judged on the same prompts, two checkpoints' scores on the same items). Pure: the
 * engine (engine/paired-inputs.ts) reads the files into key -> value maps.
 *
 * - Binary metrics (every value 0 or 1 in both files): the exact McNemar test on the discordant
 *   pairs (statsmodels mcnemar(exact=True)), the same test preference-eval uses for two models.
 * - Continuous metrics: the paired t-test on the differences b - a (scipy.stats.ttest_rel) with its
 *   t interval of the mean difference.
 * - Both: a paired percentile bootstrap of the mean difference (resampling keys, so each resample
 *   keeps the pairing).
 */
import { mcnemarExact } from './preference-eval';
import { studentTQuantile, studentTTwoSidedP } from './stats/distributions';
import { quantileSorted } from './stats/quantile';
import { mulberry32 } from './stats/random';
import { AnalysisError, type BootstrapInterval } from './types';

export interface PairedOptions {
  /** Confidence level of the intervals (default 0.95). */
  level?: number;
  /** Bootstrap resamples (default 2000; 0 = no bootstrap interval). */
  bootstrap?: number;
  seed?: number;
  /** `auto` (default): McNemar for binary metrics, else the paired t-test. */
  test?: 'auto' | 'mcnemar' | 't';
}

export interface PairedInput {
  key: string;
  metric: string;
  /** Each file's values by key, in file order. */
  a: Map<string, number>;
  b: Map<string, number>;
}

export interface PairedResult {
  key: string;
  metric: string;
  test: 'mcnemar-exact' | 'paired-t';
  /** Keys with a value in each file, and how many are in both (paired) or in only one. */
  n_a: number;
  n_b: number;
  n: number;
  only_a: number;
  only_b: number;
  /** Over the paired keys. */
  mean_a: number;
  mean_b: number;
  /** mean_b - mean_a (B better when the metric is higher-is-better and this is positive). */
  difference: number;
  difference_ci: BootstrapInterval | null;
  p_value: number;
  level: number;
  /** Binary metrics: the 2 x 2 table of the paired values; null for the t-test. */
  discordant: { a_only: number; b_only: number; both: number; neither: number } | null;
  /** The paired t-test: t, degrees of freedom, the sd of the differences and the t interval of the mean difference; null for McNemar. */
  t_test: { statistic: number; df: number; difference_sd: number; difference_ci: [number, number] } | null;
}

export function comparePaired(input: PairedInput, options: PairedOptions = {}): PairedResult {
  const level = options.level ?? 0.95;
  const iterations = options.bootstrap ?? 2000;
  const seed = options.seed ?? 0;
  if (!(level > 0 && level < 1)) throw new AnalysisError(`level must be between 0 and 1, got ${level}`, 'bad-option');
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [k, x] of input.a) {
    const y = input.b.get(k);
    if (y === undefined) continue;
    xs.push(x);
    ys.push(y);
  }
  const n = xs.length;
  if (n === 0) throw new AnalysisError(`the two files share no ${input.key} (${input.a.size} and ${input.b.size} keys): nothing to pair`, 'degenerate');
  const binary = xs.every((v) => v === 0 || v === 1) && ys.every((v) => v === 0 || v === 1);
  const wanted = options.test ?? 'auto';
  if (wanted === 'mcnemar' && !binary) throw new AnalysisError(`McNemar's test needs a 0/1 metric; ${input.metric} has other values (use the paired t-test)`, 'bad-option');
  const useMcnemar = wanted === 'mcnemar' || (wanted === 'auto' && binary);
  const d = Float64Array.from(xs, (x, i) => ys[i]! - x);
  let sumA = 0;
  let sumB = 0;
  for (let i = 0; i < n; i++) {
    sumA += xs[i]!;
    sumB += ys[i]!;
  }
  const meanA = sumA / n;
  const meanB = sumB / n;
  const difference = meanB - meanA;

  let discordant: PairedResult['discordant'] = null;
  let tTest: PairedResult['t_test'] = null;
  let p: number;
  if (useMcnemar) {
    const cells = { a_only: 0, b_only: 0, both: 0, neither: 0 };
    for (let i = 0; i < n; i++) {
      if (xs[i] === 1 && ys[i] === 1) cells.both++;
      else if (xs[i] === 1) cells.a_only++;
      else if (ys[i] === 1) cells.b_only++;
      else cells.neither++;
    }
    discordant = cells;
    p = mcnemarExact(cells.a_only, cells.b_only);
  } else {
    if (n < 2) throw new AnalysisError(`the paired t-test needs at least 2 paired ${input.key}s, got ${n}`, 'degenerate');
    let ss = 0;
    const md = difference;
    for (let i = 0; i < n; i++) ss += (d[i]! - md) ** 2;
    const sd = Math.sqrt(ss / (n - 1));
    const se = sd / Math.sqrt(n);
    const df = n - 1;
    const half = studentTQuantile((1 + level) / 2, df) * se;
    // Every difference equal: no spread, the t statistic is undefined unless the mean is 0 too.
    const statistic = se > 0 ? md / se : md === 0 ? NaN : md > 0 ? Infinity : -Infinity;
    p = se > 0 ? studentTTwoSidedP(statistic, df) : md === 0 ? 1 : 0;
    tTest = { statistic, df, difference_sd: sd, difference_ci: [md - half, md + half] };
  }

  let ci: BootstrapInterval | null = null;
  if (iterations > 0) {
    // Each resample draws n keys floor(u * n) with mulberry32(seed): the pairs stay together.
    const random = mulberry32(seed);
    const means = new Float64Array(iterations);
    for (let it = 0; it < iterations; it++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += d[Math.floor(random() * n)]!;
      means[it] = s / n;
    }
    means.sort();
    ci = { low: quantileSorted(means, (1 - level) / 2), high: quantileSorted(means, (1 + level) / 2), level, iterations, seed };
  }
  let onlyB = 0;
  for (const k of input.b.keys()) if (!input.a.has(k)) onlyB++;
  return {
    key: input.key,
    metric: input.metric,
    test: useMcnemar ? 'mcnemar-exact' : 'paired-t',
    n_a: input.a.size,
    n_b: input.b.size,
    n,
    only_a: input.a.size - n,
    only_b: onlyB,
    mean_a: meanA,
    mean_b: meanB,
    difference,
    difference_ci: ci,
    p_value: p,
    level,
    discordant,
    t_test: tTest,
  };
}
