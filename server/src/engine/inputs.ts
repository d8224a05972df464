/**
 * From rows to analysis inputs: one loader per analysis. Each loader walks the rows once, keeps only
 * typed columns (or running sums), skips unusable rows with a reason, and refuses a file that gives
 * no usable row with an IngestError that says why.
 */
import { IngestError, type SourceRow } from '../ingest/rows';
import type { DataSource } from '../ingest/read';
import { describe, finiteNumber, flag, key, loggedNumber, numberList } from '../ingest/fields';
import { Float64Column, Int32Column, Uint8Column } from './columns';
import { fastAb, fastCalibration, type FastAbMetric } from './duckdb/fast';
import { emptyMoments, pushMoments, quantileSummary, type Moments } from '../analysis/ab-stats';
import type {
  AbInput,
  AbMetricInput,
  CalibrationInput,
  DriftInput,
  LatencyInput,
  MetricSeries,
  Rating,
  TrainingInput,
  UncertaintyInput,
} from '../analysis/types';

function noUsableRows(source: DataSource, needs: string): IngestError {
  const first = source.skipped.first[0];
  const example = first ? ` (line ${first.line}: ${first.reason})` : '';
  return new IngestError(source.file, `no usable rows: ${source.rowsRead} read, ${source.skipped.count} skipped${example}; ${needs}`);
}

// ---------------------------------------------------------------- calibration

type CalibrationShape = CalibrationInput['kind'];

function calibrationShape(v: Record<string, unknown>): CalibrationShape | undefined {
  if ('chosen_score' in v || 'rejected_score' in v) return 'pairs';
  if ('probs' in v || 'logits' in v) return 'multiclass';
  if ('confidence' in v || 'correct' in v) return 'top-label';
  if ('prob' in v) return 'binary';
  return undefined;
}

const CALIBRATION_NEEDS = 'calibration needs {probs|logits, label}, {confidence, correct}, {prob, label} or {chosen_score, rejected_score} (map columns with --column field=column)';

export async function loadCalibration(source: DataSource): Promise<CalibrationInput> {
  // Well-formed files are read by the engine; anything it cannot vouch for comes through the rows below.
  const fast = await fastCalibration(source);
  if (fast) return fast;
  let shape: CalibrationShape | undefined;
  const a = new Float64Column();
  const b = new Float64Column();
  const flags = new Uint8Column();
  const labels = new Int32Column();
  let classes = 0;
  let logits = false;
  const skip = (row: SourceRow, reason: string) => source.skipped.add(row.line, reason);
  for await (const row of source.rows) {
    const v = row.value;
    const rowShape = calibrationShape(v);
    if (!rowShape) {
      skip(row, 'none of probs, logits, confidence, prob, chosen_score');
      continue;
    }
    shape ??= rowShape;
    if (rowShape !== shape) {
      skip(row, `row shape "${rowShape}" differs from the file's first row ("${shape}")`);
      continue;
    }
    switch (shape) {
      case 'pairs': {
        const c = finiteNumber(v['chosen_score']);
        const r = finiteNumber(v['rejected_score']);
        if (c === undefined) skip(row, describe('chosen_score', v['chosen_score'], 'a number'));
        else if (r === undefined) skip(row, describe('rejected_score', v['rejected_score'], 'a number'));
        else {
          a.push(c);
          b.push(r);
        }
        break;
      }
      case 'top-label': {
        const c = finiteNumber(v['confidence']);
        const k = flag(v['correct']);
        if (c === undefined || c < 0 || c > 1) skip(row, describe('confidence', v['confidence'], 'a probability in [0, 1]'));
        else if (k === undefined) skip(row, describe('correct', v['correct'], 'true/false or 1/0'));
        else {
          a.push(c);
          flags.push(k);
        }
        break;
      }
      case 'binary': {
        const p = finiteNumber(v['prob']);
        const k = flag(v['label']);
        if (p === undefined || p < 0 || p > 1) skip(row, describe('prob', v['prob'], 'a probability in [0, 1]'));
        else if (k === undefined) skip(row, describe('label', v['label'], '0 or 1'));
        else {
          a.push(p);
          flags.push(k);
        }
        break;
      }
      case 'multiclass': {
        const field = 'logits' in v ? 'logits' : 'probs';
        if (a.length === 0 && labels.length === 0) logits = field === 'logits';
        const values = numberList(v[field]);
        const label = finiteNumber(v['label']);
        if (!values || values.length < 2) skip(row, describe(field, v[field], 'a list of at least 2 numbers'));
        else if ((field === 'logits') !== logits) skip(row, `has "${field}" but the file's first row has "${logits ? 'logits' : 'probs'}"`);
        else if (classes && values.length !== classes) skip(row, `"${field}" has ${values.length} classes, the first row ${classes}`);
        else if (label === undefined || !Number.isInteger(label) || label < 0 || label >= values.length) skip(row, describe('label', v['label'], `a class index 0..${values.length - 1}`));
        else if (!logits && values.some((p) => p < 0 || p > 1)) skip(row, `"probs" has a value outside [0, 1]`);
        else {
          classes = values.length;
          for (const x of values) a.push(x);
          labels.push(label);
        }
        break;
      }
    }
  }
  const n = shape === 'multiclass' ? labels.length : a.length;
  if (!shape || n === 0) throw noUsableRows(source, CALIBRATION_NEEDS);
  switch (shape) {
    case 'pairs':
      return { kind: 'pairs', chosen: a.toArray(), rejected: b.toArray() };
    case 'top-label':
      return { kind: 'top-label', confidence: a.toArray(), correct: flags.toArray() };
    case 'binary':
      return { kind: 'binary', prob: a.toArray(), label: flags.toArray() };
    case 'multiclass':
      return { kind: 'multiclass', values: a.toArray(), classes, label: labels.toArray(), logits };
  }
}

// ---------------------------------------------------------------- A/B

import type { AbMetricColumn } from '../config/experiment-model';
export type { AbMetricColumn };

/** Whether a metric is finished from moments (covariate, ratio) or order statistics (quantile). */
export const isMomentMetric = (m: AbMetricColumn): boolean => m.type === 'ratio' || m.type === 'quantile' || m.covariate !== undefined;

interface Welford {
  n: number;
  mean: number;
  m2: number;
}

/**
 * Rows `{variant, <metric columns>}` (one per unit exposure), or aggregated `{variant, n, successes}`
 * rows, which feed every binomial metric. Continuous metrics use Welford's running variance.
 */
export async function loadAb(source: DataSource, metrics: AbMetricColumn[], variantColumn = 'variant', confidence = 0.95): Promise<AbInput> {
  // The DuckDB fast path computes count/mean/variance only: CUPED, ratio and quantile metrics need the
  // moments and values the line reader collects.
  if (!metrics.some(isMomentMetric)) {
    // No moment metric: every type is binomial or continuous.
    const fast = await fastAb(source, metrics as FastAbMetric[], variantColumn);
    if (fast) return fast;
  }
  const units: Record<string, number> = {};
  const moment = metrics.filter(isMomentMetric).map((m) => ({ m, byVariant: {} as Record<string, Moments>, values: {} as Record<string, Float64Column> }));
  const binomial = metrics.filter((m) => m.type === 'binomial' && !isMomentMetric(m)).map((m) => ({ m, byVariant: {} as Record<string, { n: number; successes: number }> }));
  const continuous = metrics.filter((m) => m.type === 'continuous' && !isMomentMetric(m)).map((m) => ({ m, byVariant: {} as Record<string, Welford> }));
  let usable = 0;
  for await (const row of source.rows) {
    const v = row.value;
    const variant = key(v[variantColumn]);
    if (variant === undefined) {
      source.skipped.add(row.line, describe(variantColumn, v[variantColumn], 'a variant id'));
      continue;
    }
    if ('n' in v && 'successes' in v) {
      const n = finiteNumber(v['n']);
      const s = finiteNumber(v['successes']);
      if (n === undefined || n < 0 || !Number.isInteger(n)) source.skipped.add(row.line, describe('n', v['n'], 'a whole number'));
      else if (s === undefined || s < 0 || s > n) source.skipped.add(row.line, describe('successes', v['successes'], `a count from 0 to n (${n})`));
      else {
        units[variant] = (units[variant] ?? 0) + n;
        for (const b of binomial) {
          const acc = (b.byVariant[variant] ??= { n: 0, successes: 0 });
          acc.n += n;
          acc.successes += s;
        }
        usable++;
      }
      continue;
    }
    let rowUsed = false;
    const problems: string[] = [];
    for (const b of binomial) {
      const x = flag(v[b.m.column]);
      if (x === undefined) {
        if (v[b.m.column] !== undefined) problems.push(describe(b.m.column, v[b.m.column], 'true/false or 1/0'));
        continue;
      }
      const acc = (b.byVariant[variant] ??= { n: 0, successes: 0 });
      acc.n++;
      acc.successes += x;
      rowUsed = true;
    }
    for (const c of continuous) {
      const x = finiteNumber(v[c.m.column]);
      if (x === undefined) {
        if (v[c.m.column] !== undefined) problems.push(describe(c.m.column, v[c.m.column], 'a number'));
        continue;
      }
      const w = (c.byVariant[variant] ??= { n: 0, mean: 0, m2: 0 });
      w.n++;
      const d = x - w.mean;
      w.mean += d / w.n;
      w.m2 += d * (x - w.mean);
      rowUsed = true;
    }
    for (const c of moment) {
      const raw = v[c.m.column];
      const y = c.m.type === 'binomial' ? flag(raw) : finiteNumber(raw);
      if (y === undefined) {
        if (raw !== undefined) problems.push(describe(c.m.column, raw, c.m.type === 'binomial' ? 'true/false or 1/0' : 'a number'));
        continue;
      }
      if (c.m.type === 'quantile') {
        (c.values[variant] ??= new Float64Column()).push(y);
        rowUsed = true;
        continue;
      }
      // A unit without its covariate / denominator is left out of this metric (as the SQL's countIf).
      const xColumn = c.m.denominator ?? c.m.covariate!;
      const x = finiteNumber(v[xColumn]);
      if (x === undefined) {
        if (v[xColumn] !== undefined) problems.push(describe(xColumn, v[xColumn], 'a number'));
        continue;
      }
      pushMoments((c.byVariant[variant] ??= emptyMoments()), y, x);
      rowUsed = true;
    }
    if (problems.length) source.skipped.add(row.line, problems.join('; '));
    else if (!rowUsed) source.skipped.add(row.line, `none of the metric columns (${metrics.map((m) => m.column).join(', ')})`);
    if (rowUsed || !problems.length) {
      // A unit was exposed even if its metric values are missing: it counts for the SRM test.
      units[variant] = (units[variant] ?? 0) + 1;
    }
    if (rowUsed) usable++;
  }
  if (usable === 0) throw noUsableRows(source, `A/B rows need "${variantColumn}" and the metric columns ${metrics.map((m) => m.column).join(', ')}, or {${variantColumn}, n, successes}`);
  const out: AbMetricInput[] = [
    ...moment.map((c): AbMetricInput => {
      if (c.m.type === 'quantile') {
        const byVariant = Object.fromEntries(Object.entries(c.values).map(([k, col]) => [k, quantileSummary(col.toArray().sort(), c.m.quantile!, c.m.confidence ?? confidence)]));
        return { name: c.m.name, type: 'quantile', quantile: c.m.quantile!, byVariant };
      }
      if (c.m.type === 'ratio') return { name: c.m.name, type: 'ratio', byVariant: c.byVariant };
      return { name: c.m.name, type: 'adjusted', metricType: c.m.type, byVariant: c.byVariant };
    }),
    ...binomial.map((b): AbMetricInput => ({ name: b.m.name, type: 'binomial', byVariant: b.byVariant })),
    ...continuous.map(
      (c): AbMetricInput => ({
        name: c.m.name,
        type: 'continuous',
        byVariant: Object.fromEntries(Object.entries(c.byVariant).map(([k, w]) => [k, { n: w.n, mean: w.mean, variance: w.n > 1 ? w.m2 / (w.n - 1) : 0 }])),
      }),
    ),
  ];
  // Keep the Experiment's metric order.
  out.sort((x, y) => metrics.findIndex((m) => m.name === x.name) - metrics.findIndex((m) => m.name === y.name));
  return { units, metrics: out };
}

// ---------------------------------------------------------------- agreement

/** Rows `{item_id, annotator, label}`; numeric labels stay numbers unless the level is nominal. */
export async function loadRatings(source: DataSource, level: string): Promise<Rating[]> {
  const ratings: Rating[] = [];
  for await (const row of source.rows) {
    const v = row.value;
    const item = key(v['item_id'] ?? v['item']);
    const annotator = key(v['annotator']);
    const raw = v['label'];
    if (item === undefined) source.skipped.add(row.line, describe('item_id', v['item_id'], 'an item id'));
    else if (annotator === undefined) source.skipped.add(row.line, describe('annotator', v['annotator'], 'an annotator id'));
    else if (key(raw) === undefined) source.skipped.add(row.line, describe('label', raw, 'a label'));
    else {
      const n = level === 'nominal' ? undefined : finiteNumber(raw);
      if ((level === 'interval' || level === 'ratio') && n === undefined) source.skipped.add(row.line, describe('label', raw, `a number (level ${level})`));
      else ratings.push({ item, annotator, label: n ?? key(raw)! });
    }
  }
  if (ratings.length === 0) throw noUsableRows(source, 'agreement needs {item_id, annotator, label} rows');
  return ratings;
}

// ---------------------------------------------------------------- drift

interface DriftSample {
  numbers: Float64Column;
  strings: string[] | undefined;
  n: number;
}

async function driftSample(source: DataSource, column: string): Promise<DriftSample> {
  const numbers = new Float64Column();
  let strings: string[] | undefined;
  let n = 0;
  for await (const row of source.rows) {
    const raw = row.value[column];
    const k = key(raw);
    if (k === undefined) {
      source.skipped.add(row.line, describe(column, raw, 'a value'));
      continue;
    }
    n++;
    const x = finiteNumber(raw);
    if (strings) strings.push(k);
    else if (x !== undefined) numbers.push(x);
    else {
      // The first non-numeric value: the column is categorical.
      strings = Array.from(numbers.toArray(), String);
      strings.push(k);
    }
  }
  if (n === 0) throw noUsableRows(source, `drift needs the column "${column}"`);
  return { numbers, strings, n };
}

export async function loadDrift(reference: DataSource, current: DataSource, column: string): Promise<DriftInput> {
  const ref = await driftSample(reference, column);
  const cur = await driftSample(current, column);
  if (!ref.strings && !cur.strings) return { kind: 'numeric', reference: ref.numbers.toArray(), current: cur.numbers.toArray() };
  const asStrings = (s: DriftSample) => s.strings ?? Array.from(s.numbers.toArray(), String);
  return { kind: 'categorical', reference: asStrings(ref), current: asStrings(cur) };
}

// ---------------------------------------------------------------- training

const NOT_METRICS = new Set(['step', 'global_step', 'timestamp', 'time', 'wall_time', 'epoch_step']);

/** The step of a log row: step, global_step, or the row's position when neither is logged. */
function stepOf(v: Record<string, unknown>, ordinal: number): number {
  return finiteNumber(v['step']) ?? finiteNumber(v['global_step']) ?? ordinal;
}

/** The [metric, step, value] points of one log row (NaN kept: it raises an alert). */
export function trainingPoints(v: Record<string, unknown>, ordinal: number): [string, number, number][] {
  const step = stepOf(v, ordinal);
  const out: [string, number, number][] = [];
  for (const [name, raw] of Object.entries(v)) {
    if (NOT_METRICS.has(name)) continue;
    const x = loggedNumber(raw);
    if (x !== undefined) out.push([name, step, x]);
  }
  return out;
}

/** Every numeric field of every row becomes a series point. */
export async function loadTraining(source: DataSource): Promise<TrainingInput> {
  const series = new Map<string, { steps: Float64Column; values: Float64Column }>();
  let ordinal = 0;
  for await (const row of source.rows) {
    const v = row.value;
    const step = stepOf(v, ordinal++);
    let used = false;
    // A plain loop over keys: this runs once per logged value (millions of times on long runs).
    for (const name in v) {
      if (NOT_METRICS.has(name)) continue;
      const x = loggedNumber(v[name]);
      if (x === undefined) continue;
      let s = series.get(name);
      if (!s) series.set(name, (s = { steps: new Float64Column(), values: new Float64Column() }));
      s.steps.push(step);
      s.values.push(x);
      used = true;
    }
    if (!used) source.skipped.add(row.line, 'no numeric metric in the row');
  }
  if (series.size === 0) throw noUsableRows(source, 'a training log needs numeric metrics (loss, eval_loss, rewards/..., ...)');
  const out: Record<string, MetricSeries> = {};
  for (const [name, s] of series) out[name] = { steps: s.steps.toArray(), values: s.values.toArray() };
  return { run: source.run, series: out };
}

// ---------------------------------------------------------------- latency

/** Milliseconds since the epoch from epoch seconds/ms numbers or an ISO date string. */
function timestampMs(v: unknown): number | undefined {
  const n = finiteNumber(v);
  if (n !== undefined) return n < 1e11 ? n * 1000 : n;
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

/** Rows `{timestamp, latency_ms, success?, <group column>?}`; a row without `success` counts as a success. */
export async function loadLatency(source: DataSource, groupBy: string | undefined): Promise<LatencyInput> {
  const ts = new Float64Column();
  const latency = new Float64Column();
  const success = new Uint8Column();
  const groups: string[] | null = groupBy ? [] : null;
  for await (const row of source.rows) {
    const v = row.value;
    const t = timestampMs(v['timestamp']);
    const l = finiteNumber(v['latency_ms']);
    const ok = v['success'] === undefined ? 1 : flag(v['success']);
    const g = groupBy ? key(v[groupBy]) : undefined;
    if (t === undefined) source.skipped.add(row.line, describe('timestamp', v['timestamp'], 'epoch seconds/milliseconds or an ISO date'));
    else if (l === undefined || l < 0) source.skipped.add(row.line, describe('latency_ms', v['latency_ms'], 'a non-negative number'));
    else if (ok === undefined) source.skipped.add(row.line, describe('success', v['success'], 'true/false or 1/0'));
    else if (groupBy && g === undefined) source.skipped.add(row.line, describe(groupBy, v[groupBy], 'a group key'));
    else {
      ts.push(t);
      latency.push(l);
      success.push(ok);
      groups?.push(g!);
    }
  }
  if (ts.length === 0) throw noUsableRows(source, 'latency needs {timestamp, latency_ms} rows');
  return { timestamp: ts.toArray(), latency: latency.toArray(), success: success.toArray(), group: groups };
}

// ---------------------------------------------------------------- uncertainty

/** Rows `{id, probs}` or `{id, logits}`, optional `embedding`. */
export async function loadUncertainty(source: DataSource): Promise<UncertaintyInput> {
  const ids: string[] = [];
  const values = new Float64Column();
  const emb = new Float64Column();
  let classes = 0;
  let logits: boolean | undefined;
  let dim = 0;
  let withEmbeddings: boolean | undefined;
  for await (const row of source.rows) {
    const v = row.value;
    const field = 'logits' in v ? 'logits' : 'probs';
    const list = numberList(v[field]);
    const e = v['embedding'] === undefined ? undefined : numberList(v['embedding']);
    if (!list || list.length < 2) source.skipped.add(row.line, describe(field, v[field], 'a list of at least 2 numbers'));
    else if (logits !== undefined && (field === 'logits') !== logits) source.skipped.add(row.line, `has "${field}" but the first row has "${logits ? 'logits' : 'probs'}"`);
    else if (classes && list.length !== classes) source.skipped.add(row.line, `"${field}" has ${list.length} classes, the first row ${classes}`);
    else if (withEmbeddings !== undefined && (e !== undefined) !== withEmbeddings) source.skipped.add(row.line, withEmbeddings ? describe('embedding', v['embedding'], 'a list of numbers') : 'has an embedding but the first row has none');
    else if (e && dim && e.length !== dim) source.skipped.add(row.line, `"embedding" has ${e.length} dimensions, the first row ${dim}`);
    else {
      logits ??= field === 'logits';
      classes = list.length;
      withEmbeddings ??= e !== undefined;
      if (e) {
        dim = e.length;
        for (const x of e) emb.push(x);
      }
      for (const x of list) values.push(x);
      ids.push(key(v['id']) ?? String(row.line));
    }
  }
  if (ids.length === 0) throw noUsableRows(source, 'uncertainty needs {id, probs} or {id, logits} rows');
  return { ids, values: values.toArray(), classes, logits: logits ?? false, ...(withEmbeddings ? { embeddings: { values: emb.toArray(), dim } } : {}) };
}
