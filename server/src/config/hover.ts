/**
 * Hover text for config files, as markdown with the span it describes: the schema's description (and
 * allowed values) for keys and enum values, what a `${{ }}` expression resolves to, the stage a
 * `needs` entry names, and the analysis or metric of a check.
 */
import { isFrameworkKind, kindFromPath } from './kind';
import { frameworkSummary } from './frameworks/summary';
import { effectiveHardware } from './frameworks/hardware';
import type { HardwareProfile } from './project';
import type { ConfigDocument, JsonPath } from './model';
import { cursorContext, readConfigFile, type ConfigFile, type Span } from './yaml-path';
import { describeSchema, schemaAt, typesOf } from './completion-schema';
import { findExpressions } from './expressions';
import { ANALYSIS_BY_NAME } from './analysis-catalog';
import { experimentSummary, trainingSummary } from './estimates/summaries';
import { NO_FACTS, type WorkspaceFacts } from './workspace-facts';

export interface HoverResult {
  markdown: string;
  range: Span;
}

/**
 * The estimates worth showing under a hover: a TrainingConfig's batch, steps and memory on its top-level
 * keys, `hyperparameters` and `hardware`; an Experiment's sample size on its `analysis` block.
 */
function estimates(doc: ConfigDocument, path: JsonPath, facts: WorkspaceFacts, filePath: string, hardware?: HardwareProfile): string | undefined {
  if (isFrameworkKind(doc.kind) && path.length === 1 && (path[0] === 'base_model' || path[0] === 'model_name_or_path')) return frameworkSummary(doc, facts, filePath, hardware);
  if (doc.kind === 'TrainingConfig' && (path.length === 1 || path[0] === 'hyperparameters' || path[0] === 'hardware')) {
    const lines = trainingSummary(doc.value, facts, filePath);
    // Each statement is its own paragraph; list items stay together.
    return lines.length ? lines.map((l, i) => (i > 0 && !l.startsWith('- ') ? `\n${l}` : l)).join('\n') : undefined;
  }
  if (doc.kind === 'Experiment' && path[0] === 'analysis') return experimentSummary(doc.value);
  return undefined;
}

function record(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function code(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return `\`${s.replace(/`/g, "'")}\``;
}

/** What `params.X`, `stages.S.outputs.O`, `env.X` or `metadata.name` stands for in this document. */
function describeReference(doc: ConfigDocument | undefined, names: string[], stageIndex: number | undefined): string {
  const value = record(doc?.value);
  const [root, a, b, c] = names;
  const ref = `\`${names.join('.')}\``;
  if (root === 'params' && a !== undefined) {
    const params = record(value['params']);
    return a in params ? `${ref} = ${code(params[a])}\n\nPipeline parameter, from \`params:\`.` : `${ref}: no parameter \`${a}\` is defined in \`params:\`.`;
  }
  if (root === 'stages' && a !== undefined && b === 'outputs' && c !== undefined) {
    const stage = list(value['stages']).map(record).find((s) => s['id'] === a);
    if (!stage) return `${ref}: no stage \`${a}\` in this pipeline.`;
    const outputs = record(stage['outputs']);
    return c in outputs ? `${ref} = ${code(outputs[c])}\n\nOutput \`${c}\` of stage \`${a}\` (${String(stage['phase'] ?? 'no phase')}).` : `${ref}: stage \`${a}\` has no output \`${c}\`.`;
  }
  if (root === 'env' && a !== undefined) {
    const stage = stageIndex !== undefined ? record(list(value['stages'])[stageIndex]) : {};
    for (const [where, env] of [
      ['the stage', stage['env']],
      ['`defaults.env`', record(value['defaults'])['env']],
      ['the pipeline `env`', value['env']],
    ] as const) {
      const vars = record(env);
      if (a in vars) return `${ref} = ${code(vars[a])}\n\nSet in ${where}.`;
    }
    return `${ref}: taken from the environment when the stage runs.`;
  }
  if (root === 'metadata' && a === 'name') return `${ref} = ${code(record(value['metadata'])['name'])}`;
  return `${ref}: not a reference this pipeline can resolve.`;
}

function describeStage(doc: ConfigDocument, id: string): string | undefined {
  const stage = list(record(doc.value)['stages']).map(record).find((s) => s['id'] === id);
  if (!stage) return undefined;
  const lines = [`**Stage \`${id}\`**`, `phase: ${String(stage['phase'] ?? '(none)')}`];
  if (stage['run'] !== undefined) lines.push(`run: ${code(Array.isArray(stage['run']) ? stage['run'].join(' ') : stage['run'])}`);
  const needs = list(stage['needs']);
  if (needs.length) lines.push(`needs: ${needs.map((n) => code(n)).join(', ')}`);
  const outputs = Object.keys(record(stage['outputs']));
  if (outputs.length) lines.push(`outputs: ${outputs.map((n) => code(n)).join(', ')}`);
  return lines.join('\n\n');
}

function checkAt(doc: ConfigDocument, path: JsonPath): Record<string, unknown> {
  return record(list(record(list(record(doc.value)['stages'])[path[1] as number])['checks'])[path[3] as number]);
}

/** The hover at `offset`; `facts` lets the training summary count the rows of its dataset. */
export function hoverAt(
  text: string,
  offset: number,
  filePath: string,
  facts: WorkspaceFacts = NO_FACTS,
  file: ConfigFile = readConfigFile(text, filePath),
  /** The project's declared hardware (`.rlhf-lens.yaml`); the file's modeline applies on top. */
  projectHardware?: HardwareProfile,
): HoverResult | undefined {
  const hardware = effectiveHardware(projectHardware, text);
  const ctx = cursorContext(text, offset, file);
  if (!ctx) return undefined;
  const doc = file.documents[ctx.documentIndex];
  const kind = doc?.kind ?? kindFromPath(filePath);

  if (ctx.role === 'expression') {
    const expr = findExpressions(text.slice(ctx.expression!.start - 3, ctx.expression!.end + 2), ctx.expression!.start - 3)[0];
    if (!expr?.segments) return undefined;
    const stageIndex = ctx.path[0] === 'stages' && typeof ctx.path[1] === 'number' ? ctx.path[1] : undefined;
    return { markdown: describeReference(doc, expr.segments.map((s) => s.name), stageIndex), range: { start: expr.start, end: expr.end } };
  }
  if (!kind || !ctx.word.text) return undefined;
  const range = { start: ctx.word.start, end: ctx.word.end };
  const isCheck = kind === 'Pipeline' && ctx.path[0] === 'stages' && ctx.path[2] === 'checks' && typeof ctx.path[3] === 'number';

  if (ctx.role === 'key') {
    const keyPath = [...ctx.path, ctx.word.text];
    const parts: string[] = [];
    if (doc && isCheck && ctx.path.length === 5 && ctx.path[4] === 'assert') {
      const analysis = ANALYSIS_BY_NAME.get(String(checkAt(doc, ctx.path)['analysis']));
      const metric = analysis?.metrics.find((m) => m.name === ctx.word.text);
      if (metric) parts.push(`**${metric.name}** (${analysis!.name} metric)\n\n${metric.description}`);
    } else if (kind === 'Pipeline' && ctx.path.length === 1 && ctx.path[0] === 'params') {
      parts.push(`**Parameter \`${ctx.word.text}\`**, referenced as \`\${{ params.${ctx.word.text} }}\`.`);
    } else {
      const schema = schemaAt(kind, keyPath);
      if (schema) {
        const types = typesOf(schema).join(' | ');
        parts.push(`**${ctx.word.text}**${types ? ` (${types})` : ''}\n\n${describeSchema(schema)}`.trim());
      }
    }
    const extra = doc && estimates(doc, keyPath, facts, filePath, hardware);
    if (extra) parts.push(extra);
    return parts.length ? { markdown: parts.join('\n\n---\n\n'), range } : undefined;
  }

  // A value.
  const parts: string[] = [];
  if (doc && kind === 'Pipeline' && ctx.path.length === 4 && ctx.path[2] === 'needs') {
    const stage = describeStage(doc, ctx.word.text);
    if (stage) parts.push(stage);
  }
  if (doc && isCheck && ctx.path.length === 5 && ctx.path[4] === 'analysis') {
    const analysis = ANALYSIS_BY_NAME.get(ctx.word.text);
    if (analysis) parts.push(`**Analysis \`${analysis.name}\`**\n\n${analysis.description}\n\nMetrics: ${analysis.metrics.map((m) => `\`${m.name}\``).join(', ')}`);
  }
  const schema = schemaAt(kind, ctx.path);
  if (schema && !parts.length) {
    const i = schema.enum?.findIndex((v) => String(v) === ctx.word.text) ?? -1;
    const meaning = i >= 0 ? schema.markdownEnumDescriptions?.[i] : undefined;
    if (meaning) parts.push(`\`${ctx.word.text}\`: ${meaning}`);
    const text = schema.markdownDescription ?? schema.description;
    if (text) parts.push(text);
  }
  const extra = doc && estimates(doc, ctx.path, facts, filePath, hardware);
  if (extra) parts.push(extra);
  return parts.length ? { markdown: parts.join('\n\n---\n\n'), range } : undefined;
}
