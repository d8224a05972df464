/**
 * parseYaml's document limit: a file over it is composed only up to the document the error points
 * at, and the error still gives the file's total; files at or under it are parsed exactly as
 * `parseAllDocuments` parses them.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { parseYaml, DEFAULT_PARSE_LIMITS, YAML_OPTIONS } from '../server/src/config/parse';

const doc = (i: number) => `apiVersion: rlhf-lens/v1\nkind: Pipeline\nmetadata: {name: p${i}}\nstages: []\n`;
const limits = { ...DEFAULT_PARSE_LIMITS, maxDocuments: 5 };

test('over the limit: the error sits on the first extra document and counts them all, comments, "..." and a block scalar holding "---" included', () => {
  const parts = Array.from({ length: 12 }, (_, i) => doc(i));
  // A block scalar with "--- " inside it (indented, so not a marker), a comment-only gap, an explicit end.
  parts[1] = parts[1]!.replace('stages: []', 'description: |\n  --- not a document\nstages: []');
  const text = '# leading comment\n' + parts.join('---\n# between\n') + '...\n';
  const parsed = parseYaml(text, limits);
  const reference = parseAllDocuments(text, YAML_OPTIONS) as unknown as { range: [number, number, number] }[];
  assert.equal(reference.length, 12);
  const limit = parsed.diagnostics.filter((d) => d.code === 'yaml/limit');
  assert.equal(limit.length, 1);
  assert.match(limit[0]!.message, /^File holds 12 YAML documents, more than the limit of 5;/);
  // The sixth document's first line, as the full parse places it.
  assert.deepEqual(limit[0]!.range.start, parsed.lines.positionAt(reference[5]!.range[0]));
  assert.equal(parsed.documents.length, 5);
  assert.deepEqual(parsed.documents.map((d) => (d.value as { metadata: { name: string } }).metadata.name), ['p0', 'p1', 'p2', 'p3', 'p4']);
  assert.deepEqual(parsed.documents.map((d) => [d.start, d.end]), reference.slice(0, 5).map((d) => [d.range[0], d.range[2]]));
});

test('at the limit and under it: the same documents, ranges and diagnostics as a full parse', () => {
  for (const n of [0, 1, 4, 5]) {
    const text = Array.from({ length: n }, (_, i) => doc(i)).join('---\n') + (n ? 'stray: [unclosed\n' : '# only a comment\n');
    const parsed = parseYaml(text, limits);
    const reference = parseAllDocuments(text, YAML_OPTIONS) as unknown as { range: [number, number, number]; errors: unknown[] }[];
    const full = Array.isArray(reference) ? reference : [];
    assert.equal(parsed.documents.length, full.length, `${n} documents`);
    assert.deepEqual(parsed.documents.map((d) => [d.start, d.end]), full.map((d) => [d.range[0], d.range[2]]));
    assert.equal(parsed.diagnostics.filter((d) => d.code === 'yaml/limit').length, 0);
    assert.equal(parsed.diagnostics.filter((d) => d.code === 'yaml/syntax').length, full.reduce((k, d) => k + d.errors.length, 0), `${n}: syntax errors`);
  }
});
