/**
 * The outline of a config file: per document, its top-level blocks; a pipeline's stages grouped by
 * phase with their checks; an experiment's variants and metrics; a pipeline's params. Also a flat
 * list of the names worth finding across the workspace (documents, stages, variants, metrics).
 */
import { isMap, isPair, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { ConfigDocument } from './model';
import type { ConfigFile, Span } from './yaml-path';
import { plural } from '../text/plural';

export type OutlineKind = 'document' | 'block' | 'phase' | 'stage' | 'check' | 'variant' | 'metric' | 'param' | 'field';

export interface OutlineNode {
  name: string;
  detail?: string;
  kind: OutlineKind;
  /** The whole thing. */
  range: Span;
  /** The part to select and reveal: its name. */
  selection: Span;
  children: OutlineNode[];
}

function span(node: Node | null | undefined): Span | undefined {
  return node?.range ? { start: node.range[0], end: node.range[1] } : undefined;
}

function pairSpan(pair: Pair): Span | undefined {
  const k = span(pair.key as Node);
  if (!k) return undefined;
  return { start: k.start, end: span(pair.value as Node)?.end ?? k.end };
}

function text(node: unknown): string | undefined {
  return isScalar(node) && node.value !== null && node.value !== undefined ? String(node.value) : undefined;
}

function field(map: unknown, key: string): Node | undefined {
  if (!isMap(map)) return undefined;
  const pair = map.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
  return (pair?.value ?? undefined) as Node | undefined;
}

/** The items of a sequence of mappings, each named by one of its fields. */
function namedItems(seq: unknown, nameKey: string, kind: OutlineKind, detailKey?: string): OutlineNode[] {
  if (!isSeq(seq)) return [];
  const out: OutlineNode[] = [];
  seq.items.forEach((item, i) => {
    const range = span(item as Node);
    if (!range) return;
    const nameNode = field(item, nameKey);
    const detail = detailKey ? text(field(item, detailKey)) : undefined;
    out.push({
      name: text(nameNode) ?? `#${i + 1}`,
      ...(detail !== undefined ? { detail } : {}),
      kind,
      range,
      selection: span(nameNode) ?? { start: range.start, end: range.start },
      children: [],
    });
  });
  return out;
}

function stagesByPhase(stages: unknown): OutlineNode[] {
  if (!isSeq(stages)) return [];
  const groups = new Map<string, OutlineNode[]>();
  stages.items.forEach((item, i) => {
    const range = span(item as Node);
    if (!range) return;
    const idNode = field(item, 'id');
    const phase = text(field(item, 'phase')) ?? '(no phase)';
    const checks = namedItems(field(item, 'checks'), 'analysis', 'check', 'data').map((c, j) => {
      const check = isSeq(field(item, 'checks')) ? (field(item, 'checks') as { items: unknown[] }).items[j] : undefined;
      const name = text(field(check, 'name'));
      return name ? { ...c, name, detail: c.name } : c;
    });
    const stage: OutlineNode = { name: text(idNode) ?? `stage #${i + 1}`, detail: phase, kind: 'stage', range, selection: span(idNode) ?? { start: range.start, end: range.start }, children: checks };
    const list = groups.get(phase) ?? [];
    list.push(stage);
    groups.set(phase, list);
  });
  return [...groups].map(([phase, list]) => {
    const range = { start: Math.min(...list.map((s) => s.range.start)), end: Math.max(...list.map((s) => s.range.end)) };
    return { name: phase, detail: plural(list.length, 'stage'), kind: 'phase' as const, range, selection: list[0]!.selection, children: list };
  });
}

function mapFields(map: unknown, kind: OutlineKind): OutlineNode[] {
  if (!isMap(map)) return [];
  const out: OutlineNode[] = [];
  for (const pair of map.items) {
    if (!isPair(pair)) continue;
    const range = pairSpan(pair);
    const key = text(pair.key);
    const sel = span(pair.key as Node);
    if (!range || key === undefined || !sel) continue;
    const value = text(pair.value);
    out.push({ name: key, ...(value !== undefined ? { detail: value } : {}), kind, range, selection: sel, children: [] });
  }
  return out;
}

function documentOutline(doc: ConfigDocument): OutlineNode[] {
  const root = doc.doc.contents;
  if (!isMap(root)) return [];
  return mapFields(root, 'block').map((block) => {
    const value = field(root, block.name);
    let children: OutlineNode[] = [];
    if (doc.kind === 'Pipeline' && block.name === 'stages') children = stagesByPhase(value);
    else if (doc.kind === 'Pipeline' && block.name === 'params') children = mapFields(value, 'param');
    else if (doc.kind === 'Experiment' && block.name === 'variants') children = namedItems(value, 'id', 'variant', 'traffic');
    else if (doc.kind === 'Experiment' && block.name === 'metrics') children = namedItems(value, 'name', 'metric', 'type');
    else if (isMap(value)) children = mapFields(value, 'field');
    return { ...block, children };
  });
}

/** The outline: one node per document when the file holds several, else the top-level blocks. */
export function documentSymbols(file: ConfigFile): OutlineNode[] {
  const docs = file.documents.filter((d) => d.doc.contents);
  if (docs.length === 1) return documentOutline(docs[0]!);
  return docs.map((d, i) => {
    const nameNode = field(field(d.doc.contents, 'metadata'), 'name');
    const kindNode = field(d.doc.contents, 'kind');
    const range = { start: d.start, end: d.end };
    return {
      name: text(nameNode) ?? `document ${i + 1}`,
      ...(d.kind ? { detail: d.kind } : {}),
      kind: 'document' as const,
      range,
      selection: span(nameNode) ?? span(kindNode) ?? { start: d.start, end: d.start },
      children: documentOutline(d),
    };
  });
}

export interface FlatSymbol {
  name: string;
  kind: OutlineKind;
  /** What holds it: the document's name. */
  container?: string;
  selection: Span;
}

/** Names worth finding across the workspace: each document's name, its stages, checks, variants and metrics. */
export function flatSymbols(file: ConfigFile): FlatSymbol[] {
  const out: FlatSymbol[] = [];
  for (const d of file.documents) {
    const nameNode = field(field(d.doc.contents, 'metadata'), 'name');
    const docName = text(nameNode);
    const sel = span(nameNode);
    if (docName && sel) out.push({ name: docName, kind: 'document', selection: sel });
    const walk = (nodes: OutlineNode[]): void => {
      for (const n of nodes) {
        if (n.kind === 'stage' || n.kind === 'variant' || n.kind === 'metric' || n.kind === 'check') out.push({ name: n.name, kind: n.kind, ...(docName ? { container: docName } : {}), selection: n.selection });
        walk(n.children);
      }
    };
    walk(documentOutline(d));
  }
  return out;
}
