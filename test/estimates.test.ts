/** Sample-size estimates against values computed independently with scipy (test/oracles/sample_size.py). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  designProblem,
  powerForSampleSize,
  sampleSizeExact,
  sampleSizePerVariant,
  type ProportionTestDesign,
} from '../server/src/analysis/sample-size';

const ROOT = path.resolve(__dirname, '..');

interface OracleCase {
  design: ProportionTestDesign;
  n_exact: number;
  power_at_half_n: { n: number; power: number };
}

const oracle = JSON.parse(fs.readFileSync(path.join(ROOT, 'test/fixtures/oracles/sample_size.json'), 'utf8')) as {
  cases: OracleCase[];
};

function assertRelClose(actual: number, expected: number, rel: number, what: string): void {
  const err = Math.abs(actual - expected) / Math.abs(expected);
  assert.ok(err <= rel, `${what}: ${actual} vs ${expected} (relative error ${err.toExponential(2)})`);
}

test('per-variant sample size matches scipy to 1e-6 relative on 96 designs', () => {
  assert.equal(oracle.cases.length, 96);
  for (const c of oracle.cases) {
    const what = JSON.stringify(c.design);
    assertRelClose(sampleSizeExact(c.design), c.n_exact, 1e-6, what);
    assert.equal(sampleSizePerVariant(c.design), Math.ceil(c.n_exact), what);
  }
});

test('power reached by half the needed sample matches scipy to 1e-6 relative', () => {
  for (const c of oracle.cases) {
    assertRelClose(powerForSampleSize(c.design, c.power_at_half_n.n), c.power_at_half_n.power, 1e-6, JSON.stringify(c.design));
  }
});

test('power at the exact sample size is the requested power (the formulas are inverses)', () => {
  const d = { mde: 0.02, power: 0.9, confidence: 0.95, baseline: 0.2 };
  assertRelClose(powerForSampleSize(d, sampleSizeExact(d)), 0.9, 1e-9, 'round trip');
});

test('the worst case without a baseline needs more units than any baseline', () => {
  const worst = sampleSizeExact({ mde: 0.02 });
  for (const baseline of [0.05, 0.2, 0.4, 0.49, 0.6, 0.9]) {
    assert.ok(sampleSizeExact({ mde: 0.02, baseline }) <= worst, `baseline ${baseline}`);
  }
  // By hand: near 0.5 both variance terms are ~0.5, so n ~ (1.959964 + 0.841621)^2 * 0.5 / 0.02^2 = 9,811.
  assertRelClose(sampleSizeExact({ mde: 0.02 }), (1.959964 + 0.841621) ** 2 * 0.5 / 0.02 ** 2, 1e-3, 'near 0.5');
});

test('invalid designs are named, not computed', () => {
  assert.match(designProblem({ mde: 2 }) ?? '', /mde must be between 0 and 1/);
  assert.match(designProblem({ mde: 0.1, power: 1 }) ?? '', /power/);
  assert.match(designProblem({ mde: 0.6, baseline: 0.5 }) ?? '', /too large/);
  assert.equal(designProblem({ mde: 0.1, baseline: 0.5 }), undefined);
  assert.throws(() => sampleSizeExact({ mde: 0 }), RangeError);
});
