/**
 * Incremental reparse: after an edit, parse only the block it falls in and reuse the rest of the
 * previous parse, so a keystroke in a 20,000-line pipeline does not reparse 20,000 lines.
 *
 * A *unit* is one item of the top-level block mapping (a key with its value) or one item of a block
 * collection that is the value of a top-level key (a stage of `stages:`, a key of `params:`). Each unit
 * owns whole lines: from the line of its key or `-` to the line where the next sibling starts (blank
 * and comment lines in between included), or to the end of the text for the last one. An edit is
 * mapped to the run of units it touches; their new text is parsed alone, as a collection at the same
 * indentation, and its items replace the old ones; the nodes after it are shifted by the length delta.
 *
 * The answer must be exactly what `parseYaml` gives for the whole text; anything this module cannot
 * vouch for returns undefined and the caller parses the whole text: a previous parse with any
 * diagnostic, several documents, directives, anchors or aliases near the edit, document markers, a
 * new text that does not parse on its own without errors or warnings, starts at another column, is
 * another kind of collection, repeats a key of a sibling, empties the collection, or is flow style.
 * `test/incremental-parse.test.ts` checks node ranges, values and lint diagnostics against a full
 * parse over thousands of random edits.
 */
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, type Document, type Node, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';
import { LineIndex } from './line-index';
import { findExcessiveFlowNesting, YAML_OPTIONS, type ParseLimits, type ParsedFile } from './parse';

/** Why the last attempt fell back to a full parse (for tests and the server's log); undefined when it did not. */
export let lastFallback: string | undefined;

type Collection = YAMLMap<unknown, unknown> | YAMLSeq<unknown>;
type Item = Pair<unknown, unknown> | unknown;

interface Span {
  /** The collection the units belong to, and its item indexes [first, last]. */
  parent: Collection;
  first: number;
  last: number;
  /** [start, end) of the units' text in the previous text. */
  start: number;
  end: number;
  /** Column of the parent's items (their key or `-`). */
  column: number;
  /** The top-level key whose value `parent` is (undefined when parent is the top-level map). */
  topIndex: number | undefined;
}

function fail(why: string): undefined {
  lastFallback = why;
  return undefined;
}

const lineStart = (text: string, offset: number): number => text.lastIndexOf('\n', offset - 1) + 1;

/** Where an item's line starts, when the item starts its own line the simple way: `key:` or `- value`, indented by spaces only. */
function itemLine(text: string, parent: Collection, item: Item): { start: number; column: number } | undefined {
  const node = (isPair(item) ? item.key : item) as Node | null;
  if (!node || !node.range) return undefined;
  const at = node.range[0];
  const start = lineStart(text, at);
  const before = text.slice(start, at);
  if (isMap(parent)) {
    if (!/^ *$/.test(before) || !isScalar(node)) return undefined;
    return { start, column: at - start };
  }
  const m = /^( *)- +$/.exec(before);
  if (!m) return undefined;
  return { start, column: m[1]!.length };
}

function isBlockCollection(n: unknown): n is Collection {
  return (isMap(n) || isSeq(n)) && !n.flow && n.items.length > 0;
}

/** Text before the top-level content that could change how the rest parses (%YAML, %TAG). */
const DIRECTIVE = /^%/m;
const DOC_MARKER = /^(?:---|\.\.\.)(?:\s|$)/m;
const ANCHOR_OR_ALIAS = /(?:^|[\s[{,:-])[&*][^\s]/;
const PROTO = '__proto__';
/** The stand-in key the items of a key's value are parsed under. */
const UNIT_KEY = '__rlhf_lens_unit__';

/** The span of units of `parent` touched by the changed range [from, to) of the previous text. */
function unitSpan(text: string, parent: Collection, from: number, to: number, limitEnd: number, topIndex: number | undefined): Span | undefined {
  const items = parent.items as Item[];
  const lines: { start: number; column: number }[] = [];
  // Only the items near the edit need their line; binary search on their node start.
  const startOf = (i: number): number => {
    const it = items[i];
    const node = (isPair(it) ? it.key : it) as Node | null;
    return node?.range?.[0] ?? -1;
  };
  let lo = 0;
  let hi = items.length - 1;
  // Last item whose line starts at or before `from`.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    const s = startOf(mid);
    if (s < 0) return undefined;
    if (lineStart(text, s) <= from) lo = mid;
    else hi = mid - 1;
  }
  const first = lo;
  let last = first;
  while (last + 1 < items.length) {
    const s = startOf(last + 1);
    if (s < 0) return undefined;
    // The next unit starts at its line; an edit that reaches it (or ends right at it, on a unit that is not the last) takes it too.
    if (lineStart(text, s) < to) last++;
    else break;
  }
  for (let i = first; i <= last + 1 && i < items.length; i++) {
    const l = itemLine(text, parent, items[i]);
    if (!l) return undefined;
    lines.push(l);
  }
  const column = lines[0]!.column;
  if (lines.some((l) => l.column !== column)) return undefined;
  const start = lines[0]!.start;
  if (from < start) return undefined;
  const end = last + 1 < items.length ? lines[lines.length - 1]!.start : limitEnd;
  if (to > end) return undefined;
  return { parent, first, last, start, end, column, topIndex };
}

/** Shifts every offset of a node and its descendants by `delta`. */
function shiftNode(node: unknown, delta: number): void {
  if (!node || typeof node !== 'object') return;
  if (isPair(node)) {
    shiftNode(node.key, delta);
    shiftNode(node.value, delta);
    return;
  }
  const n = node as Node;
  if (n.range) n.range = [n.range[0] + delta, n.range[1] + delta, n.range[2] + delta];
  if (isMap(n) || isSeq(n)) for (const it of n.items) shiftNode(it, delta);
}

function keyOf(item: Item): string | undefined {
  if (!isPair(item) || !isScalar(item.key) || typeof item.key.value !== 'string') return undefined;
  return item.key.value;
}

/**
 * The parse of `next`, reusing `prev` (the parse of the previous text of the same document with the
 * same limits), or undefined when the whole text must be parsed. Every check comes before the first
 * change: on undefined `prev` is untouched. On success `prev`'s nodes are updated in place and belong
 * to the new text: the caller drops `prev` for the old one.
 */
export function reparseIncremental(prev: ParsedFile, next: string, limits: ParseLimits): ParsedFile | undefined {
  lastFallback = undefined;
  const old = prev.text;
  if (prev.diagnostics.length > 0) return fail('the previous parse has diagnostics');
  if (prev.documents.length !== 1) return fail('not exactly one document');
  if (next.length > limits.maxDocumentChars) return fail('over maxDocumentChars');
  const pd = prev.documents[0]!;
  const doc = pd.doc;
  if (pd.hasErrors || doc.errors.length > 0 || doc.warnings.length > 0) return fail('the previous document has errors or warnings');
  const top = doc.contents;
  if (!isMap(top) || top.flow || top.items.length === 0 || !top.range || !doc.range) return fail('the document is not a block mapping');
  if (pd.value === null || typeof pd.value !== 'object' || Array.isArray(pd.value)) return fail('no mapping value');
  for (const it of top.items) {
    const k = keyOf(it);
    if (k === undefined || k === PROTO) return fail('a top-level key that is not a plain string');
  }

  // The changed range [from, to) of the old text: common prefix and suffix of the two texts.
  let p = 0;
  const minLen = Math.min(old.length, next.length);
  while (p < minLen && old.charCodeAt(p) === next.charCodeAt(p)) p++;
  if (p === old.length && p === next.length) return { ...prev, documents: [{ ...pd }] };
  let s = 0;
  while (s < minLen - p && old.charCodeAt(old.length - 1 - s) === next.charCodeAt(next.length - 1 - s)) s++;
  const from = p;
  const to = old.length - s;
  const delta = next.length - old.length;
  if (from < top.range[0]) return fail('edit before the first key');
  if (DIRECTIVE.test(old.slice(0, top.range[0]))) return fail('directives');
  if (old.includes('\r') || next.slice(from, next.length - s).includes('\r')) return fail('CR line ends');

  let span = pickSpan(old, top, from, to);
  if (!span) return fail('edit not within units');
  // Lines put before the first item could belong to the unit above (the trailing lines of a `|+` block
  // scalar): then that unit is parsed again too.
  if (span.first > 0 && from === span.start && !/^ *(?:- |-$|[^\s#])/.test(next.slice(span.start, span.start + 200))) {
    span = pickSpan(old, top, span.start - 1, to);
    if (!span) return fail('edit not within units');
  }
  const newEnd = span.end + delta;
  if (newEnd < span.start) return fail('edit outside the span');
  const oldUnits = old.slice(span.start, span.end);
  const newUnits = next.slice(span.start, newEnd);
  if (span.end < old.length && !newUnits.endsWith('\n')) return fail('the new text does not end its line');
  if (DOC_MARKER.test(newUnits) || DIRECTIVE.test(newUnits)) return fail('document markers or directives in the edit');
  if (ANCHOR_OR_ALIAS.test(oldUnits) || ANCHOR_OR_ALIAS.test(newUnits)) return fail('anchors or aliases near the edit');
  if (newUnits.includes('\u0000')) return fail('NUL');
  if (findExcessiveFlowNesting(next, limits.maxNestingDepth) >= 0) return fail('nesting limit');

  // The new units, parsed alone but in the context that decides their ranges: under a stand-in key when
  // they are the items of a key's value, followed by the first line of what comes after them (whose
  // node is dropped): a value left empty at the end of the units ends where it would in the whole text.
  const nested = span.topIndex !== undefined;
  const header = nested ? `${UNIT_KEY}:\n` : '';
  const trailerEnd = newEnd < next.length ? next.indexOf('\n', newEnd) + 1 || next.length : newEnd;
  const src = header + newUnits + next.slice(newEnd, trailerEnd);
  /** Offset in the new text of offset 0 of `src`. */
  const base = span.start - header.length;
  const unitsEnd = header.length + newUnits.length;
  let parsed: unknown;
  try {
    parsed = parseAllDocuments(src, YAML_OPTIONS);
  } catch {
    return fail('the units do not parse');
  }
  if (!Array.isArray(parsed) || parsed.length !== 1) return fail('the units are not one document');
  const unitDoc = parsed[0] as Document.Parsed;
  if (unitDoc.errors.length > 0 || unitDoc.warnings.length > 0) return fail('the units have errors');
  const root = unitDoc.contents;
  if (!isMap(root) || root.flow || !root.range || !unitDoc.range) return fail('another kind of collection');
  const startsAt = (it: Item): number => ((isPair(it) ? it.key : it) as Node | null)?.range?.[0] ?? -1;
  let unit: Collection = root;
  if (nested) {
    const holder = root.items[0];
    if (!holder || keyOf(holder) !== UNIT_KEY || root.items.slice(1).some((it) => startsAt(it) < unitsEnd)) return fail('another kind of collection');
    const v = holder.value;
    if (!(isMap(span.parent) ? isMap(v) : isSeq(v)) || (v as Collection).flow || !(v as Collection).range) return fail('another kind of collection');
    unit = v as Collection;
  }
  const all = unit.items as Item[];
  const fresh = all.filter((it) => startsAt(it) >= 0 && startsAt(it) < unitsEnd);
  if (fresh.length === 0) return fail('the units are empty');
  if (all.length - fresh.length > 1 || all.slice(fresh.length).some((it) => startsAt(it) < unitsEnd)) return fail('the units run into what follows');
  for (const it of fresh) {
    const l = itemLine(src, unit, it);
    if (!l || l.column !== span.column) return fail('an item at another column');
  }
  const parent = span.parent;
  const oldCount = span.last - span.first + 1;
  const keep = (parent.items as Item[]).filter((_, i) => i < span!.first || i > span!.last);
  if (isMap(parent)) {
    const keys = new Set<string>();
    for (const it of keep) {
      const k = keyOf(it);
      if (k === undefined || k === PROTO) return fail('a key that is not a plain string');
      keys.add(k);
    }
    for (const it of fresh) {
      const k = keyOf(it);
      if (k === undefined || k === PROTO || keys.has(k)) return fail('a duplicate or non-string key');
      keys.add(k);
    }
  }
  // The first item of the document must not move: the document's start stays where it was.
  if (span.topIndex === undefined && span.first === 0 && unit.range![0] + base !== top.range[0]) return fail('the first key moved');
  let value: unknown;
  try {
    value = unitDoc.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch {
    return fail('the units do not resolve');
  }
  if (nested) {
    value = (value as Record<string, unknown>)[UNIT_KEY];
    if (isSeq(span.parent)) value = (value as unknown[]).slice(0, fresh.length);
  }
  const oldTop = pd.value as Record<string, unknown>;
  const topKey = span.topIndex === undefined ? undefined : keyOf(top.items[span.topIndex])!;
  const oldInner = topKey === undefined ? undefined : oldTop[topKey];
  if (isSeq(parent) && !(Array.isArray(oldInner) && oldInner.length === parent.items.length)) return fail('the value does not match the nodes');
  if (topKey !== undefined && isMap(parent) && (oldInner === null || typeof oldInner !== 'object' || Array.isArray(oldInner))) return fail('the value does not match the nodes');

  // From here on nothing fails. Shift the nodes after the span, move the fresh items to their offsets, replace the old ones.
  for (const it of fresh) shiftNode(it, base);
  for (let i = span.last + 1; i < parent.items.length; i++) shiftNode(parent.items[i], delta);
  if (span.topIndex !== undefined) for (let i = span.topIndex + 1; i < top.items.length; i++) shiftNode(top.items[i], delta);
  (parent.items as Item[]).splice(span.first, oldCount, ...fresh);
  const ur = unit.range!;
  const parentEndsHere = span.first + fresh.length === parent.items.length;
  const ends = (r: [number, number, number], here: boolean, start = r[0]): [number, number, number] =>
    here ? [start, ur[1] + base, ur[2] + base] : [start, r[1] + delta, r[2] + delta];
  if (parent.range) parent.range = ends(parent.range, parentEndsHere, span.first === 0 ? ur[0] + base : parent.range[0]);
  // The top-level map ends where the stand-in map does when the units end the text.
  if (span.topIndex !== undefined) {
    const rr = root.range!;
    top.range = parentEndsHere && span.topIndex === top.items.length - 1 ? [top.range[0], rr[1] + base, rr[2] + base] : [top.range[0], top.range[1] + delta, top.range[2] + delta];
  }
  const atEnd = span.end === old.length;
  doc.range = atEnd ? [doc.range[0], unitDoc.range[1] + base, unitDoc.range[2] + base] : [doc.range[0], doc.range[1] + delta, doc.range[2] + delta];

  // The plain value: the old one with the changed entries replaced (unchanged entries are the same objects).
  const freshSet = new Set(fresh);
  const rebuild = (items: Item[], oldObj: Record<string, unknown>, freshValues: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const it of items) {
      const k = keyOf(it)!;
      out[k] = freshSet.has(it) ? freshValues[k] : oldObj[k];
    }
    return out;
  };
  let newTop: Record<string, unknown>;
  if (topKey === undefined) newTop = rebuild(top.items, oldTop, value as Record<string, unknown>);
  else {
    const inner = isSeq(parent)
      ? [...(oldInner as unknown[]).slice(0, span.first), ...(value as unknown[]), ...(oldInner as unknown[]).slice(span.last + 1)]
      : rebuild(parent.items as Item[], oldInner as Record<string, unknown>, value as Record<string, unknown>);
    newTop = {};
    for (const it of top.items) {
      const k = keyOf(it)!;
      newTop[k] = k === topKey ? inner : oldTop[k];
    }
  }
  const [start, , end] = doc.range;
  return { text: next, lines: new LineIndex(next), documents: [{ doc, value: newTop, start, end, hasErrors: false }], diagnostics: [] };
}

/** The units the edit touches: top-level keys, or the items of the block collection one top-level key holds. */
function pickSpan(old: string, top: YAMLMap<unknown, unknown>, from: number, to: number): Span | undefined {
  const topSpan = unitSpan(old, top, from, to, old.length, undefined);
  if (!topSpan || topSpan.first !== topSpan.last) return topSpan;
  const value = top.items[topSpan.first]!.value;
  if (!isBlockCollection(value)) return topSpan;
  const inner = unitSpan(old, value, from, to, topSpan.end, topSpan.first);
  // A compact sequence (`- ` at the key's column) is still inside its key; a mapping must be deeper.
  if (inner && (isSeq(value) ? inner.column >= topSpan.column : inner.column > topSpan.column)) return inner;
  return topSpan;
}
