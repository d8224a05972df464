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

/** Label index -> count for one item's ratings (items have few ratings, labels may be many). */
function countLabels(labels: number[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  return counts;
}

/**
 * The squared difference delta^2(c, k) of Krippendorff's alpha for the level, evaluated on demand
 * (no v x v matrix: free-text labels can number in the thousands).
 */
function deltaFunction(level: Level, values: Float64Array, marginals: Float64Array): (c: number, k: number) => number {
  if (level === 'nominal') return (c, k) => (c === k ? 0 : 1);
  if (level === 'interval') return (c, k) => (values[c]! - values[k]!) ** 2;
  if (level === 'ratio') {
    return (c, k) => {
      const a = values[c]!;
      const b = values[k]!;
      return a + b === 0 ? 0 : ((a - b) / (a + b)) ** 2;
    };
  }
  // Ordinal: (sum of the marginals from c to k in scale order - (n_c + n_k)/2)^2.
  const v = values.length;
  const order = [...values.keys()].sort((a, b) => values[a]! - values[b]!);
  const cumulative = new Float64Array(v + 1);
  const rank = new Int32Array(v);
  order.forEach((c, i) => {
    cumulative[i + 1] = cumulative[i]! + marginals[c]!;
    rank[c] = i;
  });
  return (c, k) => {
    const lo = Math.min(rank[c]!, rank[k]!);
    const hi = Math.max(rank[c]!, rank[k]!);
    const s = cumulative[hi + 1]! - cumulative[lo]! - (marginals[c]! + marginals[k]!) / 2;
    return s * s;
  };
}

/**
 * Krippendorff's alpha in its coincidence form, `1 - (n - 1) sum o_ck d_ck / sum n_c n_k d_ck`,
 * with the coincidences summed item by item over the labels present; items with fewer than two
 * ratings are left out.
 */
function krippendorffAlpha(items: Item[], level: Level, values: Float64Array): number {
  const v = values.length;
  const pairable = items.filter((it) => it.labels.length >= 2);
  const marginals = new Float64Array(v);
  for (const item of pairable) for (const l of item.labels) marginals[l]! += 1;
  const n = pairable.reduce((s, it) => s + it.labels.length, 0);
  if (n === 0) throw new AnalysisError('Krippendorff\'s alpha needs at least one item with two or more ratings', 'degenerate');
  const delta = deltaFunction(level, values, marginals);

  let observed = 0;
  for (const item of pairable) {
    const counts = [...countLabels(item.labels)];
    let within = 0;
    for (const [c, nc] of counts) for (const [k, nk] of counts) if (c !== k) within += nc * nk * delta(c, k);
    observed += within / (item.labels.length - 1);
  }

  let expected = 0;
  const present = [...marginals.keys()].filter((c) => marginals[c]! > 0);
  if (level === 'nominal') {
    expected = n * n - present.reduce((s, c) => s + marginals[c]! ** 2, 0);
  } else if (level === 'interval') {
    // sum_ck n_c n_k (v_c - v_k)^2 = 2 n sum_c n_c (v_c - mean)^2, centred for stability.
    const mean = present.reduce((s, c) => s + marginals[c]! * values[c]!, 0) / n;
    expected = 2 * n * present.reduce((s, c) => s + marginals[c]! * (values[c]! - mean) ** 2, 0);
  } else {
    for (const c of present) for (const k of present) if (c !== k) expected += marginals[c]! * marginals[k]! * delta(c, k);
  }
  if (expected === 0) throw new AnalysisError('Krippendorff\'s alpha is undefined: every pairable rating has the same value', 'degenerate');
  return 1 - ((n - 1) * observed) / expected;
}

function fleissKappa(items: Item[], v: number): { kappa: number | null; reason: string | null } {
  const m = items[0]!.labels.length;
  if (items.some((it) => it.labels.length !== m)) return { kappa: null, reason: 'items have different numbers of ratings' };
  if (m < 2) return { kappa: null, reason: 'each item has a single rating' };
  const totals = new Float64Array(v);
  let pBar = 0;
  for (const item of items) {
    let sq = 0;
    for (const [c, count] of countLabels(item.labels)) {
      sq += count * count;
      totals[c]! += count;
    }
    pBar += (sq - m) / (m * (m - 1));
  }
  pBar /= items.length;
  let pe = 0;
  for (let c = 0; c < v; c++) pe += (totals[c]! / (items.length * m)) ** 2;
  if (pe === 1) return { kappa: null, reason: 'every rating has the same label, so chance agreement is 1' };
  return { kappa: (pBar - pe) / (1 - pe), reason: null };
}

/**
 * Cohen's kappa from the non-zero cells `[row label, column label, count]` of a contingency
 * table; null when chance agreement is 1.
 */
export function cohenKappa(cells: Iterable<[number, number, number]>): number | null {
  let n = 0;
  let agree = 0;
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  for (const [i, j, x] of cells) {
    n += x;
    rows.set(i, (rows.get(i) ?? 0) + x);
    cols.set(j, (cols.get(j) ?? 0) + x);
    if (i === j) agree += x;
  }
  let pe = 0;
  for (const [i, r] of rows) pe += (r / n) * ((cols.get(i) ?? 0) / n);
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
  const pairTables = new Map<string, { a: string; b: string; n: number; cells: Map<number, number> }>();
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
          entry = { a: raters[x]!, b: raters[y]!, n: 0, cells: new Map() };
          pairTables.set(key, entry);
        }
        entry.n += 1;
        const cell = first.get(raters[x]!)! * v + first.get(raters[y]!)!;
        entry.cells.set(cell, (entry.cells.get(cell) ?? 0) + 1);
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
    .map((p) => ({ a: p.a, b: p.b, n: p.n, kappa: cohenKappa([...p.cells].map(([cell, count]): [number, number, number] => [Math.floor(cell / v), cell % v, count])) }));
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
