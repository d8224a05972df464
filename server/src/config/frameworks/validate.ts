/**
 * Checks a framework config's keys and values against the option table generated from the
 * framework's own source (schemas/frameworks/*.json): unknown keys (with did-you-mean), values of
 * the wrong type, values outside a closed set of choices, deprecated options. Pure.
 */
import type { ConfigDocument, JsonPath } from '../model';
import type { FixData, Range } from '../diagnostic';
import { isFrameworkKind, type FrameworkKind } from '../kind';
import { didYouMean } from '../did-you-mean';
import { FRAMEWORK_NAMES, FRAMEWORK_SCHEMAS, type FrameworkOption, type FrameworkSchema } from './schemas';

export type FrameworkProblemCode = 'framework/unknown-key' | 'framework/type' | 'framework/enum' | 'framework/deprecated';

export interface FrameworkProblem {
  code: FrameworkProblemCode;
  range: Range;
  message: string;
  fixes?: FixData[];
}

const cache = new WeakMap<ConfigDocument, FrameworkProblem[]>();

/** The problems of one framework document, computed once and shared by the four rules. */
export function frameworkProblems(doc: ConfigDocument): FrameworkProblem[] {
  let hit = cache.get(doc);
  if (!hit) cache.set(doc, (hit = compute(doc)));
  return hit;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function typeList(o: FrameworkOption): string[] {
  return o.type === undefined ? [] : Array.isArray(o.type) ? o.type : [o.type];
}

/** The JSON type of a YAML value, with the coercions pydantic and argparse accept (1 is a number, "2" an integer...). */
function matchesType(value: unknown, types: string[]): boolean {
  if (types.length === 0) return true;
  for (const t of types) {
    switch (t) {
      case 'null':
        if (value === null) return true;
        break;
      case 'string':
        if (typeof value === 'string') return true;
        break;
      case 'integer':
        if (typeof value === 'number' && Number.isInteger(value)) return true;
        if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return true;
        break;
      case 'number':
        if (typeof value === 'number') return true;
        if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return true;
        break;
      case 'boolean':
        if (typeof value === 'boolean') return true;
        if (typeof value === 'string' && /^(true|false)$/i.test(value)) return true;
        break;
      case 'array':
        if (Array.isArray(value)) return true;
        break;
      case 'object':
        if (record(value)) return true;
        break;
    }
  }
  // HF's "auto" values in DeepSpeed files filled in by the Trainer: any option may say "auto".
  return false;
}

const TYPE_WORDS: Record<string, string> = { string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false', array: 'a list', object: 'a mapping', null: 'empty (null)' };

function describeValue(v: unknown): string {
  if (v === null) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the string "${v.length > 40 ? v.slice(0, 40) + '...' : v}"`;
  return `${typeof v} ${String(v)}`;
}

function keysFor(schema: FrameworkSchema): string[] {
  return Object.keys(schema.properties);
}

function compute(doc: ConfigDocument): FrameworkProblem[] {
  if (!isFrameworkKind(doc.kind)) return [];
  const kind: FrameworkKind = doc.kind;
  const schema = FRAMEWORK_SCHEMAS[kind];
  const root = record(doc.value);
  if (!root) return [];
  const out: FrameworkProblem[] = [];
  const name = FRAMEWORK_NAMES[kind];
  const where = `${name} ${schema.version}`;
  const plugins = Array.isArray(root['plugins']) ? root['plugins'].map(String) : [];
  checkMap(doc, [], root, schema.properties, { kind, schema, name, where, plugins, top: true }, out);
  return out;
}

interface Ctx {
  kind: FrameworkKind;
  schema: FrameworkSchema;
  name: string;
  where: string;
  plugins: string[];
  top: boolean;
}

function checkMap(doc: ConfigDocument, at: JsonPath, value: Record<string, unknown>, props: Record<string, FrameworkOption>, ctx: Ctx, out: FrameworkProblem[]): void {
  const known = Object.keys(props);
  for (const [key, v] of Object.entries(value)) {
    const path = [...at, key];
    const opt = props[key];
    if (!opt) {
      // DeepSpeed reads top-level sections in many modules: only its ZeRO section is closed.
      if (ctx.top && ctx.schema.topLevelOpen) continue;
      const suggestion = didYouMean(key, known);
      const range = doc.keyRange(path);
      const effect = at.length === 0 ? ctx.schema.unknownKeyEffect : `${ctx.name} rejects or ignores keys its \`${at.join('.')}\` section does not define`;
      out.push({
        code: 'framework/unknown-key',
        range,
        message: `"${key}" is not a ${ctx.where} option${at.length ? ` of ${at.join('.')}` : ''}${suggestion ? `; did you mean "${suggestion}"?` : '.'} ${capitalize(effect)}.`,
        ...(suggestion ? { fixes: [{ title: `Rename to "${suggestion}"`, edits: [{ range, newText: suggestion }], safe: true }] } : {}),
      });
      continue;
    }
    checkValue(doc, path, v, opt, ctx, out);
  }
}

function capitalize(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) : s;
}

/**
 * axolotl and DeepSpeed validate with pydantic, so a wrong type stops the launch. LLaMA-Factory and TRL
 * build dataclasses from the dict without checking, and their __post_init__ often converts (a string
 * loss_type becomes a list): there only a clearly wrong value is reported.
 */
const STRICT_TYPES: ReadonlySet<FrameworkKind> = new Set(['axolotl', 'deepspeed']);

function clearlyWrong(v: unknown, types: string[]): boolean {
  const scalar = types.filter((t) => t !== 'null');
  if (scalar.length === 0) return false;
  if ((Array.isArray(v) || record(v)) && !scalar.includes('array') && !scalar.includes('object')) return true;
  if (typeof v === 'string' && scalar.every((t) => t === 'integer' || t === 'number' || t === 'boolean')) return true;
  return false;
}

function checkValue(doc: ConfigDocument, path: JsonPath, v: unknown, opt: FrameworkOption, ctx: Ctx, out: FrameworkProblem[]): void {
  const key = String(path[path.length - 1]);
  if (opt.removedAfter) {
    out.push({
      code: 'framework/deprecated',
      range: doc.keyRange(path),
      message: `"${key}" is an option of ${opt.removedAfter} (what alignment-handbook recipes are written for) that ${ctx.where} no longer has; run it with that TRL, or replace it.`,
    });
    return;
  }
  if (opt.deprecated) {
    const why = typeof opt.deprecated === 'string' ? opt.deprecated : opt.description && opt.description.toLowerCase() !== 'deprecated' ? opt.description : `deprecated in ${opt.source ?? 'its source'}`;
    const hf = ctx.schema.sources.find((s) => s.repository === 'huggingface/transformers');
    const origin = hf && (opt.source === 'TrainingArguments' || opt.source === 'Seq2SeqTrainingArguments') ? `transformers ${hf.version} (used by ${ctx.where})` : ctx.where;
    out.push({ code: 'framework/deprecated', range: doc.keyRange(path), message: `"${key}" is deprecated in ${origin}: ${why.replace(/\.$/, '')}.` });
  }
  if (opt.plugin && ctx.top && !ctx.plugins.some((p) => p.includes(opt.plugin!))) {
    // A plugin's option without the plugin: axolotl ignores it. Reported as unknown, naming the plugin.
    out.push({
      code: 'framework/unknown-key',
      range: doc.keyRange(path),
      message: `"${key}" is an option of axolotl's ${opt.plugin} plugin, which "plugins:" does not load; without it the setting is silently ignored.`,
    });
    return;
  }
  if (v === null || v === undefined) return; // an empty value means "the default" everywhere
  if (v === 'auto' && ctx.kind === 'deepspeed') return; // the HF Trainer fills "auto" in
  const types = typeList(opt);
  if (!matchesType(v, types) && (STRICT_TYPES.has(ctx.kind) || clearlyWrong(v, types))) {
    out.push({
      code: 'framework/type',
      range: doc.valueRange(path),
      message: `"${key}" should be ${types.filter((t) => t !== 'null').map((t) => TYPE_WORDS[t] ?? t).join(' or ')} for ${ctx.where}, not ${describeValue(v)}.`,
    });
    return;
  }
  if (opt.enum && opt.enum.length && !opt.enumOpen && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
    const allowed = opt.enum.map(String);
    // A value of another accepted type (bf16: auto | true) is not held to the choices.
    const enumTypes = new Set(opt.enum.map((e) => (typeof e === 'number' ? 'number' : typeof e)));
    const vt = typeof v === 'number' ? 'number' : typeof v;
    if (enumTypes.has(vt) && !allowed.includes(String(v))) {
      const suggestion = typeof v === 'string' ? didYouMean(v, allowed) : undefined;
      const range = doc.valueRange(path);
      const list = allowed.length > 12 ? `${allowed.slice(0, 12).join(', ')}, ...` : allowed.join(', ');
      out.push({
        code: 'framework/enum',
        range,
        message: `"${String(v)}" is not a ${ctx.where} choice for "${key}" (${list}).${suggestion ? ` Did you mean "${suggestion}"?` : ''}`,
        ...(suggestion ? { fixes: [{ title: `Change to "${suggestion}"`, edits: [{ range, newText: suggestion }], safe: true }] } : {}),
      });
    }
  }
  // Closed nested sections: DeepSpeed's zero_optimization (its pydantic model forbids extra keys).
  if (ctx.kind === 'deepspeed' && path.length === 1 && key === 'zero_optimization' && opt.properties && record(v)) {
    checkMap(doc, path, record(v)!, opt.properties, { ...ctx, top: false }, out);
  }
}

export { keysFor };
