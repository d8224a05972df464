/**
 * Active-learning selection: score each row's predictive uncertainty and pick the top k, or a
 * diverse top k (greedy k-center over embeddings among the most uncertain candidates).
 */
import { requireFinite } from './finite';
import { AnalysisError, type UncertaintyInput, type UncertaintyOptions, type UncertaintyResult } from './types';

type Score = 'entropy' | 'margin' | 'least_confidence';

/** Row-wise probabilities (softmax with the max subtracted when the input is logits). */
function probabilities(input: UncertaintyInput): Float64Array {
  if (!input.logits) return input.values;
  const { values, classes: k } = input;
  const out = new Float64Array(values.length);
  for (let o = 0; o < values.length; o += k) {
    let top = -Infinity;
    for (let j = 0; j < k; j++) top = Math.max(top, values[o + j]!);
    let z = 0;
    for (let j = 0; j < k; j++) z += out[o + j] = Math.exp(values[o + j]! - top);
    for (let j = 0; j < k; j++) out[o + j]! /= z;
  }
  return out;
}

/** Uncertainty of each row: entropy (natural log), margin 1 - (p1 - p2), or least confidence 1 - p1. */
export function uncertaintyScores(probs: Float64Array, classes: number, method: Score): Float64Array {
  const n = probs.length / classes;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const o = i * classes;
    if (method === 'entropy') {
      let h = 0;
      for (let j = 0; j < classes; j++) {
        const p = probs[o + j]!;
        if (p > 0) h -= p * Math.log(p);
      }
      out[i] = h;
      continue;
    }
    let p1 = -Infinity;
    let p2 = -Infinity;
    for (let j = 0; j < classes; j++) {
      const p = probs[o + j]!;
      if (p > p1) {
        p2 = p1;
        p1 = p;
      } else if (p > p2) p2 = p;
    }
    out[i] = method === 'margin' ? 1 - (p1 - p2) : 1 - p1;
  }
  return out;
}

/**
 * The `k` rows of highest score, best first, ties in row order. A native sort finds the k-th
 * largest score; only the rows at or above it are sorted with a comparator.
 */
function topRows(scores: Float64Array, k: number): number[] {
  const n = scores.length;
  const threshold = Float64Array.from(scores).sort()[Math.max(0, n - k)]!;
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (scores[i]! >= threshold) rows.push(i);
  return rows.sort((a, b) => scores[b]! - scores[a]! || a - b).slice(0, k);
}

function distance2(e: Float64Array, dim: number, a: number, b: number): number {
  let s = 0;
  for (let d = 0; d < dim; d++) {
    const x = e[a * dim + d]! - e[b * dim + d]!;
    s += x * x;
  }
  return s;
}

/** Greedy k-center: start from the most uncertain candidate, then repeatedly add the one farthest from the chosen set. */
function kCenter(pool: number[], k: number, embeddings: { values: Float64Array; dim: number }): number[] {
  const chosen = [pool[0]!];
  const nearest = pool.map((i) => distance2(embeddings.values, embeddings.dim, i, pool[0]!));
  while (chosen.length < Math.min(k, pool.length)) {
    let best = -1;
    for (let c = 0; c < pool.length; c++) if (nearest[c]! > 0 && (best < 0 || nearest[c]! > nearest[best]!)) best = c;
    if (best < 0) break; // the rest duplicate chosen points
    chosen.push(pool[best]!);
    for (let c = 0; c < pool.length; c++) nearest[c] = Math.min(nearest[c]!, distance2(embeddings.values, embeddings.dim, pool[c]!, pool[best]!));
  }
  return chosen;
}

export function selectUncertain(input: UncertaintyInput, options: UncertaintyOptions): UncertaintyResult {
  const n = input.ids.length;
  if (n === 0) throw new AnalysisError('uncertainty needs at least one row; none were usable');
  if (input.classes < 2 || input.values.length !== n * input.classes) throw new AnalysisError(`expected ${n} rows of ${input.classes} (>= 2) values, got ${input.values.length} values`, 'shape');
  requireFinite(input.values, input.logits ? 'a logit' : 'a probability');
  if (input.embeddings) requireFinite(input.embeddings.values, 'an embedding value');
  const top = options.top ?? 10;
  if (!(Number.isInteger(top) && top >= 1)) throw new AnalysisError(`top must be a positive integer, got ${top}`, 'bad-option');
  const base: Score = options.method === 'diversity' ? (options.baseMethod ?? 'entropy') : options.method;
  const scores = uncertaintyScores(probabilities(input), input.classes, base);
  let order: number[];
  if (options.method === 'diversity') {
    const emb = input.embeddings;
    if (!emb) throw new AnalysisError('diversity selection needs an embedding per row', 'shape');
    if (emb.values.length !== n * emb.dim) throw new AnalysisError(`expected ${n} embeddings of dimension ${emb.dim}, got ${emb.values.length} values`, 'shape');
    order = kCenter(topRows(scores, top * (options.poolFactor ?? 5)), top, emb);
  } else {
    order = topRows(scores, top);
  }
  return { method: options.method, selected: order.slice(0, top).map((i, r) => ({ id: input.ids[i]!, score: scores[i]!, rank: r + 1 })) };
}
