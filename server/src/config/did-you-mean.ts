/** "Did you mean ...?" suggestions for misspelt names: optimal-string-alignment (Damerau) distance. */

/** Edit distance counting insertions, deletions, substitutions and swaps of neighbours, case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (s === t) return 0;
  const rows = s.length + 1;
  const cols = t.length + 1;
  let prev2 = new Array<number>(cols).fill(0);
  let prev = Array.from({ length: cols }, (_, j) => j);
  for (let i = 1; i < rows; i++) {
    const cur = new Array<number>(cols);
    cur[0] = i;
    for (let j = 1; j < cols; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[cols - 1]!;
}

/**
 * The candidate closest to `word`, if it is close enough to be a likely typo: at most a third of the
 * word's length in edits (at least 1, at most 3), or equal ignoring case, `-` and `_`.
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const norm = (x: string): string => x.toLowerCase().replace(/[-_]/g, '');
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    if (c === word) continue;
    const d = norm(c) === norm(word) ? 0 : editDistance(word, c);
    if (d < bestDistance && d <= limit) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** ` Did you mean "x"?` or the empty string. */
export function suggestionSuffix(suggestion: string | undefined): string {
  return suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`;
}

/** `"a", "b" or "c"` for messages listing allowed values. */
export function listOf(values: readonly unknown[], conjunction = 'or'): string {
  const q = values.map((v) => (typeof v === 'string' ? `"${v}"` : String(v)));
  if (q.length <= 1) return q.join('');
  return `${q.slice(0, -1).join(', ')} ${conjunction} ${q[q.length - 1]}`;
}
