/**
 * Every diagnostic code the server can emit links to a page: this scans the server sources for code
 * literals (`'group/name'` in a `code:` position or a rule `id:`), so codes outside the rule registry
 * (engine checks, limits, internal errors) are covered too.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './support/lsp';

function sources(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) sources(p, out);
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

test('every diagnostic code in the server sources has a docs/rules page', () => {
  const codes = new Set<string>();
  for (const file of sources(path.join(ROOT, 'server', 'src'))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\b(?:code|id)\s*:\s*'([a-z]+\/[a-z0-9-]+)'/g)) codes.add(m[1]!);
  }
  assert.ok(codes.size >= 30, `found only ${codes.size} codes: the scan is broken`);
  const missing = [...codes].filter((c) => !fs.existsSync(path.join(ROOT, 'docs', 'rules', `${c}.md`))).sort();
  assert.deepEqual(missing, [], `codes without a page under docs/rules/: ${missing.join(', ')}`);
});
