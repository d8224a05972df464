/** `rlhf-lens analyze`: one analysis on one data file, printed as a table or as the contract's JSON. */
import * as path from 'node:path';
import { parseArgs, UsageError, type ParsedArgs } from './args';
import { EXIT_OK, EXIT_USAGE, type CliIO } from './io';
import { renderResult, fmt } from './analysis-text';
import { IngestError, DATA_FORMATS } from '../ingest/rows';
import { parseColumnMap } from '../ingest/read';
import { AnalysisError } from '../analysis/types';
import { analysisNames, isAnalysisName, OptionError, parseRunOptions } from '../engine/options';
import { analyzeWithCache, displayPath, resultJson } from '../engine/analyze';
import { runAnalysis } from '../engine/run';
import type { Store } from '../engine/store';
import { plural } from '../text/plural';
import type { AnalysisName } from '../engine/options';
import { readExperiment } from '../engine/experiment';
import type { SourceSpec } from '../connections/pushdown';
import type { QueryRecord } from '../connections/clickhouse';

export const ANALYZE_HELP = `Usage: rlhf-lens analyze <analysis> FILE [options]
       rlhf-lens analyze drift --reference REF --current FILE [options]
       rlhf-lens analyze <analysis> --source CONNECTION:TABLE [--where SQL] [options]

Runs one analysis on a data file (JSONL, CSV/TSV, JSON array, .gz, trainer_state.json,
Lightning metrics.csv, MLflow run folder). Analyses: ${analysisNames().join(', ')}.

Options:
  --format text|json     output format (default text); json has the fields of docs/analyses.md plus skipped
  --column FIELD=COLUMN  read FIELD from COLUMN of the file (repeatable), e.g. --column label=human_label
  --bins N               calibration: number of bins (default 15)
  --experiment FILE      ab: the Experiment file (FILE may also be the Experiment itself, with data:)
  --level LEVEL          agreement: nominal (default), ordinal, interval or ratio
  --reference FILE       drift: the reference sample (FILE is the current one)
  --current FILE         drift: the current sample (FILE is then the reference)
  --column NAME          drift: the column to compare
  --threshold X          drift: PSI at or above which the data has drifted (default 0.2)
  --group-by COLUMN      latency: group by this column (e.g. adapter_id)
  --method M             uncertainty: entropy (default), margin, least_confidence or diversity
  --top K                uncertainty: rows to select (default 10)
  --models M1,M2,...     preference-eval: models whose scores are in M_chosen / M_rejected
                         (default: one model in chosen_score / rejected_score)
  --bootstrap N          calibration, preference-eval: bootstrap resamples (preference-eval default 1000)
  --seed N               seed of the bootstrap resamples (default 1)
  --against FILE         data-quality: an eval file; its prompts found (exactly or nearly) in FILE are leaks
  --input-format F       force the data format: ${DATA_FORMATS.join(', ')}
  --run RUN              a folder holding several runs (an MLflow store): the run to read, by run id,
                         a unique id prefix or run name (without it such a folder lists its runs)
  --option NAME=VALUE    any option of the analysis by its name (repeatable), e.g. --option bootstrap=1000
  --db PATH              keep results in this SQLite file and reuse them when inputs are unchanged
                         (default: in memory, nothing kept)
  --source CONN:TABLE    run on a table of a connection from .rlhf-lens.yaml instead of a FILE
                         (ab, latency, calibration, drift, uncertainty): aggregate SQL runs there, only sums come back
  --where SQL            with --source: a filter, e.g. --where "ts >= '2026-11-01'"
  --reference CONN:TABLE drift with --source: the reference table (same connection)
  --reference-where SQL  drift with --source: the reference's filter (alone: the --source table
                         under this filter, e.g. last week against --where this week)
  --show-sql             with a connection: print every query sent (JSON output always has "sql")
  --help                 show this help

Exit codes: 0 done, 2 usage error or unusable input.
`;

const SPEC = {
  format: { value: true, choices: ['text', 'json'] },
  column: { value: true, repeat: true },
  bins: { value: true },
  experiment: { value: true },
  level: { value: true, choices: ['nominal', 'ordinal', 'interval', 'ratio'] },
  reference: { value: true },
  current: { value: true },
  threshold: { value: true },
  'group-by': { value: true },
  method: { value: true, choices: ['entropy', 'margin', 'least_confidence', 'diversity'] },
  top: { value: true },
  models: { value: true },
  bootstrap: { value: true },
  seed: { value: true },
  against: { value: true },
  'input-format': { value: true, choices: [...DATA_FORMATS] },
  run: { value: true },
  db: { value: true },
  option: { value: true, repeat: true },
  source: { value: true },
  where: { value: true },
  'reference-where': { value: true },
  'show-sql': {},
  help: {},
} as const;

/** CLI flags to the options record every front door shares. `--column` is a mapping with `=`, else the drift column. */
function runOptionsRecord(args: ParsedArgs): Record<string, unknown> {
  const o = args.options;
  const columns = (o['column'] as string[] | undefined) ?? [];
  const mappings = columns.filter((c) => c.includes('='));
  const plain = columns.filter((c) => !c.includes('='));
  if (plain.length > 1) throw new UsageError(`--column NAME may be given once (got ${plain.join(', ')})`);
  let columnMap: Record<string, string> | undefined;
  try {
    columnMap = mappings.length ? parseColumnMap(mappings) : undefined;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const named: Record<string, unknown> = {};
  for (const kv of (o['option'] as string[] | undefined) ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--option needs NAME=VALUE (got "${kv}")`);
    const value = kv.slice(eq + 1);
    // true/false for switches; numbers stay strings (the option's reader converts them).
    named[kv.slice(0, eq)] = value === 'true' ? true : value === 'false' ? false : value;
  }
  const flags: Record<string, unknown> = {
    bins: o['bins'],
    experiment: o['experiment'],
    level: o['level'],
    reference: o['reference'],
    current: o['current'],
    column: plain[0],
    threshold: o['threshold'],
    group_by: o['group-by'],
    method: o['method'],
    top: o['top'],
    models: o['models'],
    bootstrap: o['bootstrap'],
    seed: o['seed'],
    against: o['against'],
    format: o['input-format'],
    run: o['run'],
    columns: columnMap,
  };
  for (const [k, v] of Object.entries(flags)) if (v !== undefined) named[k] = v;
  return named;
}

/**
 * Drift compares two samples: `--reference A --current B`, or one of the flags with a positional
 * FILE (the other sample). Returns the current sample and leaves only `reference` in the options,
 * so every spelling runs (and caches) the same request.
 */
function driftFiles(file: string | undefined, record: Record<string, unknown>): string | undefined {
  const reference = record['reference'] as string | undefined;
  const current = record['current'] as string | undefined;
  if (file && reference !== undefined && current !== undefined) throw new UsageError(`drift compares two samples: give FILE with --reference or --current, or both flags without FILE (got FILE ${file} and both flags)`);
  if (!file && (reference === undefined || current === undefined)) throw new UsageError('drift needs two samples: rlhf-lens analyze drift FILE --reference REF, or --reference REF --current FILE');
  if (current !== undefined) {
    record['reference'] = reference ?? file;
    record['current'] = undefined;
    return current;
  }
  return file;
}

export async function runAnalyze(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, SPEC);
  if (args.options['help']) {
    io.out(ANALYZE_HELP);
    return EXIT_OK;
  }
  const [analysis, file, ...extra] = args.positionals;
  if (!analysis) throw new UsageError('name an analysis');
  if (!isAnalysisName(analysis)) throw new UsageError(`unknown analysis "${analysis}" (one of ${analysisNames().join(', ')})`);
  if (typeof args.options['source'] === 'string') {
    if (file) throw new UsageError(`give either FILE or --source, not both (got ${file})`);
    return runAnalyzeSource(analysis, args.options['source'], args, io, runOptionsRecord(args));
  }
  if (args.options['where'] !== undefined) throw new UsageError('--where needs --source');
  if (args.options['reference-where'] !== undefined) throw new UsageError('--reference-where needs --source');
  if (extra.length) throw new UsageError(`one FILE at a time (also got ${extra.join(' ')})`);
  const record = runOptionsRecord(args);
  const target = analysis === 'drift' ? driftFiles(file, record) : file;
  if (!target) throw new UsageError('give the data FILE to analyse');
  const json = args.options['format'] === 'json';
  try {
    const options = parseRunOptions(record, io.cwd, analysis);
    const dbPath = typeof args.options['db'] === 'string' ? path.resolve(io.cwd, args.options['db']) : undefined;
    // Without --db nothing is kept: one analysis per process can never be answered from a cache, so
    // no database is started (sql.js's wasm is a fixed cost of ~0.1 s) and nothing is recorded.
    let store: Store | undefined;
    if (dbPath) {
      const { Store } = await import('../engine/store');
      store = await Store.open(dbPath);
      if (store.recovered) io.err(`rlhf-lens analyze: ${dbPath} was not a readable database; moved it to ${store.recovered} and started a new one\n`);
    }
    try {
      const response = await analyzeWithCache({ analysis, file: path.resolve(io.cwd, target), options }, (req) => runAnalysis(req.analysis, req.file, req.options), store);
      if (json) io.out(JSON.stringify(resultJson(response), null, 2) + '\n');
      else {
        const shown = response.files.map((f) => displayPath(f, io.cwd)).join(' vs ');
        io.out(`${analysis} of ${shown} (${response.format}, ${plural(response.rowsRead, 'row')}${response.cached ? ', cached' : ''})\n\n`);
        io.out(renderResult(analysis, response.result));
        if (response.source) printConnectionRun(response, args.options['show-sql'] === true, io);
        if (response.skipped.count > 0) {
          io.out(`\n${plural(response.skipped.count, 'row')} skipped:\n`);
          // A reason can quote a whole bad line: each is cut to one screen line or two.
          for (const s of response.skipped.first) io.out(`  line ${fmt(s.line)}: ${s.reason.length > 200 ? `${s.reason.slice(0, 197)}...` : s.reason}\n`);
        }
      }
    } finally {
      store?.close();
    }
    return EXIT_OK;
  } catch (err) {
    if (err instanceof AnalysisError) {
      // The pure analyses do not know the file: name it, as ingest errors do.
      io.err(`rlhf-lens analyze: ${displayPath(path.resolve(io.cwd, file), io.cwd)}: ${err.message}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof IngestError || err instanceof OptionError) {
      io.err(`rlhf-lens analyze: ${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}

function printConnectionRun(o: { source?: string; queries?: QueryRecord[]; notes?: string[] }, showSql: boolean, io: CliIO): void {
  const bytes = (o.queries ?? []).reduce((n, q) => n + q.response_bytes, 0);
  io.out(`\nran on ${o.source}: ${plural((o.queries ?? []).length, 'query', { plural: 'queries' })}, ${bytes} bytes of results transferred\n`);
  for (const n of o.notes ?? []) io.out(`note: ${n}\n`);
  if (showSql) for (const q of o.queries ?? []) io.out(`\n-- query_id ${q.query_id}, ${q.response_bytes} bytes, ${q.duration_ms.toFixed(0)} ms\n${q.sql};\n`);
}

/** `--source CONNECTION:TABLE`: the analysis as SQL on the connection (never cached). */
async function runAnalyzeSource(analysis: AnalysisName, arg: string, args: ParsedArgs, io: CliIO, record: Record<string, unknown>): Promise<number> {
  const json = args.options['format'] === 'json';
  // The connection code (the ClickHouse client) is loaded only for --source.
  const [{ parseSourceArg }, { loadConnections }, { runAbPushdown, runSourcePushdown }] = await Promise.all([import('../connections/config'), import('../connections/load'), import('../connections/pushdown')]);
  try {
    const parsed = parseSourceArg(arg);
    if (!parsed) throw new UsageError(`--source must be CONNECTION:TABLE (e.g. prod-logs:ab_exposures), got ${JSON.stringify(arg)}`);
    const where = typeof args.options['where'] === 'string' ? args.options['where'] : undefined;
    const spec: SourceSpec = { connection: parsed.connection, table: parsed.table, ...(where ? { where } : {}) };
    // drift: the reference is a table of the connection and/or a filter, not a file.
    const refWhere = typeof args.options['reference-where'] === 'string' ? args.options['reference-where'] : undefined;
    const refArg = record['reference'];
    delete record['reference'];
    let reference: { connection?: string; table?: string; where?: string } | undefined;
    if (refArg !== undefined || refWhere !== undefined) {
      if (analysis !== 'drift') throw new UsageError('--reference and --reference-where are for drift');
      const ref = typeof refArg === 'string' ? parseSourceArg(refArg) : undefined;
      if (refArg !== undefined && !ref) throw new UsageError(`with --source, --reference must be CONNECTION:TABLE (the reference table on the same connection), got ${JSON.stringify(refArg)}`);
      reference = { ...(ref ? { connection: ref.connection, table: ref.table } : {}), ...(refWhere ? { where: refWhere } : {}) };
    }
    const options = { ...parseRunOptions(record, io.cwd, analysis), ...(reference ? { reference_source: reference } : {}) };
    const loaded = loadConnections(io.cwd);
    for (const p of loaded.problems) io.err(`rlhf-lens analyze: ${p}\n`);
    const ctx = { connections: loaded.connections, ...(loaded.file ? { settingsFile: loaded.file } : {}) };
    const controller = new AbortController();
    // Ctrl-C stops the query on the server too (KILL QUERY), then exits.
    const onSigint = () => controller.abort();
    process.once('SIGINT', onSigint);
    let outcome;
    try {
      if (analysis === 'ab') {
        if (!options.experiment) throw new OptionError('the ab analysis needs an Experiment file (--experiment) for its variants and metrics');
        outcome = await runAbPushdown(readExperiment(options.experiment), spec, options, { ...ctx, signal: controller.signal });
      } else outcome = await runSourcePushdown(analysis, spec, options, { ...ctx, signal: controller.signal });
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
    if (json) io.out(JSON.stringify({ ...outcome.result, skipped: outcome.skipped, source: outcome.source, sql: outcome.queries, notes: outcome.notes }, null, 2) + '\n');
    else {
      io.out(`${analysis} of ${outcome.source} (clickhouse, ${plural(outcome.rowsRead, 'row')} aggregated on the server)\n\n`);
      io.out(renderResult(analysis, outcome.result));
      printConnectionRun(outcome, args.options['show-sql'] === true, io);
    }
    return EXIT_OK;
  } catch (err) {
    if (err instanceof IngestError || err instanceof OptionError || err instanceof AnalysisError) {
      io.err(`rlhf-lens analyze: ${err.message}\n`);
      return EXIT_USAGE;
    }
    if ((err as Error).name === 'CancelledError') {
      io.err(`rlhf-lens analyze: ${(err as Error).message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}
