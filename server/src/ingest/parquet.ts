/**
 * Parquet files and folders of part files (an HF dataset's `data/train-*.parquet`), read with
 * hyparquet: pure JavaScript (no native binary, so it loads on every platform the extension runs on),
 * SNAPPY built in, gzip/brotli/zstd/lz4 through hyparquet-compressors. Rows are read one row group at a
 * time, so memory is bounded by the largest row group, not the file.
 *
 * Values: INT64 arrive as bigint and are made numbers (exact up to 2^53); timestamps as epoch
 * milliseconds; nested columns (LIST<STRUCT>, STRUCT) stay JS arrays/objects, so an analysis reading
 * such a column sees a list or an object and skips the row with a reason naming the column.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { IngestError, type SkipLog, type SourceRow } from './rows';
import { plural } from '../text/plural';

type Hyparquet = typeof import('hyparquet');
let lib: Promise<{ hp: Hyparquet; compressors: Record<string, unknown> }> | undefined;
/** Loaded on first use: the language server never pays for it unless a Parquet file is analysed. */
function load() {
  return (lib ??= Promise.all([import('hyparquet'), import('hyparquet-compressors')]).then(([hp, c]) => ({ hp, compressors: c.compressors as Record<string, unknown> })));
}

export function isParquetName(name: string): boolean {
  return /\.parquet$/i.test(name);
}

/** HF dataset shards: `train-00000-of-00002.parquet` -> `train`. */
function splitOf(name: string): string | undefined {
  return /^(.*?)-\d{5}-of-\d{5}\.parquet$/i.exec(name)?.[1];
}

function listParquet(dir: string, depth = 0): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const p = path.join(dir, e.name);
    if (e.name.startsWith('.')) continue;
    if (isParquetName(e.name) && fs.statSync(p).isFile()) out.push(p);
    else if (depth < 3 && fs.statSync(p).isDirectory()) out.push(...listParquet(p, depth + 1));
  }
  return out;
}

/** A path with `*`/`?` in its last part that does not exist as such: the matching files of its folder. */
export function expandGlob(target: string): string[] | undefined {
  const base = path.basename(target);
  if (!/[*?[]/.test(base) || fs.existsSync(target)) return undefined;
  const dir = path.dirname(target);
  if (!fs.existsSync(dir)) return [];
  const match = picomatch(base);
  return fs
    .readdirSync(dir)
    .filter((n) => match(n))
    .sort()
    .map((n) => path.join(dir, n));
}

/** The part files of a Parquet source (a file, a folder, or a glob such as data/train-*.parquet). */
export function parquetFiles(target: string): string[] {
  const globbed = expandGlob(target);
  if (globbed) {
    if (globbed.length === 0) throw new IngestError(target, 'matches no files');
    return globbed;
  }
  if (!fs.statSync(target).isDirectory()) return [target];
  const files = listParquet(target);
  if (files.length === 0) throw new IngestError(target, 'is a folder without Parquet files');
  const splits = new Map<string, number>();
  for (const f of files) {
    const s = splitOf(path.basename(f));
    if (s) splits.set(s, (splits.get(s) ?? 0) + 1);
  }
  if (splits.size > 1) {
    const list = [...splits].map(([s, n]) => `${s} (${plural(n, 'file')})`).join(', ');
    const [first] = splits.keys();
    const example = path.join(path.relative(process.cwd(), path.dirname(files.find((f) => splitOf(path.basename(f)) === first)!)) || '.', `${first}-*.parquet`);
    throw new IngestError(target, `holds the dataset splits ${list}; pass one split, e.g. '${example}'`);
  }
  return files;
}

export function looksLikeParquetFolder(dir: string): boolean {
  try {
    return listParquet(dir).length > 0;
  } catch {
    return false;
  }
}

function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.getTime();
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const k in v) out[k] = plain((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** Rows of every part file in order; `line` is the row's 1-based position across the files. */
export async function* readParquet(files: string[], _skipped: SkipLog, onBytes?: (n: number) => void): AsyncGenerator<SourceRow> {
  const { hp, compressors } = await load();
  let line = 0;
  for (const file of files) {
    let metadata: Awaited<ReturnType<Hyparquet['parquetMetadataAsync']>>;
    let buffer: Awaited<ReturnType<Hyparquet['asyncBufferFromFile']>>;
    try {
      buffer = await hp.asyncBufferFromFile(file);
      metadata = await hp.parquetMetadataAsync(buffer);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new IngestError(file, 'no such file or folder');
      throw new IngestError(file, `not a valid Parquet file (${(err as Error).message})`);
    }
    let rowStart = 0;
    for (const rg of metadata.row_groups) {
      const n = Number(rg.num_rows);
      let rows: Record<string, unknown>[];
      try {
        rows = (await hp.parquetReadObjects({ file: buffer, metadata, rowStart, rowEnd: rowStart + n, compressors: compressors as never })) as Record<string, unknown>[];
      } catch (err) {
        throw new IngestError(file, `cannot read row group at row ${rowStart + 1}: ${(err as Error).message}`);
      }
      onBytes?.(Number(rg.total_byte_size ?? 0));
      rowStart += n;
      for (const r of rows) {
        line++;
        const value: Record<string, unknown> = {};
        for (const k in r) value[k] = plain(r[k]);
        yield { line, value };
      }
    }
  }
}
