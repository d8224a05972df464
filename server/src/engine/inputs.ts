/**
 * From rows to analysis inputs: one loader per analysis. Each loader walks the rows once, keeps only
 * typed columns (or running sums), skips unusable rows with a reason, and refuses a file that gives
 * no usable row with an IngestError that says why.
 */
import { IngestError, type SourceRow } from '../ingest/rows';
import type { DataSource } from '../ingest/read';
import { describe, finiteNumber, flag, key, loggedNumber, numberList } from '../ingest/fields';
import { Float64Column, Int32Column, Uint8Column } from '../analysis/columns';
import { fastAb, fastCalibration, type FastAbMetric } from './duckdb/fast';
import { calibrationShape, type CalibrationShape } from './calibration-shape';
import { emptyMoments, pushMoments, quantileSummary, type Moments } from '../analysis/ab-stats';
import { plural } from '../text/plural';
import type {
  AbInput,
  AbMetricInput,
  CalibrationInput,
  DriftInput,
  LatencyInput,
  MetricSeries,
  Rating,
  TrainingInput,
  TrainingProgress,
  UncertaintyInput,
} from '../analysis/types';

function noUsableRows(source: DataSource, needs: string): IngestError {
  return new IngestError(source.file, `no usable rows: ${source.rowsRead} read, ${source.skipped.count} skipped${source.skipped.firstExample()}; ${needs}`);
}

// ---------------------------------------------------------------- calibration

const CALIBRATION_NEEDS = 'calibration needs {probs|logits, label}, {confidence, correct}, {prob, label} or {chosen_score, rejected_score} (map columns with --column field=column)';

export async function loadCalibration(source: DataSource, bins?: number): Promise<CalibrationInput> {
  // Well-formed files are read by the engine; anything it cannot vouch for comes through the rows below.
  const fast = await fastCalibration(source, bins);
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
  refuseMostlySkipped(source, n, CALIBRATION_NEEDS);
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

/**
 * More than this share of a file's rows skipped and the result is not presented as the file's
 * answer: the analysis refuses (docs/analyses.md, "Skipped rows").
 */
export const MAX_SKIPPED_SHARE = 0.5;
/** ... once at least this many rows are skipped: a handful of rows, all listed with the result, is not refused. */
export const MIN_SKIPPED_TO_REFUSE = 10;

/** Refuses a result computed from a minority of the file's rows (the rest skipped). */
export function refuseMostlySkipped(source: DataSource, used: number, needs: string): void {
  const skipped = source.skipped.count;
  if (skipped < MIN_SKIPPED_TO_REFUSE || skipped / (skipped + used) <= MAX_SKIPPED_SHARE) return;
  const pct = Math.round((100 * skipped) / (skipped + used));
  throw new IngestError(
    source.file,
    `${skipped} of ${skipped + used} rows (${pct}%) are unusable, more than the ${MAX_SKIPPED_SHARE * 100}% an analysis accepts; a result from the other ${used} would not be this file's answer${source.skipped.firstExample()}; ${needs}`,
  );
}

/** Cells that mean "this annotator did not rate this item" in a wide matrix. */
const MISSING_CELL = /^(|na|n\/a|nan|null|none|-|\?|\.)$/i;
/** Columns of a wide matrix that name the item rather than an annotator. */
const ITEM_COLUMNS = ['item_id', 'item', 'id', 'example_id', 'question_id', 'unit_id', '_unit_id'];

const AGREEMENT_NEEDS =
  'agreement needs {item_id, annotator, label} rows, or an item x annotator matrix (one row per item, one column per annotator, blank or NA where an annotator did not rate; with or without a header)';

/**
 * In a real item x annotator matrix the annotators label from one vocabulary. A column whose
 * labels mostly appear in no other column (worker ids, texts, sources) is not an annotator: the
 * file is refused rather than "agreement" computed between, say, a worker-id column and an answer.
 */
function refuseNonAnnotatorColumns(file: string, ratings: Rating[]): void {
  const byAnnotator = new Map<string, string[]>();
  for (const r of ratings) {
    let labels = byAnnotator.get(r.annotator);
    if (!labels) byAnnotator.set(r.annotator, (labels = []));
    labels.push(String(r.label));
  }
  if (byAnnotator.size < 2) return;
  const seenBy = new Map<string, Set<string>>();
  for (const [a, labels] of byAnnotator) for (const l of labels) (seenBy.get(l) ?? seenBy.set(l, new Set()).get(l)!).add(a);
  const odd = [...byAnnotator].filter(([, labels]) => labels.filter((l) => seenBy.get(l)!.size > 1).length < 0.5 * labels.length).map(([a]) => a);
  if (odd.length === 0) return;
  const names = odd.slice(0, 5).map((a) => `"${a}"`).join(', ') + (odd.length > 5 ? ', ...' : '');
  throw new IngestError(
    file,
    `read as an item x annotator matrix, but ${odd.length === 1 ? 'column' : 'columns'} ${names} ${odd.length === 1 ? 'shares' : 'share'} almost no labels with the other columns, so ${odd.length === 1 ? 'it is' : 'they are'} not an annotator's; a matrix holds an item column (item_id, item, id, ...) and one column per annotator, nothing else; for {item, annotator, label} rows name those columns (--column annotator=COLUMN --column label=COLUMN)`,
  );
}

/**
 * Ratings from the long layout `{item_id, annotator, label}` (headerless three-column files as
 * nltk's), or from a wide item x annotator matrix (MACE, CrowdTruth and many papers ship that):
 * one row per item, one column per annotator, missing cells blank or NA. A headerless file with
 * other than three columns, or a file whose rows have neither `annotator` nor `label`, is wide.
 * Numeric labels stay numbers unless the level is nominal.
 */
export async function loadRatings(source: DataSource, level: string): Promise<Rating[]> {
  const ratings: Rating[] = [];
  let wide: { itemColumn: string | undefined; rename: Map<string, string> | undefined } | undefined;
  let decided = false;
  let used = 0;
  const push = (line: number, item: string, annotator: string, raw: unknown): boolean => {
    const n = level === 'nominal' ? undefined : finiteNumber(raw);
    if ((level === 'interval' || level === 'ratio') && n === undefined) {
      source.skipped.add(line, describe(wide ? annotator : 'label', raw, `a number (level ${level})`));
      return false;
    }
    ratings.push({ item, annotator, label: n ?? key(raw)! });
    return true;
  };
  for await (const row of source.rows) {
    const v = row.value;
    if (!decided) {
      decided = true;
      const cols = source.columns;
      const named = 'annotator' in v || 'label' in v || (cols !== undefined && (cols.includes('annotator') || cols.includes('label')));
      // Headerless: three columns are nltk's (annotator, item, label) triples, any other count a matrix.
      const long = cols && source.headerless ? cols.length === 3 : named;
      if (!long) {
        const names = cols ?? Object.keys(v);
        wide = {
          itemColumn: source.headerless ? undefined : ITEM_COLUMNS.find((c) => names.includes(c)),
          // A headerless matrix's annotators are its columns: col1, col2, ...
          rename: source.headerless && cols ? new Map(cols.map((c, i) => [c, `col${i + 1}`])) : undefined,
        };
      }
    }
    if (wide) {
      const item = wide.itemColumn ? key(v[wide.itemColumn]) : `row ${row.line}`;
      if (item === undefined) {
        source.skipped.add(row.line, describe(wide.itemColumn!, v[wide.itemColumn!], 'an item id'));
        continue;
      }
      let n = 0;
      for (const [annotator, raw] of Object.entries(v)) {
        if (annotator === wide.itemColumn || raw === null || raw === undefined) continue;
        if (key(raw) === undefined || (typeof raw === 'string' && MISSING_CELL.test(raw.trim()))) continue;
        if (push(row.line, item, wide.rename?.get(annotator) ?? annotator, raw)) n++;
      }
      if (n === 0) source.skipped.add(row.line, 'no annotator rated this item (every cell blank or NA)');
      else used++;
      continue;
    }
    const item = key(v['item_id'] ?? v['item']);
    const annotator = key(v['annotator']);
    const raw = v['label'];
    if (item === undefined) source.skipped.add(row.line, describe('item_id', v['item_id'], 'an item id'));
    else if (annotator === undefined) source.skipped.add(row.line, describe('annotator', v['annotator'], 'an annotator id'));
    else if (key(raw) === undefined) source.skipped.add(row.line, describe('label', raw, 'a label'));
    else if (push(row.line, item, annotator, raw)) used++;
  }
  if (ratings.length === 0) throw noUsableRows(source, AGREEMENT_NEEDS);
  refuseMostlySkipped(source, used, AGREEMENT_NEEDS);
  if (wide) refuseNonAnnotatorColumns(source.file, ratings);
  const perItem = new Map<string, number>();
  for (const r of ratings) perItem.set(r.item, (perItem.get(r.item) ?? 0) + 1);
  if (![...perItem.values()].some((n) => n >= 2)) {
    throw new IngestError(
      source.file,
      `agreement needs at least one item rated by two or more annotators; each of its ${plural(perItem.size, 'item')} has one rating (read as ${wide ? 'an item x annotator matrix' : '{item_id, annotator, label} rows'}${source.headerless ? ', no header row' : ''})`,
    );
  }
  return ratings;
}

// ---------------------------------------------------------------- drift

interface DriftSample {
  numbers: Float64Column;
  strings: string[] | undefined;
  n: number;
}

/**
 * A categorical column with more distinct values than this, most of them unique, is free text
 * (transcripts, prompts): every text would become its own category, and the result (and its
 * printout) would be as large as the data. Drift refuses it and suggests `length(COLUMN)`.
 */
export const MAX_DRIFT_CATEGORIES = 200;

/** The length of a text value in characters; of chat messages, the total length of their contents. */
function textLength(v: unknown): number | undefined {
  if (typeof v === 'string') return v.length;
  if (Array.isArray(v)) {
    let n = 0;
    for (const m of v) {
      const part = typeof m === 'object' && m !== null && !Array.isArray(m) ? (m as Record<string, unknown>)['content'] : m;
      const len = textLength(part);
      if (len === undefined) return undefined;
      n += len;
    }
    return n;
  }
  return undefined;
}

/** `length(chosen)`: drift on the texts' lengths (characters) instead of the texts. */
function lengthColumn(column: string): string | undefined {
  return /^length\((.+)\)$/.exec(column.trim())?.[1]?.trim();
}

async function driftSample(source: DataSource, column: string): Promise<DriftSample> {
  const numbers = new Float64Column();
  let strings: string[] | undefined;
  let n = 0;
  const ofLength = lengthColumn(column);
  for await (const row of source.rows) {
    if (ofLength !== undefined) {
      const len = textLength(row.value[ofLength]);
      if (len === undefined) source.skipped.add(row.line, describe(ofLength, row.value[ofLength], 'a text or a list of messages'));
      else {
        numbers.push(len);
        n++;
      }
      continue;
    }
    const raw = row.value[column];
    const k = key(raw);
    if (k === undefined) {
      source.skipped.add(row.line, describe(column, raw, Array.isArray(raw) || (typeof raw === 'object' && raw !== null) ? `a number or a category (drift on its length: --column "length(${column})")` : 'a value'));
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
  const needs = `drift needs the column "${ofLength ?? column}"${ofLength !== undefined ? ' holding texts or lists of messages' : ''}`;
  if (n === 0) throw noUsableRows(source, needs);
  refuseMostlySkipped(source, n, needs);
  return { numbers, strings, n };
}

/** Refuses free text as categories: too many distinct values, most of them unique. */
function refuseFreeText(file: string, column: string, values: string[]): void {
  const distinct = new Set(values).size;
  if (distinct <= MAX_DRIFT_CATEGORIES || distinct < 0.5 * values.length) return;
  throw new IngestError(
    file,
    `"${column}" looks like free text: ${plural(distinct, 'distinct value')} in ${plural(values.length, 'row')}, and drift over categories would make each text its own category; compare the texts' lengths with --column "length(${column})" (option column: "length(${column})"), or drift on a categorical or numeric column`,
  );
}

export async function loadDrift(reference: DataSource, current: DataSource, column: string): Promise<DriftInput> {
  const ref = await driftSample(reference, column);
  const cur = await driftSample(current, column);
  if (!ref.strings && !cur.strings) return { kind: 'numeric', reference: ref.numbers.toArray(), current: cur.numbers.toArray() };
  const asStrings = (s: DriftSample) => s.strings ?? Array.from(s.numbers.toArray(), String);
  const r = asStrings(ref);
  const c = asStrings(cur);
  refuseFreeText(reference.file, column, r);
  refuseFreeText(current.file, column, c);
  return { kind: 'categorical', reference: r, current: c };
}

// ---------------------------------------------------------------- training

/**
 * Columns that number a log row, most specific first: HF and Lightning `step` / `global_step`,
 * W&B's HF integration `trainer/global_step` (its own row counter `_step` only when nothing better
 * is logged), LLaMA-Factory's trainer_log.jsonl `current_steps`.
 */
export const STEP_COLUMNS = ['step', 'global_step', 'trainer/global_step', 'train/global_step', 'current_steps', '_step'] as const;

/**
 * Bookkeeping, not metrics: the step columns, clocks, and progress counters (LLaMA-Factory's
 * `total_steps`, `percentage`, `elapsed_time`, `remaining_time`, `total_tokens`; W&B's `_runtime`,
 * `_timestamp`). `epoch` stays a metric (it is drawn against the step), but is never spike-checked.
 */
const NOT_METRICS = new Set<string>([...STEP_COLUMNS, 'timestamp', 'time', 'wall_time', 'epoch_step', 'total_steps', 'percentage', 'elapsed_time', 'remaining_time', 'total_tokens', '_runtime', '_timestamp']);

/** The step of a log row: its step-like column, or the row's position when none is logged. */
function stepOf(v: Record<string, unknown>, ordinal: number): number {
  for (const c of STEP_COLUMNS) {
    const s = finiteNumber(v[c]);
    if (s !== undefined) return s;
  }
  return ordinal;
}

/** Seconds from a number or Python's str(timedelta): "5:58:33", "1 day, 2:03:04.5". */
export function durationSeconds(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = /^\s*(?:(\d+) days?, )?(\d+):([0-5]\d):([0-5]\d(?:\.\d+)?)\s*$/.exec(v);
  if (m) return Number(m[1] ?? 0) * 86400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  // Unit-suffixed parts, as custom trainers log them: "59h:30m:19s", "1d 2h 3m", "45m", "12.5s".
  const parts = /^\s*(?:(\d+)\s*d[\s:,]*)?(?:(\d+)\s*h[\s:,]*)?(?:(\d+)\s*m(?:in)?[\s:,]*)?(?:(\d+(?:\.\d+)?)\s*s)?\s*$/.exec(v);
  if (!parts || parts.slice(1).every((x) => x === undefined)) return undefined;
  return Number(parts[1] ?? 0) * 86400 + Number(parts[2] ?? 0) * 3600 + Number(parts[3] ?? 0) * 60 + Number(parts[4] ?? 0);
}

/** What a row says about the run's progress (LLaMA-Factory logs it on every row), or undefined. */
function progressOf(v: Record<string, unknown>, step: number): TrainingProgress | undefined {
  const total = finiteNumber(v['total_steps']);
  const percentage = finiteNumber(v['percentage']);
  const elapsed = durationSeconds(v['elapsed_time']);
  const remaining = durationSeconds(v['remaining_time']);
  if (total === undefined && percentage === undefined && elapsed === undefined && remaining === undefined) return undefined;
  return {
    step,
    total_steps: total ?? null,
    percentage: percentage ?? (total ? (100 * step) / total : null),
    elapsed_seconds: elapsed ?? null,
    remaining_seconds: remaining ?? null,
  };
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
  let progress: TrainingProgress | undefined;
  for await (const row of source.rows) {
    const v = row.value;
    const step = stepOf(v, ordinal++);
    progress = progressOf(v, step) ?? progress;
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
  return { run: source.run, series: out, progress: progress ?? null };
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

/**
 * Latency columns, in the order they are looked for: the serving-log `latency_ms`, then what
 * benchmark tools write per request (LLMPerf `end_to_end_latency_s`, vLLM-style `e2el_ms`, ...).
 */
const LATENCY_COLUMNS = ['latency_ms', 'latency_s', 'end_to_end_latency_s', 'end_to_end_latency_ms', 'e2e_latency_s', 'e2e_latency_ms', 'e2el_ms', 'e2el_s', 'request_latency_s', 'request_latency_ms', 'duration_ms', 'duration_s'];

/** Milliseconds per unit from a column name's suffix (`_ms`, `_s`, `_us`), or undefined when it has none. */
export function unitFromName(name: string): number | undefined {
  if (/(_ms|_millis|_milliseconds)$/i.test(name)) return 1;
  if (/(_s|_sec|_secs|_seconds)$/i.test(name)) return 1000;
  if (/(_us|_micros|_microseconds)$/i.test(name)) return 1e-3;
  return undefined;
}

/** Whether a request failed: `success` when logged, else LLMPerf's `error_code` / `error_msg`. */
function outcomeOf(v: Record<string, unknown>): 0 | 1 | undefined {
  if (v['success'] !== undefined) return flag(v['success']);
  const code = v['error_code'];
  if (code !== undefined && code !== null && code !== '' && code !== 0) return 0;
  const msg = v['error_msg'] ?? v['error'];
  if (typeof msg === 'string' && msg.trim() !== '') return 0;
  return 1;
}

const LATENCY_NEEDS = `latency needs one record per request with a latency column (${LATENCY_COLUMNS.slice(0, 4).join(', ')}, ...: the unit comes from the name's _ms / _s suffix; map another with --column latency_ms=COLUMN or latency_s=COLUMN) and optionally a timestamp`;

/**
 * Rows `{timestamp?, latency_ms | end_to_end_latency_s | ..., success?, <group column>?}`. A row
 * without `success` counts as a success unless it carries LLMPerf's `error_code` / `error_msg`.
 * Without a timestamp on the first request (benchmark records), none is needed: the result has no
 * time windows. Failed requests whose latency is 0 or missing (LLMPerf writes 0) are counted as
 * failures, not as latencies.
 */
export async function loadLatency(source: DataSource, groupBy: string | undefined): Promise<LatencyInput> {
  const ts = new Float64Column();
  const latency = new Float64Column();
  const success = new Uint8Column();
  const groups: string[] | null = groupBy ? [] : null;
  const unmeasuredGroups: string[] | null = groupBy ? [] : null;
  let unmeasured = 0;
  let column: string | undefined;
  let scale = 1;
  let timed: boolean | undefined;
  let used = 0;
  for await (const row of source.rows) {
    const v = row.value;
    if (column === undefined) {
      column = LATENCY_COLUMNS.find((c) => v[c] !== undefined);
      if (column === undefined) {
        source.skipped.add(row.line, `none of the latency columns (${LATENCY_COLUMNS.slice(0, 4).join(', ')}, ...)`);
        continue;
      }
      // A mapped column (--column latency_ms=e2e_s) keeps the unit its own name says.
      const from = source.columnMap?.[column] ?? column;
      scale = unitFromName(from) ?? unitFromName(column) ?? 1;
    }
    timed ??= v['timestamp'] !== undefined;
    const t = timed ? timestampMs(v['timestamp']) : 0;
    const raw = finiteNumber(v[column]);
    const ok = outcomeOf(v);
    const g = groupBy ? key(v[groupBy]) : undefined;
    if (t === undefined) source.skipped.add(row.line, describe('timestamp', v['timestamp'], 'epoch seconds/milliseconds or an ISO date'));
    else if (ok === undefined) source.skipped.add(row.line, describe('success', v['success'], 'true/false or 1/0'));
    else if (groupBy && g === undefined) source.skipped.add(row.line, describe(groupBy, v[groupBy], 'a group key'));
    else if (ok === 0 && (raw === undefined || raw === 0)) {
      unmeasured++;
      unmeasuredGroups?.push(g!);
      used++;
    } else if (raw === undefined || raw < 0) source.skipped.add(row.line, describe(column, v[column], 'a non-negative number'));
    else {
      ts.push(t);
      latency.push(raw * scale);
      success.push(ok);
      groups?.push(g!);
      used++;
    }
  }
  if (latency.length === 0) {
    if (unmeasured > 0) throw new IngestError(source.file, `every one of its ${unmeasured} requests failed without a measured latency; latency has nothing to measure`);
    throw noUsableRows(source, LATENCY_NEEDS);
  }
  refuseMostlySkipped(source, used, LATENCY_NEEDS);
  return {
    timestamp: timed ? ts.toArray() : null,
    latency: latency.toArray(),
    success: success.toArray(),
    group: groups,
    ...(unmeasured ? { unmeasured: { count: unmeasured, group: unmeasuredGroups } } : {}),
  };
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
  refuseMostlySkipped(source, ids.length, 'uncertainty needs {id, probs} or {id, logits} rows');
  return { ids, values: values.toArray(), classes, logits: logits ?? false, ...(withEmbeddings ? { embeddings: { values: emb.toArray(), dim } } : {}) };
}
