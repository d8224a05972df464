/** analyzeAb() against scipy (chi2_contingency, ttest_ind(equal_var=False), chisquare, Beta integrals) and statsmodels' published values. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyzeAb, adjustPValues, powerBinomial, probBetaGreater, requiredSampleSizeBinomial, twoProportionZTest, waldDifferenceCi } from '../server/src/analysis/ab';
import { AnalysisError } from '../server/src/analysis/types';
import { assertClose, assertFieldsClose, loadOracle } from './oracles/analyses-oracle';

const oracle = loadOracle();

for (const c of oracle.ab) {
  test(`A/B matches the scipy oracle: ${c.name}`, () => {
    const r = analyzeAb(c.input, c.options);
    assertFieldsClose(r.srm, c.expected.srm, `${c.name} srm`);
    if (!c.expected.metrics) return;
    for (const [mi, m] of c.expected.metrics.entries()) {
      for (const [ri, e] of m.results.entries()) {
        const { chance_to_beat_control, ...exact } = e;
        const got = r.metrics[mi]!.results[ri]!;
        assertFieldsClose(got, exact, `${c.name} ${m.name} ${e.variant}`, c.options.method === 'sequential' ? 1e-8 : 1e-6);
        // scipy.integrate.quad of pdf x cdf: the contract asks for 1e-4.
        if (chance_to_beat_control === null) assert.equal(got.chance_to_beat_control, null);
        else assertClose(got.chance_to_beat_control, chance_to_beat_control, `${c.name} ${e.variant} chance to beat`, 0, 1e-6);
      }
    }
  });
}

test('SRM mismatch blocks the decision with a reason', () => {
  const c = oracle.ab.find((x: { name: string }) => x.name === 'srm mismatch');
  const r = analyzeAb(c.input, c.options);
  assert.equal(r.srm.mismatch, true);
  assert.equal(r.decision.winner, null);
  assert.match(r.decision.reason, /Sample ratio mismatch/);
});

test('statsmodels proportions_ztest([5, 12], [83, 99]): z = -1.4078304151258787, p = 0.15918129181156992', () => {
  const { z, p } = twoProportionZTest({ n: 83, successes: 5 }, { n: 99, successes: 12 });
  assertClose(z, -1.4078304151258787, 'z', 1e-12);
  assertClose(p, 0.15918129181156992, 'p', 1e-10);
});

test('statsmodels confint_proportions_2indep 7/34 vs 1/34 wald: [0.029169, 0.323772]', () => {
  const [lo, hi] = waldDifferenceCi({ n: 34, successes: 7 }, { n: 34, successes: 1 }, 0.95);
  assertClose(lo, 0.029169, 'low', 0, 5e-7);
  assertClose(hi, 0.323772, 'high', 0, 5e-7);
});

test('Beta chance to beat: symmetric cases are 1/2 and the four sum orders agree', () => {
  assertClose(probBetaGreater(5, 7, 5, 7), 0.5, 'equal posteriors', 1e-12);
  // Beta(1,1) vs Beta(1,1): 1/2; Beta(2,1) > Beta(1,1) with probability 2/3.
  assertClose(probBetaGreater(2, 1, 1, 1), 2 / 3, 'Beta(2,1) > U', 1e-12);
  assertClose(probBetaGreater(30, 400, 20, 410) + probBetaGreater(20, 410, 30, 400), 1, 'complement', 1e-10);
});

test('Beta chance to beat at a million units, tails included, against a 40-digit sum (mpmath)', () => {
  // mpmath 1.3 at mp.dps = 40: the closed form's terms summed in exact arithmetic (the ratio recurrence
  // from a first term built from mp.beta), the same choice of the four sums by the smallest parameter.
  const cases: [[number, number, number, number], number][] = [
    [[50000, 450000, 50500, 449500], 0.048157511865720271095],
    [[480000, 20000, 481000, 19000], 1.1973839239161087114e-7],
    [[2000, 3000, 2100, 2900], 0.0210017020948614231],
    [[10, 1000000, 200, 1000000], 2.2603207779058689273e-48],
  ];
  for (const [args, want] of cases) assertClose(probBetaGreater(...args), want, `P(Beta(${args[0]}, ${args[1]}) > Beta(${args[2]}, ${args[3]}))`, 1e-8, 0);
});

test('Holm and Bonferroni adjustments', () => {
  assert.deepEqual(adjustPValues([0.01, 0.04, 0.03], 'bonferroni').map((x) => +x.toFixed(12)), [0.03, 0.12, 0.09]);
  // Holm: sorted 0.01*3, 0.03*2, 0.04*1 -> 0.03, 0.06, 0.06 (monotone)
  assert.deepEqual(adjustPValues([0.01, 0.04, 0.03], 'holm').map((x) => +x.toFixed(12)), [0.03, 0.06, 0.06]);
});

for (const s of oracle.sample_sizes) {
  test(`required sample size for baseline ${s.baseline}, mde ${s.mde}: ${s.n}`, () => {
    assert.equal(requiredSampleSizeBinomial(s.baseline, s.mde, 0.95, 0.8), s.n);
  });
}

test('decision: a significant primary win that breaks a guardrail is not a winner', () => {
  const r = analyzeAb(
    {
      units: { a: 10000, b: 10000 },
      metrics: [
        { name: 'success', type: 'binomial', byVariant: { a: { n: 10000, successes: 1000 }, b: { n: 10000, successes: 1200 } } },
        { name: 'latency_ms', type: 'continuous', byVariant: { a: { n: 10000, mean: 200, variance: 400 }, b: { n: 10000, mean: 230, variance: 400 } } },
      ],
    },
    { variants: ['a', 'b'], control: 'a', traffic: { a: 1, b: 1 }, metricSpecs: [{ name: 'success', primary: true }, { name: 'latency_ms', direction: 'decrease', guardrail: { max_relative_change: 0.05 } }] },
  );
  assert.equal(r.decision.winner, null);
  assert.match(r.decision.reason, /b improves success but breaks a guardrail: latency_ms could move \+15\.28% \(interval bound; limit 5\.00%\)/);
  const ok = analyzeAb(
    { units: { a: 10000, b: 10000 }, metrics: [{ name: 'success', type: 'binomial', byVariant: { a: { n: 10000, successes: 1000 }, b: { n: 10000, successes: 1200 } } }] },
    { variants: ['a', 'b'], control: 'a', traffic: { a: 1, b: 1 } },
  );
  assert.equal(ok.decision.winner, 'b');
  assert.match(ok.decision.reason, /^b improves success by \+20\.00% \(adjusted p = [0-9.e-]+\) and passes every guardrail\.$/);
  const bayes = analyzeAb(
    { units: { a: 10000, b: 10000 }, metrics: [{ name: 'success', type: 'binomial', byVariant: { a: { n: 10000, successes: 1000 }, b: { n: 10000, successes: 1200 } } }] },
    { variants: ['a', 'b'], control: 'a', traffic: { a: 1, b: 1 }, method: 'bayesian' },
  );
  assert.match(bayes.decision.reason, /chance to beat a 100\.0%/);
});

test('bad configuration is an AnalysisError', () => {
  assert.throws(() => analyzeAb({ units: {}, metrics: [] }, { variants: ['a'], control: 'a', traffic: { a: 1 } }), AnalysisError);
  assert.throws(() => analyzeAb({ units: { a: 1, b: 1 }, metrics: [] }, { variants: ['a', 'b'], control: 'z', traffic: { a: 1, b: 1 } }), /control "z"/);
  assert.throws(() => analyzeAb({ units: { a: 0, b: 0 }, metrics: [] }, { variants: ['a', 'b'], control: 'a', traffic: { a: 1, b: 1 } }), /no units/);
});

test('power at the required sample size reaches the target, one unit less does not', () => {
  for (const s of oracle.sample_sizes) {
    assert.ok(powerBinomial(s.baseline, s.mde, s.n) >= 0.8, `power at ${s.n}`);
    assert.ok(powerBinomial(s.baseline, s.mde, s.n - 1) < 0.8, `power at ${s.n - 1}`);
  }
});
