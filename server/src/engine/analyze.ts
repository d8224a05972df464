/**
 * One analysis request end to end, with the cache: hash the inputs, answer from the store when the
 * same analysis already ran on the same bytes with the same options, else execute (in-process for
 * the CLI, in a worker for the language server) and remember the outcome and the run.
 */
import * as path from 'node:path';
import { contentHash, contentStamp, textHash, type ContentStamp } from './hash';
import { IngestError } from '../ingest/rows';
import { canonicalOptions, type AnalysisName, type RunOptions } from './options';
import { inputFiles, type AnalysisOutcome } from './run';
import type { Store } from './store';
import { readExperiment } from './experiment';

/** Whether the request's Experiment reads a `source:` on a connection rather than a file. */
export function readsConnection(req: AnalyzeRequest): boolean {
  if (req.options.source) return true;
  if (req.analysis !== 'ab') return false;
  const exp = req.options.experiment ?? (/\.ya?ml$/i.test(req.file) ? req.file : undefined);
  if (!exp) return false;
  try {
    return readExperiment(exp).source !== undefined;
  } catch {
    return false;
  }
}

export interface AnalyzeRequest {
  analysis: AnalysisName;
  /** Absolute path of the data file (or MLflow folder, or Experiment for ab). */
  file: string;
  options: RunOptions;
}

export interface AnalyzeResponse extends AnalysisOutcome {
  cached: boolean;
  inputHash: string;
  durationMs: number;
}

export interface RequestKey {
  /** sha256 of the inputs' bytes; '' when not computed (no store to look up, and the stamp suffices). */
  inputHash: string;
  optionsHash: string;
  /** The inputs' stats, taken before their bytes were hashed or read (the changed-while-read guard). */
  stamp?: ContentStamp;
}

/**
 * The cache key of a request. `hash: false` (no store: nothing to look up) skips hashing the bytes
 * when the stamp can vouch for them afterwards, i.e. unless a file was modified within RACY_MS.
 */
export async function requestKey(req: AnalyzeRequest, hash = true): Promise<RequestKey> {
  const { crash_worker: _hook, ...options } = req.options;
  const files = inputFiles(req.analysis, req.file, req.options);
  const stamp = contentStamp(files);
  return {
    inputHash: hash || stamp.racy ? await contentHash(files) : '',
    optionsHash: textHash(canonicalOptions(options)),
    stamp,
  };
}

/**
 * Whether the inputs are as they were when `key` was taken. Stats equal and not modified within
 * RACY_MS: unchanged (every write moves mtime and ctime, a size change shows, a replaced file has
 * another inode), without reading the bytes again. Otherwise the bytes decide (a file only touched
 * is still unchanged); with no hash taken, changed stats mean changed.
 */
async function unchangedSince(key: RequestKey, files: string[]): Promise<boolean> {
  if (key.stamp && !key.stamp.racy && contentStamp(files).stats === key.stamp.stats) return true;
  if (!key.inputHash) return false;
  return (await contentHash(files)) === key.inputHash;
}

export type Executor = (req: AnalyzeRequest) => Promise<AnalysisOutcome>;

export async function analyzeWithCache(req: AnalyzeRequest, execute: Executor, store: Store | undefined, key?: RequestKey): Promise<AnalyzeResponse> {
  const started = performance.now();
  if (readsConnection(req)) {
    // A table can change under the same name and Experiment: results on a connection are never cached.
    const outcome = await execute(req);
    return { ...outcome, cached: false, inputHash: '', durationMs: performance.now() - started };
  }
  key ??= await requestKey(req, store !== undefined);
  const { inputHash, optionsHash } = key;
  const hit = store?.getResult(req.analysis, inputHash, optionsHash);
  if (hit) {
    const outcome = hit.result as unknown as AnalysisOutcome;
    const durationMs = performance.now() - started;
    store!.recordRun({ analysis: req.analysis, path: req.file, inputHash, optionsHash, status: 'ok', cached: true, rowsRead: outcome.rowsRead, skipped: outcome.skipped.count, durationMs });
    return { ...outcome, cached: true, inputHash, durationMs };
  }
  try {
    const outcome = await execute(req);
    // A file rewritten while it was read gives rows of neither version: discard, never cache under the old hash.
    if (!(await unchangedSince(key, inputFiles(req.analysis, req.file, req.options)))) {
      throw new IngestError(req.file, 'changed while it was being read; the result was discarded (run the analysis again)');
    }
    const durationMs = performance.now() - started;
    if (store) {
      store.putResult(req.analysis, inputHash, optionsHash, req.file, outcome);
      store.putSummary({ inputHash, path: req.file, format: outcome.format, rowsRead: outcome.rowsRead, skipped: outcome.skipped });
      store.recordRun({ analysis: req.analysis, path: req.file, inputHash, optionsHash, status: 'ok', rowsRead: outcome.rowsRead, skipped: outcome.skipped.count, durationMs });
    }
    return { ...outcome, cached: false, inputHash, durationMs };
  } catch (err) {
    store?.recordRun({
      analysis: req.analysis,
      path: req.file,
      inputHash,
      optionsHash,
      status: (err as Error).name === 'CancelledError' ? 'cancelled' : 'error',
      error: (err as Error).message,
      durationMs: performance.now() - started,
    });
    throw err;
  }
}

/** The JSON an analysis answers with: exactly the result fields, plus `skipped`. */
export function resultJson(outcome: AnalysisOutcome): Record<string, unknown> {
  return {
    ...outcome.result,
    skipped: outcome.skipped,
    // On a connection: where it ran, every query sent (to audit), and what was not computed.
    ...(outcome.source ? { source: outcome.source, sql: outcome.queries ?? [], notes: outcome.notes ?? [] } : {}),
  };
}

export function displayPath(file: string, cwd: string): string {
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
