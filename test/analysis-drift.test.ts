/** analyzeDrift() against numpy/scipy: quantile edges, ks_2samp(method='asymp'), kstwo, wasserstein_distance, jensenshannon, chi2_contingency. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyzeDrift } from '../server/src/analysis/drift';
import { kolmogorovSmirnovSf } from '../server/src/analysis/stats/kolmogorov';
import { AnalysisError } from '../server/src/analysis/types';
import { assertClose, assertFieldsClose, loadOracle } from './oracles/analyses-oracle';

const oracle = loadOracle();

for (const c of oracle.drift) {
  test(`drift matches the scipy oracle: ${c.name}`, () => {
    const input = c.input.kind === 'numeric'
      ? { kind: 'numeric' as const, reference: Float64Array.from(c.input.reference), current: Float64Array.from(c.input.current) }
      : { kind: 'categorical' as const, reference: c.input.reference as string[], current: c.input.current as string[] };
    const r = analyzeDrift(input);
    const { edges, reference_shares, current_shares, categories, ...figures } = c.expected;
    assertFieldsClose(r, figures, c.name, 1e-9);
    assertFieldsClose(r.bins.map((b) => b.reference_share), reference_shares, `${c.name} reference shares`);
    assertFieldsClose(r.bins.map((b) => b.current_share), current_shares, `${c.name} current shares`);
    if (edges) {
      assertFieldsClose(r.bins.slice(1).map((b) => b.lower), edges, `${c.name} edges`, 1e-12);
      assert.equal(r.bins[0]!.lower, null);
      assert.equal(r.bins[9]!.upper, null);
    }
    if (categories) assert.deepEqual(r.bins.map((b) => b.category), categories);
  });
}

test('kstwo.sf in every region of the algorithm (Ruben-Gambino, Durbin, Pomeranz, Smirnov, Pelz-Good)', () => {
  for (const { n, x, sf } of oracle.kstwo as { n: number; x: number; sf: number }[]) {
    assertClose(kolmogorovSmirnovSf(n, x), sf, `kstwo.sf(${x}, ${n})`, 1e-7, 1e-15);
  }
});

test('empty samples and bad thresholds are AnalysisErrors', () => {
  assert.throws(() => analyzeDrift({ kind: 'numeric', reference: new Float64Array(0), current: Float64Array.from([1]) }), (e: unknown) => e instanceof AnalysisError && /reference/.test(e.message));
  assert.throws(() => analyzeDrift({ kind: 'categorical', reference: ['a'], current: [] }), /current/);
  assert.throws(() => analyzeDrift({ kind: 'numeric', reference: Float64Array.from([1]), current: Float64Array.from([1]) }, { threshold: -1 }), /threshold/);
});
