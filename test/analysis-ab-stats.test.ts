/**
 * CUPED, regression adjustment, delta-method ratios, quantile intervals, Benjamini-Hochberg and the
 * sequential SRM check, each computed from sufficient statistics, against numpy/scipy/statsmodels on
 * the raw per-unit arrays (test/oracles/ab_stats.py, output test/fixtures/oracles/ab_stats.json).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeAb, adjustPValues } from '../server/src/analysis/ab';
import {
  benjaminiHochberg,
  cupedCompare,
  cupedTheta,
  deltaRatio,
  momentsOf,
  quantileCompare,
  quantileSummary,
  ratioCompare,
  regressionAdjust,
  regressionCompare,
  sequentialSrm,
  type Moments,
} from '../server/src/analysis/ab-stats';
import { assertClose, assertFieldsClose, type Oracle } from './oracles/analyses-oracle';

const o: Oracle = JSON.parse(fs.readFileSync(path.resolve(__dirname, 'fixtures', 'oracles', 'ab_stats.json'), 'utf8'));
const TOL = 1e-9;
const omit = (o: Record<string, unknown>, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
const variants: string[] = o.variants;
const conf: number = o.confidence;
const moments = (d: Record<string, { x: number[]; y: number[] }>): Record<string, Moments> => Object.fromEntries(variants.map((v) => [v, momentsOf(d[v]!.y, d[v]!.x)]));

test('CUPED: theta, adjusted means, Welch interval and p-value equal scipy/statsmodels on the adjusted column', () => {
  const m = moments(o.cuped_data);
  const theta = cupedTheta(variants.map((v) => m[v]!));
  assertClose(theta, o.cuped.theta, 'theta', TOL);
  const all = Object.values(m);
  const grand = all.reduce((s, x) => s + x.sum_x, 0) / all.reduce((s, x) => s + x.n, 0);
  for (const e of o.cuped.results) {
    const c = cupedCompare(m[e.variant]!, m['control']!, theta, grand, conf);
    assertClose(c.mean, e.mean, `${e.variant} mean`, TOL);
    assertClose(c.control_mean, e.control_mean, `${e.variant} control mean`, TOL);
    assertClose(c.diff, e.abs_diff, `${e.variant} diff`, TOL);
    assertClose(c.ci[0], e.ci_low, `${e.variant} ci low`, TOL);
    assertClose(c.ci[1], e.ci_high, `${e.variant} ci high`, TOL);
    assertClose(c.p, e.p_value, `${e.variant} p`, TOL);
    assertClose(1 - c.v / c.v_unadjusted!, e.variance_reduction, `${e.variant} variance reduction`, TOL);
  }
});

test('regression adjustment equals statsmodels OLS y ~ C(variant) + x (coefficient, interval, p-value)', () => {
  const m = moments(o.cuped_data);
  const fit = regressionAdjust(variants.map((v) => m[v]!));
  assertClose(fit.slope, o.regression.slope, 'slope', TOL);
  for (const e of o.regression.results) {
    const c = regressionCompare(m[e.variant]!, m['control']!, fit, conf);
    assertClose(c.diff, e.abs_diff, `${e.variant} coefficient`, TOL);
    assertClose(Math.sqrt(c.v), e.se, `${e.variant} se`, TOL);
    assertClose(c.ci[0], e.ci_low, `${e.variant} ci low`, TOL);
    assertClose(c.ci[1], e.ci_high, `${e.variant} ci high`, TOL);
    assertClose(c.p, e.p_value, `${e.variant} p`, TOL);
  }
});

test('ratio metrics: delta-method variance equals the linearised (influence-function) variance; z interval', () => {
  const m = moments(o.ratio_data);
  for (const e of o.ratio) {
    assertClose(deltaRatio(m[e.variant]!).variance, e.variance_numerator_only, `${e.variant} variance`, TOL);
    const c = ratioCompare(m[e.variant]!, m['control']!, conf);
    assertFieldsClose({ mean: c.mean, control_mean: c.control_mean, abs_diff: c.diff, ci_low: c.ci[0], ci_high: c.ci[1], p_value: c.p }, omit(e, 'variant', 'variance_numerator_only'), `ratio ${e.variant}`, TOL);
  }
});

test('quantile metrics: order statistics at p -+ z sqrt(p(1-p)/n) and the normal interval of the difference', () => {
  for (const [p, q] of Object.entries(o.quantile) as [string, { summaries: Record<string, Record<string, number>>; results: Record<string, number>[] }][]) {
    const s = Object.fromEntries(variants.map((v) => [v, quantileSummary(Float64Array.from(o.latency[v]).sort(), Number(p), conf)]));
    for (const v of variants) assertFieldsClose(s[v], { n: q.summaries[v]!['n'], value: q.summaries[v]!['value'], lower: q.summaries[v]!['lower'], upper: q.summaries[v]!['upper'] }, `p${p} ${v}`, 0);
    for (const e of q.results) {
      const c = quantileCompare(s[e['variant'] as unknown as string]!, s['control']!, conf);
      assertClose(c.diff, e['abs_diff'], `p${p} diff`, TOL);
      assertClose(c.ci[0], e['ci_low'], `p${p} ci low`, TOL);
      assertClose(c.ci[1], e['ci_high'], `p${p} ci high`, TOL);
      assertClose(c.p, e['p_value'], `p${p} p`, TOL);
    }
  }
});

test('Benjamini-Hochberg, Holm and Bonferroni equal statsmodels multipletests (ties included)', () => {
  const mt = o.multiplicity;
  mt.bh.forEach((e: number, i: number) => assertClose(benjaminiHochberg(mt.p)[i], e, `bh ${i}`, 1e-12));
  mt.bh.forEach((e: number, i: number) => assertClose(adjustPValues(mt.p, 'bh')[i], e, `bh via adjust ${i}`, 1e-12));
  mt.holm.forEach((e: number, i: number) => assertClose(adjustPValues(mt.p, 'holm')[i], e, `holm ${i}`, 1e-12));
  mt.bonferroni.forEach((e: number, i: number) => assertClose(adjustPValues(mt.p, 'bonferroni')[i], e, `bonferroni ${i}`, 1e-12));
});

test('sequential SRM: Dirichlet-multinomial Bayes factor and p = min(1, 1/BF) equal the scipy gammaln formula', () => {
  for (const c of o.srm) {
    const s = sequentialSrm(c.observed, c.shares);
    // The log BF is a difference of lgamma terms of size ~N ln N: absolute error ~1e-16 of those.
    assertClose(s.log_bayes_factor, c.log_bayes_factor, `log BF ${c.observed}`, 0, 1e-8);
    assertClose(s.p, c.p, `p ${c.observed}`, 1e-9);
  }
});

test('analyzeAb: adjusted, ratio and quantile metrics through the A/B analysis, BH correction, guardrail verdicts on the interval', () => {
  const cupedM = moments(o.cuped_data);
  const ratioM = moments(o.ratio_data);
  const q95 = Object.fromEntries(variants.map((v) => [v, quantileSummary(Float64Array.from(o.latency[v]).sort(), 0.95, conf)]));
  const units = Object.fromEntries(variants.map((v) => [v, cupedM[v]!.n]));
  const r = analyzeAb(
    {
      units,
      metrics: [
        { name: 'spend', type: 'adjusted', metricType: 'continuous', byVariant: cupedM },
        { name: 'tokens_per_session', type: 'ratio', byVariant: ratioM },
        { name: 'latency_p95', type: 'quantile', quantile: 0.95, byVariant: q95 },
      ],
    },
    {
      variants,
      control: 'control',
      traffic: { control: 1, b: 1, c: 1 },
      correction: 'bh',
      metricSpecs: [
        { name: 'spend', primary: true },
        { name: 'tokens_per_session', direction: 'decrease', guardrail: { max_relative_change: 0.2 } },
        { name: 'latency_p95', direction: 'decrease', guardrail: { max_absolute_change: 1000 } },
      ],
    },
  );
  const [spend, ratio, lat] = r.metrics;
  assert.equal(spend!.type, 'continuous');
  assert.deepEqual(spend!.adjustment?.method, 'cuped');
  assertClose(spend!.adjustment!.theta, o.cuped.theta, 'theta', TOL);
  const pAll = o.cuped.results.map((e: { p_value: number }) => e.p_value);
  const bh = benjaminiHochberg(pAll);
  spend!.results.forEach((x, i) => {
    assertFieldsClose(x, { ...o.cuped.results[i], p_value_adjusted: bh[i] }, `spend ${x.variant}`, TOL);
  });
  assert.equal(ratio!.type, 'ratio');
  ratio!.results.forEach((x, i) => assertFieldsClose(x, omit(o.ratio[i], 'variance_numerator_only'), `ratio ${x.variant}`, TOL));
  assert.equal(lat!.type, 'quantile');
  assert.equal(lat!.quantile, 0.95);
  // b raises tokens per session by ~9%: the interval's upper bound stays under the 20% limit.
  const tokB = r.guardrails.find((g) => g.metric === 'tokens_per_session' && g.variant === 'b')!;
  assertClose(tokB.worst_case, o.ratio[0].ci_high / o.ratio[0].control_mean, 'worst case', TOL);
  assert.equal(tokB.passed, true);
  assert.equal(r.guardrails.filter((g) => g.metric === 'latency_p95').every((g) => g.kind === 'absolute' && g.passed), true);
  assert.equal(r.decision.winner, 'b');
  assert.match(r.decision.reason, /^b improves spend/);
  // Same data, tighter guardrail: the point estimate (+9.4%) is under 10% but the interval bound is not.
  const tight = analyzeAb(
    { units, metrics: [{ name: 'spend', type: 'adjusted', metricType: 'continuous', byVariant: cupedM }, { name: 'tokens_per_session', type: 'ratio', byVariant: ratioM }] },
    { variants, control: 'control', traffic: { control: 1, b: 1, c: 1 }, metricSpecs: [{ name: 'spend', primary: true }, { name: 'tokens_per_session', direction: 'decrease', guardrail: { max_relative_change: 0.1 } }] },
  );
  assert.ok(o.ratio[0].abs_diff / o.ratio[0].control_mean < 0.1);
  assert.equal(tight.decision.winner, null);
  assert.match(tight.decision.reason, /b improves spend but breaks a guardrail: tokens_per_session could move \+12\.\d\d% \(interval bound; limit 10\.00%\)/);
  // SRM: both the chi-square and the sequential p-value are reported.
  assert.equal(typeof r.srm.sequential_p_value, 'number');
});

test('regression adjustment through analyzeAb and the sequential method on an adjusted metric', () => {
  const m = moments(o.cuped_data);
  const units = Object.fromEntries(variants.map((v) => [v, m[v]!.n]));
  const input = { units, metrics: [{ name: 'spend', type: 'adjusted' as const, metricType: 'continuous' as const, byVariant: m }] };
  const opts = { variants, control: 'control', traffic: { control: 1, b: 1, c: 1 } };
  const reg = analyzeAb(input, { ...opts, adjustment: 'regression' });
  assert.equal(reg.metrics[0]!.adjustment?.method, 'regression');
  reg.metrics[0]!.results.forEach((x, i) => {
    const e = o.regression.results[i];
    assertFieldsClose({ abs_diff: x.abs_diff, ci_low: x.ci_low, ci_high: x.ci_high, p_value: x.p_value }, omit(e, 'se', 'variant'), `regression ${x.variant}`, TOL);
  });
  const seq = analyzeAb(input, { ...opts, method: 'sequential' });
  const fixed = analyzeAb(input, opts);
  seq.metrics[0]!.results.forEach((x, i) => {
    const f = fixed.metrics[0]!.results[i]!;
    assert.ok(x.ci_high - x.ci_low > f.ci_high - f.ci_low, 'always-valid interval is wider');
    assert.ok(x.p_value >= f.p_value);
  });
});

test('CUPED-aware power: n x (1 - r^2) in the sample size, the hover and experiment/underpowered', async () => {
  const { sampleSizeExact, sampleSizePerVariant, powerForSampleSize } = await import('../server/src/analysis/sample-size');
  const { experimentSummary } = await import('../server/src/config/estimates/summaries');
  const base = { mde: 0.02, power: 0.8, confidence: 0.95 };
  const raw = sampleSizeExact(base);
  assertClose(sampleSizeExact({ ...base, varianceFactor: 0.19 }), raw * 0.19, 'n x 0.19', 1e-12);
  const n = sampleSizePerVariant({ ...base, varianceFactor: 0.19 });
  assert.equal(n, Math.ceil(raw * 0.19));
  assert.ok(powerForSampleSize({ ...base, varianceFactor: 0.19 }, n) >= 0.8);
  assert.ok(powerForSampleSize({ ...base, varianceFactor: 0.19 }, n - 1) < 0.8);
  const md = experimentSummary({
    variants: [{ id: 'a' }, { id: 'b' }],
    metrics: [{ name: 'success', type: 'binomial', covariate: 'pre', covariate_correlation: 0.9 }],
    analysis: { mde: 0.02, min_sample_size: 2000 },
  })!;
  assert.match(md, new RegExp(`\\*\\*Sample size:\\*\\* ${n.toLocaleString('en-US')} units per variant`));
  assert.match(md, /CUPED with covariate correlation 0\.9: variance and sample size x 0\.19/);
  // Without a covariate column the correlation is ignored (nothing to adjust with).
  assert.match(experimentSummary({ variants: [{ id: 'a' }, { id: 'b' }], metrics: [{ name: 's', type: 'binomial', covariate_correlation: 0.9 }], analysis: { mde: 0.02 } })!, /9,810 units per variant/);
});
