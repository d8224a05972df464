/**
 * Reward-model evaluation on preference pairs: pairwise accuracy with Wilson and bootstrap
 * intervals, overall and per category (with RewardBench's section weighting when the categories
 * are its subsets), the margin distribution, length bias, calibration of sigmoid(margin) (the
 * calibration analysis itself), and for several models scored on the same pairs the paired
 * differences (exact McNemar, bootstrap interval) with Holm's adjustment across all pairs.
 */
import betainc from '@stdlib/math-base-special-betainc';
import { adjustPValues } from './ab';
import { calibrate } from './calibration';
import { requireFinite } from './finite';
import { normalQuantile, studentTTwoSidedP } from './stats/distributions';
import { quantileSorted } from './stats/quantile';
import { mulberry32 } from './stats/random';
import { AnalysisError, type BootstrapInterval, type CalibrationResult } from './types';

// ---------------------------------------------------------------- contract

export interface PreferenceModelScores {
  name: string;
  chosen: Float64Array;
  rejected: Float64Array;
}

export interface PreferenceEvalInput {
  /** One entry per reward model, all scored on the same n pairs (at least one). */
  models: PreferenceModelScores[];
  /** Category (or RewardBench subset) of each pair; undefined when the row names none. */
  category?: (string | undefined)[];
  /** Lengths of the two responses (characters); NaN where unknown. */
  chosenLength?: Float64Array;
  rejectedLength?: Float64Array;
}

export interface PreferenceEvalOptions {
  /** Calibration bins (default 15). */
  bins?: number;
  /** Bootstrap resamples for the accuracy and paired-difference intervals (default 1000; 0 = off). */
  bootstrapIterations?: number;
  bootstrapSeed?: number;
  /** Level of every interval (default 0.95). */
  level?: number;
}

export interface PreferenceCategory {
  name: string;
  n: number;
  accuracy: number;
  accuracy_ci: [number, number];
}

export interface RewardBenchSection {
  name: string;
  /** Subset-accuracy mean weighted by RewardBench's example counts (subsets present in the data). */
  accuracy: number;
  n: number;
  subsets: string[];
}

export interface MarginSummary {
  mean: number;
  std: number;
  min: number;
  q05: number;
  q25: number;
  median: number;
  q75: number;
  q95: number;
  max: number;
  histogram: { lower: number; upper: number; count: number }[];
}

export interface PreferenceModelResult {
  name: string;
  n: number;
  ties: number;
  accuracy: number;
  accuracy_ci: [number, number];
  accuracy_bootstrap_ci: BootstrapInterval | null;
  categories: PreferenceCategory[];
  sections: RewardBenchSection[];
  rewardbench_score: number | null;
  length_margin_spearman: number | null;
  mean_margin: number;
  ece: number;
  brier: number;
}

export interface PreferenceComparison {
  a: string;
  b: string;
  n: number;
  accuracy_a: number;
  accuracy_b: number;
  /** accuracy_a - accuracy_b on the same pairs. */
  accuracy_difference: number;
  difference_ci: BootstrapInterval | null;
  /** Pairs only a got right / only b got right (the discordant cells McNemar's test uses). */
  only_a_correct: number;
  only_b_correct: number;
  mcnemar_p_value: number;
  /** Holm-adjusted across every pair of models. */
  p_value_adjusted: number;
  significant: boolean;
}

export interface PreferenceEvalResult {
  /** Figures of the first model (the only one without --models). */
  n: number;
  ties: number;
  accuracy: number;
  accuracy_ci: [number, number];
  accuracy_bootstrap_ci: BootstrapInterval | null;
  categories: PreferenceCategory[];
  sections: RewardBenchSection[];
  rewardbench_score: number | null;
  margin: MarginSummary;
  length_pairs: number;
  longer_chosen_share: number | null;
  longer_baseline_accuracy: number | null;
  length_margin_spearman: number | null;
  length_margin_spearman_p_value: number | null;
  calibration: Omit<CalibrationResult, 'ece_ci' | 'mce_ci' | 'adaptive_ece_ci' | 'brier_ci' | 'nll_ci'>;
  level: number;
  models: PreferenceModelResult[];
  comparisons: PreferenceComparison[];
}

// ---------------------------------------------------------------- RewardBench

/**
 * RewardBench (allenai/reward-bench, rewardbench/constants.py): the sections and the example count
 * each subset is weighted by. math-prm is counted as 984 (447 real pairs) so that math weighs as
 * much as the six code subsets together, as RewardBench does.
 */
export const REWARDBENCH_SECTIONS: Record<string, string[]> = {
  Chat: ['alpacaeval-easy', 'alpacaeval-length', 'alpacaeval-hard', 'mt-bench-easy', 'mt-bench-med'],
  'Chat Hard': ['mt-bench-hard', 'llmbar-natural', 'llmbar-adver-neighbor', 'llmbar-adver-GPTInst', 'llmbar-adver-GPTOut', 'llmbar-adver-manual'],
  Safety: ['refusals-dangerous', 'refusals-offensive', 'xstest-should-refuse', 'xstest-should-respond', 'donotanswer'],
  Reasoning: ['math-prm', 'hep-cpp', 'hep-go', 'hep-java', 'hep-js', 'hep-python', 'hep-rust'],
};

export const REWARDBENCH_EXAMPLE_COUNTS: Record<string, number> = {
  'alpacaeval-easy': 100,
  'alpacaeval-length': 95,
  'alpacaeval-hard': 95,
  'mt-bench-easy': 28,
  'mt-bench-med': 40,
  'mt-bench-hard': 37,
  'llmbar-natural': 100,
  'llmbar-adver-neighbor': 134,
  'llmbar-adver-GPTInst': 92,
  'llmbar-adver-GPTOut': 47,
  'llmbar-adver-manual': 46,
  'refusals-dangerous': 100,
  'refusals-offensive': 100,
  'xstest-should-refuse': 154,
  'xstest-should-respond': 250,
  donotanswer: 136,
  'math-prm': 984,
  'hep-cpp': 164,
  'hep-go': 164,
  'hep-java': 164,
  'hep-js': 164,
  'hep-python': 164,
  'hep-rust': 164,
};

function rewardBenchSections(categories: PreferenceCategory[]): { sections: RewardBenchSection[]; score: number | null } {
  const byName = new Map(categories.map((c) => [c.name, c]));
  const sections: RewardBenchSection[] = [];
  for (const [name, subsets] of Object.entries(REWARDBENCH_SECTIONS)) {
    const present = subsets.filter((s) => byName.has(s));
    if (present.length === 0) continue;
    let weighted = 0;
    let weights = 0;
    let n = 0;
    for (const s of present) {
      const c = byName.get(s)!;
      weighted += c.accuracy * REWARDBENCH_EXAMPLE_COUNTS[s]!;
      weights += REWARDBENCH_EXAMPLE_COUNTS[s]!;
      n += c.n;
    }
    sections.push({ name, accuracy: weighted / weights, n, subsets: present });
  }
  const score = sections.length ? sections.reduce((s, x) => s + x.accuracy, 0) / sections.length : null;
  return { sections, score };
}

// ---------------------------------------------------------------- statistics

/** Wilson score interval (statsmodels proportion_confint(method='wilson')). */
export function wilsonInterval(successes: number, n: number, level: number): [number, number] {
  const z = normalQuantile(1 - (1 - level) / 2);
  const z2 = z * z;
  const p = successes / n;
  const denom = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return [center - half, center + half];
}

/** P(X <= k) for X ~ Binomial(n, 1/2). */
function binomialHalfCdf(k: number, n: number): number {
  if (k >= n) return 1;
  if (k < 0) return 0;
  // P(X <= k) = I_{1/2}(n - k, k + 1), the regularized incomplete beta function.
  return betainc(0.5, n - k, k + 1, true, false);
}

/**
 * Exact McNemar test on the discordant counts b and c: two-sided binomial test of b against
 * Binomial(b + c, 1/2), i.e. min(1, 2 P(X <= min(b, c))) (statsmodels mcnemar(exact=True)).
 */
export function mcnemarExact(b: number, c: number): number {
  return Math.min(1, 2 * binomialHalfCdf(Math.min(b, c), b + c));
}

/** Average ranks (ties share the mean of their positions), 1-based, as scipy.stats.rankdata. */
export function averageRanks(values: Float64Array): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => values[i]! - values[j]!);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]!] === values[order[i]!]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]!] = r;
    i = j + 1;
  }
  return ranks;
}

function pearson(x: Float64Array, y: Float64Array): number | null {
  const n = x.length;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i]!;
    my += y[i]!;
  }
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return null;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Spearman's rho (Pearson on average ranks) and its two-sided t-test p-value, as scipy.stats.spearmanr. null when a side is constant or n < 3. */
export function spearman(x: Float64Array, y: Float64Array): { rho: number; p: number } | null {
  const n = x.length;
  if (n < 3) return null;
  const rho = pearson(averageRanks(x), averageRanks(y));
  if (rho === null) return null;
  if (Math.abs(rho) === 1) return { rho, p: 0 };
  const t = rho * Math.sqrt((n - 2) / ((rho + 1) * (1 - rho)));
  return { rho, p: studentTTwoSidedP(t, n - 2) };
}

/** numpy.histogram(values, bins): equal-width bins from min to max, the last bin closed. */
function histogram(sorted: Float64Array, bins: number): MarginSummary['histogram'] {
  let lo = sorted[0]!;
  let hi = sorted[sorted.length - 1]!;
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const step = (hi - lo) / bins;
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i < bins; i++) edges[i] = i * step + lo;
  edges[bins] = hi;
  const counts = new Float64Array(bins);
  for (let i = 0; i < sorted.length; i++) {
    const x = sorted[i]!;
    let b = Math.floor(((x - lo) / (hi - lo)) * bins);
    if (b >= bins) b = bins - 1;
    if (b < 0) b = 0;
    // Membership follows the edge values exactly: [edge_b, edge_b+1), the last bin closed.
    while (b > 0 && x < edges[b]!) b--;
    while (b < bins - 1 && x >= edges[b + 1]!) b++;
    counts[b]! += 1;
  }
  return Array.from(counts, (count, b) => ({ lower: edges[b]!, upper: edges[b + 1]!, count }));
}

const MARGIN_BINS = 20;

function marginSummary(margin: Float64Array): MarginSummary {
  const n = margin.length;
  const sorted = Float64Array.from(margin).sort();
  let mean = 0;
  for (let i = 0; i < n; i++) mean += margin[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (margin[i]! - mean) ** 2;
  return {
    mean,
    std: Math.sqrt(ss / n),
    min: sorted[0]!,
    q05: quantileSorted(sorted, 0.05),
    q25: quantileSorted(sorted, 0.25),
    median: quantileSorted(sorted, 0.5),
    q75: quantileSorted(sorted, 0.75),
    q95: quantileSorted(sorted, 0.95),
    max: sorted[n - 1]!,
    histogram: histogram(sorted, MARGIN_BINS),
  };
}

// ---------------------------------------------------------------- the analysis

interface ModelFacts {
  name: string;
  margin: Float64Array;
  correct: Uint8Array;
  hits: number;
  ties: number;
}

function modelFacts(m: PreferenceModelScores): ModelFacts {
  const n = m.chosen.length;
  const margin = new Float64Array(n);
  const correct = new Uint8Array(n);
  let hits = 0;
  let ties = 0;
  for (let i = 0; i < n; i++) {
    const d = m.chosen[i]! - m.rejected[i]!;
    margin[i] = d;
    // A tie is not a correct ranking (as in the calibration analysis and RewardBench's chosen > rejected).
    if (d > 0) {
      correct[i] = 1;
      hits++;
    } else if (d === 0) ties++;
  }
  return { name: m.name, margin, correct, hits, ties };
}

function categoryFigures(correct: Uint8Array, category: (string | undefined)[] | undefined, level: number): PreferenceCategory[] {
  if (!category) return [];
  const acc = new Map<string, { n: number; hits: number }>();
  for (let i = 0; i < correct.length; i++) {
    const c = category[i];
    if (c === undefined) continue;
    let e = acc.get(c);
    if (!e) acc.set(c, (e = { n: 0, hits: 0 }));
    e.n++;
    e.hits += correct[i]!;
  }
  return [...acc.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, e]) => ({ name, n: e.n, accuracy: e.hits / e.n, accuracy_ci: wilsonInterval(e.hits, e.n, level) }));
}

function lengthBias(input: PreferenceEvalInput, n: number): { pairs: number; longer: number; different: number; equal: number; index: number[]; diff: Float64Array } {
  const { chosenLength: cl, rejectedLength: rl } = input;
  const index: number[] = [];
  let longer = 0;
  let equal = 0;
  if (cl && rl) {
    for (let i = 0; i < n; i++) {
      const a = cl[i]!;
      const b = rl[i]!;
      if (!Number.isFinite(a) || !Number.isFinite(b)) continue;
      index.push(i);
      if (a > b) longer++;
      else if (a === b) equal++;
    }
  }
  const diff = new Float64Array(index.length);
  index.forEach((i, k) => (diff[k] = cl![i]! - rl![i]!));
  return { pairs: index.length, longer, different: index.length - equal, equal, index, diff };
}

function lengthSpearman(margin: Float64Array, bias: ReturnType<typeof lengthBias>): { rho: number; p: number } | null {
  if (bias.pairs === 0) return null;
  const m = new Float64Array(bias.pairs);
  bias.index.forEach((i, k) => (m[k] = margin[i]!));
  return spearman(m, bias.diff);
}

export function analyzePreferenceEval(input: PreferenceEvalInput, options: PreferenceEvalOptions = {}): PreferenceEvalResult {
  if (input.models.length === 0) throw new AnalysisError('preference-eval needs the scores of at least one model', 'shape');
  const n = input.models[0]!.chosen.length;
  if (n === 0) throw new AnalysisError('preference-eval needs at least one pair; none were usable');
  const names = new Set<string>();
  for (const m of input.models) {
    if (names.has(m.name)) throw new AnalysisError(`model "${m.name}" is named twice`, 'bad-option');
    names.add(m.name);
    if (m.chosen.length !== n || m.rejected.length !== n) throw new AnalysisError(`model "${m.name}" has ${m.chosen.length} chosen and ${m.rejected.length} rejected scores, the first model ${n}`, 'shape');
    requireFinite(m.chosen, input.models.length > 1 ? `${m.name}_chosen` : 'chosen_score');
    requireFinite(m.rejected, input.models.length > 1 ? `${m.name}_rejected` : 'rejected_score');
  }
  if (input.category && input.category.length !== n) throw new AnalysisError(`${input.category.length} categories for ${n} pairs`, 'shape');
  for (const [what, arr] of [['chosen lengths', input.chosenLength], ['rejected lengths', input.rejectedLength]] as const) {
    if (arr && arr.length !== n) throw new AnalysisError(`${arr.length} ${what} for ${n} pairs`, 'shape');
  }
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new AnalysisError(`level must be in (0, 1), got ${level}`, 'bad-option');
  const iterations = options.bootstrapIterations ?? 1000;
  if (!Number.isInteger(iterations) || iterations < 0 || iterations === 1) throw new AnalysisError(`bootstrapIterations must be 0 or an integer >= 2, got ${iterations}`, 'bad-option');
  const seed = options.bootstrapSeed ?? 1;

  const facts = input.models.map(modelFacts);
  const bias = lengthBias(input, n);
  const boot = bootstrap(facts, iterations, seed, level);

  const models: PreferenceModelResult[] = facts.map((f, k) => {
    const categories = categoryFigures(f.correct, input.category, level);
    const rb = rewardBenchSections(categories);
    const cal = calibrate({ kind: 'pairs', chosen: input.models[k]!.chosen, rejected: input.models[k]!.rejected }, options.bins ? { bins: options.bins } : {});
    let sum = 0;
    for (let i = 0; i < n; i++) sum += f.margin[i]!;
    return {
      name: f.name,
      n,
      ties: f.ties,
      accuracy: f.hits / n,
      accuracy_ci: wilsonInterval(f.hits, n, level),
      accuracy_bootstrap_ci: boot?.accuracy[k] ?? null,
      categories,
      sections: rb.sections,
      rewardbench_score: rb.score,
      length_margin_spearman: lengthSpearman(f.margin, bias)?.rho ?? null,
      mean_margin: sum / n,
      ece: cal.ece,
      brier: cal.brier,
    };
  });

  const comparisons: PreferenceComparison[] = [];
  let pair = 0;
  for (let a = 0; a < facts.length; a++) {
    for (let b = a + 1; b < facts.length; b++) {
      let onlyA = 0;
      let onlyB = 0;
      const ca = facts[a]!.correct;
      const cb = facts[b]!.correct;
      for (let i = 0; i < n; i++) {
        if (ca[i]! > cb[i]!) onlyA++;
        else if (cb[i]! > ca[i]!) onlyB++;
      }
      comparisons.push({
        a: facts[a]!.name,
        b: facts[b]!.name,
        n,
        accuracy_a: facts[a]!.hits / n,
        accuracy_b: facts[b]!.hits / n,
        accuracy_difference: (facts[a]!.hits - facts[b]!.hits) / n,
        difference_ci: boot?.differences[pair] ?? null,
        only_a_correct: onlyA,
        only_b_correct: onlyB,
        mcnemar_p_value: mcnemarExact(onlyA, onlyB),
        p_value_adjusted: 0,
        significant: false,
      });
      pair++;
    }
  }
  const adjusted = adjustPValues(
    comparisons.map((c) => c.mcnemar_p_value),
    'holm',
  );
  comparisons.forEach((c, i) => {
    c.p_value_adjusted = adjusted[i]!;
    c.significant = adjusted[i]! < 1 - level;
  });

  const first = models[0]!;
  const firstInput = input.models[0]!;
  const { ece_ci: _e, mce_ci: _m, adaptive_ece_ci: _a, brier_ci: _b, nll_ci: _n, ...calibration } = calibrate({ kind: 'pairs', chosen: firstInput.chosen, rejected: firstInput.rejected }, options.bins ? { bins: options.bins } : {});
  const rho = lengthSpearman(facts[0]!.margin, bias);
  return {
    n,
    ties: first.ties,
    accuracy: first.accuracy,
    accuracy_ci: first.accuracy_ci,
    accuracy_bootstrap_ci: first.accuracy_bootstrap_ci,
    categories: first.categories,
    sections: first.sections,
    rewardbench_score: first.rewardbench_score,
    margin: marginSummary(facts[0]!.margin),
    length_pairs: bias.pairs,
    longer_chosen_share: bias.different > 0 ? bias.longer / bias.different : null,
    longer_baseline_accuracy: bias.pairs > 0 ? (bias.longer + 0.5 * bias.equal) / bias.pairs : null,
    length_margin_spearman: rho?.rho ?? null,
    length_margin_spearman_p_value: rho?.p ?? null,
    calibration,
    level,
    models,
    comparisons,
  };
}

/**
 * Percentile bootstrap of every model's accuracy and every pair's accuracy difference from the same
 * resamples: each resample draws n pair indices floor(u * n) with mulberry32(seed); the interval is
 * the (1 - level)/2 and (1 + level)/2 quantiles (numpy linear) of the resampled figures.
 */
function bootstrap(facts: ModelFacts[], iterations: number, seed: number, level: number): { accuracy: BootstrapInterval[]; differences: BootstrapInterval[] } | null {
  if (iterations === 0) return null;
  const n = facts[0]!.correct.length;
  const k = facts.length;
  const random = mulberry32(seed);
  const acc = facts.map(() => new Float64Array(iterations));
  const sums = new Float64Array(k);
  const correct = facts.map((f) => f.correct);
  for (let it = 0; it < iterations; it++) {
    sums.fill(0);
    for (let r = 0; r < n; r++) {
      const i = Math.floor(random() * n);
      for (let m = 0; m < k; m++) sums[m]! += correct[m]![i]!;
    }
    for (let m = 0; m < k; m++) acc[m]![it] = sums[m]! / n;
  }
  const interval = (xs: Float64Array): BootstrapInterval => {
    const s = Float64Array.from(xs).sort();
    return { low: quantileSorted(s, (1 - level) / 2), high: quantileSorted(s, (1 + level) / 2), level, iterations, seed };
  };
  const differences: BootstrapInterval[] = [];
  for (let a = 0; a < k; a++) {
    for (let b = a + 1; b < k; b++) {
      const d = new Float64Array(iterations);
      for (let it = 0; it < iterations; it++) d[it] = acc[a]![it]! - acc[b]![it]!;
      differences.push(interval(d));
    }
  }
  return { accuracy: acc.map(interval), differences };
}
