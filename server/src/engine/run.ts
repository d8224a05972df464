/**
 * Runs one analysis on one data file: find its runner in the registry, open the source(s) it asks
 * for, load the typed input, compute, and return the result with the ingestion report. The same
 * function serves the CLI, the language server's worker and pipeline checks. Does no caching (see
 * store.ts / jobs.ts) and no LSP.
 */
import * as path from 'node:path';
import { openDataSource, type DataSource, type IngestOptions } from '../ingest/read';
import type { Skipped } from '../ingest/rows';
import type { DataFormat } from '../ingest/rows';
import { OptionError, type AnalysisName, type RunOptions } from './options';
import { analysisNames, runnerFor } from './analyses/registry';
import type { QueryRecord } from '../connections/clickhouse';

export interface RunHooks {
  /** Rows read so far (all sources of the run together). */
  onProgress?: (rowsRead: number) => void;
  /** Cancels a run on a connection (the query is killed on the server). */
  signal?: AbortSignal;
  /** Connection credentials from the editor's SecretStorage (connections/secrets.ts); never logged. */
  secrets?: Record<string, string>;
}

export interface AnalysisOutcome {
  analysis: AnalysisName;
  /** The data file(s) read, absolute. */
  files: string[];
  format: DataFormat | 'clickhouse';
  rowsRead: number;
  /** Runs on a connection: `connection:table`, every query sent ("show SQL"), what was not computed. */
  source?: string;
  queries?: QueryRecord[];
  notes?: string[];
  skipped: Skipped;
  /** The analysis result: exactly the fields of docs/analyses.md. */
  result: Record<string, unknown>;
}

function ingestOptions(options: RunOptions, extra: Partial<IngestOptions> = {}): IngestOptions {
  return {
    ...(options.format ? { format: options.format } : {}),
    ...(options.columns ? { columnMap: options.columns } : {}),
    ...(options.header !== undefined ? { header: options.header } : {}),
    ...(typeof options['run'] === 'string' ? { run: options['run'] } : {}),
    ...extra,
  };
}

function runner(analysis: AnalysisName) {
  const r = runnerFor(analysis);
  if (!r) throw new OptionError(`unknown analysis "${analysis}" (one of ${analysisNames().join(', ')})`);
  return r;
}

/** The files whose bytes determine the result (for content hashing). */
export function inputFiles(analysis: AnalysisName, file: string, options: RunOptions): string[] {
  return runner(analysis).inputFiles?.(file, options) ?? [file];
}

export async function runAnalysis(analysis: AnalysisName, file: string, options: RunOptions, hooks: RunHooks = {}): Promise<AnalysisOutcome> {
  const r = runner(analysis);
  if (options.source) {
    // A pipeline check's source: runs as aggregate SQL on its connection (loaded on first use).
    const { runOnConnection } = await import('../connections/pushdown');
    return runOnConnection(analysis, file, options, hooks);
  }
  // A request whose data live on a connection (an Experiment's source:) runs there as SQL.
  const pushed = await r.pushdown?.(file, options, hooks);
  if (pushed) return pushed;
  const sources: DataSource[] = [];
  const open = (f: string, extra: Partial<IngestOptions> = {}): Promise<DataSource> => {
    // Progress counts the rows of every source of the run: those opened before this one, then this one's.
    const earlier = [...sources];
    const base = () => earlier.reduce((n, s) => n + s.rowsRead, 0);
    const opened = openDataSource(f, ingestOptions(options, { onProgress: (rows) => hooks.onProgress?.(base() + rows), ...extra }));
    return Promise.resolve(opened).then((s) => {
      sources.push(s);
      return s;
    });
  };
  const input = await r.load({ file, options, open });
  const result = r.run(input, options) as object;
  if (sources.length === 0) throw new Error(`the ${analysis} analysis read no data source (its load() must open them through ctx.open)`);
  const skippedAll = sources.flatMap((s) => s.skipped.first.map((x) => (sources.length > 1 ? { ...x, reason: `${path.basename(s.file)}: ${x.reason}` } : x)));
  return {
    analysis,
    files: sources.map((s) => s.file),
    format: sources[0]!.format,
    rowsRead: sources.reduce((n, s) => n + s.rowsRead, 0),
    skipped: { count: sources.reduce((n, s) => n + s.skipped.count, 0), first: skippedAll.slice(0, 10) },
    result: result as Record<string, unknown>,
  };
}
