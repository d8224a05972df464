/**
 * The data files of a workspace folder for the Data Files view and the training wizard: each file's
 * format, row count (read with the same readers as the analyses, so "1,000 rows" here is what an
 * analysis would read), columns and inferred shape. Cached by mtime and size; files past
 * COUNT_LIMIT_BYTES are sampled, not counted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openDataSource } from '../ingest/read';
import { inferDataShape } from '../config/data-shape';
import type { DataFileInfo } from '../protocol/lsp';
import { workspaceFiles } from './config-files';

/** Files larger than this are not read to the end: their row count is left unknown. */
export const COUNT_LIMIT_BYTES = 64 * 1024 * 1024;
/** Rows read for the columns of a file that is not counted. */
const SAMPLE_ROWS = 200;

export type { DataFileInfo };

const DATA_FILE = /\.(jsonl|ndjson|csv|tsv)(\.gz|\.zst)?$|\.(parquet|arrow)$/i;

/** Data files the view lists: JSONL, CSV, TSV (plain, gzip or Zstandard), Parquet, Arrow (HF datasets), trainer_state.json. */
export function isDataFile(abs: string): boolean {
  return DATA_FILE.test(abs) || path.basename(abs) === 'trainer_state.json';
}

const cache = new Map<string, { mtimeMs: number; size: number; info: DataFileInfo }>();

export async function describeDataFile(abs: string): Promise<DataFileInfo> {
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch (err) {
    return { path: abs, format: 'unknown', rows: null, skipped: 0, bytes: 0, columns: [], shape: inferDataShape([]), error: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message };
  }
  const hit = cache.get(abs);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.info;
  const info = await read(abs, st.size);
  cache.set(abs, { mtimeMs: st.mtimeMs, size: st.size, info });
  return info;
}

async function read(abs: string, bytes: number): Promise<DataFileInfo> {
  const count = bytes <= COUNT_LIMIT_BYTES;
  try {
    const source = await openDataSource(abs);
    const columns = new Set<string>();
    let rows = 0;
    for await (const row of source.rows) {
      if (rows < SAMPLE_ROWS) for (const k of Object.keys(row.value)) columns.add(k);
      rows++;
      if (!count && rows >= SAMPLE_ROWS) break;
    }
    const cols = [...columns];
    return { path: abs, format: source.format, rows: count ? rows : null, skipped: source.skipped.count, bytes, columns: cols, shape: inferDataShape(cols, source.format) };
  } catch (err) {
    return { path: abs, format: 'unknown', rows: null, skipped: 0, bytes, columns: [], shape: inferDataShape([]), error: (err as Error).message };
  }
}

/** Every data file under the folders, described. */
export async function listDataFiles(folders: readonly string[], limit = 500): Promise<DataFileInfo[]> {
  const files = folders.flatMap((f) => workspaceFiles(f, isDataFile, limit));
  const out: DataFileInfo[] = [];
  for (const f of files.slice(0, limit)) out.push(await describeDataFile(f));
  return out;
}
