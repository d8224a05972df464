/** Folding ranges of a config file, by line: every top-level block, every stage, check, variant and metric, and every multi-line mapping or list inside them. */
import { isMap, isPair, isSeq, type Node } from 'yaml';
import type { ConfigFile } from './yaml-path';

export interface FoldRange {
  startLine: number;
  endLine: number;
}

export function foldingRanges(file: ConfigFile): FoldRange[] {
  const { lines, text } = file.parsed;
  const out: FoldRange[] = [];
  const seen = new Set<string>();
  const add = (start: number, end: number): void => {
    // A node's range may end after trailing newlines and comments: fold to its last non-blank character.
    let e = end;
    while (e > start && /\s/.test(text[e - 1]!)) e--;
    const startLine = lines.positionAt(start).line;
    const endLine = lines.positionAt(Math.max(start, e - 1)).line;
    const key = `${startLine}:${endLine}`;
    if (endLine > startLine && !seen.has(key)) {
      seen.add(key);
      out.push({ startLine, endLine });
    }
  };
  const visit = (node: unknown): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = pair.key as Node | null;
        const value = pair.value as Node | null;
        if (key?.range && value?.range && (isMap(value) || isSeq(value))) add(key.range[0], value.range[1]);
        visit(value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) {
        const n = item as Node | null;
        if (n?.range && (isMap(n) || isSeq(n))) add(n.range[0], n.range[1]);
        visit(n);
      }
    }
  };
  for (const d of file.documents) visit(d.doc.contents);
  return out.sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}
