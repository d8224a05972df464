/**
 * The fast path: an analysis input read by DuckDB instead of row by row, for well-formed files only.
 *
 * One streaming query per analysis, over only the columns the analysis can look at: JSONL through
 * `read_json` with those keys declared (as their text, so DuckDB never converts `true` to 1.0 or
 * `0.5` to true behind our back), CSV/TSV as text, Parquet as typed columns. Nothing is
 * materialised: calibration streams two typed columns into typed arrays, A/B is aggregated per
 * variant in SQL (units, successes, mean, var_samp).
 *
 * It answers only when it can prove the built-in reader would give the same input. Every value the
 * analysis needs is checked inside the query, and a value the built-in reader would skip, or might
 * read differently (a NULL, NaN, a string where a number is needed, `1_000`, a row of another shape,
 * a `--column` mapping that a row would resolve differently) raises an error that aborts the query;
 * so do lines DuckDB cannot parse and duplicate keys. What DuckDB accepts and `JSON.parse` does not
 * (a trailing comma), a key present with the value `null` (DuckDB reads it as absent; the built-in
 * reader sees the key), a UTF-8 BOM and compressed files are ruled out before. Any doubt answers
 * `undefined`, and the caller runs the built-in line reader, which reports every skipped row with its
 * line and reason. So skip reporting stays exact and results are the same either way.
 */
import * as fs from 'node:fs';
import { engine, engineUnavailableReason, engineWanted, firstUnavailableNotice, ident, lit, type Engine } from './engine';
import { JsonlScanner, KIND, scanJsonl, type JsonlFacts } from './jsonl-scan';
import { parquetFiles } from '../../ingest/parquet';
import type { DataSource } from '../../ingest/read';
import type { AbInput, AbMetricInput, CalibrationInput } from '../../analysis/types';
import { RowSummariser } from '../../analysis/calibration';
import { calibrationShape } from '../calibration-shape';
import { parseJsonlLine } from '../../ingest/jsonl';

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?)$/;
const INTEGER = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;
const MAX_OBJECT = 16 * 1024 * 1024;

/** The error a check raises inside a query: the fast path declines (the built-in reader runs). */
const DECLINE = `error('rlhf-lens: not for the fast path')`;

type Format = 'jsonl' | 'csv' | 'parquet';

/** How the query reads one field (after `--column` mapping) of the file. */
interface Source {
  format: Format;
  from: string;
  /** The field's value: text for JSONL/CSV, typed for Parquet; NULL where the file has no such column. */
  value(field: string): string;
  /** SQL: whether a row has the field (the built-in reader's `field in row`). */
  present(field: string): string;
  /** SQL type of the field's column (Parquet), or VARCHAR. */
  type(field: string): string | undefined;
  /**
   * Rules out what the engine would read differently (JSONL: trailing commas, null values, a typed
   * column holding another kind of value), while the query runs: `step()` scans a chunk of the file
   * (the caller interleaves the steps with its own work), `verdict()` finishes and answers.
   * 'untyped': the typed columns chosen from the file's first lines do not fit the whole file; read
   * it again as text (`retry`).
   */
  vouch?: Vouch;
  /** The whole file's facts, for the second attempt. */
  retry?: JsonlFacts;
  /** JSONL: the keys the first lines hold at all (kinds from the sample, or the whole file on the second attempt). */
  seen?: (field: string) => boolean;
}

interface Vouch {
  /** Scans the next chunk of the file; true when there is nothing left to scan. */
  step(): boolean;
  /** `absent`: keys the query was written assuming the file never has (else 'untyped': the query is run again as text). */
  verdict(query: Promise<unknown>, absent?: string[]): Promise<boolean | 'untyped'>;
}

/**
 * Runs `step` until it says it is done (or `stop` says to), giving the event loop a turn every 50 ms:
 * in the language server's worker a cancel message is then handled within that (the byte scan of a
 * 600 MB file takes over a second).
 */
async function stepAll(step: () => boolean, stop: () => boolean = () => false): Promise<void> {
  let turn = performance.now();
  while (!stop() && !step()) {
    if (performance.now() - turn > 50) {
      await new Promise((resolve) => setImmediate(resolve));
      turn = performance.now();
    }
  }
}

/** How much of a JSONL file is looked at to choose column types before the query starts. */
const SAMPLE_BYTES = 256 << 10;

/**
 * A JSONL key's DuckDB type from the kinds of value it holds: DOUBLE when only numbers, BOOLEAN when
 * only true/false (parsed natively, exactly as JSON.parse reads them); else VARCHAR, the value's
 * text, checked and cast in SQL as the built-in reader would read it.
 */
function jsonlTypes(keys: string[], facts: JsonlFacts, map: Record<string, string>, typed: boolean, text: string[]): Map<string, string> {
  const types = new Map<string, string>();
  for (const k of keys) {
    const kind = facts.kinds.get(k) ?? 0;
    types.set(k, !typed || facts.escapedKey || text.includes(k) ? 'VARCHAR' : kind === KIND.number ? 'DOUBLE' : kind === KIND.boolean ? 'BOOLEAN' : 'VARCHAR');
  }
  // A field and its mapped column are read through one coalesce(): same type, or DuckDB would cast one.
  for (const [f, c] of Object.entries(map)) {
    if (types.has(f) && types.has(c) && types.get(f) !== types.get(c)) {
      types.set(f, 'VARCHAR');
      types.set(c, 'VARCHAR');
    }
  }
  return types;
}

function fits(type: string, kind: number): boolean {
  if (type === 'DOUBLE') return (kind & ~KIND.number) === 0;
  if (type === 'BOOLEAN') return (kind & ~KIND.boolean) === 0;
  return true;
}

function fold(names: Iterable<string>): boolean {
  const seen = new Set<string>();
  for (const n of names) {
    const k = n.toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
  }
  return true;
}

/** The raw column names a field may read: the field itself and its mapped column. */
function columnsOf(fields: string[], map: Record<string, string>): string[] {
  const out = new Set<string>();
  for (const f of fields) {
    out.add(f);
    if (map[f] !== undefined) out.add(map[f]!);
  }
  return [...out];
}

/**
 * `text`: fields read as text whatever they hold (the A/B variant: its text is the group's name).
 * `scanner`: the whole file's byte scan, already under way (connect), for the first attempt.
 */
async function open(db: Engine, source: DataSource, fields: string[], retry?: JsonlFacts, text: string[] = [], scanner?: JsonlScanner): Promise<Source | undefined> {
  const file = source.file;
  const map = source.columnMap ?? {};
  const keys = columnsOf(fields, map);
  // The SQL binder folds case: two names differing only in case cannot both be referred to.
  if (!fold(keys)) return undefined;
  switch (source.format) {
    case 'jsonl': {
      if (keys.some((k) => /["\\\u0000-\u001f]/.test(k) || k === '')) return undefined;
      // Column types from the first lines (or, on the second attempt, from the whole file): the query
      // starts at once, and the whole file's scan, running meanwhile, confirms them.
      const guess = retry ?? scanJsonl(file, keys, { limit: SAMPLE_BYTES });
      if (guess.unsafe) return undefined;
      const types = jsonlTypes(keys, guess, map, !retry, columnsOf(text, map));
      const from = `read_json(${lit(file)}, format='newline_delimited', records=true, columns={${keys.map((k) => `${lit(k)}: ${lit(types.get(k)!)}`).join(', ')}}, maximum_object_size=${MAX_OBJECT})`;
      const raw = (f: string) => (map[f] !== undefined && map[f] !== f ? `coalesce(${ident(map[f]!)}, ${ident(f)})` : ident(f));
      // The byte scan of the whole file, stepped by the caller while DuckDB's query runs on its own threads.
      // connect() started it (and the caller closes it); the second attempt reads the facts it left.
      if (retry) scanner = undefined;
      else if (!scanner) return undefined;
      const jsonl: Source = {
        format: 'jsonl',
        from,
        value: raw,
        present: (f) => `(${raw(f)} IS NOT NULL)`,
        type: (f) => types.get(map[f] !== undefined && types.has(map[f]!) ? map[f]! : f),
        seen: (f) => columnsOf([f], map).some((k) => (guess.kinds.get(k) ?? 0) !== 0),
        vouch: {
          step: () => scanner?.step() ?? true,
          async verdict(query, absent = []) {
            await stepAll(() => scanner?.step() ?? true);
            const facts = retry ?? scanner!.facts;
            if (facts.unsafe) return false;
            jsonl.retry = facts;
            if (absent.some((f) => columnsOf([f], map).some((k) => (facts.kinds.get(k) ?? 0) !== 0))) return 'untyped';
            // Where the built-in reader sees a key with a null value, DuckDB sees NULL, as for a missing key;
            // NaN, Infinity and numbers past the double range it reads as NULL too: the built-in reader
            // takes those files.
            for (const k of keys) if ((facts.kinds.get(k) ?? 0) & (KIND.null | KIND.other)) return false;
            if (!facts.escapedKey) {
              // Every occurrence of every declared key was seen.
              for (const k of keys) if (!fits(types.get(k)!, facts.kinds.get(k) ?? 0)) return 'untyped';
              return true;
            }
            // A key spelled with escapes: its kinds are unknown. Text columns only, and no null value of a
            // declared key (one DuckDB pass over the file, when it holds "null" at all).
            if ([...types.values()].some((t) => t !== 'VARCHAR')) return 'untyped';
            if (!facts.hasNull) return true;
            await query;
            const paths = keys.map((k) => lit(`$."${k}"`)).join(', ');
            const [r] = await db.rows(`SELECT count(*) AS n FROM read_ndjson_objects(${lit(file)}, maximum_object_size=${MAX_OBJECT}) WHERE list_contains(json_type(json, [${paths}]), 'NULL')`);
            return r !== undefined && r['n'] === 0;
          },
        },
      };
      return jsonl;
    }
    case 'csv':
    case 'tsv':
    case 'parquet': {
      if (source.format !== 'parquet' && source.headerOption === false) return undefined;
      const from =
        source.format === 'parquet'
          ? `read_parquet([${parquetFiles(file).map(lit).join(', ')}], union_by_name=true)`
          : `read_csv(${lit(file)}, header=true, delim=${lit(source.format === 'csv' ? ',' : '\t')}, quote='"', escape='"', all_varchar=true, strict_mode=true)`;
      const described = await db.rows(`DESCRIBE SELECT * FROM ${from}`);
      const types = new Map(described.map((r) => [String(r['column_name']), String(r['column_type'])]));
      if (!fold(types.keys())) return undefined;
      // DuckDB renames a repeated header (a, a_1); the built-in reader would not.
      for (const name of types.keys()) {
        const m = /^(.*)_\d+$/.exec(name);
        if (m && types.has(m[1]!)) return undefined;
      }
      // A name the file has only in another case would bind to it: rule that out.
      const lower = new Map([...types.keys()].map((n) => [n.toLowerCase(), n]));
      for (const k of keys) if (!types.has(k) && lower.has(k.toLowerCase())) return undefined;
      const csv = source.format !== 'parquet';
      // CSV: an empty cell is left out of the row by the built-in reader.
      const col = (c: string) => (csv ? `nullif(${ident(c)}, '')` : ident(c));
      const column = (f: string) => (map[f] !== undefined && types.has(map[f]!) ? map[f]! : types.has(f) ? f : undefined);
      const value = (f: string): string => {
        const m = map[f] !== undefined && map[f] !== f && types.has(map[f]!) ? map[f]! : undefined;
        // CSV: a row takes the mapped column where its cell is not empty (the built-in reader's per-row mapping).
        if (csv && m && types.has(f)) return `coalesce(${col(m)}, ${col(f)})`;
        const c = column(f);
        return c === undefined ? 'NULL' : col(c);
      };
      return {
        format: csv ? 'csv' : 'parquet',
        from,
        value,
        // Parquet: every row has every column of the schema (a null cell is a null value).
        present: (f) => (csv ? `(${value(f)} IS NOT NULL)` : column(f) === undefined ? 'false' : 'true'),
        type: (f) => {
          const c = column(f);
          return c === undefined ? undefined : csv ? 'VARCHAR' : types.get(c);
        },
      };
    }
    default:
      return undefined;
  }
}

/** Whether a column holds a value's text (CSV cells, JSONL values read as VARCHAR), else typed (Parquet, typed JSONL). */
function isText(s: Source, type: string | undefined): boolean {
  return s.format !== 'parquet' && type === 'VARCHAR';
}

/**
 * SQL: 1 where `e` is one of `yes`, 0 where one of `no`, else NULL. A CASE, not `IN (...)`: DuckDB
 * plans an IN list as a join, and a join does not keep the rows in file order.
 */
function oneOf(e: string, yes: string[], no: string[]): string {
  return `(CASE ${e} ${yes.map((v) => `WHEN ${lit(v)} THEN 1`).join(' ')} ${no.map((v) => `WHEN ${lit(v)} THEN 0`).join(' ')} END)`;
}

/** SQL: the field as a finite DOUBLE (in `range` if given), or the query declines. */
function num(s: Source, field: string, range?: [number, number]): string {
  const t = s.type(field);
  let d: string;
  if (!isText(s, t)) {
    if (!t || !NUMERIC.test(t)) return `${DECLINE}::DOUBLE`;
    d = `${s.value(field)}::DOUBLE`;
  } else {
    // Text: DuckDB's cast agrees with JavaScript's Number() on what both accept, except `1_000`; what
    // only Number() accepts (0x10) fails the cast, which declines too.
    const x = s.value(field);
    d = `(CASE WHEN contains(${x}, '_') THEN ${DECLINE} ELSE ${x}::DOUBLE END)`;
  }
  return `(CASE WHEN isfinite(${d})${range ? ` AND ${d} BETWEEN ${range[0]} AND ${range[1]}` : ''} THEN ${d} ELSE ${DECLINE}::DOUBLE END)`;
}

/** Texts `flag()` reads the same whether JSON wrote them as a string or not (true/"true", 1/"1", 1.0/"1.0"). */
const JSON_TRUE = ['true', '1', '1.0', 'yes', 'y', 't'];
const JSON_FALSE = ['false', '0', '0.0', 'no', 'n', 'f'];

/** SQL: the field as 0/1 (UTINYINT), or the query declines. */
function flagOf(s: Source, field: string): string {
  const x = s.value(field);
  const t = s.type(field);
  let v: string;
  if (!isText(s, t)) {
    if (t === 'BOOLEAN') v = `${x}::UTINYINT`;
    else if (t && NUMERIC.test(t)) v = `(CASE ${x}::DOUBLE WHEN 1 THEN 1 WHEN 0 THEN 0 END)`;
    else return `${DECLINE}::UTINYINT`;
  } else {
    // CSV cells are strings, read as flag() does (trimmed, lower case); JSONL texts only where string and non-string agree.
    const e = s.format === 'csv' ? `lower(trim(${x}))` : x;
    v = oneOf(e, JSON_TRUE, JSON_FALSE);
  }
  return `(CASE WHEN ${v} IS NULL THEN ${DECLINE} ELSE ${v} END)::UTINYINT`;
}

/** Whether the built-in reader's key() gives this text for the variant whichever JSON value wrote it. */
function sameKey(format: Format, type: string | undefined, text: unknown): boolean {
  if (typeof text !== 'string' || text.trim() === '') return false;
  if (format === 'csv') return true;
  if (format === 'parquet') return type === 'VARCHAR' || type === 'BOOLEAN' || (!!type && INTEGER.test(type) && Number.isSafeInteger(Number(text)));
  // JSONL text: an array or object and a string holding its text read alike here, not in key();
  // a number is key()'d as String(n), so its text must be that.
  if (/^[[{]/.test(text)) return false;
  if (/^-?\d/.test(text) && /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return String(Number(text)) === text;
  return true;
}

function sizeOf(source: DataSource): number {
  try {
    return source.format === 'parquet' ? parquetFiles(source.file).reduce((n, f) => n + fs.statSync(f).size, 0) : fs.statSync(source.file).size;
  } catch {
    return 0;
  }
}

/** Average bytes a line over the first 64 KiB (the whole first line if longer). */
export function averageLineBytes(file: string): number {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(64 << 10);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    let lines = 0;
    let last = -1;
    for (let i = buf.indexOf(10); i !== -1 && i < n; i = buf.indexOf(10, i + 1)) {
      lines++;
      last = i;
    }
    return lines === 0 ? Infinity : (last + 1) / lines;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The engine, when it is to read this file. For JSONL, the whole file's byte scan over `fields` (and
 * their mapped columns) starts at once and is stepped while the engine loads (60-90 ms, most of it
 * loading the library on this thread; the instance is created on DuckDB's): what is scanned then
 * (8 MiB of the 56 MB benchmark file) no longer competes with the query for the cores. The caller
 * closes `scanner` when done with it (it holds the file open once stepped).
 */
async function connect(source: DataSource, fields: string[]): Promise<{ db: Engine | undefined; scanner?: JsonlScanner }> {
  if (/\.(gz|zst)$/i.test(source.file)) return { db: undefined };
  const format = source.format;
  if (format !== 'jsonl' && format !== 'csv' && format !== 'tsv' && format !== 'parquet') return { db: undefined };
  if (!engineWanted(format, sizeOf(source), () => averageLineBytes(source.file))) return { db: undefined };
  const loading = engine();
  const scanner = format === 'jsonl' ? new JsonlScanner(source.file, columnsOf(fields, source.columnMap ?? {}), { maxLine: MAX_OBJECT + 2 }) : undefined;
  if (scanner) {
    let loaded = false;
    void loading.finally(() => (loaded = true));
    // A chunk (4 MiB, a few ms) at a time, letting the engine's promise settle in between.
    while (!loaded && !scanner.step()) await new Promise((resolve) => setImmediate(resolve));
  }
  const db = await loading;
  if (!db) {
    // Said once per process: the CLI's stderr; the language server's output, through its workers'
    // stderr, once for all of them (firstUnavailableNotice).
    const why = engineUnavailableReason();
    if (why && firstUnavailableNotice()) {
      process.stderr.write(`rlhf-lens: ${why}; analyses use the built-in readers (same results, slower on large files)\n`);
    }
  }
  return { db, ...(scanner ? { scanner } : {}) };
}

/** Whether a query succeeded (its error is the fast path declining: nothing to report). */
function settle(p: Promise<unknown>): Promise<boolean> {
  return p.then(
    () => true,
    () => false,
  );
}

/** How often the fast path answered (tests check it was, or was not, taken). */
export const fastStats = { used: 0 };

function finish(source: DataSource, rows: number): void {
  fastStats.used++;
  (source as { rowsRead: number }).rowsRead = rows;
  source.reportProgress?.(rows);
}

/** A chunk vector's values: a view of its own typed array where it has one (no per-item calls). */
function values(vec: { getItem(i: number): unknown }, count: number, Type: Float64ArrayConstructor | Uint8ArrayConstructor): Float64Array | Uint8Array {
  const items = (vec as unknown as { items?: unknown }).items;
  if (items instanceof Type) return (items as Float64Array | Uint8Array).subarray(0, count);
  const out = new Type(count);
  for (let i = 0; i < count; i++) out[i] = Number(vec.getItem(i));
  return out;
}

/** Calibration's shape keys in the order calibrationShape tests them: a row is the first shape whose key it has. */
const SHAPE_KEYS: Record<1 | 2 | 3 | 4, string[]> = { 1: ['chosen_score', 'rejected_score'], 2: ['probs', 'logits'], 3: ['confidence', 'correct'], 4: ['prob'] };
/** Every key a calibration row may be read by: the shape keys and binary's label. */
const SHAPES = [...Object.values(SHAPE_KEYS).flat(), 'label'];

/** Top-label `{confidence, correct}`, binary `{prob, label}` and reward pairs `{chosen_score, rejected_score}`. */
/** `bins`: the analysis' bins, for the sums accumulated while the rows arrive (RowSummariser). */
export async function fastCalibration(source: DataSource, bins = 15): Promise<CalibrationInput | undefined> {
  let scanner: JsonlScanner | undefined;
  try {
    const connected = await connect(source, SHAPES);
    const db = connected.db;
    scanner = connected.scanner;
    if (!db) return undefined;
    let retry: JsonlFacts | undefined;
    // A second attempt only when the typed columns chosen from the first lines did not fit the whole file.
    for (let attempt = 0; attempt < 2; attempt++) {
      const s = await open(db, source, SHAPES, retry, [], scanner);
      if (!s) return undefined;
      const got = await calibrationFrom(db, source, s, bins);
      if (got !== 'untyped') return got;
      retry = s.retry;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    scanner?.close();
  }
}

async function calibrationFrom(db: Engine, source: DataSource, s: Source, bins: number): Promise<CalibrationInput | undefined | 'untyped'> {
  const p = (f: string) => s.present(f);
  // The row's shape as the built-in reader decides it (calibrationShape); every row must have the first one's.
  const shapeOf = `CASE WHEN ${p('chosen_score')} OR ${p('rejected_score')} THEN 1 WHEN ${p('probs')} OR ${p('logits')} THEN 2 WHEN ${p('confidence')} OR ${p('correct')} THEN 3 WHEN ${p('prob')} THEN 4 ELSE 0 END`;
  // JSONL without a column mapping: the first row's own line, parsed as the built-in reader parses it
  // (a query for it costs 10-35 ms); else, or when that line cannot say, the first row DuckDB reads.
  const first = s.format === 'jsonl' && Object.keys(source.columnMap ?? {}).length === 0 ? firstLineShape(source.file) : undefined;
  const kind = first ?? Number((await db.rows(`SELECT ${shapeOf} AS shape FROM ${s.from} LIMIT 1`).catch(() => []))[0]?.['shape'] ?? 0);
  // 2 (probs / logits lists) and 0 (none) go the built-in way.
  if (kind !== 1 && kind !== 3 && kind !== 4) return undefined;
  const pairs = kind === 1;
  const [fa, fb] = pairs ? ['chosen_score', 'rejected_score'] : kind === 3 ? ['confidence', 'correct'] : ['prob', 'label'];
  // The keys that would make a row another shape before this one.
  const before = ([1, 2, 3] as const).filter((k) => k < kind).flatMap((k) => SHAPE_KEYS[k]);
  // Typed columns (JSONL proven by the byte scan, Parquet): values as they are, a NULL as NaN (or 2 for
  // a flag), checked here per chunk, which costs DuckDB nothing (CASE + error() on every row was a
  // third of its time). Text columns (CSV; JSONL read as text) are checked and cast in SQL.
  const typed = !isText(s, s.type(fa!)) && !isText(s, s.type(fb!));
  // JSONL typed: no shape test in SQL when the first lines have none of the earlier shapes' keys;
  // the whole file's byte scan must then find none either.
  const assumeAbsent = typed && s.format === 'jsonl' && s.seen !== undefined && !before.some((f) => s.seen!(f)) ? before : undefined;
  // Parquet: a column is in every row or in none, so every row has the first row's shape.
  const noShapeTest = kind === 1 || s.format === 'parquet' || assumeAbsent !== undefined;
  const only = (e: string, type: string) => (noShapeTest ? e : `CASE WHEN shape = ${kind} THEN ${e} ELSE ${DECLINE}::${type} END`);
  let a: string;
  let b: string;
  if (typed) {
    const number = (f: string) => {
      const t = s.type(f);
      return t && NUMERIC.test(t) ? `coalesce(${s.value(f)}::DOUBLE, 'NaN'::DOUBLE)` : undefined;
    };
    const flag = (f: string) => {
      const t = s.type(f);
      if (t === 'BOOLEAN') return `coalesce(${s.value(f)}::UTINYINT, 2)`;
      return t && NUMERIC.test(t) ? `coalesce(CASE ${s.value(f)}::DOUBLE WHEN 1 THEN 1 WHEN 0 THEN 0 END, 2)::UTINYINT` : undefined;
    };
    const ea = number(fa!);
    const eb = pairs ? number(fb!) : flag(fb!);
    // A typed column of another type (a BOOLEAN confidence): the built-in reader skips those rows.
    if (!ea || !eb) return undefined;
    a = only(ea, 'DOUBLE');
    b = only(eb, pairs ? 'DOUBLE' : 'UTINYINT');
  } else {
    a = only(pairs ? num(s, 'chosen_score') : num(s, fa!, [0, 1]), 'DOUBLE');
    b = pairs ? only(num(s, 'rejected_score'), 'DOUBLE') : only(flagOf(s, fb!), 'UTINYINT');
  }
  const sql = noShapeTest ? `SELECT ${a} AS a, ${b} AS b FROM ${s.from}` : `SELECT ${a} AS a, ${b} AS b FROM (SELECT *, ${shapeOf} AS shape FROM ${s.from})`;
  // Sized once the result's row count is known (before its first chunk): no growing, no copy at the end.
  let x = new Float64Array(0);
  let y: Float64Array | Uint8Array = pairs ? new Float64Array(0) : new Uint8Array(0);
  let n = 0;
  // Top-label rows: calibrate's per-row sums done chunk by chunk, while DuckDB reads on.
  const sums = kind === 3 && Number.isInteger(bins) && bins >= 1 && bins <= 10000 ? new RowSummariser(bins) : undefined;
  let reported = 0;
  let usable = true;
  const ordered = await db.keepsOrder(sql);
  const query = settle(
    db.scan(sql, {
      ordered,
      onChunk: (count, column) => {
        if (!usable) return;
        const va = values(column(0), count, Float64Array) as Float64Array;
        const vb = values(column(1), count, pairs ? Float64Array : Uint8Array);
        // The checks the built-in reader makes (a finite number; a probability in [0, 1]; a 0/1 flag);
        // for top-label rows the sums count what fails them (RowSummariser.invalid, looked at below).
        if (typed && !sums && !(pairs ? finite(va) && finite(vb as Float64Array) : probabilities(va) && flags(vb as Uint8Array))) {
          usable = false;
          return;
        }
        x.set(va, n);
        y.set(vb, n);
        n += count;
        sums?.add(va, vb as Uint8Array);
        if (n - reported >= 100_000) source.reportProgress?.((reported = n));
      },
      meanwhile: (failed) => stepAll(() => s.vouch?.step() ?? true, failed),
      onRows: (rows) => {
        x = new Float64Array(rows);
        y = pairs ? new Float64Array(rows) : new Uint8Array(rows);
      },
    }),
  );
  const ran = await query;
  const vouched = await (s.vouch?.verdict(query, assumeAbsent) ?? true);
  if (vouched === 'untyped') return 'untyped';
  if (!ran || !vouched || !usable || n === 0 || n !== x.length) return undefined;
  const summed = sums?.result();
  if (typed && summed && summed.invalid > 0) return undefined;
  finish(source, n);
  if (pairs) return { kind: 'pairs', chosen: x, rejected: y as unknown as Float64Array };
  if (kind === 3) return { kind: 'top-label', confidence: x, correct: y as Uint8Array, ...(summed ? { sums: summed } : {}) };
  return { kind: 'binary', prob: x, label: y as Uint8Array };
}

const SHAPE_NUMBER = { pairs: 1, multiclass: 2, 'top-label': 3, binary: 4 } as const;

/**
 * The calibration shape (1-4, 0 for none) of a JSONL file's first non-blank line, from its first
 * 64 KiB; undefined when that line is longer, or not a JSON object (the built-in reader would skip it).
 */
function firstLineShape(file: string): number | undefined {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(64 << 10);
    const got = fs.readSync(fd, buf, 0, buf.length, 0);
    for (let at = 0; ; ) {
      const end = buf.indexOf(0x0a, at);
      if (end === -1 || end >= got) return undefined;
      const line = parseJsonlLine(buf.toString('utf8', at, end), at === 0);
      at = end + 1;
      if (line.kind === 'blank') continue;
      if (line.kind === 'skip') return undefined;
      const shape = calibrationShape(line.value);
      return shape ? SHAPE_NUMBER[shape] : 0;
    }
  } finally {
    fs.closeSync(fd);
  }
}

function finite(xs: Float64Array): boolean {
  for (let i = 0; i < xs.length; i++) if (!Number.isFinite(xs[i]!)) return false;
  return true;
}

function probabilities(xs: Float64Array): boolean {
  for (let i = 0; i < xs.length; i++) if (!(xs[i]! >= 0 && xs[i]! <= 1)) return false;
  return true;
}

function flags(xs: Uint8Array): boolean {
  for (let i = 0; i < xs.length; i++) if (xs[i]! > 1) return false;
  return true;
}

export interface FastAbMetric {
  name: string;
  type: 'binomial' | 'continuous';
  column: string;
}

/** Per-variant counts, sums and variances pushed down to DuckDB (unit rows only; aggregated {n, successes} rows go the built-in way). */
export async function fastAb(source: DataSource, metrics: FastAbMetric[], variantField: string): Promise<AbInput | undefined> {
  const fields = [variantField, 'n', 'successes', ...metrics.map((m) => m.column)];
  let scanner: JsonlScanner | undefined;
  try {
    const connected = await connect(source, fields);
    const db = connected.db;
    scanner = connected.scanner;
    if (!db) return undefined;
    let retry: JsonlFacts | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      const s = await open(db, source, fields, retry, [variantField], scanner);
      if (!s) return undefined;
      const got = await abFrom(db, source, s, metrics, variantField);
      if (got !== 'untyped') return got;
      retry = s.retry;
    }
    return undefined;
  } catch {
    return undefined;
  } finally {
    scanner?.close();
  }
}

async function abFrom(db: Engine, source: DataSource, s: Source, metrics: FastAbMetric[], variantField: string): Promise<AbInput | undefined | 'untyped'> {
  const vt = s.type(variantField);
  if (s.format === 'parquet' && !(vt === 'VARCHAR' || vt === 'BOOLEAN' || (vt && INTEGER.test(vt)))) return undefined;
  // A row with n and successes is an aggregated row; a row without a variant is skipped: both decline,
  // counted here (a NULL variant is a group of its own) rather than tested with error() on every row.
  const selects = [`${s.value(variantField)}::VARCHAR AS v`, 'count(*) AS units', `count(*) FILTER (WHERE ${s.present('n')} AND ${s.present('successes')}) AS aggregated`];
  // Per metric: its aggregate and, for typed columns, how many rows hold a usable value (must be all).
  metrics.forEach((m, i) => {
    const t = s.type(m.column);
    const x = s.value(m.column);
    const typed = !isText(s, t);
    if (m.type === 'binomial') {
      if (typed && t === 'BOOLEAN') selects.push(`sum(${x}::UTINYINT)::BIGINT AS s${i}`, `count(${x}) AS ok${i}`);
      else if (typed && t && NUMERIC.test(t)) selects.push(`sum(${x}::DOUBLE)::BIGINT AS s${i}`, `count(*) FILTER (WHERE ${x}::DOUBLE = 0 OR ${x}::DOUBLE = 1) AS ok${i}`);
      else selects.push(`sum(${flagOf(s, m.column)})::BIGINT AS s${i}`, `count(*) AS ok${i}`);
    } else if (typed && t && NUMERIC.test(t)) selects.push(`avg(${x}::DOUBLE) AS mean${i}`, `var_samp(${x}::DOUBLE) AS var${i}`, `count(*) FILTER (WHERE isfinite(${x}::DOUBLE)) AS ok${i}`);
    else selects.push(`avg(${num(s, m.column)}) AS mean${i}`, `var_samp(${num(s, m.column)}) AS var${i}`, `count(*) AS ok${i}`);
  });
  let groups: Record<string, unknown>[] = [];
  // Aggregated on every thread (the order of the rows does not matter to sums).
  const query = settle(db.rows(`SELECT ${selects.join(', ')} FROM ${s.from} GROUP BY 1`).then((g) => void (groups = g)));
  const vouched = await (s.vouch?.verdict(query) ?? true);
  const ran = await query;
  if (vouched === 'untyped') return 'untyped';
  if (!ran || !vouched) return undefined;
  if (!groups.length || !groups.every((g) => sameKey(s.format, vt, g['v']))) return undefined;
  // Every row a unit row with a usable value of every metric, as the built-in reader would take it.
  if (!groups.every((g) => g['aggregated'] === 0 && metrics.every((_, i) => g[`ok${i}`] === g['units']))) return undefined;
  const units: Record<string, number> = {};
  let n = 0;
  const out: AbMetricInput[] = metrics.map((m) => (m.type === 'binomial' ? { name: m.name, type: 'binomial', byVariant: {} } : { name: m.name, type: 'continuous', byVariant: {} }) as AbMetricInput);
  for (const g of groups) {
    const variant = String(g['v']);
    const count = Number(g['units']);
    units[variant] = count;
    n += count;
    metrics.forEach((m, i) => {
      const target = out[i]!;
      if (m.type === 'binomial') (target.byVariant as Record<string, { n: number; successes: number }>)[variant] = { n: count, successes: Number(g[`s${i}`]) };
      else (target.byVariant as Record<string, { n: number; mean: number; variance: number }>)[variant] = { n: count, mean: Number(g[`mean${i}`]), variance: count > 1 ? Number(g[`var${i}`]) : 0 };
    });
  }
  finish(source, n);
  // Binomial metrics first, as the built-in loader lists them, then the Experiment's order.
  const ordered = [...out.filter((m) => m.type === 'binomial'), ...out.filter((m) => m.type === 'continuous')];
  ordered.sort((x, y) => metrics.findIndex((m) => m.name === x.name) - metrics.findIndex((m) => m.name === y.name));
  return { units, metrics: ordered };
}
