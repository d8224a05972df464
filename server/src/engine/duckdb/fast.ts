/**
 * The fast path: an analysis input read by DuckDB instead of row by row, for well-formed files only.
 *
 * It answers only when it can prove the built-in reader would give the same input: every needed
 * column is present in the whole file's schema (DuckDB infers it over every row), of a type the
 * built-in reader would read the same way, and valid in every row (no NULL, finite, in range). Any
 * doubt — a row DuckDB cannot parse, a NULL, a NaN, a string where a number is needed, a column that
 * would change a row's shape, a JSON feature DuckDB accepts and JSON.parse does not (trailing commas) —
 * answers `undefined`, and the caller runs the built-in line reader, which reports every skipped row
 * with its line and reason. So skip reporting stays exact and results are the same either way.
 */
import * as fs from 'node:fs';
import { engine, engineUnavailableReason, engineWanted, ident, lit, type Engine } from './engine';

let toldUnavailable = false;
import { parquetFiles } from '../../ingest/parquet';
import type { DataSource } from '../../ingest/read';
import type { AbInput, AbMetricInput, CalibrationInput } from '../../analysis/types';

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL(\(\d+,\s*\d+\))?)$/;
const INTEGER = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/;

/** Deepest nesting the fast path hands to DuckDB (a 2-million-deep line crashes its parser's native stack). */
const MAX_DEPTH = 64;

/**
 * What DuckDB would read differently from JSON.parse, or could not survive: a trailing comma
 * (`, }` / `, ]`: DuckDB accepts it, JSON.parse does not) and deep nesting. Byte-level and conservative
 * (brackets and commas inside strings count too): a false alarm only costs the fast path.
 */
function unsafeJsonl(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(4 << 20);
    let pos = 0;
    let depth = 0;
    let afterComma = false;
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, pos);
      if (n === 0) return false;
      pos += n;
      for (let i = 0; i < n; i++) {
        const b = buf[i]!;
        if (b === 32 || b === 9 || b === 13) continue;
        if (b === 10) {
          depth = 0;
          continue;
        }
        if (b === 123 || b === 91) {
          if (++depth > MAX_DEPTH) return true;
        } else if (b === 125 || b === 93) {
          if (afterComma) return true;
          depth--;
        }
        afterComma = b === 44;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The DuckDB table function reading the source, or undefined for formats the fast path leaves to the built-in readers. */
function relation(source: DataSource): string | undefined {
  const file = source.file;
  if (/\.(gz|zst)$/i.test(file)) return undefined;
  switch (source.format) {
    case 'jsonl': {
      const head = Buffer.alloc(3);
      const fd = fs.openSync(file, 'r');
      try {
        fs.readSync(fd, head, 0, 3, 0);
      } finally {
        fs.closeSync(fd);
      }
      if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return undefined;
      if (unsafeJsonl(file)) return undefined;
      return `read_json(${lit(file)}, format='newline_delimited', records=true, sample_size=-1, maximum_object_size=16777216)`;
    }
    case 'csv':
    case 'tsv':
      if (source.headerOption === false) return undefined;
      return `read_csv(${lit(file)}, header=true, delim=${lit(source.format === 'csv' ? ',' : '\t')}, quote='"', escape='"', sample_size=-1, strict_mode=true)`;
    case 'parquet':
      return `read_parquet([${parquetFiles(file).map(lit).join(', ')}], union_by_name=true)`;
    default:
      return undefined;
  }
}

interface Schema {
  types: Map<string, string>;
  /** The column an analysis field reads (after --column mapping), if the file has it. */
  column(field: string): string | undefined;
  /** Whether any row may carry `field` (after mapping): used to rule out rows of another shape. */
  mayHave(field: string): boolean;
}

async function schemaOf(db: Engine, rel: string, source: DataSource): Promise<Schema | undefined> {
  const rows = await db.rows(`DESCRIBE SELECT * FROM ${rel}`);
  const types = new Map(rows.map((r) => [String(r['column_name']), String(r['column_type'])]));
  // DuckDB folds names that differ only in case; the built-in reader does not.
  const lower = new Set<string>();
  for (const name of types.keys()) {
    if (lower.has(name.toLowerCase())) return undefined;
    lower.add(name.toLowerCase());
  }
  const map = source.columnMap ?? {};
  return {
    types,
    column(field) {
      const mapped = map[field];
      if (mapped !== undefined && types.has(mapped)) return mapped;
      return types.has(field) ? field : undefined;
    },
    mayHave(field) {
      return types.has(field) || (map[field] !== undefined && types.has(map[field]!));
    },
  };
}

const numberCheck = (col: string, type: string, range?: [number, number]) => {
  if (!NUMERIC.test(type)) return undefined;
  const x = ident(col);
  return `${x} IS NOT NULL AND isfinite(${x}::DOUBLE)${range ? ` AND ${x}::DOUBLE BETWEEN ${range[0]} AND ${range[1]}` : ''}`;
};
const flagCheck = (col: string, type: string) => {
  const x = ident(col);
  if (type === 'BOOLEAN') return `${x} IS NOT NULL`;
  if (NUMERIC.test(type)) return `${x} IS NOT NULL AND ${x}::DOUBLE IN (0, 1)`;
  return undefined;
};
const flagValue = (col: string, type: string) => (type === 'BOOLEAN' ? `${ident(col)}::UTINYINT` : `${ident(col)}::DOUBLE::UTINYINT`);

function sizeOf(source: DataSource): number {
  try {
    return source.format === 'parquet' ? parquetFiles(source.file).reduce((n, f) => n + fs.statSync(f).size, 0) : fs.statSync(source.file).size;
  } catch {
    return 0;
  }
}

interface Prepared {
  db: Engine;
  /** The temporary table holding the file's rows. */
  rel: string;
  schema: Schema;
}

async function prepare(source: DataSource): Promise<Prepared | undefined> {
  if (!engineWanted(sizeOf(source))) return undefined;
  const rel = relation(source);
  if (!rel) return undefined;
  const db = await engine();
  if (!db) {
    // Said once per process (the CLI's stderr, the language server's output through the worker's).
    const why = engineUnavailableReason();
    if (why && !toldUnavailable) {
      toldUnavailable = true;
      process.stderr.write(`rlhf-lens: ${why}; analyses use the built-in readers (same results, slower on large files)\n`);
    }
    return undefined;
  }
  // One parse of the file into a temporary table; the schema check, the validity count and the
  // fetch then read the table, not the file again.
  const table = `rlhf_src_${++tables}`;
  await db.rows(`CREATE TEMP TABLE ${table} AS SELECT * FROM ${rel}`);
  const schema = await schemaOf(db, table, source);
  if (!schema) {
    await db.rows(`DROP TABLE ${table}`);
    return undefined;
  }
  return { db, rel: table, schema };
}

let tables = 0;

/** The values of a chunk's column: the vector's own typed array where it has one (no per-item calls). */
function copyColumn(vec: { getItem(i: number): unknown }, count: number, into: Float64Array | Uint8Array, at: number): void {
  const items = (vec as unknown as { items?: unknown }).items;
  if ((items instanceof Float64Array && into instanceof Float64Array) || (items instanceof Uint8Array && into instanceof Uint8Array)) {
    into.set(items.subarray(0, count), at);
    return;
  }
  for (let i = 0; i < count; i++) into[at + i] = vec.getItem(i) as number;
}

/** Counts the rows for which `ok` fails; the fast path holds only when none does. */
async function allValid(db: Engine, rel: string, ok: string[]): Promise<number | undefined> {
  const [r] = await db.rows(`SELECT count(*) AS n, count(*) FILTER (WHERE NOT coalesce(${ok.map((c) => `(${c})`).join(' AND ')}, false)) AS bad FROM ${rel}`);
  return r && r['bad'] === 0 ? Number(r['n']) : undefined;
}

/** How often the fast path answered (tests check it was, or was not, taken). */
export const fastStats = { used: 0 };

function finish(source: DataSource, rows: number): void {
  fastStats.used++;
  (source as { rowsRead: number }).rowsRead = rows;
  source.reportProgress?.(rows);
}

/** Top-label `{confidence, correct}`, binary `{prob, label}` and reward pairs `{chosen_score, rejected_score}`. */
export async function fastCalibration(source: DataSource): Promise<CalibrationInput | undefined> {
  let p: Prepared | undefined;
  try {
    p = await prepare(source);
    if (!p) return undefined;
    const { db, rel, schema } = p;
    const has = (f: string) => schema.mayHave(f);
    const numeric = (f: string, range?: [number, number]) => {
      const c = schema.column(f);
      return c === undefined ? undefined : { c, ok: numberCheck(c, schema.types.get(c)!, range) };
    };
    const flag = (f: string) => {
      const c = schema.column(f);
      return c === undefined ? undefined : { c, ok: flagCheck(c, schema.types.get(c)!), value: flagValue(c, schema.types.get(c)!) };
    };
    let kind: 'pairs' | 'top-label' | 'binary';
    let a: { c: string; ok: string | undefined } | undefined;
    let b: { c: string; ok: string | undefined; value?: string } | undefined;
    if (has('chosen_score') || has('rejected_score')) {
      kind = 'pairs';
      a = numeric('chosen_score');
      b = numeric('rejected_score');
    } else if (has('probs') || has('logits')) return undefined;
    else if (has('confidence') || has('correct')) {
      kind = 'top-label';
      a = numeric('confidence', [0, 1]);
      b = flag('correct');
    } else if (has('prob')) {
      kind = 'binary';
      a = numeric('prob', [0, 1]);
      b = flag('label');
    } else return undefined;
    if (!a?.ok || !b?.ok) return undefined;
    const n = await allValid(db, rel, [a.ok, b.ok]);
    if (n === undefined || n === 0) return undefined;
    const x = new Float64Array(n);
    const y = kind === 'pairs' ? new Float64Array(n) : new Uint8Array(n);
    let k = 0;
    await db.scan(`SELECT ${ident(a.c)}::DOUBLE, ${'value' in b && b.value ? b.value : `${ident(b.c)}::DOUBLE`} FROM ${rel}`, (count, column) => {
      if (k + count > n) throw new Error('more rows than counted');
      copyColumn(column(0), count, x, k);
      copyColumn(column(1), count, y, k);
      k += count;
    });
    if (k !== n) return undefined;
    finish(source, n);
    if (kind === 'pairs') return { kind, chosen: x, rejected: y as Float64Array };
    if (kind === 'top-label') return { kind, confidence: x, correct: y as Uint8Array };
    return { kind, prob: x, label: y as Uint8Array };
  } catch {
    return undefined;
  } finally {
    if (p) await p.db.rows(`DROP TABLE IF EXISTS ${p.rel}`).catch(() => undefined);
  }
}

export interface FastAbMetric {
  name: string;
  type: 'binomial' | 'continuous';
  column: string;
}

/** Per-variant counts, sums and variances pushed down to DuckDB (unit rows only; aggregated {n, successes} rows go the built-in way). */
export async function fastAb(source: DataSource, metrics: FastAbMetric[], variantField: string): Promise<AbInput | undefined> {
  let p: Prepared | undefined;
  try {
    p = await prepare(source);
    if (!p) return undefined;
    const { db, rel, schema } = p;
    if (schema.mayHave('n') && schema.mayHave('successes')) return undefined;
    const variant = schema.column(variantField);
    if (variant === undefined) return undefined;
    const vt = schema.types.get(variant)!;
    // key(): strings as they are, integers and booleans as their text; a DOUBLE 1.0 would print differently.
    if (!(vt === 'VARCHAR' || vt === 'BOOLEAN' || INTEGER.test(vt))) return undefined;
    const checks = [`${ident(variant)} IS NOT NULL${vt === 'VARCHAR' ? ` AND trim(${ident(variant)}) <> ''` : ''}`];
    const selects = [`${ident(variant)}::VARCHAR AS v`, 'count(*) AS units'];
    const cols: { m: FastAbMetric; c: string }[] = [];
    for (const [i, m] of metrics.entries()) {
      const c = schema.column(m.column);
      if (c === undefined) return undefined;
      const t = schema.types.get(c)!;
      const ok = m.type === 'binomial' ? flagCheck(c, t) : numberCheck(c, t);
      if (!ok) return undefined;
      checks.push(ok);
      cols.push({ m, c });
      if (m.type === 'binomial') selects.push(`sum(${flagValue(c, t)}::BIGINT) AS s${i}`);
      else selects.push(`avg(${ident(c)}::DOUBLE) AS mean${i}`, `var_samp(${ident(c)}::DOUBLE) AS var${i}`);
    }
    const n = await allValid(db, rel, checks);
    if (n === undefined || n === 0) return undefined;
    const groups = await db.rows(`SELECT ${selects.join(', ')} FROM ${rel} GROUP BY 1`);
    const units: Record<string, number> = {};
    const out: AbMetricInput[] = cols.map(({ m }) => (m.type === 'binomial' ? { name: m.name, type: 'binomial', byVariant: {} } : { name: m.name, type: 'continuous', byVariant: {} }) as AbMetricInput);
    for (const g of groups) {
      const v = String(g['v']);
      const count = Number(g['units']);
      units[v] = count;
      cols.forEach(({ m }, i) => {
        const target = out[i]!;
        if (m.type === 'binomial') (target.byVariant as Record<string, { n: number; successes: number }>)[v] = { n: count, successes: Number(g[`s${metrics.indexOf(m)}`]) };
        else (target.byVariant as Record<string, { n: number; mean: number; variance: number }>)[v] = { n: count, mean: Number(g[`mean${metrics.indexOf(m)}`]), variance: count > 1 ? Number(g[`var${metrics.indexOf(m)}`]) : 0 };
      });
    }
    finish(source, n);
    out.sort((x, y) => metrics.findIndex((m) => m.name === x.name) - metrics.findIndex((m) => m.name === y.name));
    return { units, metrics: out };
  } catch {
    return undefined;
  } finally {
    if (p) await p.db.rows(`DROP TABLE IF EXISTS ${p.rel}`).catch(() => undefined);
  }
}
