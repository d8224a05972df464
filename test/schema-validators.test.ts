/**
 * The validators compiled ahead of time (scripts/gen-validators.mjs, Ajv standalone code) are what
 * the schemas on disk give, and report exactly the errors Ajv's run-time compile of the same schemas
 * reports: on every native config document of the fixtures, the examples and ../shared's real
 * pipelines, and on seeded mutations of each (wrong types, unknown keys, values out of range).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { ROOT } from './support/lsp';
import { yamlFiles } from './support/files';
import { mulberry32 } from './support/prng';
import { SCHEMAS } from '../server/src/config/schema';
import * as compiled from '../server/src/config/schema-validators.generated';

const SHARED_PIPELINES = path.resolve(ROOT, '..', 'shared', 'fixtures', 'real', 'pipelines');

test('the generated validators are what scripts/gen-validators.mjs makes of the schemas on disk', () => {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'gen-validators.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `gen-validators --check: ${r.stderr}`);
});

/** A copy of `value` with one leaf or mapping changed, at a spot picked by `rand`. */
function mutate(value: unknown, rand: () => number): unknown {
  const copy = structuredClone(value);
  const spots: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach((x, i) => (spots.push({ parent: v, key: i }), walk(x)));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (spots.push({ parent: v as Record<string, unknown>, key: k }), walk(x));
  };
  walk(copy);
  if (spots.length === 0) return { unexpected: true };
  const { parent, key } = spots[Math.floor(rand() * spots.length)]!;
  const replacements = [42, -1, 1e9, 'a string', 'NOT-a-label!', 'a'.repeat(64), true, null, [], {}, [1, 'x'], { extra: 1 }, 0.5];
  const r = rand();
  if (r < 0.2 && parent && !Array.isArray(parent)) (parent as Record<string, unknown>)[`unknown_${Math.floor(rand() * 100)}`] = 1;
  else if (r < 0.3 && !Array.isArray(parent)) delete (parent as Record<string, unknown>)[key as string];
  else (parent as Record<string, unknown>)[key as string] = replacements[Math.floor(rand() * replacements.length)];
  return copy;
}

test('the generated validators report the same errors as Ajv compiling the schemas at run time', () => {
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
  ajv.addKeyword('markdownEnumDescriptions');
  const runtime: Record<string, ValidateFunction> = Object.fromEntries(Object.entries(SCHEMAS).map(([k, s]) => [k, ajv.compile(s)]));
  const generated: Record<string, ValidateFunction> = compiled;
  const files = [...yamlFiles(path.join(ROOT, 'test', 'fixtures')), ...yamlFiles(path.join(ROOT, 'examples')), ...yamlFiles(SHARED_PIPELINES)];
  const rand = mulberry32(7);
  let documents = 0;
  let withErrors = 0;
  const kinds = new Set<string>();
  for (const file of files) {
    for (const doc of parseAllDocuments(fs.readFileSync(file, 'utf8'), { uniqueKeys: false })) {
      const value = doc.toJS({ maxAliasCount: 1000 }) as { kind?: unknown } | null;
      const kind = value && typeof value === 'object' ? String(value.kind) : '';
      if (!(kind in runtime)) continue;
      kinds.add(kind);
      for (const candidate of [value, ...Array.from({ length: 8 }, () => mutate(value, rand))]) {
        const a = runtime[kind]!(candidate);
        const b = generated[kind]!(candidate);
        const where = `${path.relative(ROOT, file)} (${kind}): ${JSON.stringify(candidate).slice(0, 200)}`;
        assert.equal(b, a, `valid or not: ${where}`);
        // Every field, the schema and parent schema objects included (compared by value).
        assert.deepEqual(generated[kind]!.errors ?? null, runtime[kind]!.errors ?? null, `errors: ${where}`);
        documents++;
        if (!a) withErrors++;
      }
    }
  }
  assert.deepEqual([...kinds].sort(), ['Experiment', 'Pipeline', 'TrainingConfig'], 'every native kind is compared');
  assert.ok(documents > 200 && withErrors > 100, `compared ${documents} documents, ${withErrors} with errors`);
});
