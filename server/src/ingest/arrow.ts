/**
 * Arrow IPC files as the Hugging Face `datasets` library writes them: `Dataset.save_to_disk` folders
 * (`data-00000-of-00001.arrow` ... with `state.json` and `dataset_info.json`; a `DatasetDict` has one
 * such folder per split and a `dataset_dict.json`), and the cache files of `load_dataset` / `map`
 * (`<builder>-train.arrow`, `cache-<fingerprint>.arrow`). `datasets` writes the IPC *stream* format
 * (pyarrow's RecordBatchStreamWriter, no body compression); the IPC *file* format (`ARROW1`, Feather
 * v2) is read too.
 *
 * Read with apache-arrow, the Apache Arrow project's own JavaScript implementation: pure JavaScript
 * (no native binary), it reads both IPC formats record batch by record batch from a file handle, so
 * memory is bounded by the largest batch (`datasets` writes 1,000 rows a batch by default). Loaded on
 * first use. Values as Parquet gives them: 64-bit integers become numbers (exact up to 2^53),
 * timestamps and dates epoch milliseconds, lists arrays and structs objects (an HF chat `messages`
 * column is an array of {role, content}), so an analysis pointed at a nested column skips its rows
 * with a reason naming the column.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expandGlob } from './parquet';
import { IngestError, type SkipLog, type SourceRow } from './rows';
import { plural } from '../text/plural';

type Arrow = typeof import('apache-arrow');
let lib: Promise<Arrow> | undefined;
/** Loaded on first use: the language server never pays for it unless an Arrow file is analysed. */
function load(): Promise<Arrow> {
  return (lib ??= import('apache-arrow'));
}

export function isArrowName(name: string): boolean {
  return /\.(arrow|arrows|feather|ipc)$/i.test(name);
}

/** The first bytes of an Arrow IPC file (`ARROW1`); the stream format has no magic and is known by its name. */
export function looksLikeArrowFile(head: Uint8Array): boolean {
  return head.length >= 6 && Buffer.from(head.subarray(0, 6)).toString('latin1') === 'ARROW1';
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function arrowNames(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && isArrowName(e.name))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/** `save_to_disk`'s state.json lists the data files in order. */
function stateFiles(dir: string): string[] | undefined {
  const state = readJson(path.join(dir, 'state.json')) as { _data_files?: { filename?: unknown }[] } | undefined;
  const files = state?._data_files;
  if (!Array.isArray(files)) return undefined;
  return files.map((f) => f?.filename).filter((n): n is string => typeof n === 'string').map((n) => path.join(dir, n));
}

/** A DatasetDict folder's splits (dataset_dict.json's `splits`, else the subfolders with a state.json). */
function datasetDictSplits(dir: string): string[] | undefined {
  const dict = readJson(path.join(dir, 'dataset_dict.json')) as { splits?: unknown } | undefined;
  if (!dict) return undefined;
  if (Array.isArray(dict.splits)) return dict.splits.filter((s): s is string => typeof s === 'string');
  try {
    return fs.readdirSync(dir).filter((n) => fs.existsSync(path.join(dir, n, 'state.json')));
  } catch {
    return [];
  }
}

/** The split of an HF cache file: `imdb-train.arrow`, `gsm8k-test-00000-of-00002.arrow` -> train / test. */
function cacheSplit(name: string): string | undefined {
  return /-([A-Za-z0-9_.]+?)(?:-\d{5}-of-\d{5})?\.arrow$/.exec(name)?.[1];
}

export function looksLikeArrowFolder(dir: string): boolean {
  return stateFiles(dir) !== undefined || datasetDictSplits(dir) !== undefined || arrowNames(dir).length > 0;
}

/**
 * The Arrow files of a source: a file, a glob, a `save_to_disk` folder (its state.json order), or a
 * cache folder of one split (cache-*.arrow, results of map/filter, are left out: pass one of them).
 */
export function arrowFiles(target: string): string[] {
  const globbed = expandGlob(target);
  if (globbed) {
    if (globbed.length === 0) throw new IngestError(target, 'matches no files');
    return globbed;
  }
  if (!fs.statSync(target).isDirectory()) {
    // Arrow is read from a file handle (random access for the file format): a compressed copy is not.
    if (/\.(gz|zst)$/i.test(target)) throw new IngestError(target, 'is a compressed Arrow file; decompress it first (gunzip / zstd -d): Arrow IPC is read uncompressed');
    return [target];
  }
  const splits = datasetDictSplits(target);
  if (splits) {
    const example = path.join(path.relative(process.cwd(), target) || '.', splits[0] ?? 'train');
    throw new IngestError(target, `is a DatasetDict saved with save_to_disk, holding the splits ${splits.join(', ') || '(none)'}; pass one split's folder, e.g. '${example}'`);
  }
  const listed = stateFiles(target);
  if (listed) {
    const missing = listed.filter((f) => !fs.existsSync(f));
    if (missing.length) throw new IngestError(target, `state.json lists ${plural(missing.length, 'data file')} that ${missing.length === 1 ? 'is' : 'are'} missing: ${missing.map((f) => path.basename(f)).slice(0, 3).join(', ')}`);
    if (listed.length === 0) throw new IngestError(target, 'state.json lists no data files');
    return listed;
  }
  const names = arrowNames(target);
  const data = names.filter((n) => !n.startsWith('cache-'));
  if (data.length === 0) {
    if (names.length === 0) throw new IngestError(target, 'is a folder without Arrow files');
    throw new IngestError(target, `holds only ${plural(names.length, 'cache-*.arrow file')} (results of Dataset.map / filter, each a whole dataset); pass one of them, e.g. ${path.join(target, names[0]!)}`);
  }
  const bySplit = new Map<string, number>();
  for (const n of data) {
    const s = cacheSplit(n);
    if (s) bySplit.set(s, (bySplit.get(s) ?? 0) + 1);
  }
  if (bySplit.size > 1) {
    const first = data.find((n) => cacheSplit(n) === [...bySplit.keys()][0])!;
    throw new IngestError(target, `holds the dataset splits ${[...bySplit].map(([s, n]) => `${s} (${plural(n, 'file')})`).join(', ')}; pass one split, e.g. '${path.join(target, first.replace(/-\d{5}-of-\d{5}\.arrow$/, '-*.arrow'))}'`);
  }
  return data.map((n) => path.join(target, n));
}

/** A vector cell as a plain value (the same conventions as the Parquet reader). */
function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v !== 'object') return v;
  if (v instanceof Date) return v.getTime();
  if (v instanceof Uint8Array) return v;
  const o = v as { toArray?: () => unknown; get?: unknown; length?: number; toJSON?: () => unknown; [Symbol.iterator]?: unknown };
  // A Vector (a list cell): its elements.
  if (typeof o.toArray === 'function' && typeof o.get === 'function' && typeof o[Symbol.iterator] === 'function') return Array.from(v as Iterable<unknown>, plain);
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, (x) => plain(x));
  // A struct or map cell (StructRow / MapRow): its fields.
  const json = typeof o.toJSON === 'function' ? o.toJSON() : v;
  if (json instanceof Map) return Object.fromEntries([...json].map(([k, x]) => [String(k), plain(x)]));
  if (Array.isArray(json)) return json.map(plain);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(json as object)) out[k] = plain((json as Record<string, unknown>)[k]);
  return out;
}

/** Rows of every file in order, one record batch at a time; `line` is the row's 1-based position across the files. */
export async function* readArrow(files: string[], _skipped: SkipLog, onBytes?: (n: number) => void): AsyncGenerator<SourceRow> {
  const arrow = await load();
  let line = 0;
  for (const file of files) {
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(file, 'r');
    } catch (err) {
      throw new IngestError(file, (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (err as Error).message);
    }
    const size = (await handle.stat()).size;
    let batches = 0;
    let rowsInFile = 0;
    try {
      let reader: import('apache-arrow').RecordBatchReader;
      try {
        reader = (await arrow.RecordBatchReader.from(handle as never)) as import('apache-arrow').RecordBatchReader;
        await reader.open();
      } catch (err) {
        throw new IngestError(file, `not a valid Arrow IPC file (${(err as Error).message})`);
      }
      const iterator = (reader as AsyncIterable<import('apache-arrow').RecordBatch>)[Symbol.asyncIterator]();
      for (;;) {
        let step: IteratorResult<import('apache-arrow').RecordBatch>;
        try {
          step = await iterator.next();
        } catch (err) {
          throw new IngestError(file, `cannot read record batch ${batches + 1} (after ${plural(rowsInFile, 'row')}): ${(err as Error).message}`);
        }
        if (step.done) break;
        const batch = step.value;
        batches++;
        const columns = batch.schema.fields.map((f, i) => [f.name, batch.getChildAt(i)] as const);
        for (let r = 0; r < batch.numRows; r++) {
          line++;
          rowsInFile++;
          const value: Record<string, unknown> = {};
          for (const [name, vec] of columns) value[name] = plain(vec?.get(r));
          yield { line, value };
        }
      }
      if (batches === 0 && size > 0 && !reader.schema) throw new IngestError(file, 'not a valid Arrow IPC file (no schema message)');
      onBytes?.(size);
    } finally {
      await handle.close();
    }
  }
}
