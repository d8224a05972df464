/**
 * Rows to the preference-eval input: per model the chosen and rejected scores (`chosen_score` /
 * `rejected_score`, or `<model>_chosen` / `<model>_rejected` for named models), the pair's
 * `category` (else its RewardBench `subset`), and the response lengths (`chosen_length` /
 * `rejected_length`, else the characters of the `chosen` / `rejected` texts or messages).
 * A row missing any model's score is skipped: paired comparisons need every model on every pair.
 */
import { IngestError } from '../ingest/rows';
import type { DataSource } from '../ingest/read';
import { describe, finiteNumber, key } from '../ingest/fields';
import { Float64Column } from '../analysis/columns';
import type { PreferenceEvalInput } from '../analysis/preference-eval';

/** Characters (Unicode code points) of a response: a string, or a list of chat messages / content parts. */
export function responseLength(v: unknown): number | undefined {
  if (typeof v === 'string') {
    let n = 0;
    // Count code points, not UTF-16 units, so the length is the same as Python's len().
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c < 0xd800 || c > 0xdbff || i + 1 === v.length) n++;
      else {
        const d = v.charCodeAt(i + 1);
        n++;
        if (d >= 0xdc00 && d <= 0xdfff) i++;
      }
    }
    return n;
  }
  if (Array.isArray(v)) {
    let n = 0;
    for (const part of v) {
      const len = typeof part === 'string' ? responseLength(part) : part && typeof part === 'object' ? responseLength((part as Record<string, unknown>)['content'] ?? (part as Record<string, unknown>)['text']) : undefined;
      if (len === undefined) return undefined;
      n += len;
    }
    return n;
  }
  return undefined;
}

export async function loadPreferenceEval(source: DataSource, models?: readonly string[]): Promise<PreferenceEvalInput> {
  const names = models && models.length ? models : undefined;
  const columns = names ? names.map((m) => [`${m}_chosen`, `${m}_rejected`] as const) : [['chosen_score', 'rejected_score'] as const];
  const chosen = columns.map(() => new Float64Column());
  const rejected = columns.map(() => new Float64Column());
  const category: (string | undefined)[] = [];
  const cl = new Float64Column();
  const rl = new Float64Column();
  let anyCategory = false;
  let anyLength = false;
  const scores: number[] = new Array(columns.length * 2);
  for await (const row of source.rows) {
    const v = row.value;
    let problem: string | undefined;
    for (let k = 0; k < columns.length && !problem; k++) {
      const [c, r] = columns[k]!;
      const a = finiteNumber(v[c]);
      const b = finiteNumber(v[r]);
      if (a === undefined) problem = describe(c, v[c], 'a number');
      else if (b === undefined) problem = describe(r, v[r], 'a number');
      else {
        scores[2 * k] = a;
        scores[2 * k + 1] = b;
      }
    }
    if (problem) {
      source.skipped.add(row.line, problem);
      continue;
    }
    for (let k = 0; k < columns.length; k++) {
      chosen[k]!.push(scores[2 * k]!);
      rejected[k]!.push(scores[2 * k + 1]!);
    }
    const cat = key(v['category']) ?? key(v['subset']);
    if (cat !== undefined) anyCategory = true;
    category.push(cat);
    const a = finiteNumber(v['chosen_length']) ?? responseLength(v['chosen']);
    const b = finiteNumber(v['rejected_length']) ?? responseLength(v['rejected']);
    if (a !== undefined && b !== undefined) {
      anyLength = true;
      cl.push(a);
      rl.push(b);
    } else {
      cl.push(NaN);
      rl.push(NaN);
    }
  }
  if (chosen[0]!.length === 0) {
    const needs = names ? `preference-eval with --models ${names.join(',')} needs ${columns.map(([c, r]) => `${c}, ${r}`).join(', ')}` : 'preference-eval needs {chosen_score, rejected_score} rows (name models with --models m1,m2 for {m1_chosen, m1_rejected, ...})';
    throw new IngestError(source.file, `no usable rows: ${source.rowsRead} read, ${source.skipped.count} skipped${source.skipped.firstExample()}; ${needs}`);
  }
  return {
    models: columns.map((_, k) => ({ name: names ? names[k]! : 'model', chosen: chosen[k]!.toArray(), rejected: rejected[k]!.toArray() })),
    ...(anyCategory ? { category } : {}),
    ...(anyLength ? { chosenLength: cl.toArray(), rejectedLength: rl.toArray() } : {}),
  };
}
