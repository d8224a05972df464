/** analyzeDrift() against numpy/scipy: quantile edges, ks_2samp, kstwobign, wasserstein_distance, jensenshannon, chi2_contingency. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyzeDrift } from '../server/src/analysis/drift';
import { kolmogorovSf } from '../server/src/analysis/stats/distributions';
import { AnalysisError } from '../server/src/analysis/types';
import { assertClose, assertFieldsClose, loadOracle } from './oracles/analyses-oracle';

const oracle = loadOracle();

for (const c of oracle.drift) {
  test(`drift matches the scipy oracle: ${c.name}`, () => {
    const input = c.input.kind === 'numeric'
      ? { kind: 'numeric' as const, reference: Float64Array.from(c.input.reference), current: Float64Array.from(c.input.current) }
      : { kind: 'categorical' as const, reference: c.input.reference as string[], current: c.input.current as string[] };
    const r = analyzeDrift(input);
    const { edges, reference_shares, current_shares, scipy_ks_2samp_asymp_p, categories, ...figures } = c.expected;
    assertFieldsClose(r, figures, c.name, 1e-9);
    assertFieldsClose(r.bins.map((b) => b.reference_share), reference_shares, `${c.name} reference shares`);
    assertFieldsClose(r.bins.map((b) => b.current_share), current_shares, `${c.name} current shares`);
    if (edges) {
      assertFieldsClose(r.bins.slice(1).map((b) => b.lower), edges, `${c.name} edges`, 1e-12);
      assert.equal(r.bins[0]!.lower, null);
      assert.equal(r.bins[9]!.upper, null);
      // scipy >= 1.5's 'asymp' uses the finite-n distribution kstwo(round(en)); ours is its limit.
      assertClose(r.ks_p_value, scipy_ks_2samp_asymp_p, `${c.name} vs ks_2samp`, 0.25, 1e-6);
    }
    if (categories) assert.deepEqual(r.bins.map((b) => b.category), categories);
  });
}

test('Kolmogorov survival function at textbook points (scipy kstwobign.sf)', () => {
  assertClose(kolmogorovSf(1.3580986393225507), 0.05, 'sf at the 5% critical value', 1e-10);
  assertClose(kolmogorovSf(0.5), 0.9639452436648751, 'sf(0.5)', 1e-12);
  assertClose(kolmogorovSf(1), 0.26999967167735456, 'sf(1)', 1e-12);
  assertClose(kolmogorovSf(3), 3.045995948942526e-8, 'sf(3)', 1e-9);
});

test('empty samples and bad thresholds are AnalysisErrors', () => {
  assert.throws(() => analyzeDrift({ kind: 'numeric', reference: new Float64Array(0), current: Float64Array.from([1]) }), (e: unknown) => e instanceof AnalysisError && /reference/.test(e.message));
  assert.throws(() => analyzeDrift({ kind: 'categorical', reference: ['a'], current: [] }), /current/);
  assert.throws(() => analyzeDrift({ kind: 'numeric', reference: Float64Array.from([1]), current: Float64Array.from([1]) }, { threshold: -1 }), /threshold/);
});
