/**
 * A/B(/n) test analysis: a sample-ratio check, then per metric and non-control variant a test of
 * the difference against the control, multiplicity-adjusted p-values, and a decision in words that
 * respects the primary metric and the guardrails.
 */
import { designProblem, powerForSampleSize, sampleSizePerVariant, type ProportionTestDesign } from './sample-size';
import gammaln from '@stdlib/math-base-special-gammaln';
import { chiSquareSf, normalQuantile, normalTwoSidedP, studentTQuantile, studentTTwoSidedP } from './stats/distributions';
import {
  addMoments,
  benjaminiHochberg,
  centred,
  cupedCompare,
  cupedTheta,
  emptyMoments,
  quantileCompare,
  ratioCompare,
  regressionAdjust,
  regressionCompare,
  sequentialSrm,
  type Comparison,
  type Moments,
} from './ab-stats';
import {
  AnalysisError,
  type AbGuardrailVerdict,
  type AbMetricInput,
  type AbInput,
  type AbMetricSpec,
  type AbOptions,
  type AbResult,
  type AbVariantResult,
  type BinomialSummary,
  type ContinuousSummary,
} from './types';

/** Default mSPRT mixing variance, as a multiple of the metric's per-unit variance (effect sd = 0.1 sd). */
export const DEFAULT_SEQUENTIAL_TAU2 = 0.01;

function logBeta(a: number, b: number): number {
  return gammaln(a) + gammaln(b) - gammaln(a + b);
}

/** Terms of betaGreaterByA between two computed from gammaln; the others follow by their ratio. */
const ANCHOR_EVERY = 64;

/** A term the ratio can multiply without losing precision to underflow or overflow. */
function inRange(x: number): boolean {
  return x > 1e-290 && x < 1e290;
}

/**
 * P(X > Y) for X ~ Beta(aX, bX), Y ~ Beta(aY, bY) with integer aX (Evan Miller's closed form),
 * summing aX terms: term i = B(aY + i, bX + bY) / ((bX + i) B(1 + i, bX) B(aY, bY)). Term i + 1 is
 * term i times (aY + i)(bX + i) / ((aY + bX + bY + i)(1 + i)), so only every 64th term is computed
 * from gammaln: a million-unit experiment has ~50,000 terms, which took 17-55 ms as six gammaln calls
 * each. Where a term is outside the comfortable range of a double (the far tails, where terms
 * underflow), the ratio is applied to its logarithm instead, so a tiny term can grow back into range.
 * The ratios are exact to an ulp, so a block's terms are as accurate as its first (gammaln's logs of
 * Beta functions near 1e6 carry absolute errors near 1e-9, which the per-term sum had on every term).
 */
function betaGreaterByA(aX: number, bX: number, aY: number, bY: number): number {
  const lbY = logBeta(aY, bY);
  const sum = bX + bY;
  let total = 0;
  let term = 0;
  let logTerm = 0;
  for (let i = 0; i < aX; i++) {
    if (i % ANCHOR_EVERY === 0) {
      logTerm = logBeta(aY + i, sum) - Math.log(bX + i) - logBeta(1 + i, bX) - lbY;
      term = Math.exp(logTerm);
    } else {
      const ratio = ((aY + i - 1) * (bX + i - 1)) / ((aY + sum + i - 1) * i);
      const next = term * ratio;
      if (inRange(term) && inRange(next)) term = next;
      else {
        // Leaving the range: the logarithm from the last term in range (logTerm is kept only outside it).
        if (inRange(term)) logTerm = Math.log(term);
        logTerm += Math.log(ratio);
        term = Math.exp(logTerm);
      }
    }
    total += term;
  }
  return total;
}

/**
 * P(X > Y) for independent Beta posteriors with integer parameters, exact. Of the four equivalent
 * sums it takes the one with the fewest terms.
 */
export function probBetaGreater(aX: number, bX: number, aY: number, bY: number): number {
  const m = Math.min(aX, bX, aY, bY);
  let p: number;
  if (m === aX) p = betaGreaterByA(aX, bX, aY, bY);
  else if (m === aY) p = 1 - betaGreaterByA(aY, bY, aX, bX);
  // 1 - X ~ Beta(bX, aX): X > Y  <=>  1 - Y > 1 - X
  else if (m === bY) p = betaGreaterByA(bY, aY, bX, aX);
  else p = 1 - betaGreaterByA(bX, aX, bY, aY);
  return Math.min(1, Math.max(0, p));
}

/** Two-sided pooled two-proportion z-test; z and p. */
export function twoProportionZTest(variant: BinomialSummary, control: BinomialSummary): { z: number; p: number } {
  const p1 = variant.successes / variant.n;
  const p0 = control.successes / control.n;
  const pooled = (variant.successes + control.successes) / (variant.n + control.n);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / variant.n + 1 / control.n));
  if (se === 0) return { z: 0, p: 1 };
  const z = (p1 - p0) / se;
  return { z, p: normalTwoSidedP(z) };
}

/** Unpooled Wald interval of p_variant - p_control. */
export function waldDifferenceCi(variant: BinomialSummary, control: BinomialSummary, confidence: number): [number, number] {
  const p1 = variant.successes / variant.n;
  const p0 = control.successes / control.n;
  const se = Math.sqrt((p1 * (1 - p1)) / variant.n + (p0 * (1 - p0)) / control.n);
  const q = normalQuantile(1 - (1 - confidence) / 2);
  return [p1 - p0 - q * se, p1 - p0 + q * se];
}

/** Welch's t-test with the Welch-Satterthwaite interval of mean_variant - mean_control. */
export function welchTest(variant: ContinuousSummary, control: ContinuousSummary, confidence: number): { t: number; df: number; p: number; ci: [number, number] } {
  const a = variant.variance / variant.n;
  const b = control.variance / control.n;
  const diff = variant.mean - control.mean;
  const se = Math.sqrt(a + b);
  if (se === 0) return { t: 0, df: variant.n + control.n - 2, p: diff === 0 ? 1 : 0, ci: [diff, diff] };
  const df = ((a + b) * (a + b)) / ((a * a) / (variant.n - 1) + (b * b) / (control.n - 1));
  const t = diff / se;
  const q = studentTQuantile(1 - (1 - confidence) / 2, df);
  return { t, df, p: studentTTwoSidedP(t, df), ci: [diff - q * se, diff + q * se] };
}

/**
 * Always-valid p-value and interval of the mixture SPRT (Johari et al. 2017) for a difference
 * with estimate `diff`, squared standard error `v`, and normal mixing variance `tau2`.
 */
export function msprt(diff: number, v: number, tau2: number, confidence: number): { p: number; ci: [number, number] } {
  if (v === 0) return { p: diff === 0 ? 1 : 0, ci: [diff, diff] };
  const logLr = 0.5 * Math.log(v / (v + tau2)) + (diff * diff * tau2) / (2 * v * (v + tau2));
  const p = Math.min(1, Math.exp(-logLr));
  const alpha = 1 - confidence;
  const half = Math.sqrt(((v * (v + tau2)) / tau2) * (Math.log((v + tau2) / v) - 2 * Math.log(alpha)));
  return { p, ci: [diff - half, diff + half] };
}

/** Chi-square goodness of fit of observed counts against expected shares. */
export function srmTest(observed: number[], shares: number[]): { chi2: number; p: number } {
  const total = observed.reduce((s, x) => s + x, 0);
  let chi2 = 0;
  for (let i = 0; i < observed.length; i++) {
    const e = total * shares[i]!;
    chi2 += ((observed[i]! - e) * (observed[i]! - e)) / e;
  }
  return { chi2, p: chiSquareSf(chi2, observed.length - 1) };
}

/** Adjusted p-values (Holm step-down, Bonferroni or Benjamini-Hochberg) across one family of tests. */
export function adjustPValues(p: number[], correction: 'none' | 'bonferroni' | 'holm' | 'bh'): number[] {
  const m = p.length;
  if (correction === 'none') return p.slice();
  if (correction === 'bh') return benjaminiHochberg(p);
  if (correction === 'bonferroni') return p.map((x) => Math.min(1, x * m));
  const order = p.map((_, i) => i).sort((i, j) => p[i]! - p[j]!);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p[idx]!));
    out[idx] = running;
  });
  return out;
}

/** The design of `sample-size.ts` for a signed `mde` (the treatment rate is `baseline + mde`). */
function binomialDesign(baseline: number, mde: number, confidence: number, power?: number): ProportionTestDesign {
  const design: ProportionTestDesign = { baseline, mde: Math.abs(mde), confidence, direction: mde < 0 ? 'decrease' : 'increase' };
  if (power !== undefined) design.power = power;
  const problem = designProblem(design);
  const p2 = baseline + mde;
  if (problem || mde === 0 || !(p2 > 0 && p2 < 1)) {
    throw new AnalysisError(problem ?? `baseline + mde must be in (0, 1) and mde non-zero, got ${baseline} + ${mde}`, 'bad-option');
  }
  return design;
}

/** Units per variant a two-sided pooled two-proportion z-test needs (one implementation: sample-size.ts). */
export function requiredSampleSizeBinomial(baseline: number, mde: number, confidence = 0.95, power = 0.8): number {
  return sampleSizePerVariant(binomialDesign(baseline, mde, confidence, power));
}

/** Power of that test with `n` units per variant (the far tail ignored, as in the usual formula). */
export function powerBinomial(baseline: number, mde: number, n: number, confidence = 0.95): number {
  return powerForSampleSize(binomialDesign(baseline, mde, confidence), n);
}

function requireVariant<T extends { n: number }>(byVariant: Record<string, T>, variant: string, metric: string): T {
  const s = byVariant[variant];
  if (!s) throw new AnalysisError(`metric "${metric}" has no data for variant "${variant}"`);
  if ('sum_xy' in s || 'lower' in s) {
    const n = s.n;
    const bad = Object.entries(s).find(([, x]) => !Number.isFinite(x));
    if (bad) throw new AnalysisError(`metric "${metric}", variant "${variant}": ${bad[0]} is ${bad[1]}, not a finite number`, 'shape');
    if (!(Number.isInteger(n) && n >= 2)) throw new AnalysisError(`metric "${metric}": variant "${variant}" has ${n} units; at least 2 are needed`);
  } else if ('successes' in s) {
    const b = s as unknown as BinomialSummary;
    if (!(Number.isInteger(b.n) && Number.isInteger(b.successes) && b.successes >= 0 && b.successes <= b.n)) {
      throw new AnalysisError(`metric "${metric}", variant "${variant}": ${b.successes} successes out of ${b.n} is not a valid count`, 'shape');
    }
  } else if ('variance' in s) {
    const c = s as unknown as ContinuousSummary;
    if (!(Number.isFinite(c.mean) && Number.isFinite(c.variance) && c.variance >= 0)) {
      throw new AnalysisError(`metric "${metric}", variant "${variant}": mean ${c.mean} and variance ${c.variance} are not finite`, 'shape');
    }
  }
  return s;
}

export function analyzeAb(input: AbInput, options: AbOptions): AbResult {
  const { variants, control } = options;
  const confidence = options.confidence ?? 0.95;
  const correction = options.correction ?? 'holm';
  const method = options.method ?? 'frequentist';
  const tau2Factor = options.sequentialTau2 ?? DEFAULT_SEQUENTIAL_TAU2;
  if (!(confidence > 0 && confidence < 1)) throw new AnalysisError(`confidence must be in (0, 1), got ${confidence}`, 'bad-option');
  if (variants.length < 2) throw new AnalysisError('an A/B test needs at least two variants', 'bad-option');
  if (!variants.includes(control)) throw new AnalysisError(`control "${control}" is not one of the variants ${variants.join(', ')}`, 'bad-option');
  const treatments = variants.filter((v) => v !== control);

  const trafficTotal = variants.reduce((s, v) => s + (options.traffic[v] ?? 0), 0);
  if (!(trafficTotal > 0)) throw new AnalysisError('the configured traffic shares sum to zero', 'bad-option');
  const expected_share: Record<string, number> = {};
  const observed: Record<string, number> = {};
  for (const v of variants) {
    expected_share[v] = (options.traffic[v] ?? 0) / trafficTotal;
    if (!(expected_share[v]! > 0)) throw new AnalysisError(`variant "${v}" has no configured traffic`, 'bad-option');
    observed[v] = input.units[v] ?? 0;
  }
  const totalUnits = variants.reduce((s, v) => s + observed[v]!, 0);
  if (totalUnits === 0) throw new AnalysisError('no units were observed in any variant');
  const srmFit = srmTest(variants.map((v) => observed[v]!), variants.map((v) => expected_share[v]!));
  const seqSrm = sequentialSrm(variants.map((v) => observed[v]!), variants.map((v) => expected_share[v]!));
  // With method: sequential the anytime-valid check decides (the results are looked at repeatedly).
  const srmP = method === 'sequential' ? seqSrm.p : srmFit.p;
  const srm = { observed, expected_share, chi2: srmFit.chi2, p_value: srmFit.p, mismatch: srmP < 0.001, sequential_p_value: seqSrm.p, log_bayes_factor: seqSrm.log_bayes_factor };

  const metrics: AbResult['metrics'] = input.metrics.map((metric) => {
    if (metric.type === 'adjusted' || metric.type === 'ratio' || metric.type === 'quantile') {
      return momentMetric(metric, variants, control, treatments, { confidence, correction, method, tau2Factor, adjustment: options.adjustment ?? 'cuped' });
    }
    const partial = treatments.map((variant): Omit<AbVariantResult, 'p_value_adjusted' | 'significant'> => {
      if (metric.type === 'binomial') {
        const v = requireVariant(metric.byVariant, variant, metric.name);
        const c = requireVariant(metric.byVariant, control, metric.name);
        if (v.n === 0 || c.n === 0) throw new AnalysisError(`metric "${metric.name}": variant "${v.n === 0 ? variant : control}" has no units`);
        const mean = v.successes / v.n;
        const controlMean = c.successes / c.n;
        let p: number;
        let ci: [number, number];
        if (method === 'sequential') {
          const pooled = (v.successes + c.successes) / (v.n + c.n);
          const variance = (mean * (1 - mean)) / v.n + (controlMean * (1 - controlMean)) / c.n;
          ({ p, ci } = msprt(mean - controlMean, variance, tau2Factor * pooled * (1 - pooled), confidence));
        } else {
          p = twoProportionZTest(v, c).p;
          ci = waldDifferenceCi(v, c, confidence);
        }
        return {
          variant,
          n: v.n,
          mean,
          control_n: c.n,
          control_mean: controlMean,
          abs_diff: mean - controlMean,
          rel_lift: controlMean === 0 ? null : (mean - controlMean) / controlMean,
          ci_low: ci[0],
          ci_high: ci[1],
          p_value: p,
          chance_to_beat_control: probBetaGreater(1 + v.successes, 1 + v.n - v.successes, 1 + c.successes, 1 + c.n - c.successes),
        };
      }
      const v = requireVariant(metric.byVariant, variant, metric.name);
      const c = requireVariant(metric.byVariant, control, metric.name);
      if (v.n < 2 || c.n < 2) throw new AnalysisError(`metric "${metric.name}": variant "${v.n < 2 ? variant : control}" needs at least 2 units for a t-test`);
      let p: number;
      let ci: [number, number];
      if (method === 'sequential') {
        const variance = v.variance / v.n + c.variance / c.n;
        ({ p, ci } = msprt(v.mean - c.mean, variance, tau2Factor * ((v.variance + c.variance) / 2), confidence));
      } else {
        const w = welchTest(v, c, confidence);
        p = w.p;
        ci = w.ci;
      }
      return {
        variant,
        n: v.n,
        mean: v.mean,
        control_n: c.n,
        control_mean: c.mean,
        abs_diff: v.mean - c.mean,
        rel_lift: c.mean === 0 ? null : (v.mean - c.mean) / c.mean,
        ci_low: ci[0],
        ci_high: ci[1],
        p_value: p,
        chance_to_beat_control: null,
      };
    });
    const adjusted = adjustPValues(partial.map((r) => r.p_value), correction);
    const results = partial.map((r, i): AbVariantResult => {
      const pAdj = adjusted[i]!;
      const significant =
        method === 'bayesian' && r.chance_to_beat_control !== null
          ? r.chance_to_beat_control >= confidence || r.chance_to_beat_control <= 1 - confidence
          : pAdj < 1 - confidence;
      return { ...r, p_value_adjusted: pAdj, significant };
    });
    return { name: metric.name, type: metric.type, results };
  });

  const guardrails = judgeGuardrails(metrics, options.metricSpecs ?? []);
  return { control, method, srm, metrics, guardrails, decision: decide(metrics, options.metricSpecs ?? [], control, srm, method, guardrails) };
}

interface MomentSettings {
  confidence: number;
  correction: NonNullable<AbOptions['correction']>;
  method: NonNullable<AbOptions['method']>;
  tau2Factor: number;
  adjustment: 'cuped' | 'regression';
}

/** CUPED / regression-adjusted, ratio and quantile metrics: all finished from sufficient statistics. */
function momentMetric(
  metric: Extract<AbMetricInput, { type: 'adjusted' | 'ratio' | 'quantile' }>,
  variants: string[],
  control: string,
  treatments: string[],
  s: MomentSettings,
): AbResult['metrics'][number] {
  const { confidence, method, tau2Factor } = s;
  let compare: (variant: string) => Comparison;
  let adjustment: { method: 'cuped' | 'regression'; theta: number } | undefined;
  let perUnitVariance = (_variant: string): number => 0;
  let nOf: (variant: string) => number;
  if (metric.type === 'quantile') {
    const get = (v: string) => requireVariant(metric.byVariant, v, metric.name);
    nOf = (v) => get(v).n;
    compare = (v) => quantileCompare(get(v), get(control), confidence);
    const z = normalQuantile(1 - (1 - confidence) / 2);
    // Per-unit variance implied by the order-statistic interval: n se^2.
    perUnitVariance = (v) => get(v).n * ((get(v).upper - get(v).lower) / (2 * z)) ** 2;
  } else {
    const get = (v: string): Moments => requireVariant(metric.byVariant, v, metric.name);
    nOf = (v) => get(v).n;
    if (metric.type === 'ratio') {
      compare = (v) => ratioCompare(get(v), get(control), confidence);
      perUnitVariance = (v) => {
        const c = centred(get(v));
        const r = get(v).sum_y / get(v).sum_x;
        return (c.vy - 2 * r * c.cxy + r * r * c.vx) / (c.mx * c.mx);
      };
    } else if (s.adjustment === 'regression') {
      const fit = regressionAdjust(variants.map(get));
      adjustment = { method: 'regression', theta: fit.slope };
      compare = (v) => regressionCompare(get(v), get(control), fit, confidence);
      perUnitVariance = () => fit.sigma2;
    } else {
      const all = variants.map(get);
      const theta = cupedTheta(all);
      const total = all.reduce(addMoments, emptyMoments());
      const grandMeanX = total.sum_x / total.n;
      adjustment = { method: 'cuped', theta };
      compare = (v) => cupedCompare(get(v), get(control), theta, grandMeanX, confidence);
      perUnitVariance = (v) => {
        const c = centred(get(v));
        return Math.max(0, c.vy - 2 * theta * c.cxy + theta * theta * c.vx);
      };
    }
  }
  const partial = treatments.map((variant): Omit<AbVariantResult, 'p_value_adjusted' | 'significant'> => {
    const c = compare(variant);
    let p = c.p;
    let ci = c.ci;
    if (method === 'sequential') {
      ({ p, ci } = msprt(c.diff, c.v, tau2Factor * ((perUnitVariance(variant) + perUnitVariance(control)) / 2), confidence));
    }
    return {
      variant,
      n: nOf(variant),
      mean: c.mean,
      control_n: nOf(control),
      control_mean: c.control_mean,
      abs_diff: c.diff,
      rel_lift: c.control_mean === 0 ? null : c.diff / c.control_mean,
      ci_low: ci[0],
      ci_high: ci[1],
      p_value: p,
      chance_to_beat_control: null,
      variance_reduction: c.v_unadjusted !== undefined && c.v_unadjusted > 0 ? 1 - c.v / c.v_unadjusted : null,
    };
  });
  const adjusted = adjustPValues(partial.map((r) => r.p_value), s.correction);
  const results = partial.map((r, i): AbVariantResult => ({ ...r, p_value_adjusted: adjusted[i]!, significant: adjusted[i]! < 1 - confidence }));
  const type = metric.type === 'adjusted' ? metric.metricType : metric.type;
  return { name: metric.name, type, ...(adjustment ? { adjustment } : {}), ...(metric.type === 'quantile' ? { quantile: metric.quantile } : {}), results };
}

/**
 * Guardrails on the interval: the bound of the difference's interval on the bad side (the lower bound
 * when higher is better) must stay within the limit. A relative limit compares that bound divided by
 * |control value|; an absolute limit the bound itself. So a guardrail passes only when the data rule
 * out a harm larger than the limit (a non-inferiority test at the analysis' confidence).
 */
export function judgeGuardrails(metrics: AbResult['metrics'], specs: AbMetricSpec[]): AbGuardrailVerdict[] {
  const out: AbGuardrailVerdict[] = [];
  for (const m of metrics) {
    const spec = specs.find((x) => x.name === m.name);
    const g = spec?.guardrail;
    if (!g) continue;
    const decrease = spec.direction === 'decrease';
    for (const r of m.results) {
      // Harm is positive in the bad direction.
      const worstHarm = decrease ? r.ci_high : -r.ci_low;
      if (g.max_relative_change !== undefined) {
        const rel = r.control_mean === 0 ? null : worstHarm / Math.abs(r.control_mean);
        out.push({ metric: m.name, variant: r.variant, worst_case: rel === null ? null : decrease ? rel : -rel, limit: g.max_relative_change, kind: 'relative', passed: rel !== null && rel <= g.max_relative_change });
      }
      if (g.max_absolute_change !== undefined) {
        out.push({ metric: m.name, variant: r.variant, worst_case: decrease ? worstHarm : -worstHarm, limit: g.max_absolute_change, kind: 'absolute', passed: worstHarm <= g.max_absolute_change });
      }
    }
  }
  return out;
}

function formatPercent(x: number | null): string {
  return x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)}%`;
}

/** The decision in words: SRM first, then the primary metric, then guardrails. */
function decide(metrics: AbResult['metrics'], specs: AbMetricSpec[], control: string, srm: AbResult['srm'], method: AbResult['method'], verdicts: AbGuardrailVerdict[]): AbResult['decision'] {
  if (srm.mismatch) {
    const test = method === 'sequential' ? `sequential p = ${srm.sequential_p_value.toExponential(2)}` : `chi-square p = ${srm.p_value.toExponential(2)}`;
    return { winner: null, reason: `Sample ratio mismatch (${test}): traffic does not match the configured split, so the results are not trustworthy.` };
  }
  if (metrics.length === 0) return { winner: null, reason: 'No metrics to compare.' };
  const specOf = (name: string): AbMetricSpec => specs.find((s) => s.name === name) ?? { name };
  const primary = metrics.find((m) => specOf(m.name).primary) ?? metrics[0]!;
  const sign = specOf(primary.name).direction === 'decrease' ? -1 : 1;

  const guardrailFailures = (variant: string): string[] =>
    verdicts
      .filter((g) => g.variant === variant && g.metric !== primary.name && !g.passed)
      .map((g) => {
        const bound = g.worst_case === null ? 'n/a' : g.kind === 'relative' ? formatPercent(g.worst_case) : `${g.worst_case >= 0 ? '+' : ''}${g.worst_case.toPrecision(3)}`;
        const limit = g.kind === 'relative' ? `${(g.limit * 100).toFixed(2)}%` : String(g.limit);
        return `${g.metric} could move ${bound} (interval bound; limit ${limit})`;
      });

  const better = primary.results.filter((r) => r.significant && sign * r.abs_diff > 0).sort((a, b) => sign * (b.abs_diff - a.abs_diff));
  const blocked: string[] = [];
  for (const r of better) {
    const failures = guardrailFailures(r.variant);
    if (failures.length === 0) {
      const evidence =
        method === 'bayesian' && r.chance_to_beat_control !== null
          ? `chance to beat ${control} ${(r.chance_to_beat_control * 100).toFixed(1)}%`
          : `${method === 'sequential' ? 'always-valid' : 'adjusted'} p = ${r.p_value_adjusted.toPrecision(3)}`;
      return { winner: r.variant, reason: `${r.variant} improves ${primary.name} by ${formatPercent(r.rel_lift)} (${evidence}) and passes every guardrail.` };
    }
    blocked.push(`${r.variant} improves ${primary.name} but breaks a guardrail: ${failures.join(', ')}`);
  }
  if (blocked.length > 0) return { winner: null, reason: `${blocked.join('; ')}.` };
  if (primary.results.length > 0 && primary.results.every((r) => r.significant && sign * r.abs_diff < 0)) {
    return { winner: control, reason: `Every variant is significantly worse than ${control} on ${primary.name}.` };
  }
  return { winner: null, reason: `No variant differs significantly from ${control} on ${primary.name} yet.` };
}
