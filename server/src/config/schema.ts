/**
 * JSON-Schema validation of config documents against schemas/*.schema.json, with errors turned into
 * diagnostics a person can act on: precise ranges, plain words, allowed values, "did you mean".
 *
 * The validators are compiled ahead of time (scripts/gen-validators.mjs, Ajv's standalone code):
 * the server generates no code at run time, and the first document of a kind is checked without
 * waiting about 100 ms for Ajv to compile its schema.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import * as compiled from './schema-validators.generated';
import pipelineSchema from '../../../schemas/pipeline.schema.json';
import experimentSchema from '../../../schemas/experiment.schema.json';
import trainingSchema from '../../../schemas/training.schema.json';
import { isNativeKind, type NativeKind } from './kind';
import type { ConfigDocument, JsonPath } from './model';
import type { FixData, Range } from './diagnostic';
import { didYouMean, listOf, suggestionSuffix } from './did-you-mean';
import { noun } from '../text/plural';

export const SCHEMAS: Record<NativeKind, Record<string, unknown>> = {
  Pipeline: pipelineSchema as Record<string, unknown>,
  Experiment: experimentSchema as Record<string, unknown>,
  TrainingConfig: trainingSchema as Record<string, unknown>,
};

/** The codes schema validation reports (each has a docs page docs/rules/schema/<name>.md). */
export const SCHEMA_CODES = [
  'schema/required',
  'schema/type',
  'schema/enum',
  'schema/unknown-property',
  'schema/pattern',
  'schema/range',
  'schema/unique-items',
] as const;
export type SchemaCode = (typeof SCHEMA_CODES)[number];

export interface SchemaProblem {
  code: SchemaCode;
  range: Range;
  message: string;
  fixes?: FixData[];
}

/** Problems a dedicated rule reports better: any at apiVersion/kind (meta/*), an unknown analysis name (check/unknown-analysis). */
const OWNED_BY_RULES: { path: RegExp; keywords?: readonly string[] }[] = [
  { path: /^\/apiVersion$/ },
  { path: /^\/kind$/ },
  { path: /^\/stages\/\d+\/checks\/\d+\/analysis$/, keywords: ['enum'] },
];

/** Plain-words names of the patterns used in the schemas. */
const PATTERN_NAMES: Record<string, string> = {
  '^(?=[0-9])([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?$': 'a duration such as "30s", "15m", "2h", "1d" or "1h30m"',
  '^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|KB|MB|GB|TB|PB)$': 'a memory quantity such as "512Mi", "16Gi" or "80GB"',
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$': 'a lowercase DNS label: letters a-z, digits and "-", starting and ending with a letter or digit',
  '^[a-z0-9][a-z0-9_-]*$': 'an id of lowercase letters, digits, "-" and "_", starting with a letter or digit',
  '^\\s*[+-]?[0-9]+(\\.[0-9]+)?([eE][+-]?[0-9]+)?\\s*%?\\s*$': 'a change such as "+2%", "-1%" or an absolute number such as 0.01',
  '^[A-Za-z_][A-Za-z0-9_]*$': 'an identifier of letters, digits and "_", not starting with a digit',
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?$': 'an ISO date such as "2026-11-01"',
};

/** One validator per kind, generated from SCHEMAS (a test checks they are generated from these files). */
const VALIDATORS: Record<NativeKind, ValidateFunction> = compiled;

function pathOf(instancePath: string): (string | number)[] {
  if (!instancePath) return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** `stages[2].resources` for messages; "the document" for the root. */
export function describePath(path: JsonPath): string {
  if (path.length === 0) return 'the document';
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string "${value.length > 40 ? value.slice(0, 40) + '...' : value}"`;
  if (typeof value === 'number') return Number.isInteger(value) ? `the integer ${value}` : `the number ${value}`;
  return `${typeof value} ${String(value)}`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
  null: 'null',
};

function replaceFix(range: Range, newText: string, title: string): FixData {
  return { title, edits: [{ range, newText }], safe: true };
}

function problemFor(e: ErrorObject, doc: ConfigDocument): SchemaProblem | undefined {
  const path = pathOf(e.instancePath);
  const where = describePath(path);
  const parentSchema = e.parentSchema as { properties?: Record<string, unknown>; description?: string } | undefined;
  switch (e.keyword) {
    case 'required': {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      const target = path.length === 0 ? `this ${doc.kind ?? ''} document`.replace('  ', ' ') : where;
      return { code: 'schema/required', range: doc.anchorRange(path), message: `Missing required property "${missing}" in ${target}.` };
    }
    case 'additionalProperties': {
      const prop = (e.params as { additionalProperty: string }).additionalProperty;
      const allowed = Object.keys(parentSchema?.properties ?? {});
      const suggestion = didYouMean(prop, allowed);
      const keyRange = doc.keyRange([...path, prop]);
      return {
        code: 'schema/unknown-property',
        range: keyRange,
        message: `Unknown property "${prop}" in ${where}.${suggestionSuffix(suggestion)}${allowed.length ? ` Allowed: ${listOf(allowed)}.` : ''}`,
        fixes: suggestion ? [replaceFix(keyRange, suggestion, `Change "${prop}" to "${suggestion}"`)] : undefined,
      };
    }
    case 'enum':
    case 'const': {
      const allowed = e.keyword === 'enum' ? (e.schema as unknown[]) : [e.schema];
      const value = e.data;
      const suggestion = typeof value === 'string' ? didYouMean(value, allowed.filter((a): a is string => typeof a === 'string')) : undefined;
      const range = doc.valueRange(path);
      return {
        code: 'schema/enum',
        range,
        message: `${where} is ${typeName(value)}, which is not allowed; use ${listOf(allowed)}.${suggestionSuffix(suggestion)}`,
        fixes: suggestion ? [replaceFix(range, suggestion, `Change to "${suggestion}"`)] : undefined,
      };
    }
    case 'type': {
      const wanted = String(e.schema)
        .split(',')
        .map((t) => TYPE_WORDS[t] ?? t)
        .join(' or ');
      return { code: 'schema/type', range: doc.valueRange(path), message: `${where} must be ${wanted}, not ${typeName(e.data)}.` };
    }
    case 'pattern': {
      const pattern = String(e.schema);
      const name = PATTERN_NAMES[pattern] ?? `text matching the pattern ${pattern}`;
      const propertyName = (e as ErrorObject & { propertyName?: string }).propertyName;
      if (propertyName !== undefined) {
        return { code: 'schema/pattern', range: doc.keyRange([...path, propertyName]), message: `The key "${propertyName}" in ${where} must be ${name}.` };
      }
      return { code: 'schema/pattern', range: doc.valueRange(path), message: `${where} is ${typeName(e.data)}; it must be ${name}.` };
    }
    case 'maxLength':
    case 'minLength': {
      const limit = e.schema as number;
      const text = e.keyword === 'maxLength' ? `at most ${limit} characters long` : limit === 1 ? 'non-empty' : `at least ${limit} characters long`;
      return { code: 'schema/range', range: doc.valueRange(path), message: `${where} must be ${text} (it has ${String(e.data).length}).` };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const words = { minimum: 'at least', maximum: 'at most', exclusiveMinimum: 'greater than', exclusiveMaximum: 'less than' }[e.keyword];
      return { code: 'schema/range', range: doc.valueRange(path), message: `${where} is ${String(e.data)}; it must be ${words} ${String(e.schema)}.` };
    }
    case 'minItems':
    case 'maxItems': {
      const limit = e.schema as number;
      const count = Array.isArray(e.data) ? e.data.length : 0;
      const words = e.keyword === 'minItems' ? `at least ${limit}` : `at most ${limit}`;
      return { code: 'schema/range', range: doc.valueRange(path), message: `${where} must have ${words} ${noun(limit, 'item')} (it has ${count}).` };
    }
    case 'minProperties':
    case 'maxProperties': {
      const limit = e.schema as number;
      const words = e.keyword === 'minProperties' ? `at least ${limit}` : `at most ${limit}`;
      const allowed = Object.keys(parentSchema?.properties ?? {});
      const hint = e.keyword === 'minProperties' && allowed.length ? ` (${listOf(allowed)})` : '';
      return { code: 'schema/range', range: doc.anchorRange(path), message: `${where} must have ${words} entr${limit === 1 ? 'y' : 'ies'}${hint}; it is empty.` };
    }
    case 'uniqueItems': {
      const { i, j } = e.params as { i: number; j: number };
      return {
        code: 'schema/unique-items',
        range: doc.valueRange([...path, Math.max(i, j)]),
        message: `${where} lists ${typeName((e.data as unknown[])[Math.max(i, j)])} twice (items ${Math.min(i, j) + 1} and ${Math.max(i, j) + 1}); each item may appear once.`,
      };
    }
    case 'propertyNames':
      return undefined; // the nested pattern error names the key
    default:
      return { code: 'schema/type', range: doc.valueRange(path), message: `${where}: ${e.message ?? 'is not valid'}.` };
  }
}

/** Schema problems of one document whose kind is known; at most one per (location, code). */
export function validateAgainstSchema(doc: ConfigDocument): SchemaProblem[] {
  if (!isNativeKind(doc.kind)) return [];
  const validate = VALIDATORS[doc.kind];
  if (validate(doc.value)) return [];
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  const typeFailed = new Set<string>();
  const errors = validate.errors ?? [];
  for (const e of errors) if (e.keyword === 'type') typeFailed.add(e.instancePath);
  for (const e of errors) {
    if (OWNED_BY_RULES.some((o) => o.path.test(e.instancePath) && (!o.keywords || o.keywords.includes(e.keyword)))) continue;
    // A value of the wrong type also fails its pattern/range keywords; the type error says it all.
    if (e.keyword !== 'type' && typeFailed.has(e.instancePath)) continue;
    const p = problemFor(e, doc);
    if (!p) continue;
    if (p.message.startsWith('the document')) p.message = 'T' + p.message.slice(1);
    const key = `${p.code}@${p.range.start.line}:${p.range.start.character}@${p.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}
