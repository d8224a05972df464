/**
 * One YAML document of a config file, as rules see it: the plain value (for logic) plus a way back
 * from any JSON path to the exact source range of its key or value (for reporting).
 */
import { isMap, isPair, isScalar, isSeq, type Node, type Pair, type Document } from 'yaml';
import type { Range } from './diagnostic';
import type { LineIndex } from './line-index';
import type { ConfigKind } from './kind';

export type JsonPath = readonly (string | number)[];

export class ConfigDocument {
  constructor(
    /** The declared kind (from `kind:`), or the kind implied by the file name. */
    readonly kind: ConfigKind | undefined,
    /** The plain JS value of the document. */
    readonly value: unknown,
    readonly doc: Document.Parsed,
    readonly lines: LineIndex,
    /** [start, end) offsets of this document in the file. */
    readonly start: number,
    readonly end: number,
  ) {}

  /** The YAML node at a path, or undefined. */
  node(path: JsonPath): Node | undefined {
    let cur: unknown = this.doc.contents;
    for (const seg of path) {
      if (isMap(cur)) {
        const pair = cur.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        cur = pair?.value ?? undefined;
      } else if (isSeq(cur) && typeof seg === 'number') cur = cur.items[seg];
      else return undefined;
    }
    return (cur ?? undefined) as Node | undefined;
  }

  /** The key/value pair whose value is at `path` (path must end in a map key). */
  pair(path: JsonPath): Pair | undefined {
    if (path.length === 0) return undefined;
    const parent = path.length === 1 ? this.doc.contents : this.node(path.slice(0, -1));
    if (!isMap(parent)) return undefined;
    const last = String(path[path.length - 1]);
    return parent.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === last);
  }

  /** Range of the value at `path`; falls back to the nearest existing ancestor, then to the document start. */
  valueRange(path: JsonPath): Range {
    for (let n = path.length; n >= 0; n--) {
      const node = n === 0 ? (this.doc.contents as Node | null) : this.node(path.slice(0, n));
      if (node?.range) return this.lines.range(node.range[0], node.range[1]);
      if (n > 0 && n < path.length) {
        // The missing child's parent exists: point at its key so the user sees where to add it.
        const r = this.keyRangeOrUndefined(path.slice(0, n));
        if (r) return r;
      }
    }
    return this.lines.range(this.start, this.lines.lineEnd(this.lines.positionAt(this.start).line));
  }

  /** Range of the key of the pair at `path` (for a sequence item: the item). */
  keyRange(path: JsonPath): Range {
    return this.keyRangeOrUndefined(path) ?? this.valueRange(path);
  }

  /**
   * A short range that stands for the thing at `path` when a diagnostic is about something it lacks:
   * the key of a map entry, the first line of a sequence item, the `kind:` key for the document.
   */
  anchorRange(path: JsonPath): Range {
    if (path.length === 0) {
      const kindKey = this.keyRangeOrUndefined(['kind']) ?? this.keyRangeOrUndefined(['apiVersion']);
      if (kindKey) return kindKey;
      const contents = this.doc.contents as Node | null;
      const start = contents?.range?.[0] ?? this.start;
      return this.lines.range(start, Math.min(this.lines.lineEnd(this.lines.positionAt(start).line), contents?.range?.[1] ?? this.end));
    }
    if (typeof path[path.length - 1] === 'string') return this.keyRange(path);
    const node = this.node(path);
    if (!node?.range) return this.valueRange(path);
    const start = node.range[0];
    let end = Math.min(node.range[1], this.lines.lineEnd(this.lines.positionAt(start).line));
    // For a mapping item, stop after its first entry so a trailing comment is not underlined.
    const first = isMap(node) ? (node.items[0]?.value as Node | null | undefined) : undefined;
    if (first?.range && first.range[1] <= end) end = first.range[1];
    return this.lines.range(start, end);
  }

  private keyRangeOrUndefined(path: JsonPath): Range | undefined {
    const pair = this.pair(path);
    const key = pair?.key as Node | undefined;
    if (key?.range) return this.lines.range(key.range[0], key.range[1]);
    return undefined;
  }
}
