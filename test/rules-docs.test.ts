/** Every rule id a diagnostic can carry has a docs page (ruff style) and a line in the index. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './support/lsp';
import { RULES } from '../server/src/config/rules/registry';
import { BUILTIN_CODES } from '../server/src/config/lint';

const DOCS = path.join(ROOT, 'docs', 'rules');
const SECTIONS = ['## What it does', '## Why is this bad', '## Example', '## Use instead', '## Fix'];

test('rule ids are unique and well formed', () => {
  const ids = [...RULES.map((r) => r.id), ...BUILTIN_CODES];
  assert.equal(new Set(ids).size, ids.length);
  for (const id of ids) assert.match(id, /^[a-z]+\/[a-z0-9-]+$/);
});

test('every registered rule and built-in code has a page with the five sections and its default severity', () => {
  const problems: string[] = [];
  const severities = new Map<string, string>([...BUILTIN_CODES.map((c) => [c, 'error'] as const), ...RULES.map((r) => [r.id, r.defaultSeverity] as const)]);
  for (const [id, severity] of severities) {
    const file = path.join(DOCS, ...id.split('/')) + '.md';
    if (!fs.existsSync(file)) {
      problems.push(`${id}: no page at docs/rules/${id}.md`);
      continue;
    }
    const text = fs.readFileSync(file, 'utf8');
    if (!text.startsWith(`# ${id}\n`)) problems.push(`${id}: page does not start with "# ${id}"`);
    if (!text.includes(`Severity: **${severity}**`)) problems.push(`${id}: page does not say "Severity: **${severity}**"`);
    let at = -1;
    for (const s of SECTIONS) {
      const i = text.indexOf(`\n${s}\n`);
      if (i < 0 || i < at) problems.push(`${id}: missing or misplaced "${s}"`);
      at = i;
    }
  }
  assert.equal(problems.join('\n'), '');
});

test('the index links every rule page', () => {
  const index = fs.readFileSync(path.join(DOCS, 'README.md'), 'utf8');
  const missing = [...BUILTIN_CODES, ...RULES.map((r) => r.id)].filter((id) => !index.includes(`](${id}.md)`));
  assert.deepEqual(missing, []);
});
