/**
 * Builds the text edit that adds `key: value` to a mapping of a document, matching the file's
 * style: a new line at the indentation of the mapping's keys (block style), `, key: value` before
 * the closing brace (flow style), or a new block under a new parent key when the mapping is absent.
 */
import { isMap, isScalar, type Node, type Pair, type YAMLMap } from 'yaml';
import type { TextEditData } from '../../diagnostic';
import type { ConfigDocument, JsonPath } from '../../model';

export interface MapEntry {
  key: string;
  /** A scalar or flow value, or the lines of a nested block mapping (`["rank: 16", ...]`). */
  value: string | string[];
}

function eol(doc: ConfigDocument): string {
  return doc.lines.text.includes('\r\n') ? '\r\n' : '\n';
}

/** The file's indentation step: the first nested block key's indent, else 2. */
function indentStep(doc: ConfigDocument): number {
  const top = doc.doc.contents;
  if (!isMap(top)) return 2;
  const base = columnOf(doc, top.items[0]);
  for (const pair of top.items) {
    if (isMap(pair.value) && !pair.value.flow && pair.value.items.length > 0) {
      const step = columnOf(doc, pair.value.items[0]) - base;
      if (step > 0) return step;
    }
  }
  return 2;
}

function columnOf(doc: ConfigDocument, pair: Pair | undefined): number {
  const key = pair?.key as Node | undefined;
  return key?.range ? doc.lines.positionAt(key.range[0]).character : 0;
}

/** Offset of the end of the last line that holds content of `pair` (its value, or its key). */
function pairEnd(doc: ConfigDocument, pair: Pair): number {
  const node = (pair.value ?? pair.key) as Node | null;
  let end = node?.range?.[1] ?? 0;
  const text = doc.lines.text;
  while (end > 0 && /\s/.test(text[end - 1]!)) end--;
  return doc.lines.lineEnd(doc.lines.positionAt(Math.max(0, end - 1)).line);
}

function entryLines(entry: MapEntry, indent: string, step: string): string[] {
  if (typeof entry.value === 'string') return [`${indent}${entry.key}: ${entry.value}`];
  return [`${indent}${entry.key}:`, ...entry.value.map((l) => `${indent}${step}${l}`)];
}

/**
 * The edit adding `entry` to the mapping at `mapPath` (after the pair `afterKey` when given), or
 * undefined when the path crosses something that is not a mapping.
 */
export function insertIntoMap(doc: ConfigDocument, mapPath: JsonPath, entry: MapEntry, afterKey?: string): TextEditData | undefined {
  const node = mapPath.length === 0 ? doc.doc.contents : doc.node(mapPath);
  const nl = eol(doc);
  const step = ' '.repeat(indentStep(doc));
  if (node === undefined || node === null) {
    if (mapPath.length === 0) return undefined;
    const parentKey = String(mapPath[mapPath.length - 1]);
    const nested: MapEntry = { key: parentKey, value: entryLines(entry, '', step) };
    return insertIntoMap(doc, mapPath.slice(0, -1), nested);
  }
  if (!isMap(node)) return undefined;
  const map = node as YAMLMap;
  if (map.flow) {
    const end = map.range?.[1];
    if (end === undefined || typeof entry.value !== 'string') return undefined;
    const close = doc.lines.text.lastIndexOf('}', end);
    if (close < 0) return undefined;
    const text = `${map.items.length > 0 ? ', ' : ''}${entry.key}: ${entry.value}`;
    return { range: doc.lines.range(close, close), newText: text };
  }
  const items = map.items as Pair[];
  if (items.length === 0) return undefined;
  const anchor = (afterKey && items.find((p) => isScalar(p.key) && String(p.key.value) === afterKey)) || items[items.length - 1]!;
  const at = pairEnd(doc, anchor);
  const indent = ' '.repeat(columnOf(doc, items[0]));
  return { range: doc.lines.range(at, at), newText: nl + entryLines(entry, indent, step).join(nl) };
}
