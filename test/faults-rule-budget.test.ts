/**
 * Rule time budgets in lintText: a rule over its budget on two checks in a row keeps its diagnostics, is reported once as
 * `lint/slow-rule` (information) and is skipped on that document for the next SLOW_RULE_SKIPPED_LINTS
 * checks; then it runs again. A budget below zero makes every rule "slow", so the mechanism is
 * tested deterministically; the editor passes DEFAULT_RULE_TIME_BUDGET_MS per open document.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_RULE_TIME_BUDGET_MS, lintText, SLOW_RULE_SKIPPED_LINTS, SLOW_RULE_STRIKES, type RuleTimeBudget } from '../server/src/config/lint';
import { ROOT } from './support/lsp';

const file = path.join(ROOT, 'examples', 'workspace', 'pipelines', 'broken.pipeline.yaml');
const text = fs.readFileSync(file, 'utf8');
const codes = (ds: { code: string }[]) => ds.map((d) => d.code).sort();

test('a rule slow on two checks in a row keeps its diagnostics, is reported once, is skipped for the next checks, then runs again', () => {
  const baseline = lintText(text, { path: file });
  const ruleCodes = codes(baseline).filter((c) => c.startsWith('pipeline/'));
  assert.deepEqual(ruleCodes, ['pipeline/cycle', 'pipeline/phase-order', 'pipeline/unknown-need']);

  const budget: RuleTimeBudget = { ms: -1, skipping: new Map() };
  // One slow check alone (GC, warm-up, a loaded machine) is not reported.
  const once = lintText(text, { path: file, ruleBudget: budget });
  assert.deepEqual(codes(once), codes(baseline), 'a single slow check is not reported');
  assert.equal(SLOW_RULE_STRIKES, 2);
  const first = lintText(text, { path: file, ruleBudget: budget });
  const slow = first.filter((d) => d.code === 'lint/slow-rule');
  assert.deepEqual(codes(first.filter((d) => d.code !== 'lint/slow-rule')), codes(baseline), 'the slow rules\u2019 diagnostics are kept');
  assert.ok(slow.length >= 3, `every rule that ran is over a negative budget: ${slow.length}`);
  assert.equal(new Set(slow.map((d) => d.message.split(' ')[1])).size, slow.length, 'each rule reported once');
  for (const d of slow) {
    assert.equal(d.severity, 'information');
    assert.match(d.message, new RegExp(`^Rule [\\w/-]+ took \\d+ ms on this document, over its budget of -1 ms; it is skipped here for the next ${SLOW_RULE_SKIPPED_LINTS} checks\\.$`));
  }
  assert.ok(slow.some((d) => d.message.startsWith('Rule pipeline/unknown-need ')));

  for (let i = 0; i < SLOW_RULE_SKIPPED_LINTS; i++) {
    const skipped = lintText(text, { path: file, ruleBudget: budget });
    assert.deepEqual(codes(skipped), codes(baseline).filter((c) => !c.startsWith('pipeline/')), `check ${i + 1}: the slow rules are skipped, schema and YAML checks still run`);
  }
  const again = lintText(text, { path: file, ruleBudget: budget });
  assert.deepEqual(codes(again.filter((d) => d.code !== 'lint/slow-rule')), codes(baseline), 'after the skipped checks the rules run again');
});

test('within the default budget nothing is skipped or reported, and the budget leaves results unchanged', () => {
  assert.equal(DEFAULT_RULE_TIME_BUDGET_MS, 200);
  const budget: RuleTimeBudget = { ms: DEFAULT_RULE_TIME_BUDGET_MS, skipping: new Map() };
  const baseline = lintText(text, { path: file });
  for (let i = 0; i < 3; i++) assert.deepEqual(lintText(text, { path: file, ruleBudget: budget }), baseline);
  assert.equal(budget.skipping.size, 0);
});
