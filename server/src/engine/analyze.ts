/**
 * One analysis request end to end, with the cache: hash the inputs, answer from the store when the
 * same analysis already ran on the same bytes with the same options, else execute (in-process for
 * the CLI, in a worker for the language server) and remember the outcome and the run.
 */
import * as path from 'node:path';
import { contentHash, textHash } from './hash';
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
  inputHash: string;
  optionsHash: string;
}

export async function requestKey(req: AnalyzeRequest): Promise<RequestKey> {
  const { crash_worker: _hook, ...options } = req.options;
  return {
    inputHash: await contentHash(inputFiles(req.analysis, req.file, req.options)),
    optionsHash: textHash(canonicalOptions(options)),
  };
}

export type Executor = (req: AnalyzeRequest) => Promise<AnalysisOutcome>;

export async function analyzeWithCache(req: AnalyzeRequest, execute: Executor, store: Store | undefined, key?: RequestKey): Promise<AnalyzeResponse> {
  const started = performance.now();
  if (readsConnection(req)) {
    // A table can change under the same name and Experiment: results on a connection are never cached.
    const outcome = await execute(req);
    return { ...outcome, cached: false, inputHash: '', durationMs: performance.now() - started };
  }
  const { inputHash, optionsHash } = key ?? (await requestKey(req));
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
    if ((await contentHash(inputFiles(req.analysis, req.file, req.options))) !== inputHash) {
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
