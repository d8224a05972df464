/** selectUncertain() against numpy scores and a numpy greedy k-center. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { selectUncertain } from '../server/src/analysis/uncertainty';
import { AnalysisError, type UncertaintyInput } from '../server/src/analysis/types';
import { assertFieldsClose, loadOracle } from './oracles/analyses-oracle';

const { uncertainty } = loadOracle();
const input: UncertaintyInput = {
  ids: uncertainty.input.ids,
  values: Float64Array.from(uncertainty.input.values),
  classes: uncertainty.input.classes,
  logits: true,
  embeddings: { values: Float64Array.from(uncertainty.input.embeddings.values), dim: uncertainty.input.embeddings.dim },
};

for (const method of ['entropy', 'margin', 'least_confidence', 'diversity'] as const) {
  test(`uncertainty ${method} selects what numpy selects`, () => {
    const r = selectUncertain(input, { method, top: uncertainty.top });
    assert.equal(r.method, method);
    assertFieldsClose(r.selected, uncertainty.expected[method], method, 1e-12);
  });
}

test('probabilities, errors', () => {
  const r = selectUncertain({ ids: ['sure', 'torn'], values: Float64Array.from([0.98, 0.02, 0.5, 0.5]), classes: 2, logits: false }, { method: 'margin', top: 1 });
  assert.deepEqual(r.selected, [{ id: 'torn', score: 1, rank: 1 }]);
  assert.throws(() => selectUncertain({ ids: [], values: new Float64Array(0), classes: 2, logits: false }, { method: 'entropy' }), AnalysisError);
  assert.throws(() => selectUncertain({ ids: ['a'], values: Float64Array.from([0.5, 0.5]), classes: 2, logits: false }, { method: 'diversity' }), /embedding/);
});
