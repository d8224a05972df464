/**
 * What pipeline rules share about one Pipeline document, built once per document in one pass:
 * its stages (ids, needs, phases, outputs) and every `${{ }}` expression with the stage it sits in.
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import type { ConfigDocument, JsonPath } from './model';
import { findExpressions, type Expression } from './expressions';

export const PHASES = ['data_collection', 'training', 'evaluation', 'deployment'] as const;

export interface NeedRef {
  id: string;
  /** Index of the entry in the stage's `needs` list. */
  position: number;
}

export interface StageInfo {
  index: number;
  id: string | undefined;
  phase: string | undefined;
  needs: NeedRef[];
  outputs: Set<string>;
}

export interface ExpressionSite {
  expression: Expression;
  /** Path of the string value holding the expression. */
  path: JsonPath;
  /** Index of the stage the value belongs to, if any. */
  stageIndex: number | undefined;
}

export interface PipelineModel {
  stages: StageInfo[];
  /** Index of the first stage with each id. */
  byId: Map<string, number>;
  params: Set<string>;
  expressions: ExpressionSite[];
}

const cache = new WeakMap<ConfigDocument, PipelineModel>();

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function collectExpressions(doc: ConfigDocument, node: Node | null | undefined, path: (string | number)[], out: ExpressionSite[]): void {
  if (!node) return;
  if (isScalar(node)) {
    if (typeof node.value === 'string' && node.range && node.value.includes('${{')) {
      const source = doc.lines.text.slice(node.range[0], node.range[1]);
      const stageIndex = path[0] === 'stages' && typeof path[1] === 'number' ? path[1] : undefined;
      for (const expression of findExpressions(source, node.range[0])) out.push({ expression, path: path.slice(), stageIndex });
    }
  } else if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      if (key === undefined) continue;
      path.push(key);
      collectExpressions(doc, pair.value as Node | null, path, out);
      path.pop();
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      path.push(i);
      collectExpressions(doc, item as Node | null, path, out);
      path.pop();
    });
  }
}

export function pipelineModel(doc: ConfigDocument): PipelineModel {
  const cached = cache.get(doc);
  if (cached) return cached;
  const root = record(doc.value) ?? {};
  const rawStages = Array.isArray(root['stages']) ? (root['stages'] as unknown[]) : [];
  const stages: StageInfo[] = [];
  const byId = new Map<string, number>();
  rawStages.forEach((raw, index) => {
    const s = record(raw) ?? {};
    const id = typeof s['id'] === 'string' ? s['id'] : undefined;
    const needs: NeedRef[] = [];
    if (Array.isArray(s['needs'])) s['needs'].forEach((n, position) => typeof n === 'string' && needs.push({ id: n, position }));
    const outputs = new Set(Object.keys(record(s['outputs']) ?? {}));
    stages.push({ index, id, phase: typeof s['phase'] === 'string' ? s['phase'] : undefined, needs, outputs });
    if (id !== undefined && !byId.has(id)) byId.set(id, index);
  });
  const expressions: ExpressionSite[] = [];
  collectExpressions(doc, doc.doc.contents as Node | null, [], expressions);
  const model: PipelineModel = { stages, byId, params: new Set(Object.keys(record(root['params']) ?? {})), expressions };
  cache.set(doc, model);
  return model;
}

/** True when stage `from` transitively needs stage `target` (depth-first, visits each stage once). */
export function isUpstream(model: PipelineModel, from: number, target: number): boolean {
  const seen = new Set<number>([from]);
  const stack = [from];
  while (stack.length) {
    const cur = model.stages[stack.pop()!]!;
    for (const need of cur.needs) {
      const i = model.byId.get(need.id);
      if (i === undefined || seen.has(i)) continue;
      if (i === target) return true;
      seen.add(i);
      stack.push(i);
    }
  }
  return false;
}
