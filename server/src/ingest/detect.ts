/** Decides a data file's format from its name, then from its first bytes. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isGzip, openBytes, logicalName, statOrThrow, asIngestError } from './source';
import { looksLikeMlflow } from './mlflow';
import { looksLikeWandb, looksLikeWandbLog } from './wandb';
import { isArrowName, looksLikeArrowFile, looksLikeArrowFolder } from './arrow';
import { findEventFiles, isEventFileName, looksLikeTfRecord } from './tfevents';
import { expandGlob, isParquetName, looksLikeParquetFolder } from './parquet';
import { refuseLfsPointer } from './folders';
import { IngestError, type DataFormat } from './rows';
import { parsePythonJson } from './python-json';
import { plural } from '../text/plural';

const SNIFF_BYTES = 64 * 1024;

async function head(file: string): Promise<{ text: string; complete: boolean }> {
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
  return { text: Buffer.concat(chunks).subarray(0, SNIFF_BYTES).toString('utf8').replace(/^\uFEFF/, ''), complete: size < SNIFF_BYTES };
}

function shortNumber(x: number): string {
  const a = Math.abs(x);
  if (a >= 1e6 || (a > 0 && a < 1e-3)) return x.toPrecision(4);
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(4)));
}

/**
 * A file that is one JSON object of final values (W&B's wandb-summary.json, HF's all_results.json
 * / eval_results.json, RewardBench and LLMPerf summaries) is not a history: reading it as a
 * one-row series would draw a "run" of one point. It is refused, showing what it holds and where
 * the history usually is.
 */
export function summaryError(file: string, text: string): IngestError {
  let doc: unknown;
  try {
    doc = parsePythonJson(text);
  } catch {
    doc = undefined;
  }
  const name = path.basename(logicalName(file));
  const entries = doc && typeof doc === 'object' && !Array.isArray(doc) ? Object.entries(doc as Record<string, unknown>) : [];
  const numbers = entries.filter((e): e is [string, number] => typeof e[1] === 'number');
  const shown = numbers.slice(0, 6).map(([k, v]) => `${k.length > 40 ? k.slice(0, 40) + '...' : k} ${shortNumber(v)}`).join(', ');
  const keys = new Set(entries.map(([k]) => k));
  const hint =
    name === 'wandb-summary.json' || keys.has('_wandb')
      ? "W&B keeps the run's history in wandb-history.jsonl or the run folder's run-<id>.wandb log, one row per step: pass the run folder (wandb/run-.../)"
      : /(^|_)(all|train|eval|predict|test)_results\.json$/.test(name)
        ? 'the step-by-step history of an HF Trainer run is the trainer_state.json beside it (or in a checkpoint-*/ folder)'
        : [...keys].some((k) => k.startsWith('results_')) && keys.has('num_concurrent_requests')
          ? 'LLMPerf writes one record per request to the *_individual_responses.json beside it, which latency reads'
          : keys.has('ttfts') && keys.has('itls')
            ? "this vLLM benchmark result keeps per-request figures in parallel arrays; latency reads one object per request (a JSON array or JSONL, e.g. LLMPerf's *_individual_responses.json)"
            : 'the analyses read one row per step, request or item: JSON Lines, a JSON array of objects, CSV/TSV, or a trainer_state.json';
  const what = entries.length ? `one JSON object of ${plural(entries.length, 'final value')}${shown ? ` (${shown}${numbers.length > 6 ? ', ...' : ''})` : ''}` : 'one JSON object';
  return new IngestError(file, `is a summary, not a history: ${what}; ${hint}`);
}

/** Sniffs text: a JSON array, JSON Lines, a trainer_state object, or a delimited table. `complete`: `text` is the whole file. */
export function formatFromText(file: string, text: string, complete = false): DataFormat {
  const trimmed = text.trimStart();
  if (trimmed === '') throw new IngestError(file, 'is empty');
  if (trimmed.startsWith('[')) return 'json';
  if (trimmed.startsWith('{')) {
    const lines = trimmed.split(/\r?\n/, 3).filter((l) => l.trim() !== '');
    const firstLine = lines[0]!.trim();
    // Several lines, each a whole object: JSON Lines (also under a .json name, as HF datasets write it).
    // A whole file of one object on one line is a summary (wandb-summary.json), not a one-row log.
    const oneObjectFile = complete && trimmed.trimEnd().split(/\r?\n/).filter((l) => l.trim() !== '').length === 1;
    if (firstLine.endsWith('}') && !oneObjectFile) return 'jsonl';
    if (/"log_history"\s*:/.test(trimmed)) return 'trainer_state';
    throw summaryError(file, complete ? trimmed : '');
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

/** Entries of a folder, quietly empty when it cannot be listed. */
function list(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

/**
 * Why a folder that is not an MLflow run cannot be read, in the terms of what it is: an HF Trainer
 * output or checkpoint folder, a PyTorch Lightning log or checkpoint folder, or neither.
 */
export function folderError(dir: string): IngestError {
  const here = list(dir);
  const has = (name: string) => here.some((e) => e.isFile() && e.name === name);
  if (has('trainer_state.json')) return new IngestError(dir, `is an HF Trainer checkpoint folder; its log is ${path.join(dir, 'trainer_state.json')}: pass that file`);
  const checkpoints = here
    .filter((e) => e.isDirectory() && /^checkpoint-\d+$/.test(e.name) && fs.existsSync(path.join(dir, e.name, 'trainer_state.json')))
    .sort((a, b) => Number(b.name.slice(11)) - Number(a.name.slice(11)));
  if (checkpoints.length) {
    return new IngestError(dir, `is an HF Trainer output folder (${plural(checkpoints.length, 'checkpoint-*/ folder')}); the latest log is ${path.join(dir, checkpoints[0]!.name, 'trainer_state.json')}: pass that file`);
  }
  const versions = [dir, ...here.filter((e) => e.isDirectory()).map((e) => path.join(dir, e.name))];
  for (const d of [...versions, ...versions.slice(1).flatMap((v) => list(v).filter((e) => e.isDirectory()).map((e) => path.join(v, e.name)))]) {
    if (fs.existsSync(path.join(d, 'metrics.csv'))) return new IngestError(dir, `is a PyTorch Lightning log folder; its metrics are in ${path.join(d, 'metrics.csv')}: pass that file`);
  }
  const lightning = here.some((e) => e.name === 'hparams.yaml' || e.name === 'lightning_logs' || /^version_\d+$/.test(e.name) || e.name.endsWith('.ckpt')) || versions.some((d) => list(d).some((e) => e.name.endsWith('.ckpt')));
  if (lightning) return new IngestError(dir, "is a PyTorch Lightning log or checkpoint folder without a metrics.csv (checkpoints hold no history); log with Lightning's CSVLogger and pass its lightning_logs/version_N/metrics.csv");
  if (has('config.json') && here.some((e) => /\.(safetensors|bin)$/.test(e.name))) return new IngestError(dir, 'is a saved model folder (config.json and weights), which holds no training history; pass the trainer_state.json of the run that produced it');
  return new IngestError(dir, 'is a folder, not a data file, and holds no MLflow run (a run folder with metrics/), W&B run (wandb/run-*/), TensorBoard event files, Parquet or Arrow files, HF Trainer checkpoint (trainer_state.json) or Lightning metrics.csv; pass a data file');
}

export async function detectFormat(file: string): Promise<DataFormat> {
  // A glob of part files (data/train-*.parquet): the shell would expand it into many arguments.
  if (isParquetName(file) && expandGlob(file)) return 'parquet';
  if (isArrowName(file) && expandGlob(file)) return 'arrow';
  const st = statOrThrow(file);
  if (st.isDirectory()) {
    if (looksLikeWandb(file)) return 'wandb';
    if (looksLikeMlflow(file)) return 'mlflow';
    if (findEventFiles(file).length > 0) return 'tfevents';
    if (looksLikeParquetFolder(file)) return 'parquet';
    if (looksLikeArrowFolder(file)) return 'arrow';
    throw folderError(file);
  }
  refuseLfsPointer(file);
  if (!isGzip(file)) refuseUtf16(file);
  const name = path.basename(logicalName(file));
  if (/\.(ya?ml|toml|py|md)$/.test(name)) throw new IngestError(file, 'is a config or source file, not a data file (expected JSONL, CSV/TSV, JSON, trainer_state.json or an MLflow run folder)');
  if (name.endsWith('trainer_state.json')) return 'trainer_state';
  if (!isGzip(file) && (name.endsWith('.wandb') || looksLikeWandbLog(firstBytes(file, 7)))) return 'wandb';
  if (isParquetName(name) || (!isGzip(file) && firstBytes(file, 4).toString('latin1') === 'PAR1')) return 'parquet';
  if (isArrowName(name) || (!isGzip(file) && looksLikeArrowFile(firstBytes(file, 6)))) return 'arrow';
  if (isEventFileName(name) || (!isGzip(file) && looksLikeTfRecord(firstBytes(file, 12)))) return 'tfevents';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'jsonl';
  if (name.endsWith('.tsv')) return 'tsv';
  if (name.endsWith('.csv')) return 'csv';
  const sniffed = await head(file);
  return formatFromText(file, sniffed.text, sniffed.complete);
}
