/**
 * Completion for config files, as plain data: which items to offer at a cursor offset and which span
 * of the text each one replaces. Keys and values come from the kind's schema; stage ids, params,
 * outputs and env names from the document; analyses and metrics from the analysis catalogue; file
 * paths from a list the caller supplies (this module reads no directories).
 */
import { KINDS, kindFromPath, type ConfigKind } from './kind';
import type { ConfigDocument, JsonPath } from './model';
import { cursorContext, readConfigFile, type ConfigFile, type CursorContext, type Span } from './yaml-path';
import { describeSchema, rootSchema, schemaAt, typesOf, type SchemaNode } from './completion-schema';
import { ANALYSIS_BY_NAME } from './analysis-catalog';
import { PHASES } from './pipeline-model';

export type CompletionEntryKind = 'property' | 'value' | 'reference' | 'file' | 'snippet' | 'variable';

export interface CompletionEntry {
  label: string;
  kind: CompletionEntryKind;
  /** Short text shown next to the label (a type, a param's value). */
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** Text inserted over `replace`; a snippet (with `$1`, `${1|a,b|}`) when `snippet` is true. */
  insertText: string;
  snippet: boolean;
  replace: Span;
  /** Offered first when set (lower sorts first). */
  sortText?: string;
}

export interface CompletionEnv {
  /** Absolute path of the file being edited (picks the kind when `kind:` is missing). */
  filePath: string;
  /** Files below the folder of the file, as relative paths with `/` separators. Called only where a path is wanted. */
  listFiles: () => readonly string[];
}

const DATA_EXTENSIONS = ['.jsonl', '.json', '.csv', '.tsv', '.gz'];
const KIND_FILES: Record<string, string[]> = {
  training: ['.training.yaml', '.training.yml'],
  experiment: ['.experiment.yaml', '.experiment.yml'],
};

/** Which file names a path-valued value accepts, or undefined when the value is not a path. */
export function pathExtensions(kind: ConfigKind, path: JsonPath): string[] | undefined {
  const key = path[path.length - 1];
  if (kind === 'Pipeline' && path[0] === 'stages' && typeof path[1] === 'number') {
    if (path.length === 3 && (key === 'training' || key === 'experiment')) return KIND_FILES[key];
    if (path.length === 5 && path[2] === 'checks' && (key === 'data' || key === 'reference' || key === 'baseline')) return DATA_EXTENSIONS;
    if (path.length === 4 && path[2] === 'inputs') return [''];
  }
  if (kind === 'Experiment' && path.length === 1 && key === 'data') return DATA_EXTENSIONS;
  if (kind === 'TrainingConfig') {
    if (path.length === 2 && path[0] === 'dataset' && (key === 'train' || key === 'eval')) return DATA_EXTENSIONS;
    if (path.length === 1 && key === 'reward_model') return KIND_FILES['training'];
  }
  return undefined;
}

function record(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function scalarText(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

/** What to insert after `key:` for a value of this schema, as a snippet (on one line inside `{ }` / `[ ]`). */
function valueSnippet(schema: SchemaNode, inFlow: boolean): string {
  const types = typesOf(schema);
  if (schema.enum?.length) return ` \${1|${schema.enum.map((v) => String(v).replace(/[,|]/g, '\\$&')).join(',')}|}`;
  if (inFlow) return types[0] === 'object' ? ' {$0}' : types[0] === 'array' ? ' [$0]' : ' $0';
  if (types[0] === 'object') return '\n  $0';
  if (types[0] === 'array') return schema.items && typesOf(schema.items)[0] === 'object' ? '\n  - $0' : ' [$0]';
  if (types[0] === 'boolean') return ' ${1|true,false|}';
  return ' $0';
}

function keyEntries(schema: SchemaNode, present: readonly string[], replace: Span, inFlow = false): CompletionEntry[] {
  const props = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  return Object.entries(props)
    .filter(([name]) => !present.includes(name))
    .map(([name, sub]) => ({
      label: name,
      kind: 'property' as const,
      detail: typesOf(sub).join(' | ') || undefined,
      documentation: describeSchema(sub),
      insertText: `${name}:${valueSnippet(sub, inFlow)}`,
      snippet: true,
      replace,
      sortText: `${required.has(name) ? '0' : '1'}${name}`,
    }));
}

function enumEntries(schema: SchemaNode, replace: Span): CompletionEntry[] {
  return (schema.enum ?? []).map((v, i) => ({
    label: String(v),
    kind: 'value' as const,
    documentation: schema.markdownEnumDescriptions?.[i],
    insertText: String(v),
    snippet: false,
    replace,
  }));
}

const NEW_ITEM_SNIPPETS: { kind: ConfigKind; collection: string; label: string; body: string; documentation: string }[] = [
  {
    kind: 'Pipeline',
    collection: 'stages',
    label: 'new stage',
    body: 'id: ${1:stage-id}\nphase: ${2|data_collection,training,evaluation,deployment|}\nneeds: [$3]\nrun: ${4:python main.py}\noutputs:\n  ${5:result}: ${6:data/result.jsonl}',
    documentation: 'A stage with an id, a phase, its upstream stages, a command and an output.',
  },
  {
    kind: 'Experiment',
    collection: 'variants',
    label: 'new variant',
    body: 'id: ${1:treatment}\nadapters: [$2]\ntraffic: ${3:0.5}',
    documentation: 'A variant with its adapters and traffic share.',
  },
  {
    kind: 'Experiment',
    collection: 'metrics',
    label: 'new metric',
    body: 'name: ${1:success}\ntype: ${2|binomial,continuous|}\ncolumn: ${3:$1}\ndirection: ${4|increase,decrease|}',
    documentation: 'A metric read from a column of the results data.',
  },
];

/**
 * Stage ids for `needs:`: only stages that keep the graph acyclic (not the stage itself, not one
 * already listed, not one that already depends on this stage directly or through others), earlier
 * phases first, then in file order.
 */
function stageIdEntries(doc: ConfigDocument, ctx: CursorContext): CompletionEntry[] {
  const stages = list(record(doc.value)['stages']).map(record);
  const own = typeof ctx.path[1] === 'number' ? (stages[ctx.path[1]] ?? {}) : {};
  const ownId = typeof own['id'] === 'string' ? own['id'] : undefined;
  const already = new Set(list(own['needs']).map(String));
  const dependents = ownId === undefined ? new Set<string>() : dependentsOf(stages, ownId);
  const phaseRank = (s: Record<string, unknown>): number => {
    const i = (PHASES as readonly unknown[]).indexOf(s['phase']);
    return i < 0 ? PHASES.length : i;
  };
  return stages
    .map((s, index) => ({ s, index }))
    .filter(({ s }) => typeof s['id'] === 'string' && s['id'] !== ownId && !already.has(s['id'] as string) && !dependents.has(s['id'] as string))
    .map(({ s, index }) => ({
      label: s['id'] as string,
      kind: 'reference' as const,
      detail: typeof s['phase'] === 'string' ? s['phase'] : undefined,
      insertText: s['id'] as string,
      snippet: false,
      replace: ctx.word,
      sortText: `${phaseRank(s)}-${String(index).padStart(5, '0')}`,
    }));
}

/** Ids of the stages that need `id`, directly or through other stages (adding one to its needs would close a cycle). */
function dependentsOf(stages: Record<string, unknown>[], id: string): Set<string> {
  const neededBy = new Map<string, string[]>();
  for (const s of stages) {
    if (typeof s['id'] !== 'string') continue;
    for (const need of list(s['needs'])) {
      const key = String(need);
      neededBy.set(key, [...(neededBy.get(key) ?? []), s['id']]);
    }
  }
  const out = new Set<string>();
  const todo = [id];
  while (todo.length > 0) {
    for (const next of neededBy.get(todo.pop()!) ?? []) {
      if (!out.has(next)) {
        out.add(next);
        todo.push(next);
      }
    }
  }
  return out;
}

function expressionEntries(doc: ConfigDocument | undefined, ctx: CursorContext): CompletionEntry[] {
  const value = record(doc?.value);
  const segments = ctx.expression!.beforeCursor.split('.');
  const done = segments.slice(0, -1);
  const replace = ctx.word;
  const entry = (label: string, detail?: string, insertText = label, documentation?: string): CompletionEntry => ({
    label,
    kind: 'variable',
    detail,
    documentation,
    insertText,
    snippet: false,
    replace,
  });
  if (done.length === 0) {
    return [
      entry('params', 'pipeline parameter', 'params.', 'A value from `params:`, e.g. `params.since`.'),
      entry('stages', 'stage output', 'stages.', 'An output of an upstream stage: `stages.ID.outputs.NAME`.'),
      entry('env', 'environment variable', 'env.', 'An environment variable: `env.NAME`.'),
      entry('metadata', 'document metadata', 'metadata.name', 'The `metadata.name` of this document.'),
    ];
  }
  const [root, ...rest] = done;
  if (root === 'params' && rest.length === 0) {
    return Object.entries(record(value['params'])).map(([k, v]) => entry(k, scalarText(v)));
  }
  if (root === 'metadata' && rest.length === 0) return [entry('name', scalarText(record(value['metadata'])['name']))];
  if (root === 'env' && rest.length === 0) {
    const names = new Map<string, unknown>();
    const stages = list(value['stages']).map(record);
    const own = typeof ctx.path[1] === 'number' && ctx.path[0] === 'stages' ? stages[ctx.path[1]] : undefined;
    for (const src of [value['env'], record(value['defaults'])['env'], own?.['env']]) for (const [k, v] of Object.entries(record(src))) names.set(k, v);
    return [...names].map(([k, v]) => entry(k, scalarText(v)));
  }
  if (root === 'stages') {
    const stages = list(value['stages']).map(record);
    if (rest.length === 0) {
      return stages.filter((s) => typeof s['id'] === 'string').map((s) => entry(s['id'] as string, typeof s['phase'] === 'string' ? s['phase'] : undefined, `${s['id'] as string}.outputs.`));
    }
    if (rest.length === 1) return [entry('outputs', undefined, 'outputs.')];
    if (rest.length === 2 && rest[1] === 'outputs') {
      const stage = stages.find((s) => s['id'] === rest[0]);
      return Object.entries(record(stage?.['outputs'])).map(([k, v]) => entry(k, scalarText(v)));
    }
  }
  return [];
}

function fileEntries(extensions: string[], ctx: CursorContext, env: CompletionEnv): CompletionEntry[] {
  return env
    .listFiles()
    .filter((f) => extensions.some((ext) => f.toLowerCase().endsWith(ext)))
    .map((f) => ({ label: f, kind: 'file' as const, insertText: f, snippet: false, replace: ctx.word }));
}

function metricEntries(doc: ConfigDocument, ctx: CursorContext): CompletionEntry[] {
  // ctx.path is [stages, i, checks, j, assert]
  const check = record(record(list(record(list(record(doc.value)['stages'])[ctx.path[1] as number])['checks'])[ctx.path[3] as number]));
  const analysis = ANALYSIS_BY_NAME.get(String(check['analysis']));
  if (!analysis) return [];
  return analysis.metrics
    .filter((m) => !ctx.siblingKeys.includes(m.name))
    .map((m) => ({
      label: m.name,
      kind: 'property' as const,
      detail: `${analysis.name} metric`,
      documentation: m.description,
      insertText: `${m.name}: {\${1|min,max|}: $2}`,
      snippet: true,
      replace: ctx.word,
    }));
}

function isCheckAssert(kind: ConfigKind, path: JsonPath): boolean {
  return kind === 'Pipeline' && path.length === 5 && path[0] === 'stages' && path[2] === 'checks' && path[4] === 'assert';
}

/** The completion items at `offset` in a config file's text (`file`: the text already parsed, if at hand). */
export function completionsAt(text: string, offset: number, env: CompletionEnv, file: ConfigFile = readConfigFile(text, env.filePath)): CompletionEntry[] {
  const ctx = cursorContext(text, offset);
  if (!ctx) return [];
  const doc = file.documents[ctx.documentIndex];
  const kind = doc?.kind ?? kindFromPath(env.filePath);

  if (ctx.role === 'expression') return expressionEntries(doc, ctx);

  if (!kind) {
    // No kind yet: help write the envelope.
    if (ctx.role === 'key' && ctx.path.length === 0) return keyEntries(rootSchema('Pipeline'), ctx.siblingKeys, ctx.word).filter((e) => e.label === 'apiVersion' || e.label === 'kind');
    if (ctx.role === 'value' && ctx.path.length === 1 && ctx.path[0] === 'kind') {
      return KINDS.map((k) => ({ label: k, kind: 'value' as const, insertText: k, snippet: false, replace: ctx.word }));
    }
    if (ctx.role === 'value' && ctx.path.length === 1 && ctx.path[0] === 'apiVersion') return enumEntries(schemaAt('Pipeline', ['apiVersion'])!, ctx.word);
    return [];
  }

  if (ctx.role === 'key') {
    if (doc && isCheckAssert(kind, ctx.path)) return metricEntries(doc, ctx);
    const schema = schemaAt(kind, ctx.path);
    return schema ? keyEntries(schema, ctx.siblingKeys, ctx.word, ctx.inFlow) : [];
  }

  // A value.
  const schema = schemaAt(kind, ctx.path);
  const out: CompletionEntry[] = [];
  if (ctx.inSequence && ctx.path.length === 2) {
    for (const s of NEW_ITEM_SNIPPETS) {
      if (s.kind === kind && s.collection === ctx.path[0]) {
        out.push({ label: s.label, kind: 'snippet', documentation: s.documentation, insertText: s.body, snippet: true, replace: ctx.word, sortText: '0' });
      }
    }
  }
  if (schema && typesOf(schema).includes('object') && ctx.inSequence) out.push(...keyEntries(schema, [], ctx.word));
  if (schema?.enum) out.push(...enumEntries(schema, ctx.word));
  else if (schema && typesOf(schema).includes('boolean')) out.push(...enumEntries({ enum: [true, false] }, ctx.word));
  if (doc && kind === 'Pipeline' && ctx.path.length === 4 && ctx.path[0] === 'stages' && ctx.path[2] === 'needs') out.push(...stageIdEntries(doc, ctx));
  const extensions = pathExtensions(kind, ctx.path);
  if (extensions) out.push(...fileEntries(extensions, ctx, env));
  // Completion right after a typed `key:` (the `:` trigger character) must add the space YAML needs.
  if (text[ctx.word.start - 1] === ':') for (const e of out) e.insertText = ` ${e.insertText}`;
  return out;
}
