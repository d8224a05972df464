/**
 * Names a config file defines and uses, with their spans: stage ids (defined by `- id:`, used in
 * `needs` and `${{ stages.ID... }}`), params (`params:` keys, `${{ params.X }}`), stage outputs
 * (`outputs:` keys, `${{ stages.S.outputs.X }}`) and variant ids. Go to definition, find references
 * and rename all read this one list, so they can never disagree.
 */
import { isMap, isScalar } from 'yaml';
import type { ConfigDocument } from './model';
import { pipelineModel } from './pipeline-model';
import { fileReferences, resolveReference } from './references';
import type { ConfigFile, Span } from './yaml-path';

export type NameKind = 'stage' | 'param' | 'output' | 'variant';

export interface Occurrence {
  kind: NameKind;
  name: string;
  /** For outputs: the id of the stage that owns them. */
  scope?: string;
  span: Span;
  isDefinition: boolean;
  /** Which `---` document it is in: names never cross documents. */
  documentIndex: number;
}

const NAME_PATTERNS: Record<NameKind, { re: RegExp; words: string }> = {
  stage: { re: /^[a-z0-9][a-z0-9_-]*$/, words: 'lowercase letters, digits, "-" and "_", starting with a letter or digit' },
  variant: { re: /^[a-z0-9][a-z0-9_-]*$/, words: 'lowercase letters, digits, "-" and "_", starting with a letter or digit' },
  param: { re: /^[A-Za-z_][A-Za-z0-9_]*$/, words: 'letters, digits and "_", not starting with a digit' },
  output: { re: /^[A-Za-z0-9_][A-Za-z0-9_-]*$/, words: 'letters, digits, "-" and "_"' },
};

/** The span of a scalar's text without its quotes. */
function scalarSpan(doc: ConfigDocument, node: unknown): Span | undefined {
  if (!isScalar(node) || !node.range) return undefined;
  let [start, end] = node.range;
  const first = doc.lines.text[start];
  if ((first === '"' || first === "'") && end - start >= 2) {
    start++;
    end--;
  }
  return { start, end };
}

function stringValue(node: unknown): string | undefined {
  return isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number') ? String(node.value) : undefined;
}

function pipelineOccurrences(doc: ConfigDocument, out: Omit<Occurrence, 'documentIndex'>[]): void {
  const params = doc.node(['params']);
  if (isMap(params)) {
    for (const pair of params.items) {
      const name = stringValue(pair.key);
      const span = scalarSpan(doc, pair.key);
      if (name !== undefined && span) out.push({ kind: 'param', name, span, isDefinition: true });
    }
  }
  const model = pipelineModel(doc);
  for (const stage of model.stages) {
    const idNode = doc.node(['stages', stage.index, 'id']);
    const idSpan = scalarSpan(doc, idNode);
    if (stage.id !== undefined && idSpan) out.push({ kind: 'stage', name: stage.id, span: idSpan, isDefinition: true });
    for (const need of stage.needs) {
      const span = scalarSpan(doc, doc.node(['stages', stage.index, 'needs', need.position]));
      if (span) out.push({ kind: 'stage', name: need.id, span, isDefinition: false });
    }
    const outputs = doc.node(['stages', stage.index, 'outputs']);
    if (isMap(outputs) && stage.id !== undefined) {
      for (const pair of outputs.items) {
        const name = stringValue(pair.key);
        const span = scalarSpan(doc, pair.key);
        if (name !== undefined && span) out.push({ kind: 'output', name, scope: stage.id, span, isDefinition: true });
      }
    }
  }
  for (const site of model.expressions) {
    const segs = site.expression.segments;
    if (!segs || segs.length < 2) continue;
    const [root, a, b, c] = segs;
    if (root!.name === 'params') out.push({ kind: 'param', name: a!.name, span: { start: a!.start, end: a!.end }, isDefinition: false });
    if (root!.name === 'stages') {
      out.push({ kind: 'stage', name: a!.name, span: { start: a!.start, end: a!.end }, isDefinition: false });
      if (b?.name === 'outputs' && c) out.push({ kind: 'output', name: c.name, scope: a!.name, span: { start: c.start, end: c.end }, isDefinition: false });
    }
  }
}

function experimentOccurrences(doc: ConfigDocument, out: Omit<Occurrence, 'documentIndex'>[]): void {
  const variants = doc.value && typeof doc.value === 'object' ? (doc.value as Record<string, unknown>)['variants'] : undefined;
  if (!Array.isArray(variants)) return;
  variants.forEach((_, i) => {
    const node = doc.node(['variants', i, 'id']);
    const name = stringValue(node);
    const span = scalarSpan(doc, node);
    if (name !== undefined && span) out.push({ kind: 'variant', name, span, isDefinition: true });
  });
}

/** Every definition and use of a name in the file, in document order. */
export function occurrences(file: ConfigFile): Occurrence[] {
  const out: Occurrence[] = [];
  file.documents.forEach((doc, documentIndex) => {
    const found: Omit<Occurrence, 'documentIndex'>[] = [];
    if (doc.kind === 'Pipeline') pipelineOccurrences(doc, found);
    else if (doc.kind === 'Experiment') experimentOccurrences(doc, found);
    for (const o of found) out.push({ ...o, documentIndex });
  });
  return out.sort((a, b) => a.span.start - b.span.start);
}

/** The occurrence under the cursor (touching either end of it). */
export function occurrenceAt(all: readonly Occurrence[], offset: number): Occurrence | undefined {
  return all.find((o) => o.span.start <= offset && offset <= o.span.end);
}

function sameName(a: Occurrence, b: Occurrence): boolean {
  return a.kind === b.kind && a.name === b.name && a.scope === b.scope && a.documentIndex === b.documentIndex;
}

export function definitionOf(all: readonly Occurrence[], target: Occurrence): Occurrence | undefined {
  return all.find((o) => o.isDefinition && sameName(o, target));
}

export function referencesOf(all: readonly Occurrence[], target: Occurrence, includeDeclaration: boolean): Occurrence[] {
  return all.filter((o) => sameName(o, target) && (includeDeclaration || !o.isDefinition));
}

export type RenamePlan = { spans: Span[] } | { error: string };

/** The spans to rewrite when renaming the name under the cursor, or why it cannot be renamed to `newName`. */
export function planRename(all: readonly Occurrence[], offset: number, newName: string): RenamePlan {
  const target = occurrenceAt(all, offset);
  if (!target) return { error: 'Only stage ids, params, stage outputs and variant ids can be renamed here.' };
  const rule = NAME_PATTERNS[target.kind];
  if (!rule.re.test(newName)) return { error: `"${newName}" is not a valid ${target.kind} name: use ${rule.words}.` };
  const taken = all.some((o) => o.isDefinition && sameName(o, { ...target, name: newName }));
  if (taken && newName !== target.name) return { error: `A ${target.kind} named "${newName}" already exists.` };
  return { spans: referencesOf(all, target, true).map((o) => o.span) };
}

/** The file a path value under the cursor points at (absolute), when there is one. */
export function referencedFileAt(file: ConfigFile, offset: number, filePath: string): { target: string; span: Span } | undefined {
  for (const doc of file.documents) {
    if (offset < doc.start || offset > doc.end) continue;
    for (const ref of fileReferences(doc)) {
      const span = scalarSpan(doc, doc.node(ref.path));
      if (span && span.start <= offset && offset <= span.end) return { target: resolveReference(filePath, ref.value), span };
    }
  }
  return undefined;
}
