/**
 * `# rlhf-lens-disable-next-line [id, id...]` comments: silence the listed rules (all rules when none
 * is listed) on the line after the comment.
 */
import type { Diagnostic } from './diagnostic';
import type { LineIndex } from './line-index';

const DIRECTIVE = /#\s*rlhf-lens-disable-next-line\b([^\n\r#]*)/g;

/** Line (0-based) -> the rule ids silenced on it, or 'all'. */
export type Suppressions = Map<number, Set<string> | 'all'>;

export function findSuppressions(text: string, lines: LineIndex): Suppressions {
  const out: Suppressions = new Map();
  if (!text.includes('rlhf-lens-disable-next-line')) return out;
  for (const m of text.matchAll(DIRECTIVE)) {
    const line = lines.positionAt(m.index!).line + 1;
    const ids = m[1]!.split(/[\s,]+/).filter(Boolean);
    const prev = out.get(line);
    if (ids.length === 0 || prev === 'all') out.set(line, 'all');
    else out.set(line, new Set([...(prev ?? []), ...ids]));
  }
  return out;
}

export function isSuppressed(d: Diagnostic, suppressions: Suppressions): boolean {
  const ids = suppressions.get(d.range.start.line);
  return ids === 'all' || (ids !== undefined && ids.has(d.code));
}
