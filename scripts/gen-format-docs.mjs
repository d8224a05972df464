// Regenerates the property tables of docs/formats.md from schemas/*.schema.json, so that the schema
// stays the one place a property is described. Only the text between
//   <!-- BEGIN GENERATED: <kind> -->  and  <!-- END GENERATED: <kind> -->
// is rewritten; the prose around it is edited by hand.
//
//   node scripts/gen-format-docs.mjs            rewrite docs/formats.md
//   node scripts/gen-format-docs.mjs --check    exit 1 if docs/formats.md is out of date
//   --doc PATH                                  another file (the tests use it)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KINDS = ['pipeline', 'experiment', 'training'];

const code = (v) => `\`${typeof v === 'string' ? v : JSON.stringify(v)}\``;
const cell = (text) => text.replace(/\|/g, '\\|').replace(/\n+/g, ' ').trim();

function typeOf(schema) {
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  return types
    .map((t) => {
      if (t === 'array' && schema.items?.type) {
        const items = [schema.items.type].flat();
        return items.length > 1 ? `(${items.join(' or ')})[]` : `${items[0]}[]`;
      }
      if (t === 'object' && !schema.properties && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        const inner = typeOf(schema.additionalProperties);
        return inner ? `map of ${inner}` : 'map';
      }
      return t;
    })
    .join(' or ');
}

/** The constraints JSON Schema states, in words an ML engineer reads quickly. */
function constraints(schema) {
  const out = [];
  if (schema.enum) {
    const described = schema.markdownEnumDescriptions;
    out.push(
      described
        ? `One of: ${schema.enum.map((v, i) => `${code(v)} (${described[i].replace(/\.$/, '')})`).join('; ')}.`
        : `One of ${schema.enum.map(code).join(', ')}.`,
    );
  }
  if (schema.pattern) out.push(`Pattern ${code(schema.pattern)}.`);
  const bounds = [];
  if (schema.minimum !== undefined) bounds.push(`>= ${schema.minimum}`);
  if (schema.exclusiveMinimum !== undefined) bounds.push(`> ${schema.exclusiveMinimum}`);
  if (schema.maximum !== undefined) bounds.push(`<= ${schema.maximum}`);
  if (schema.exclusiveMaximum !== undefined) bounds.push(`< ${schema.exclusiveMaximum}`);
  if (bounds.length) out.push(`Range ${bounds.join(', ')}.`);
  if (schema.maxLength !== undefined) out.push(`At most ${schema.maxLength} characters.`);
  if (schema.minItems !== undefined) out.push(`At least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}.`);
  if (schema.uniqueItems) out.push('No duplicates.');
  if (schema.propertyNames?.pattern) out.push(`Keys match ${code(schema.propertyNames.pattern)}.`);
  const example = schema.examples?.[0];
  if (example !== undefined && !schema.enum) out.push(`Example: ${code(example)}.`);
  return out.join(' ');
}

/** One row per property, depth first, arrays of objects as `stages[].id`. */
function rows(schema, prefix, required, out) {
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    const key = `${prefix}${name}`;
    out.push(`| ${code(key)} | ${cell(typeOf(prop))} | ${required.has(name) ? 'yes' : ''} | ${cell([prop.description ?? '', constraints(prop)].filter(Boolean).join(' '))} |`);
    if (prop.properties) rows(prop, `${key}.`, new Set(prop.required ?? []), out);
    const items = prop.items;
    if (items?.properties) rows(items, `${key}[].`, new Set(items.required ?? []), out);
    const values = prop.additionalProperties;
    if (values && typeof values === 'object' && values.properties) rows(values, `${key}.NAME.`, new Set(values.required ?? []), out);
  }
  return out;
}

export function renderTable(schema) {
  const lines = ['| Property | Type | Required | Description |', '|---|---|---|---|'];
  return [...lines, ...rows(schema, '', new Set(schema.required ?? []), [])].join('\n');
}

export function renderFormatsDoc(doc, schemas) {
  let text = doc;
  for (const [kind, schema] of Object.entries(schemas)) {
    const begin = `<!-- BEGIN GENERATED: ${kind} -->`;
    const end = `<!-- END GENERATED: ${kind} -->`;
    const from = text.indexOf(begin);
    const to = text.indexOf(end);
    if (from < 0 || to < from) throw new Error(`the doc has no "${begin}" ... "${end}" section`);
    const generated = `${begin}\n<!-- Generated from schemas/${kind}.schema.json by scripts/gen-format-docs.mjs: edit the schema, then run it and npm run validators. -->\n\n${renderTable(schema)}\n\n`;
    text = text.slice(0, from) + generated + text.slice(to);
  }
  return text;
}

function readSchemas() {
  return Object.fromEntries(KINDS.map((k) => [k, JSON.parse(fs.readFileSync(path.join(ROOT, 'schemas', `${k}.schema.json`), 'utf8'))]));
}

const invokedDirectly = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(fileURLToPath(import.meta.url));
if (invokedDirectly) {
  const args = process.argv.slice(2);
  const docIndex = args.indexOf('--doc');
  const docPath = docIndex >= 0 ? path.resolve(args[docIndex + 1]) : path.join(ROOT, 'docs', 'formats.md');
  const current = fs.readFileSync(docPath, 'utf8');
  let next;
  try {
    next = renderFormatsDoc(current, readSchemas());
  } catch (err) {
    console.error(`${path.relative(process.cwd(), docPath)}: ${err.message}`);
    process.exit(2);
  }
  if (args.includes('--check')) {
    if (next !== current) {
      console.error(`${path.relative(process.cwd(), docPath)} is out of date with schemas/: run \`node scripts/gen-format-docs.mjs\``);
      process.exit(1);
    }
    console.log(`${path.relative(process.cwd(), docPath)} is up to date`);
  } else if (next !== current) {
    fs.writeFileSync(docPath, next);
    console.log(`updated ${path.relative(process.cwd(), docPath)}`);
  } else console.log(`${path.relative(process.cwd(), docPath)} was already up to date`);
}
