/**
 * Counted nouns, the one way every front door writes them: "1 file", "2 files", "0 files". Views,
 * the CLI, reports, hovers and messages all call `plural` so that no "1 files" can slip back in.
 * English only; irregular plurals are passed in ("1 entry", "3 entries").
 */

/** The noun alone, singular for exactly 1 (and -1), plural otherwise (0, 2, 1.5, NaN). */
export function noun(count: number, singular: string, pluralForm?: string): string {
  return Math.abs(count) === 1 ? singular : (pluralForm ?? defaultPlural(singular));
}

/** `count` and its noun: `plural(1, 'file')` is "1 file"; `format` writes the number (thousands separators, ...). */
export function plural(count: number, singular: string, options: { plural?: string; format?: (n: number) => string } = {}): string {
  return `${(options.format ?? String)(count)} ${noun(count, singular, options.plural)}`;
}

function defaultPlural(word: string): string {
  // "epoch" (a hard ch) takes a plain s, "batch" an es; GPU -> GPUs.
  if (/(s|x|z|sh|tch)$/.test(word)) return `${word}es`;
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  return `${word}s`;
}
