/**
 * Runs one analysis on one data file: open the source(s), load the typed input, compute, and
 * return the result with the ingestion report. The same function serves the CLI, the language
 * server's worker and pipeline checks. Does no caching (see store.ts / jobs.ts) and no LSP.
 */
import * as path from 'node:path';
import { openDataSource, type DataSource, type IngestOptions } from '../ingest/read';
import type { Skipped } from '../ingest/rows';
import type { DataFormat } from '../ingest/rows';
import { calibrate } from '../analysis/calibration';
import { analyzeAb } from '../analysis/ab';
import { analyzeAgreement } from '../analysis/agreement';
import { analyzeDrift } from '../analysis/drift';
import { analyzeTraining } from '../analysis/training';
import { analyzeLatency } from '../analysis/latency';
import { selectUncertain } from '../analysis/uncertainty';
import { loadAb, loadCalibration, loadDrift, loadLatency, loadRatings, loadTraining, loadUncertainty } from './inputs';
import { readExperiment } from './experiment';
import { OptionError, type AnalysisName, type RunOptions } from './options';

export interface RunHooks {
  /** Rows read so far (all sources of the run together). */
  onProgress?: (rowsRead: number) => void;
}

export interface AnalysisOutcome {
  analysis: AnalysisName;
  /** The data file(s) read, absolute. */
  files: string[];
  format: DataFormat;
  rowsRead: number;
  skipped: Skipped;
  /** The analysis result: exactly the fields of docs/analyses.md. */
  result: Record<string, unknown>;
}

/** Headerless three-column annotation files (as nltk's) are read as annotator, item, label. */
const AGREEMENT_HEADERLESS_COLUMNS = ['annotator', 'item_id', 'label'];

function ingestOptions(options: RunOptions, extra: Partial<IngestOptions> = {}): IngestOptions {
  return {
    ...(options.format ? { format: options.format } : {}),
    ...(options.columns ? { columnMap: options.columns } : {}),
    ...(options.header !== undefined ? { header: options.header } : {}),
    ...extra,
  };
}

/** The files whose bytes determine the result (for content hashing). */
export function inputFiles(analysis: AnalysisName, file: string, options: RunOptions): string[] {
  const files = [file];
  if (analysis === 'ab' && options.experiment) files.push(options.experiment);
  if (analysis === 'ab' && !options.experiment && /\.ya?ml$/i.test(file)) {
    const data = readExperiment(file).data;
    if (data) files.push(data);
  }
  if (analysis === 'drift' && options.reference) files.push(options.reference);
  // `current` given as an option makes FILE the reference: both samples' bytes decide the result.
  if (analysis === 'drift' && options.current) files.push(options.current);
  return files;
}

export async function runAnalysis(analysis: AnalysisName, file: string, options: RunOptions, hooks: RunHooks = {}): Promise<AnalysisOutcome> {
  const progress = (base: () => number) => (rows: number) => hooks.onProgress?.(base() + rows);
  const open = (f: string, extra: Partial<IngestOptions> = {}) => openDataSource(f, ingestOptions(options, { onProgress: progress(() => 0), ...extra }));
  const finish = (sources: DataSource[], result: object): AnalysisOutcome => {
    const skippedAll = sources.flatMap((s) => s.skipped.first.map((x) => (sources.length > 1 ? { ...x, reason: `${path.basename(s.file)}: ${x.reason}` } : x)));
    return {
      analysis,
      files: sources.map((s) => s.file),
      format: sources[0]!.format,
      rowsRead: sources.reduce((n, s) => n + s.rowsRead, 0),
      skipped: { count: sources.reduce((n, s) => n + s.skipped.count, 0), first: skippedAll.slice(0, 10) },
      result: result as Record<string, unknown>,
    };
  };

  switch (analysis) {
    case 'calibration': {
      const source = await open(file);
      const input = await loadCalibration(source);
      return finish([source], calibrate(input, { ...(options.bins ? { bins: options.bins } : {}), ...(options.bootstrap ? { bootstrapIterations: options.bootstrap } : {}), ...(options.seed !== undefined ? { bootstrapSeed: options.seed } : {}) }));
    }
    case 'ab': {
      let dataFile = file;
      let experimentFile = options.experiment;
      if (!experimentFile && /\.ya?ml$/i.test(file)) {
        experimentFile = file;
        const data = readExperiment(file).data;
        if (!data) throw new OptionError(`${file}: the Experiment has no "data:" file; pass the results file and --experiment`);
        dataFile = data;
      }
      if (!experimentFile) throw new OptionError('the ab analysis needs an Experiment file (option experiment / --experiment)');
      const plan = readExperiment(experimentFile);
      const source = await open(dataFile);
      const input = await loadAb(source, plan.metrics);
      return finish([source], analyzeAb(input, plan.options));
    }
    case 'agreement': {
      const level = options.level ?? 'nominal';
      const source = await open(file, { columnNames: AGREEMENT_HEADERLESS_COLUMNS });
      const ratings = await loadRatings(source, level);
      return finish([source], analyzeAgreement(ratings, { level, ...(options.order ? { order: options.order } : {}) }));
    }
    case 'drift': {
      const current = options.current ?? file;
      const referenceFile = options.reference ?? (options.current ? file : undefined);
      if (!referenceFile) throw new OptionError('the drift analysis needs a reference sample (option reference / --reference FILE)');
      if (!options.column) throw new OptionError('the drift analysis needs the column to compare (option column / --column NAME)');
      const reference = await open(referenceFile);
      const afterReference = () => reference.rowsRead;
      const currentSource = await openDataSource(current, ingestOptions(options, { onProgress: progress(afterReference) }));
      const input = await loadDrift(reference, currentSource, options.column);
      return finish([reference, currentSource], analyzeDrift(input, { ...(options.threshold !== undefined ? { threshold: options.threshold } : {}) }));
    }
    case 'training': {
      const source = await open(file);
      const input = await loadTraining(source);
      return finish([source], analyzeTraining(input, { ...(options.smoothing !== undefined ? { smoothing: options.smoothing } : {}), ...(options.max_points ? { maxPoints: options.max_points } : {}) }));
    }
    case 'latency': {
      const source = await open(file);
      const input = await loadLatency(source, options.group_by);
      return finish([source], analyzeLatency(input, { ...(options.window_ms ? { windowMs: options.window_ms } : {}) }));
    }
    case 'uncertainty': {
      const source = await open(file);
      const input = await loadUncertainty(source);
      return finish([source], selectUncertain(input, { method: options.method ?? 'entropy', ...(options.top ? { top: options.top } : {}) }));
    }
  }
}
