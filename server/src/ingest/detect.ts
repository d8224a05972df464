/** Decides a data file's format from its name, then from its first bytes. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isGzip, openBytes, logicalName, statOrThrow, asIngestError } from './source';
import { looksLikeMlflow } from './mlflow';
import { findEventFiles, isEventFileName, looksLikeTfRecord } from './tfevents';
import { expandGlob, isParquetName, looksLikeParquetFolder } from './parquet';
import { refuseLfsPointer } from './folders';
import { IngestError, type DataFormat } from './rows';

const SNIFF_BYTES = 64 * 1024;

async function head(file: string): Promise<string> {
  const input = openBytes(file);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= SNIFF_BYTES) break;
    }
  } catch (err) {
    throw asIngestError(file, err);
  } finally {
    input.destroy();
  }
  return Buffer.concat(chunks).subarray(0, SNIFF_BYTES).toString('utf8').replace(/^\uFEFF/, '');
}

/** Sniffs text: a JSON array, JSON Lines, a trainer_state object, or a delimited table. */
export function formatFromText(file: string, text: string): DataFormat {
  const trimmed = text.trimStart();
  if (trimmed === '') throw new IngestError(file, 'is empty');
  if (trimmed.startsWith('[')) return 'json';
  if (trimmed.startsWith('{')) {
    const firstLine = trimmed.split(/\r?\n/, 1)[0]!.trim();
    if (firstLine.endsWith('}')) return 'jsonl';
    if (/"log_history"\s*:/.test(trimmed)) return 'trainer_state';
    throw new IngestError(file, 'is a single JSON object; expected JSON Lines, a JSON array of rows, or a trainer_state.json with "log_history"');
  }
  const firstLine = trimmed.split(/\r?\n/, 1)[0]!;
  if (firstLine.includes('\t')) return 'tsv';
  if (firstLine.includes(',')) return 'csv';
  if (/[\u0000-\u0008\u000e-\u001f]/.test(trimmed.slice(0, 1024))) throw new IngestError(file, 'looks like a binary file, not a data file');
  // One column, or whitespace-separated: read as CSV (one column) rather than guess a separator.
  return 'csv';
}

/** UTF-16 text decodes as UTF-8 to garbage on every line; say what it is instead of skipping every row. */
function refuseUtf16(file: string): void {
  const bom = Buffer.alloc(2);
  const fd = fs.openSync(file, 'r');
  try {
    if (fs.readSync(fd, bom, 0, 2, 0) < 2) return;
  } finally {
    fs.closeSync(fd);
  }
  if ((bom[0] === 0xff && bom[1] === 0xfe) || (bom[0] === 0xfe && bom[1] === 0xff)) {
    throw new IngestError(file, 'is UTF-16 encoded; RLHF Lens reads UTF-8 (save the file as UTF-8)');
  }
}

function firstBytes(file: string, n: number): Buffer {
  const buf = Buffer.alloc(n);
  const fd = fs.openSync(file, 'r');
  try {
    return buf.subarray(0, fs.readSync(fd, buf, 0, n, 0));
  } finally {
    fs.closeSync(fd);
  }
}

export async function detectFormat(file: string): Promise<DataFormat> {
  // A glob of part files (data/train-*.parquet): the shell would expand it into many arguments.
  if (isParquetName(file) && expandGlob(file)) return 'parquet';
  const st = statOrThrow(file);
  if (st.isDirectory()) {
    if (looksLikeMlflow(file)) return 'mlflow';
    if (findEventFiles(file).length > 0) return 'tfevents';
    if (looksLikeParquetFolder(file)) return 'parquet';
    throw new IngestError(file, 'is a folder without an MLflow run (metrics/ folder), TensorBoard event files or Parquet files in it');
  }
  refuseLfsPointer(file);
  if (!isGzip(file)) refuseUtf16(file);
  const name = path.basename(logicalName(file));
  if (/\.(ya?ml|toml|py|md)$/.test(name)) throw new IngestError(file, 'is a config or source file, not a data file (expected JSONL, CSV/TSV, JSON, trainer_state.json or an MLflow run folder)');
  if (name.endsWith('trainer_state.json')) return 'trainer_state';
  if (isParquetName(name) || (!isGzip(file) && firstBytes(file, 4).toString('latin1') === 'PAR1')) return 'parquet';
  if (isEventFileName(name) || (!isGzip(file) && looksLikeTfRecord(firstBytes(file, 12)))) return 'tfevents';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'jsonl';
  if (name.endsWith('.tsv')) return 'tsv';
  if (name.endsWith('.csv')) return 'csv';
  return formatFromText(file, await head(file));
}
