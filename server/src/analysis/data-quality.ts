/**
 * The `data-quality` analysis: from the profile of a dataset (data-quality-profile.ts) and
 * optionally of an eval set, the issues a team should fix before training (each with a count,
 * example lines and a severity), duplicates and near-duplicates (MinHash LSH), train/eval leakage,
 * length distributions, label balance, annotator behaviour and a quality score. Every figure is
 * defined in docs/analyses.md#data-quality and recomputed by test/oracles/data_quality.py.
 */
import betainc from '@stdlib/math-base-special-betainc';
import { AnalysisError } from './types';
import { plural } from '../text/plural';
import {
  BANDS,
  BandTable,
  KeyIndex,
  MINHASH_SEED,
  NEAR_DUPLICATE_THRESHOLD,
  NUM_PERM,
  ROWS_PER_BAND,
  SHINGLE_K,
  bandKey,
  crossSimilarity,
  signatureSimilarity,
} from './data-quality-text';
import { EXAMPLE_LINES, type DataQualityProfile, type ProblemId, type RoleLengths } from './data-quality-profile';
import type { Columns, DatasetShape } from './data-quality-roles';

export type Severity = 'error' | 'warning' | 'info';

export interface DataQualityIssue {
  id: string;
  severity: Severity;
  /** Affected units (rows unless `unit` says otherwise). */
  count: number;
  unit: 'rows' | 'annotators' | 'items' | 'ratings' | 'pairs';
  /** count / the denominator of the issue (docs/analyses.md). */
  share: number;
  weight: number;
  /** Points taken off the quality score: weight * min(1, share / SATURATION). */
  penalty: number;
  message: string;
  /** Up to 20 example line numbers (1-based) in `file`. */
  lines: number[];
  /** 'data' is the analysed file; 'against' the eval file of --against. */
  file: 'data' | 'against';
}

export interface Histogram {
  edges: number[];
  counts: number[];
}

export interface LengthStats {
  n: number;
  mean: number;
  min: number;
  p5: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
  p99: number;
  max: number;
  histogram: Histogram;
}

export interface DataQualityResult {
  shape: DatasetShape;
  columns: Columns;
  rows: number;
  quality_score: number;
  exact_duplicate_rows: number;
  duplicate_prompts: number | null;
  near_duplicate_prompts: number | null;
  duplicate_prompt_share: number | null;
  near_duplicate_prompt_share: number | null;
  identical_chosen_rejected: number | null;
  empty_prompt: number | null;
  empty_chosen: number | null;
  empty_rejected: number | null;
  empty_completion: number | null;
  wrong_types: number;
  missing_fields: number;
  ties: number | null;
  truncated_responses: number | null;
  against_rows: number | null;
  leaked_prompts: number | null;
  near_leaked_prompts: number | null;
  train_eval_leakage: number | null;
  issues: DataQualityIssue[];
  fields: { role: string; column: string; missing: number; empty: number; wrong_type: number }[];
  lengths: ({ role: string; unit: 'chars' | 'tokens' } & LengthStats)[];
  length_difference: ({ unit: 'chars' | 'tokens'; chosen_longer_share: number; equal_share: number; rejected_longer_share: number } & LengthStats)[];
  labels: { column: string; counts: Record<string, number>; shares: Record<string, number> } | null;
  groups: { role: 'source' | 'round'; column: string; values: { value: string; rows: number; share: number; labels: Record<string, number> }[] }[];
  position_bias: { column: string; first: number; second: number; first_share: number; p_value: number } | null;
  messages: { turns: Record<string, number> } | null;
  annotation: {
    items: number;
    annotators: number;
    ratings: number;
    pool: Record<string, number>;
    min_ratings_per_item: number;
    items_few_ratings: number;
    duplicate_ratings: number;
    constant_annotators: string[];
    per_annotator: { annotator: string; n: number; labels: Record<string, number>; tv_distance: number; kl_divergence: number; constant: boolean }[];
  } | null;
  near_duplicates: {
    shingle_k: number;
    num_perm: number;
    bands: number;
    rows_per_band: number;
    threshold: number;
    seed: number;
    clusters: { size: number; rows: number; lines: number[] }[];
  };
  leakage: { matches: { line: number; data_line: number; similarity: number }[] } | null;
}

export interface DataQualityInput {
  data: DataQualityProfile;
  against?: DataQualityProfile;
  /** Rows the reader could not use (they do not parse, or are not objects). */
  skipped?: { count: number; lines: number[] };
}

export interface DataQualityOptions {
  /** Items with fewer ratings are reported (annotation); default 2. */
  minRatingsPerItem?: number;
}

/** Share of affected rows at which an issue costs its whole weight. */
export const SATURATION = 0.05;
/** Annotators with at least this many ratings who always give one label are reported. */
export const CONSTANT_MIN_RATINGS = 10;
/** Total-variation distance from the pool at or above which an annotator is an outlier (with CONSTANT_MIN_RATINGS ratings). */
export const OUTLIER_TV = 0.3;
/** Position bias is an issue when the binomial test's p-value is below this. */
export const POSITION_ALPHA = 0.001;
/** Whitespace-token counts that are multiples of this look like a generation cap. */
export const ROUND_TOKENS = 64;
export const HISTOGRAM_BINS = 20;
/** Clusters and annotators listed in the result. */
const LIST_CLUSTERS = 20;
const LIST_ANNOTATORS = 200;

interface IssueSpec {
  severity: Severity;
  weight: number;
  unit: DataQualityIssue['unit'];
}

/** The issues, their severity and weight in the quality score (docs/analyses.md lists the denominators). */
export const ISSUES: Record<string, IssueSpec> = {
  skipped_rows: { severity: 'warning', weight: 10, unit: 'rows' },
  wrong_types: { severity: 'error', weight: 10, unit: 'rows' },
  missing_fields: { severity: 'error', weight: 10, unit: 'rows' },
  empty_prompt: { severity: 'error', weight: 10, unit: 'rows' },
  empty_chosen: { severity: 'error', weight: 10, unit: 'rows' },
  empty_rejected: { severity: 'error', weight: 10, unit: 'rows' },
  empty_completion: { severity: 'error', weight: 10, unit: 'rows' },
  identical_chosen_rejected: { severity: 'error', weight: 15, unit: 'rows' },
  prompt_mismatch: { severity: 'error', weight: 10, unit: 'rows' },
  no_assistant_turn: { severity: 'error', weight: 10, unit: 'rows' },
  unknown_roles: { severity: 'warning', weight: 5, unit: 'rows' },
  empty_turns: { severity: 'warning', weight: 5, unit: 'rows' },
  exact_duplicate_rows: { severity: 'warning', weight: 10, unit: 'rows' },
  duplicate_prompts: { severity: 'warning', weight: 5, unit: 'rows' },
  near_duplicate_prompts: { severity: 'info', weight: 5, unit: 'rows' },
  ties: { severity: 'info', weight: 5, unit: 'rows' },
  truncated_responses: { severity: 'warning', weight: 5, unit: 'rows' },
  position_bias: { severity: 'warning', weight: 5, unit: 'pairs' },
  constant_annotators: { severity: 'warning', weight: 10, unit: 'annotators' },
  outlier_annotators: { severity: 'info', weight: 5, unit: 'annotators' },
  duplicate_ratings: { severity: 'warning', weight: 5, unit: 'ratings' },
  items_few_ratings: { severity: 'info', weight: 5, unit: 'items' },
  leaked_prompts: { severity: 'error', weight: 15, unit: 'rows' },
  near_leaked_prompts: { severity: 'warning', weight: 10, unit: 'rows' },
};

// ---------------------------------------------------------------- order statistics

/** numpy's default ('linear') percentile of ascending values. */
function percentile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const pos = (q / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const frac = pos - lo;
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return frac >= 0.5 ? b - (b - a) * (1 - frac) : a + (b - a) * frac;
}

/** numpy.histogram(values, bins, range=(min, max)) with its bin-index rule (last bin closed; min == max widens to +-0.5). */
export function histogram(sorted: Float64Array, bins = HISTOGRAM_BINS): Histogram {
  let lo = sorted[0]!;
  let hi = sorted[sorted.length - 1]!;
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges: number[] = [];
  // numpy.linspace: lo + i * step, the last edge exactly hi.
  const step = (hi - lo) / bins;
  for (let i = 0; i <= bins; i++) edges.push(i === bins ? hi : lo + i * step);
  const counts = new Array<number>(bins).fill(0);
  const span = hi - lo;
  for (let k = 0; k < sorted.length; k++) {
    const x = sorted[k]!;
    // numpy: ((x - first_edge) / (last_edge - first_edge)) * bins, then corrected against the edges.
    let i = Math.floor(((x - lo) / span) * bins);
    if (i === bins) i--;
    if (x < edges[i]!) i--;
    else if (i < bins - 1 && x >= edges[i + 1]!) i++;
    counts[i]!++;
  }
  return { edges, counts };
}

/**
 * Ascending copy of integer values: a counting sort when their range is small next to their count
 * (lengths usually are: a million values in a few thousand distinct lengths), else a typed sort.
 */
function sortIntegers(values: Float64Array): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    if (x < lo) lo = x;
    if (x > hi) hi = x;
  }
  const range = hi - lo + 1;
  if (!(range <= Math.max(4096, 4 * values.length))) return values.slice().sort();
  const counts = new Int32Array(range);
  for (let i = 0; i < values.length; i++) counts[values[i]! - lo]!++;
  const out = new Float64Array(values.length);
  let k = 0;
  for (let v = 0; v < range; v++) for (let c = counts[v]!; c > 0; c--) out[k++] = v + lo;
  return out;
}

function lengthStats(values: Float64Array): LengthStats | null {
  if (values.length === 0) return null;
  const sorted = sortIntegers(values);
  let sum = 0;
  for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
  return {
    n: sorted.length,
    mean: sum / sorted.length,
    min: sorted[0]!,
    p5: percentile(sorted, 5),
    p25: percentile(sorted, 25),
    p50: percentile(sorted, 50),
    p75: percentile(sorted, 75),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1]!,
    histogram: histogram(sorted),
  };
}

function present(values: Int32Array): Float64Array {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! >= 0) n++;
  const out = new Float64Array(n);
  let j = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! >= 0) out[j++] = values[i]!;
  return out;
}

/** Two-sided exact binomial test of k successes in n against 1/2 (symmetric, so doubling the smaller tail is scipy's binomtest). */
export function binomialTestHalf(k: number, n: number): number {
  const m = Math.min(k, n - k);
  if (2 * m === n) return 1;
  // P(X <= m) = I_{1/2}(n - m, m + 1)
  return Math.min(1, 2 * betainc(0.5, n - m, m + 1, true, false));
}

// ---------------------------------------------------------------- near-duplicates

class UnionFind {
  readonly parent: Int32Array;
  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }
  find(i: number): number {
    const p = this.parent;
    while (p[i] !== i) {
      p[i] = p[p[i]!]!;
      i = p[i]!;
    }
    return i;
  }
  /** The smaller index stays the root, so a cluster's root is its first prompt in file order. */
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    if (ra < rb) this.parent[rb] = ra;
    else this.parent[ra] = rb;
  }
}

/** An eval prompt's match in the data: the data prompt (distinct index) and the estimated similarity. */
interface LeakMatch {
  prompt: number;
  similarity: number;
}

/**
 * LSH over the distinct prompts in file order: per band, the first prompt with a band key is its
 * bucket's representative; a later prompt with the same key is compared with the representative
 * and joined to its cluster when their estimated Jaccard similarity is at least the threshold.
 * The clusters are the connected components of those joins, so processing band by band gives
 * the same clusters as prompt by prompt. With `query` (an eval file's signatures), each query
 * prompt is looked up in the data's buckets too: its match is the representative of the first
 * band (in band order) that is similar enough.
 */
function nearDuplicateClusters(p: DataQualityProfile, query?: { sigs: Uint16Array; has: Uint8Array; skip: Uint8Array }): { uf: UnionFind; matches: (LeakMatch | undefined)[] } {
  const d = p.distinctFirstRow.length;
  const uf = new UnionFind(d);
  const matches: (LeakMatch | undefined)[] = query ? new Array(query.has.length) : [];
  const table = new BandTable(d);
  // Every band key in one sequential pass over the signatures (band-major), so the band loops below
  // read their keys in order instead of one 128-byte signature per key (a cache miss each).
  const keys = new Uint32Array(d * BANDS);
  for (let i = 0; i < d; i++) if (p.hasSignature[i]) for (let b = 0; b < BANDS; b++) keys[b * d + i] = bandKey(p.signatures, i, b);
  for (let b = 0; b < BANDS; b++) {
    if (b > 0) table.reset();
    const base = b * d;
    for (let i = 0; i < d; i++) {
      if (!p.hasSignature[i]) continue;
      const rep = table.lookup(keys[base + i]!, i);
      if (rep >= 0 && uf.find(rep) !== uf.find(i) && signatureSimilarity(p.signatures, rep, i) >= NEAR_DUPLICATE_THRESHOLD) uf.union(rep, i);
    }
    if (!query) continue;
    for (let e = 0; e < query.has.length; e++) {
      if (!query.has[e] || query.skip[e] || matches[e]) continue;
      const rep = table.lookup(bandKey(query.sigs, e, b));
      if (rep < 0) continue;
      const s = crossSimilarity(query.sigs, e, p.signatures, rep);
      if (s >= NEAR_DUPLICATE_THRESHOLD) matches[e] = { prompt: rep, similarity: s };
    }
  }
  return { uf, matches };
}

// ---------------------------------------------------------------- the analysis

const TEXT_ROLES = ['prompt', 'chosen', 'rejected', 'completion'] as const;

function record(m: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
}

export function analyzeDataQuality(input: DataQualityInput, options: DataQualityOptions = {}): DataQualityResult {
  const p = input.data;
  const n = p.rows;
  if (n === 0) throw new AnalysisError('data-quality needs at least one row');
  const minRatings = options.minRatingsPerItem ?? 2;
  const issues: DataQualityIssue[] = [];
  const issue = (id: string, count: number, denominator: number, message: string, lines: number[], file: 'data' | 'against' = 'data', share?: number) => {
    if (count <= 0) return;
    const spec = ISSUES[id]!;
    const s = share ?? (denominator > 0 ? count / denominator : 0);
    issues.push({ id, severity: spec.severity, count, unit: spec.unit, share: s, weight: spec.weight, penalty: spec.weight * Math.min(1, s / SATURATION), message, lines: lines.slice(0, EXAMPLE_LINES), file });
  };
  const lineOfRow = (r: number) => p.lines[r]!;
  const problem = (id: ProblemId) => p.problems[id];
  const preference = p.shape === 'preference' || p.shape === 'preference-messages';
  const responses = preference ? (['chosen', 'rejected'] as const) : p.shape === 'annotation' || p.shape === 'prompts' ? [] : (['completion'] as const);

  if (input.skipped && input.skipped.count > 0) {
    issue('skipped_rows', input.skipped.count, n + input.skipped.count, `${plural(input.skipped.count, 'row')} that could not be read (not a JSON object, or no known shape), left out of every figure`, input.skipped.lines);
  }
  const simple = (id: ProblemId, message: (c: number) => string) => issue(id, problem(id).count, n, message(problem(id).count), problem(id).lines);
  simple('wrong_types', (c) => `${plural(c, 'row')} with a field of the wrong type (e.g. a number or an object where text or a message list is expected)`);
  simple('missing_fields', (c) => `${plural(c, 'row')} without a required field (${p.fields.map((f) => f.column).join(', ')})`);
  if (p.columns.prompt) simple('empty_prompt', (c) => `${plural(c, 'row')} with an empty or missing prompt`);
  if (preference) {
    simple('empty_chosen', (c) => `${plural(c, 'row')} with an empty or missing chosen response`);
    simple('empty_rejected', (c) => `${plural(c, 'row')} with an empty or missing rejected response`);
    simple('identical_chosen_rejected', (c) => `${plural(c, 'pair')} with the same chosen and rejected text: they teach nothing and add noise`);
  } else if (p.shape !== 'annotation' && p.shape !== 'prompts') simple('empty_completion', (c) => `${plural(c, 'row')} with an empty response`);
  if (p.shape === 'preference-messages') simple('prompt_mismatch', (c) => `${plural(c, 'pair')} whose chosen_messages and rejected_messages have different user turns`);
  if (p.messages) {
    simple('no_assistant_turn', (c) => `${plural(c, 'conversation')} without an assistant turn`);
    simple('unknown_roles', (c) => `${plural(c, 'conversation')} with a turn of unknown role (or a turn that is not a {role, content} object)`);
    simple('empty_turns', (c) => `${plural(c, 'conversation')} with a turn without text`);
  }

  // ---- exact duplicates
  const seenRows = new KeyIndex(n);
  const dupRows: number[] = [];
  let exactDuplicateRows = 0;
  for (let r = 0; r < n; r++) {
    if (seenRows.getOrSet(p.rowKeys[r]!, r) >= 0) {
      exactDuplicateRows++;
      if (dupRows.length < EXAMPLE_LINES) dupRows.push(lineOfRow(r));
    }
  }
  issue('exact_duplicate_rows', exactDuplicateRows, n, `${plural(exactDuplicateRows, 'row')} repeating an earlier row exactly`, dupRows);

  // ---- prompts: exact and near duplicates
  const promptOf = p.promptOf;
  const promptsKnown = promptOf !== null && (p.columns.prompt !== undefined || promptOf.some((d) => d >= 0));
  let duplicatePrompts: number | null = null;
  let nearDuplicatePrompts: number | null = null;
  let rowsWithPrompt = 0;
  const clusters: DataQualityResult['near_duplicates']['clusters'] = [];
  const q = input.against;
  if (q && (!promptsKnown || !q.promptOf)) throw new AnalysisError(`--against compares prompts, but ${promptsKnown ? 'the eval file' : 'the data file'} has none (shape ${promptsKnown ? q.shape : p.shape})`, 'shape');
  // Eval prompts that are exactly in the data need no near-duplicate lookup.
  const exactIn = q ? q.distinctFirstRow.map(() => -1) : new Int32Array(0);
  if (q) for (const [key, e] of q.promptIndex.entries()) exactIn[e] = p.promptIndex.get(key);
  let nearMatches: (LeakMatch | undefined)[] = [];
  if (promptsKnown) {
    duplicatePrompts = 0;
    const dupLines: number[] = [];
    const seen = new Uint8Array(p.distinctFirstRow.length);
    const rowsPerPrompt = new Int32Array(p.distinctFirstRow.length);
    for (let r = 0; r < n; r++) {
      const d = promptOf![r]!;
      if (d < 0) continue;
      rowsWithPrompt++;
      rowsPerPrompt[d]!++;
      if (seen[d]) {
        duplicatePrompts++;
        if (dupLines.length < EXAMPLE_LINES) dupLines.push(lineOfRow(r));
      } else seen[d] = 1;
    }
    issue('duplicate_prompts', duplicatePrompts, rowsWithPrompt, `${plural(duplicatePrompts, 'row')} repeating the prompt of an earlier row (after whitespace normalisation)`, dupLines);
    const near = nearDuplicateClusters(p, q ? { sigs: q.signatures, has: q.hasSignature, skip: Uint8Array.from(exactIn, (x) => (x >= 0 ? 1 : 0)) } : undefined);
    nearMatches = near.matches;
    const members = new Map<number, number[]>();
    for (let d = 0; d < p.distinctFirstRow.length; d++) {
      const root = near.uf.find(d);
      if (root === d && !members.has(d)) continue;
      let list = members.get(root);
      if (!list) members.set(root, (list = [root]));
      if (root !== d) list.push(d);
    }
    nearDuplicatePrompts = 0;
    const nearLines: number[] = [];
    const all: { size: number; rows: number; first: number; lines: number[] }[] = [];
    for (const [, list] of members) {
      if (list.length < 2) continue;
      nearDuplicatePrompts += list.length - 1;
      let rows = 0;
      for (const d of list) rows += rowsPerPrompt[d]!;
      all.push({ size: list.length, rows, first: lineOfRow(p.distinctFirstRow[list[0]!]!), lines: list.slice(0, EXAMPLE_LINES).map((d) => lineOfRow(p.distinctFirstRow[d]!)) });
    }
    // Example lines: the first rows of the later prompts of each cluster, in file order.
    const later: number[] = [];
    for (const [, list] of members) for (const d of list.slice(1)) later.push(lineOfRow(p.distinctFirstRow[d]!));
    later.sort((a, b) => a - b);
    nearLines.push(...later.slice(0, EXAMPLE_LINES));
    all.sort((a, b) => b.size - a.size || b.rows - a.rows || a.first - b.first);
    for (const c of all.slice(0, LIST_CLUSTERS)) clusters.push({ size: c.size, rows: c.rows, lines: c.lines });
    issue('near_duplicate_prompts', nearDuplicatePrompts, rowsWithPrompt, `${plural(nearDuplicatePrompts, 'distinct prompt')} nearly repeating an earlier prompt (estimated Jaccard >= ${NEAR_DUPLICATE_THRESHOLD} over ${SHINGLE_K}-word shingles), in ${plural(all.length, 'cluster')}`, nearLines);
  }

  // ---- leakage against an eval file
  let againstRows: number | null = null;
  let leaked: number | null = null;
  let nearLeaked: number | null = null;
  let leakage: DataQualityResult['leakage'] = null;
  let trainEvalLeakage: number | null = null;
  if (q) {
    againstRows = q.rows;
    leaked = 0;
    nearLeaked = 0;
    const exactLines: number[] = [];
    const nearLines: number[] = [];
    const matches: { line: number; data_line: number; similarity: number }[] = [];
    let qWithPrompt = 0;
    for (let r = 0; r < q.rows; r++) {
      const e = q.promptOf![r]!;
      if (e < 0) continue;
      qWithPrompt++;
      const line = q.lines[r]!;
      const exact = exactIn[e]!;
      let match: LeakMatch | undefined;
      if (exact >= 0) {
        match = { prompt: exact, similarity: 1 };
        leaked++;
        if (exactLines.length < EXAMPLE_LINES) exactLines.push(line);
      } else if ((match = nearMatches[e])) {
        nearLeaked++;
        if (nearLines.length < EXAMPLE_LINES) nearLines.push(line);
      }
      if (match && matches.length < EXAMPLE_LINES) matches.push({ line, data_line: lineOfRow(p.distinctFirstRow[match.prompt]!), similarity: match.similarity });
    }
    trainEvalLeakage = qWithPrompt > 0 ? (leaked + nearLeaked) / qWithPrompt : 0;
    issue('leaked_prompts', leaked, qWithPrompt, `${plural(leaked, 'eval row')} whose prompt is also in the training data`, exactLines, 'against');
    issue('near_leaked_prompts', nearLeaked, qWithPrompt, `${plural(nearLeaked, 'eval row')} whose prompt nearly repeats a training prompt`, nearLines, 'against');
    leakage = { matches };
  }

  // ---- ties, truncation
  let ties: number | null = null;
  if (preference || p.shape === 'annotation') {
    ties = problem('ties').count;
    issue('ties', ties, n, p.shape === 'annotation' ? `${plural(ties, 'rating')} that call a tie` : `${plural(ties, 'pair')} that are exact ties (equal scores or a tie label)`, problem('ties').lines);
  }
  let truncated: number | null = null;
  if (responses.length) {
    const flagged = new Uint8Array(n);
    for (const role of responses) {
      const l = p.lengths[role] as RoleLengths;
      // A length cap: the column's maximum, shared by at least 3 responses.
      let maxC = -1;
      let maxT = -1;
      let atC = 0;
      let atT = 0;
      for (let r = 0; r < n; r++) {
        const c = l.chars[r]!;
        const t = l.tokens[r]!;
        if (c > maxC) [maxC, atC] = [c, 1];
        else if (c === maxC) atC++;
        if (t > maxT) [maxT, atT] = [t, 1];
        else if (t === maxT) atT++;
      }
      for (let r = 0; r < n; r++) {
        if (!l.mid[r]) continue;
        const t = l.tokens[r]!;
        const c = l.chars[r]!;
        if ((t >= ROUND_TOKENS && t % ROUND_TOKENS === 0) || (atC >= 3 && c === maxC) || (atT >= 3 && t === maxT)) flagged[r] = 1;
      }
    }
    truncated = 0;
    const lines: number[] = [];
    for (let r = 0; r < n; r++)
      if (flagged[r]) {
        truncated++;
        if (lines.length < EXAMPLE_LINES) lines.push(lineOfRow(r));
      }
    issue('truncated_responses', truncated, n, `${plural(truncated, 'row')} with a response ending mid-sentence at a round length (a multiple of ${ROUND_TOKENS} words, or the column's maximum shared by 3 or more responses): likely cut by a generation limit`, lines);
  }

  // ---- distributions
  const lengths: DataQualityResult['lengths'] = [];
  for (const role of TEXT_ROLES) {
    const l = p.lengths[role];
    if (!l) continue;
    for (const unit of ['chars', 'tokens'] as const) {
      const s = lengthStats(present(l[unit]));
      if (s) lengths.push({ role, unit, ...s });
    }
  }
  const lengthDifference: DataQualityResult['length_difference'] = [];
  if (preference) {
    const a = p.lengths.chosen!;
    const b = p.lengths.rejected!;
    for (const unit of ['chars', 'tokens'] as const) {
      const diffs: number[] = [];
      let longer = 0;
      let equal = 0;
      let shorter = 0;
      for (let r = 0; r < n; r++) {
        const x = a[unit][r]!;
        const y = b[unit][r]!;
        if (x < 0 || y < 0) continue;
        diffs.push(x - y);
        if (x > y) longer++;
        else if (x === y) equal++;
        else shorter++;
      }
      const s = lengthStats(Float64Array.from(diffs));
      if (s) lengthDifference.push({ unit, chosen_longer_share: longer / s.n, equal_share: equal / s.n, rejected_longer_share: shorter / s.n, ...s });
    }
  }
  let labels: DataQualityResult['labels'] = null;
  if (p.labels && p.labels.size > 0) {
    const total = [...p.labels.values()].reduce((x, y) => x + y, 0);
    const counts = record(p.labels);
    labels = { column: p.columns.label ?? 'label', counts, shares: Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / total])) };
  }
  const groups: DataQualityResult['groups'] = p.groups.map((g) => ({
    role: g.role,
    column: g.column,
    values: [...g.values.entries()]
      .sort((x, y) => y[1].rows - x[1].rows || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
      .slice(0, 50)
      .map(([value, e]) => ({ value, rows: e.rows, share: e.rows / n, labels: record(e.labels) })),
  }));

  // ---- position bias
  let positionBias: DataQualityResult['position_bias'] = null;
  if (p.position && p.position.first + p.position.second > 0) {
    const { first, second, column } = p.position;
    const total = first + second;
    const pValue = binomialTestHalf(first, total);
    positionBias = { column, first, second, first_share: first / total, p_value: pValue };
    if (pValue < POSITION_ALPHA) {
      const what = p.shape === 'annotation' ? 'the first-shown response wins' : 'the chosen response was shown first';
      issues.push({
        id: 'position_bias',
        severity: ISSUES['position_bias']!.severity,
        count: total,
        unit: 'pairs',
        share: 1,
        weight: ISSUES['position_bias']!.weight,
        penalty: ISSUES['position_bias']!.weight,
        message: `${what} in ${((100 * first) / total).toFixed(1)}% of ${plural(total, 'pair')} (binomial test against 50%: p = ${pValue.toExponential(2)})`,
        lines: [],
        file: 'data',
      });
    }
  }

  // ---- annotation
  let annotation: DataQualityResult['annotation'] = null;
  if (p.annotation) {
    const a = p.annotation;
    const pool = new Map<string, number>();
    let ratings = 0;
    for (const byLabel of a.byAnnotator.values())
      for (const [l, c] of byLabel) {
        pool.set(l, (pool.get(l) ?? 0) + c);
        ratings += c;
      }
    const poolShare = new Map([...pool.entries()].map(([l, c]) => [l, c / ratings]));
    const per = [...a.byAnnotator.entries()].map(([annotator, byLabel]) => {
      let m = 0;
      for (const c of byLabel.values()) m += c;
      let tv = 0;
      let kl = 0;
      for (const [l, ps] of poolShare) {
        const pa = (byLabel.get(l) ?? 0) / m;
        tv += Math.abs(pa - ps);
        if (pa > 0) kl += pa * Math.log(pa / ps);
      }
      return { annotator, n: m, labels: record(byLabel), tv_distance: tv / 2, kl_divergence: kl, constant: byLabel.size === 1 && pool.size > 1 && m >= CONSTANT_MIN_RATINGS };
    });
    per.sort((x, y) => y.tv_distance - x.tv_distance || y.n - x.n || (x.annotator < y.annotator ? -1 : 1));
    const constant = per.filter((x) => x.constant);
    const constantRatings = constant.reduce((s, x) => s + x.n, 0);
    issue(
      'constant_annotators',
      constant.length,
      a.byAnnotator.size,
      `${plural(constant.length, 'annotator')} giving one label to all of their ${CONSTANT_MIN_RATINGS} or more ratings (${constant.map((x) => `${x.annotator}: ${Object.keys(x.labels)[0]} x${x.n}`).join(', ')})`,
      constant.flatMap((x) => a.annotatorLines.get(x.annotator)!).sort((x, y) => x - y),
      'data',
      constantRatings / ratings,
    );
    const outliers = per.filter((x) => !x.constant && x.n >= CONSTANT_MIN_RATINGS && x.tv_distance >= OUTLIER_TV);
    issue(
      'outlier_annotators',
      outliers.length,
      a.byAnnotator.size,
      `${plural(outliers.length, 'annotator')} whose label distribution is far from the pool's (total-variation distance >= ${OUTLIER_TV}: ${outliers.map((x) => `${x.annotator} ${x.tv_distance.toFixed(2)}`).join(', ')})`,
      outliers.flatMap((x) => a.annotatorLines.get(x.annotator)!).sort((x, y) => x - y),
      'data',
      outliers.reduce((s, x) => s + x.n, 0) / ratings,
    );
    issue('duplicate_ratings', a.duplicateRatings.count, ratings, `${plural(a.duplicateRatings.count, 'rating')} repeating an (item, annotator) pair already rated`, a.duplicateRatings.lines);
    const few = [...a.items.values()].filter(([c]) => c < minRatings);
    issue('items_few_ratings', few.length, a.items.size, `${plural(few.length, 'item')} with fewer than ${plural(minRatings, 'rating')}`, few.map(([, line]) => line).sort((x, y) => x - y));
    annotation = {
      items: a.items.size,
      annotators: a.byAnnotator.size,
      ratings,
      pool: Object.fromEntries([...poolShare.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))),
      min_ratings_per_item: minRatings,
      items_few_ratings: few.length,
      duplicate_ratings: a.duplicateRatings.count,
      constant_annotators: constant.map((x) => x.annotator),
      per_annotator: per.slice(0, LIST_ANNOTATORS),
    };
  }

  const order: Record<Severity, number> = { error: 0, warning: 1, info: 2 };
  issues.sort((x, y) => order[x.severity] - order[y.severity] || y.penalty - x.penalty || (x.id < y.id ? -1 : 1));
  const score = Math.max(0, 100 - issues.reduce((s, i) => s + i.penalty, 0));
  const countOrNull = (id: ProblemId, applies: boolean) => (applies ? problem(id).count : null);
  return {
    shape: p.shape,
    columns: p.columns,
    rows: n,
    quality_score: score,
    exact_duplicate_rows: exactDuplicateRows,
    duplicate_prompts: duplicatePrompts,
    near_duplicate_prompts: nearDuplicatePrompts,
    duplicate_prompt_share: duplicatePrompts === null ? null : rowsWithPrompt ? duplicatePrompts / rowsWithPrompt : 0,
    near_duplicate_prompt_share: nearDuplicatePrompts === null ? null : rowsWithPrompt ? nearDuplicatePrompts / rowsWithPrompt : 0,
    identical_chosen_rejected: countOrNull('identical_chosen_rejected', preference),
    empty_prompt: countOrNull('empty_prompt', p.columns.prompt !== undefined),
    empty_chosen: countOrNull('empty_chosen', preference),
    empty_rejected: countOrNull('empty_rejected', preference),
    empty_completion: countOrNull('empty_completion', !preference && p.shape !== 'annotation' && p.shape !== 'prompts'),
    wrong_types: problem('wrong_types').count,
    missing_fields: problem('missing_fields').count,
    ties,
    truncated_responses: truncated,
    against_rows: againstRows,
    leaked_prompts: leaked,
    near_leaked_prompts: nearLeaked,
    train_eval_leakage: trainEvalLeakage,
    issues,
    fields: p.fields.map((f) => ({ ...f })),
    lengths,
    length_difference: lengthDifference,
    labels,
    groups,
    position_bias: positionBias,
    messages: p.messages ? { turns: { ...p.messages.turns } } : null,
    annotation,
    near_duplicates: { shingle_k: SHINGLE_K, num_perm: NUM_PERM, bands: BANDS, rows_per_band: ROWS_PER_BAND, threshold: NEAR_DUPLICATE_THRESHOLD, seed: MINHASH_SEED, clusters },
    leakage,
  };
}
