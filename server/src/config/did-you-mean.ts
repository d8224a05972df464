/** "Did you mean ...?" suggestions for misspelt names: optimal-string-alignment (Damerau) distance. */

/**
 * Edit distance counting insertions, deletions, substitutions and swaps of neighbours
 * (optimal string alignment), case-insensitive. Stops early, returning `max + 1`, once the
 * distance must exceed `max`.
 */
export function editDistance(a: string, b: string, max = Infinity): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  if (s === t) return 0;
  if (Math.abs(s.length - t.length) > max) return max + 1;
  const cols = t.length + 1;
  let prev2 = new Int32Array(cols);
  let prev = new Int32Array(cols);
  let cur = new Int32Array(cols);
  for (let j = 0; j < cols; j++) prev[j] = j;
  for (let i = 1; i <= s.length; i++) {
    cur[0] = i;
    let rowMin = i;
    for (let j = 1; j < cols; j++) {
      const cost = s.charCodeAt(i - 1) === t.charCodeAt(j - 1) ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && s.charCodeAt(i - 1) === t.charCodeAt(j - 2) && s.charCodeAt(i - 2) === t.charCodeAt(j - 1)) d = Math.min(d, prev2[j - 2]! + 1);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    [prev2, prev, cur] = [prev, cur, prev2];
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
  const wordNorm = norm(word);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    // Cheap length filter first: long candidate lists (thousands of stage ids) stay fast.
    if (c === word || Math.abs(c.length - word.length) > limit + 2) continue;
    let d = editDistance(word, c, Math.min(limit, bestDistance));
    if (d > limit && /[-_]/.test(c + word) && norm(c) === wordNorm) d = 0;
    if (d < bestDistance && d <= limit) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Suggestions against one candidate list for many misspellings, with a cap on how many are looked
 * up: a document with thousands of unknown names gets suggestions for the first ones and stays fast.
 */
export class Suggester {
  private calls = 0;
  constructor(
    private readonly candidates: readonly string[],
    private readonly maxLookups = 50,
  ) {}

  suggest(word: string): string | undefined {
    if (++this.calls > this.maxLookups) return undefined;
    return didYouMean(word, this.candidates);
  }
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
