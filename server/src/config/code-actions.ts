/**
 * Quick fixes that are computed from the text rather than carried by a diagnostic: removing the later
 * of two duplicate keys (the YAML layer reports it but cannot know which of the pair to keep; the
 * later one is what YAML would have silently dropped in most tools, so removing it keeps the meaning
 * the first occurrence gave).
 */
import { isMap, isPair, isSeq, parseAllDocuments, type Node, type Pair, type YAMLMap } from 'yaml';
import type { FixData } from './diagnostic';
import { LineIndex } from './line-index';

function findPairWithKeyAt(node: unknown, offset: number): { pair: Pair; map: YAMLMap } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      if ((pair.key as Node | null)?.range?.[0] === offset) return { pair, map: node };
      const inner = findPairWithKeyAt(pair.value, offset);
      if (inner) return inner;
    }
  } else if (isSeq(node)) {
    for (const item of node.items) {
      const inner = findPairWithKeyAt(item, offset);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** The fix that deletes the key/value pair whose key starts at `keyOffset` (the duplicate). */
export function removeDuplicateKey(text: string, keyOffset: number): FixData | undefined {
  let found: { pair: Pair; map: YAMLMap } | undefined;
  for (const doc of parseAllDocuments(text, { uniqueKeys: false })) {
    found = findPairWithKeyAt((doc as { contents: unknown }).contents, keyOffset);
    if (found) break;
  }
  if (!found) return undefined;
  const lines = new LineIndex(text);
  const key = found.pair.key as Node;
  const value = found.pair.value as Node | null;
  let end = value?.range?.[1] ?? key.range![1];
  while (end > keyOffset && /\s/.test(text[end - 1]!)) end--;
  const keyText = text.slice(keyOffset, key.range![1]);
  const title = `Remove the duplicate "${keyText}"`;
  if (found.map.flow) {
    // `{a: 1, a: 2}`: delete from the comma before the pair to its end.
    let start = keyOffset;
    while (start > 0 && /\s/.test(text[start - 1]!)) start--;
    if (text[start - 1] === ',') start--;
    return { title, edits: [{ range: lines.range(start, end), newText: '' }], safe: true };
  }
  const startLine = lines.positionAt(keyOffset).line;
  const endLine = lines.positionAt(end).line;
  const from = lines.lineStart(startLine);
  const to = endLine + 1 < lines.lineCount ? lines.lineStart(endLine + 1) : text.length;
  return { title, edits: [{ range: lines.range(from, to), newText: '' }], safe: true };
}
