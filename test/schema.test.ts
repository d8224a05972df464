/**
 * The JSON schemas document themselves (description + examples everywhere, a description per enum
 * value), their examples are valid, and the examples of the formats contract lint clean.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { parseAllDocuments } from 'yaml';
import { ROOT } from './support/lsp';
import { SCHEMAS } from '../server/src/config/schema';
import { lintText } from '../server/src/config/lint';

type Schema = Record<string, unknown>;

/** Every property schema in a schema, with its JSON-pointer-like path. */
function properties(schema: Schema, at = ''): [string, Schema][] {
  const out: [string, Schema][] = [];
  const visit = (s: unknown, p: string): void => {
    if (!s || typeof s !== 'object') return;
    const o = s as Schema;
    for (const [name, sub] of Object.entries((o['properties'] as Record<string, Schema> | undefined) ?? {})) {
      out.push([`${p}.${name}`, sub]);
      visit(sub, `${p}.${name}`);
    }
    if (o['items']) visit(o['items'], `${p}[]`);
    if (o['additionalProperties'] && typeof o['additionalProperties'] === 'object') visit(o['additionalProperties'], `${p}.*`);
  };
  visit(schema, at);
  return out;
}

test('every property has a description and examples; every enum has one description per value', () => {
  const problems: string[] = [];
  for (const [kind, schema] of Object.entries(SCHEMAS)) {
    const props = properties(schema);
    assert.ok(props.length > 20, `${kind}: only ${props.length} properties`);
    for (const [p, s] of props) {
      if (typeof s['description'] !== 'string' || !(s['description'] as string).length) problems.push(`${kind}${p}: no description`);
      if (!Array.isArray(s['examples']) || !(s['examples'] as unknown[]).length) problems.push(`${kind}${p}: no examples`);
      if (Array.isArray(s['enum'])) {
        const d = s['markdownEnumDescriptions'];
        if (!Array.isArray(d) || d.length !== (s['enum'] as unknown[]).length) problems.push(`${kind}${p}: enum descriptions do not match the enum`);
      }
    }
  }
  assert.equal(problems.join('\n'), '');
});

test('every example in the schemas is valid against its own property schema', () => {
  const ajv = new Ajv({ strict: false, allowUnionTypes: true });
  const problems: string[] = [];
  for (const [kind, schema] of Object.entries(SCHEMAS)) {
    for (const [p, s] of properties(schema)) {
      const { examples, ...rest } = s;
      // Sub-schemas are compiled on their own; the root's definitions are inlined, so this is complete.
      const validate = ajv.compile(rest);
      for (const ex of (examples as unknown[] | undefined) ?? []) {
        const valid: boolean = validate(ex);
        const ok = valid || (typeof ex === 'string' && ex.includes('${{'));
        if (!ok) problems.push(`${kind}${p}: example ${JSON.stringify(ex)} is invalid: ${ajv.errorsText(validate.errors)}`);
      }
    }
  }
  assert.equal(problems.join('\n'), '');
});

test('the complete examples of the formats contract produce no schema or core-rule diagnostics', (t) => {
  const formats = path.resolve(ROOT, '..', 'shared', 'design', 'formats.md');
  if (!fs.existsSync(formats)) {
    t.skip(`${formats} is absent`);
    return;
  }
  const blocks = [...fs.readFileSync(formats, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const complete = blocks.filter((b) => parseAllDocuments(b).every((d) => (d.toJS() as Schema | null)?.['kind'] && /\n(stages|variants|method):/.test(b)));
  assert.equal(complete.length, 3, 'expected the Pipeline, Experiment and TrainingConfig examples');
  for (const text of complete) {
    const kind = /^kind: (\w+)/m.exec(text)![1]!;
    const diags = lintText(text, { path: `/virtual/example.${kind === 'TrainingConfig' ? 'training' : kind.toLowerCase()}.yaml` });
    const core = diags.filter((d) => /^(yaml|schema|meta|pipeline|expr|check)\//.test(d.code));
    assert.deepEqual(core.map((d) => `${d.range.start.line + 1} ${d.code} ${d.message}`), [], kind);
  }
});
