/**
 * The single entry point of ingestion: open a data file of any supported format and iterate its
 * rows, with column mapping and progress. Callers (the analysis adapters) keep only what they need.
 */
import * as path from 'node:path';
import { detectFormat } from './detect';
import { readJsonl } from './jsonl';
import { readDelimited } from './delimited';
import { readJsonArray, readTrainerState } from './json-array';
import { openMlflowRun, readMlflowMetrics } from './mlflow';
import { openTfEvents, readTfEvents } from './tfevents';
import { parquetFiles, readParquet } from './parquet';
import { openWandbRun, readWandb, wandbParams } from './wandb';
import { arrowFiles, readArrow } from './arrow';
import { resolveDataPath } from './folders';
import { IngestError, SkipLog, type DataFormat, type SourceRow } from './rows';

export interface IngestOptions {
  /** Force a format instead of detecting it. */
  format?: DataFormat;
  /** field -> column of the file (`--column label=human_label`): the analysis reads `field` from `column`. */
  columnMap?: Record<string, string>;
  /** Names for the columns of a headerless CSV/TSV, in order. */
  columnNames?: string[];
  /** Whether a CSV/TSV has a header row (default: decided from the first row). */
  header?: boolean;
  /** The run of a folder holding several (an MLflow store, a wandb/ folder): its run id or name (CLI `--run`). */
  run?: string;
  /** Called every PROGRESS_EVERY rows and at the end. */
  onProgress?: (rowsRead: number, bytesRead: number) => void;
}

export const PROGRESS_EVERY = 10_000;

/** Formats whose folder can hold several runs, one of which `run` picks. */
const RUN_STORES = new Set<DataFormat>(['mlflow', 'wandb']);

export interface DataSource {
  file: string;
  format: DataFormat;
  /** A run name where the format has one (MLflow run name; the folder name of a trainer_state.json). */
  run: string;
  /** Run parameters (MLflow params/), when the format has them. */
  params?: Record<string, string>;
  /** Whether the run has ended, where the format says (a W&B log's exit record), once the rows are read. */
  finished?: boolean;
  /** Settings the run recorded, typed, with where each was recorded (W&B config, TensorBoard hparams; filled as the rows are read). */
  recorded?: Record<string, { value: string | number | boolean | null; file: string; line?: number }>;
  skipped: SkipLog;
  rows: AsyncIterable<SourceRow>;
  /** Rows yielded so far (before any analysis-specific filtering). */
  readonly rowsRead: number;
  /** The `--column` mapping and header option the source was opened with (the engine's fast path reads the file itself). */
  columnMap?: Record<string, string>;
  headerOption?: boolean;
  /** Reports rows read by a reader other than `rows` (the fast path). */
  reportProgress?: (rowsRead: number) => void;
  /** CSV/TSV: the column names, once the first row is read, and whether the file has no header row. */
  readonly columns?: readonly string[];
  readonly headerless?: boolean;
}

/** Parses `x=y` mapping strings (CLI `--column`) into a columnMap. */
export function parseColumnMap(specs: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    if (eq <= 0 || eq === spec.length - 1) throw new Error(`column mapping "${spec}" must look like field=column`);
    out[spec.slice(0, eq).trim()] = spec.slice(eq + 1).trim();
  }
  return out;
}

export async function openDataSource(given: string, options: IngestOptions = {}): Promise<DataSource> {
  // A run folder stands for its log (checkpoint-N/ -> trainer_state.json, version_N/ -> metrics.csv).
  const file = resolveDataPath(given);
  const format = options.format ?? (await detectFormat(file));
  if (options.run !== undefined && !RUN_STORES.has(format)) throw new IngestError(file, `is ${format}, which holds one run: --run (option run:) names a run of an MLflow store or a wandb/ folder`);
  const skipped = new SkipLog();
  let bytes = 0;
  const onBytes = options.onProgress ? (n: number) => (bytes += n) : undefined;
  let run = path.basename(path.dirname(path.resolve(file)));
  let params: Record<string, string> | undefined;
  let recorded: DataSource['recorded'];
  let setFinished = (_finished: boolean): void => undefined;
  let inner: AsyncIterable<SourceRow>;
  switch (format) {
    case 'jsonl':
      inner = readJsonl(file, skipped, onBytes);
      break;
    case 'csv':
    case 'tsv':
      inner = readDelimited(
        file,
        {
          delimiter: format === 'csv' ? ',' : '\t',
          columns: options.columnNames,
          header: options.header,
          onColumns: (columns, headerless) => Object.assign(source, { columns, headerless }),
        },
        skipped,
        onBytes,
      );
      break;
    case 'json':
      inner = readJsonArray(file, skipped, onBytes);
      break;
    case 'trainer_state':
      inner = readTrainerState(file, skipped, onBytes);
      break;
    case 'mlflow': {
      const mlrun = openMlflowRun(file, options.run);
      run = mlrun.name;
      params = mlrun.params;
      inner = readMlflowMetrics(mlrun, skipped, onBytes);
      break;
    }
    case 'parquet': {
      const files = parquetFiles(file);
      if (files.length > 1 || files[0] !== file) run = path.basename(path.resolve(file)).replace(/[*?].*$/, '') || run;
      inner = readParquet(files, skipped, onBytes);
      break;
    }
    case 'arrow': {
      const files = arrowFiles(file);
      if (files.length > 1 || files[0] !== file) run = path.basename(path.resolve(file)).replace(/[*?].*$/, '') || run;
      inner = readArrow(files, skipped, onBytes);
      break;
    }
    case 'wandb': {
      const wb = openWandbRun(file, options.run);
      run = wb.name;
      // The config arrives with the log's records: filled once they are read.
      const filled: Record<string, string> = (params = wandbParams(wb));
      const typed: NonNullable<DataSource['recorded']> = (recorded = {});
      inner = (async function* () {
        yield* readWandb(wb, skipped, onBytes);
        // A log without an exit record is a run still going (or killed); files/-only runs are finished.
        setFinished(!wb.log || wb.exitCode !== undefined);
        Object.assign(filled, wandbParams(wb));
        for (const [k, v] of Object.entries(wb.config)) {
          const value = v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : JSON.stringify(v);
          typed[k] = { value, ...(wb.configSource[k] ?? { file: wb.log ?? wb.dir }) };
        }
      })();
      break;
    }
    case 'tfevents': {
      const tf = openTfEvents(file);
      // Filled while the rows are read: text summaries (HF Trainer's args) and hparams.
      params = tf.params;
      // TensorBoard's hparams plugin values (session_start_info), typed, with the event file of each.
      recorded = tf.hparams;
      if (tf.files.length > 1 || tf.files[0]!.file !== file) run = path.basename(path.resolve(file));
      inner = readTfEvents(tf, skipped, onBytes);
      break;
    }
  }
  const map = Object.entries(options.columnMap ?? {});
  const source: DataSource = {
    file,
    format,
    run,
    params,
    ...(recorded ? { recorded } : {}),
    skipped,
    rowsRead: 0,
    ...(options.columnMap ? { columnMap: options.columnMap } : {}),
    ...(options.header !== undefined ? { headerOption: options.header } : {}),
    ...(options.onProgress ? { reportProgress: (n: number) => options.onProgress!(n, bytes) } : {}),
    rows: {
      async *[Symbol.asyncIterator]() {
        let count = 0;
        for await (const row of inner) {
          for (const [field, column] of map) if (column in row.value) row.value[field] = row.value[column];
          count++;
          (source as { rowsRead: number }).rowsRead = count;
          if (options.onProgress && count % PROGRESS_EVERY === 0) options.onProgress(count, bytes);
          yield row;
        }
        if (count === 0) {
          const why = skipped.count > 0 ? `${skipped.count === 1 ? 'its only row is' : `all ${skipped.count} rows are`} unusable${skipped.firstExample()}` : format === 'trainer_state' ? 'its "log_history" has no entries' : 'it has no data rows';
          throw new IngestError(file, why);
        }
        options.onProgress?.(count, bytes);
      },
    },
  };
  setFinished = (finished) => void (source.finished = finished);
  return source;
}
