/**
 * The engine side of an analysis: which files its result depends on, how it loads rows into its
 * typed input (columns or running aggregates), and the pure computation. engine/run.ts drives it:
 * it opens sources for `load` (with progress and the ingest options), calls `run`, and reports
 * what was read. The runner does no caching and no LSP.
 */
import type { DataSource, IngestOptions } from '../../ingest/read';
import type { AnalysisDescriptor } from '../../config/analyses/descriptor';
import type { RunOptions } from '../options';
import type { AnalysisOutcome, RunHooks } from '../run';

export interface LoadContext {
  /** The data file as requested (absolute). */
  file: string;
  options: RunOptions;
  /** Opens a data source with the run's ingest options (columns, format, header) and progress; `extra` overrides. */
  open(file: string, extra?: Partial<IngestOptions>): Promise<DataSource>;
}

export interface AnalysisRunner<I = unknown, R = unknown> {
  descriptor: AnalysisDescriptor<R>;
  /** The files whose bytes determine the result (content hash of the cache); default [file]. */
  inputFiles?(file: string, options: RunOptions): string[];
  /** Rows -> the analysis's typed input. Every source it reads must come from `ctx.open`. */
  load(ctx: LoadContext): Promise<I>;
  /** The pure computation (analysis/<name>.ts): input -> the result fields of docs/analyses.md. */
  run(input: I, options: RunOptions): R;
  /**
   * When the request's data live on a database connection (e.g. an Experiment's `source:`): runs the
   * analysis there as aggregate SQL and returns the outcome; undefined for file inputs (connections/).
   */
  pushdown?(file: string, options: RunOptions, hooks: RunHooks): Promise<AnalysisOutcome | undefined>;
}

/** Identity, for type inference. */
export function defineRunner<I, R>(runner: AnalysisRunner<I, R>): AnalysisRunner<I, R> {
  return runner;
}
