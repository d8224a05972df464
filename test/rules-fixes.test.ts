/**
 * Quick fixes carried by diagnostics (FixData) really fix: applying each fix of the pipeline, meta,
 * expr, check and schema rules to its fixture and checking again leaves fewer diagnostics of that code.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './support/lsp';
import { lintText } from '../server/src/config/lint';
import { LineIndex } from '../server/src/config/line-index';
import type { FixData } from '../server/src/config/diagnostic';
import { FileSystemFacts } from '../server/src/workspace/index';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'rules');
const MINE = /^(meta|pipeline|expr|check|schema)\//;

function applyFix(text: string, fix: FixData): string {
  const lines = new LineIndex(text);
  const edits = fix.edits
    .map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

test('every quick fix of the core rules removes the problem it is attached to', () => {
  const facts = new FileSystemFacts();
  let applied = 0;
  const failures: string[] = [];
  for (const name of fs.readdirSync(FIXTURES).filter((f) => MINE.test(f.replace('-', '/')) && f.endsWith('.yaml'))) {
    const file = path.join(FIXTURES, name);
    const text = fs.readFileSync(file, 'utf8');
    const before = lintText(text, { path: file, facts });
    for (const d of before) {
      if (!MINE.test(d.code)) continue;
      for (const fix of d.fixes ?? []) {
        applied++;
        const fixed = applyFix(text, fix);
        const count = (ds: typeof before): number => ds.filter((x) => x.code === d.code).length;
        const after = lintText(fixed, { path: file, facts });
        if (count(after) >= count(before)) failures.push(`${name}:${d.range.start.line + 1} ${d.code} "${fix.title}" did not remove the problem`);
        if (after.some((x) => x.code === 'yaml/syntax')) failures.push(`${name}:${d.range.start.line + 1} ${d.code} "${fix.title}" broke the YAML`);
      }
    }
  }
  assert.equal(failures.join('\n'), '');
  assert.ok(applied >= 10, `only ${applied} fixes were tried`);
});

test('"add to needs" works for flow lists, block lists and stages without needs', () => {
  const base = (needsA: string, needsB: string): string =>
    `apiVersion: rlhf-lens/v1\nkind: Pipeline\nmetadata: {name: p}\nstages:\n  - id: src\n    phase: training\n    outputs: {model: m.bin}\n  - id: other\n    phase: training\n  - id: a\n    phase: training\n${needsA}    run: x \${{ stages.src.outputs.model }}\n  - id: b\n    phase: training\n${needsB}`;
  for (const needs of ['    needs: [other]\n', '    needs: []\n', '    needs:\n      - other\n', '']) {
    const text = base(needs, '');
    const d = lintText(text, { path: '/virtual/p.pipeline.yaml' }).find((x) => x.code === 'pipeline/missing-need');
    assert.ok(d?.fixes?.[0], `no fix for needs ${JSON.stringify(needs)}`);
    const fixed = applyFix(text, d.fixes[0]);
    const after = lintText(fixed, { path: '/virtual/p.pipeline.yaml' });
    assert.deepEqual(after.map((x) => x.code), [], `needs ${JSON.stringify(needs)} ->\n${fixed}`);
  }
});
