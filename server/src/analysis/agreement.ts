/**
 * Inter-annotator agreement from (item, annotator, label) ratings: Krippendorff's alpha (the
 * coincidence-matrix form, any number of annotators, missing ratings allowed), Fleiss' kappa when
 * the design is balanced, Cohen's kappa per annotator pair, and the items most in need of review.
 */
import { AnalysisError, type AgreementOptions, type AgreementResult, type Rating } from './types';

type Level = NonNullable<AgreementOptions['level']>;

interface Item {
  id: string;
  /** Label index per rating, in input order. */
  labels: number[];
  annotators: string[];
}

/** Index of each distinct label and, for non-nominal levels, its position on the scale. */
function labelScale(ratings: Rating[], level: Level, order: AgreementOptions['order']): { keys: string[]; index: Map<string, number>; values: Float64Array } {
  const index = new Map<string, number>();
  const keys: string[] = [];
  for (const r of ratings) {
    const k = String(r.label);
    if (!index.has(k)) {
      index.set(k, keys.length);
      keys.push(k);
    }
  }
  const values = new Float64Array(keys.length);
  if (level === 'nominal') return { keys, index, values };
  if (order && order.length > 0) {
    const rank = new Map(order.map((x, i) => [String(x), i]));
    keys.forEach((k, i) => {
      const r = rank.get(k);
      if (r === undefined) throw new AnalysisError(`label "${k}" is not in the given order ${order.join(' < ')}`, 'bad-option');
      values[i] = level === 'ordinal' ? r : Number(order[r]);
    });
    if (level !== 'ordinal' && values.some((v) => !Number.isFinite(v))) throw new AnalysisError(`${level} agreement needs numeric labels`, 'bad-option');
    return { keys, index, values };
  }
  keys.forEach((k, i) => {
    const v = Number(k);
    if (k.trim() === '' || !Number.isFinite(v)) throw new AnalysisError(`${level} agreement needs numeric labels (or an explicit order for ordinal); got "${k}"`, 'bad-option');
    values[i] = v;
  });
  return { keys, index, values };
}

function groupItems(ratings: Rating[], index: Map<string, number>): Item[] {
  const byId = new Map<string, Item>();
  for (const r of ratings) {
    let item = byId.get(r.item);
    if (!item) {
      item = { id: r.item, labels: [], annotators: [] };
      byId.set(r.item, item);
    }
    item.labels.push(index.get(String(r.label))!);
    item.annotators.push(r.annotator);
  }
  return [...byId.values()];
}

/** Squared difference function delta^2(c, k) of Krippendorff's alpha for the level. */
function deltaMatrix(level: Level, values: Float64Array, marginals: Float64Array): Float64Array {
  const v = values.length;
  const d = new Float64Array(v * v);
  if (level === 'ordinal') {
    // Ranks in scale order; delta = (sum of marginals from c to k - (n_c + n_k)/2)^2.
    const order = [...values.keys()].sort((a, b) => values[a]! - values[b]!);
    const cumulative = new Float64Array(v + 1);
    order.forEach((c, i) => (cumulative[i + 1] = cumulative[i]! + marginals[c]!));
    const pos = new Int32Array(v);
    order.forEach((c, i) => (pos[c] = i));
    for (let c = 0; c < v; c++) {
      for (let k = 0; k < v; k++) {
        const lo = Math.min(pos[c]!, pos[k]!);
        const hi = Math.max(pos[c]!, pos[k]!);
        const s = cumulative[hi + 1]! - cumulative[lo]! - (marginals[c]! + marginals[k]!) / 2;
        d[c * v + k] = s * s;
      }
    }
    return d;
  }
  for (let c = 0; c < v; c++) {
    for (let k = 0; k < v; k++) {
      const a = values[c]!;
      const b = values[k]!;
      if (level === 'nominal') d[c * v + k] = c === k ? 0 : 1;
      else if (level === 'interval') d[c * v + k] = (a - b) * (a - b);
      else d[c * v + k] = a + b === 0 ? 0 : ((a - b) / (a + b)) ** 2;
    }
  }
  return d;
}

/** Krippendorff's alpha from the coincidence matrix; items with fewer than two ratings are left out. */
function krippendorffAlpha(items: Item[], level: Level, values: Float64Array): number {
  const v = values.length;
  const o = new Float64Array(v * v);
  const counts = new Float64Array(v);
  for (const item of items) {
    const m = item.labels.length;
    if (m < 2) continue;
    counts.fill(0);
    for (const l of item.labels) counts[l]! += 1;
    for (let c = 0; c < v; c++) {
      if (counts[c] === 0) continue;
      for (let k = 0; k < v; k++) {
        if (counts[k] === 0) continue;
        o[c * v + k]! += (counts[c]! * (c === k ? counts[k]! - 1 : counts[k]!)) / (m - 1);
      }
    }
  }
  const marginals = new Float64Array(v);
  let n = 0;
  for (let c = 0; c < v; c++) {
    for (let k = 0; k < v; k++) marginals[c]! += o[c * v + k]!;
    n += marginals[c]!;
  }
  if (n === 0) throw new AnalysisError('Krippendorff\'s alpha needs at least one item with two or more ratings', 'degenerate');
  const d = deltaMatrix(level, values, marginals);
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < v; c++) {
    for (let k = 0; k < v; k++) {
      observed += o[c * v + k]! * d[c * v + k]!;
      expected += marginals[c]! * marginals[k]! * d[c * v + k]!;
    }
  }
  if (expected === 0) throw new AnalysisError('Krippendorff\'s alpha is undefined: every pairable rating has the same value', 'degenerate');
  return 1 - ((n - 1) * observed) / expected;
}

function fleissKappa(items: Item[], v: number): { kappa: number | null; reason: string | null } {
  const m = items[0]!.labels.length;
  if (items.some((it) => it.labels.length !== m)) return { kappa: null, reason: 'items have different numbers of ratings' };
  if (m < 2) return { kappa: null, reason: 'each item has a single rating' };
  const totals = new Float64Array(v);
  const counts = new Float64Array(v);
  let pBar = 0;
  for (const item of items) {
    counts.fill(0);
    for (const l of item.labels) counts[l]! += 1;
    let sq = 0;
    for (let c = 0; c < v; c++) {
      sq += counts[c]! * counts[c]!;
      totals[c]! += counts[c]!;
    }
    pBar += (sq - m) / (m * (m - 1));
  }
  pBar /= items.length;
  let pe = 0;
  for (let c = 0; c < v; c++) pe += (totals[c]! / (items.length * m)) ** 2;
  if (pe === 1) return { kappa: null, reason: 'every rating has the same label, so chance agreement is 1' };
  return { kappa: (pBar - pe) / (1 - pe), reason: null };
}

/** Cohen's kappa from a square contingency table (row-major, v x v); null when chance agreement is 1. */
export function cohenKappa(table: Float64Array, v: number): number | null {
  let n = 0;
  let agree = 0;
  const rows = new Float64Array(v);
  const cols = new Float64Array(v);
  for (let i = 0; i < v; i++) {
    for (let j = 0; j < v; j++) {
      const x = table[i * v + j]!;
      n += x;
      rows[i]! += x;
      cols[j]! += x;
      if (i === j) agree += x;
    }
  }
  let pe = 0;
  for (let i = 0; i < v; i++) pe += (rows[i]! / n) * (cols[i]! / n);
  if (pe === 1) return null;
  return (agree / n - pe) / (1 - pe);
}

function agreeingPairShare(labels: number[]): number {
  const m = labels.length;
  const counts = new Map<number, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  let same = 0;
  for (const c of counts.values()) same += c * (c - 1);
  return same / (m * (m - 1));
}

export function analyzeAgreement(ratings: Rating[], options: AgreementOptions = {}): AgreementResult {
  if (ratings.length === 0) throw new AnalysisError('agreement needs ratings; none were usable');
  const level = options.level ?? 'nominal';
  const { keys, index, values } = labelScale(ratings, level, options.order);
  const v = keys.length;
  const items = groupItems(ratings, index);
  const annotators = [...new Set(ratings.map((r) => r.annotator))].sort();

  const multi = items.filter((it) => it.labels.length >= 2);
  if (multi.length === 0) throw new AnalysisError('agreement needs at least one item rated by two or more annotators', 'degenerate');
  const percent = multi.reduce((s, it) => s + agreeingPairShare(it.labels), 0) / multi.length;
  const fleiss = fleissKappa(items, v);

  // Pairwise contingency tables, built item by item (first rating of an annotator on an item).
  const pairTables = new Map<string, { a: string; b: string; n: number; table: Float64Array }>();
  const majorityHits = new Map<string, { agree: number; total: number }>();
  for (const item of multi) {
    const first = new Map<string, number>();
    item.annotators.forEach((a, i) => {
      if (!first.has(a)) first.set(a, item.labels[i]!);
    });
    const raters = [...first.keys()].sort();
    for (let x = 0; x < raters.length; x++) {
      for (let y = x + 1; y < raters.length; y++) {
        const key = `${raters[x]}\u0000${raters[y]}`;
        let entry = pairTables.get(key);
        if (!entry) {
          entry = { a: raters[x]!, b: raters[y]!, n: 0, table: new Float64Array(v * v) };
          pairTables.set(key, entry);
        }
        entry.n += 1;
        entry.table[first.get(raters[x]!)! * v + first.get(raters[y]!)!]! += 1;
      }
    }
    // Agreement with the (unique) majority label of the other annotators.
    for (const a of raters) {
      const counts = new Map<number, number>();
      for (const b of raters) if (b !== a) counts.set(first.get(b)!, (counts.get(first.get(b)!) ?? 0) + 1);
      let best = -1;
      let bestCount = 0;
      let tie = false;
      for (const [l, c] of counts) {
        if (c > bestCount) {
          best = l;
          bestCount = c;
          tie = false;
        } else if (c === bestCount) tie = true;
      }
      if (tie || best < 0) continue;
      const hit = majorityHits.get(a) ?? { agree: 0, total: 0 };
      hit.total += 1;
      if (first.get(a) === best) hit.agree += 1;
      majorityHits.set(a, hit);
    }
  }
  const cohen_kappa_pairs = [...pairTables.values()]
    .filter((p) => p.n >= 2)
    .sort((p, q) => (p.a < q.a ? -1 : p.a > q.a ? 1 : p.b < q.b ? -1 : p.b > q.b ? 1 : 0))
    .map((p) => ({ a: p.a, b: p.b, n: p.n, kappa: cohenKappa(p.table, v) }));
  const kappas = cohen_kappa_pairs.map((p) => p.kappa).filter((k): k is number => k !== null);

  const ratingCount = new Map<string, number>();
  for (const r of ratings) ratingCount.set(r.annotator, (ratingCount.get(r.annotator) ?? 0) + 1);
  const per_annotator = annotators.map((annotator) => {
    const own = cohen_kappa_pairs.filter((p) => (p.a === annotator || p.b === annotator) && p.kappa !== null).map((p) => p.kappa!);
    const hit = majorityHits.get(annotator);
    return {
      annotator,
      n: ratingCount.get(annotator)!,
      agreement_with_majority: hit && hit.total > 0 ? hit.agree / hit.total : null,
      mean_kappa: own.length > 0 ? own.reduce((s, x) => s + x, 0) / own.length : null,
    };
  });

  const disagreements = multi
    .map((it) => ({ item: it.id, n: it.labels.length, agreement: agreeingPairShare(it.labels), labels: labelCounts(it.labels, keys) }))
    .filter((d) => d.agreement < 1)
    .sort((p, q) => p.agreement - q.agreement || q.n - p.n || (p.item < q.item ? -1 : p.item > q.item ? 1 : 0))
    .slice(0, options.maxDisagreements ?? 20);

  return {
    n_items: items.length,
    n_annotators: annotators.length,
    n_ratings: ratings.length,
    percent_agreement: percent,
    krippendorff_alpha: krippendorffAlpha(items, level, values),
    level,
    fleiss_kappa: fleiss.kappa,
    fleiss_kappa_reason: fleiss.reason,
    cohen_kappa_pairs,
    mean_cohen_kappa: kappas.length > 0 ? kappas.reduce((s, x) => s + x, 0) / kappas.length : null,
    per_annotator,
    disagreements,
  };
}

function labelCounts(labels: number[], keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of labels) out[keys[l]!] = (out[keys[l]!] ?? 0) + 1;
  return out;
}
