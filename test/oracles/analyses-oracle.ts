/** Loads the numpy/scipy oracle (test/oracles/analyses.py) and compares figures to it. */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const FILE = path.resolve(__dirname, '..', 'fixtures', 'oracles', 'analyses.json');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Oracle = Record<string, any>;

export function loadOracle(): Oracle {
  return JSON.parse(fs.readFileSync(FILE, 'utf8')) as Oracle;
}

/** |actual - expected| <= rel * max(|expected|, tiny) + abs. */
export function assertClose(actual: number | null | undefined, expected: number | null | undefined, what: string, rel = 1e-6, abs = 1e-12): void {
  if (expected === null || expected === undefined) {
    assert.equal(actual ?? null, null, `${what}: expected null, got ${actual}`);
    return;
  }
  assert.ok(typeof actual === 'number' && Number.isFinite(actual), `${what}: expected ${expected}, got ${actual}`);
  const tol = rel * Math.abs(expected) + abs;
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: expected ${expected}, got ${actual} (diff ${Math.abs(actual - expected)} > ${tol})`);
}

/** Compares every numeric/boolean/null field of `expected` that `actual` also has, recursively. */
export function assertFieldsClose(actual: unknown, expected: unknown, what: string, rel = 1e-6): void {
  if (typeof expected === 'number' || expected === null) {
    assertClose(actual as number | null, expected, what, rel);
  } else if (typeof expected === 'boolean' || typeof expected === 'string') {
    assert.equal(actual, expected, what);
  } else if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${what}: expected an array`);
    assert.equal((actual as unknown[]).length, expected.length, `${what}: length`);
    expected.forEach((e, i) => assertFieldsClose((actual as unknown[])[i], e, `${what}[${i}]`, rel));
  } else if (typeof expected === 'object') {
    for (const [k, e] of Object.entries(expected as Record<string, unknown>)) {
      assert.ok(actual && typeof actual === 'object' && k in (actual as object), `${what}.${k} missing`);
      assertFieldsClose((actual as Record<string, unknown>)[k], e, `${what}.${k}`, rel);
    }
  }
}
