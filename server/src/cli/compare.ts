/** `rlhf-lens compare RUN...`: metrics at the last, best and a chosen step, and the hyperparameters that differ. */
import { parseArgs, UsageError, numberOption } from './args';
import { EXIT_OK, EXIT_USAGE, type CliIO } from './io';
import { fmt, table } from './analysis-text';
import { IngestError } from '../ingest/rows';
import { AnalysisError } from '../analysis/types';
import { compareRunPaths, recordRunSummaries } from '../engine/runs';
import { Store } from '../engine/store';
import { displayPath } from '../engine/analyze';
import type { CompareResult } from '../analysis/compare';
import * as path from 'node:path';
import { plural } from '../text/plural';

export const COMPARE_HELP = `Usage: rlhf-lens compare RUN... [options]

Compares training runs. A RUN is a log file (trainer_state.json, Lightning metrics.csv, a JSONL
or CSV log) or a folder holding one (a run's output folder, its latest checkpoint-N or version_N,
an MLflow run folder, a TensorBoard event file or a folder of them); an MLflow store (mlruns/)
stands for each of its runs. Hyperparameters come from what each run recorded: MLflow params,
TensorBoard hparams, the TrainingArguments fields of trainer_state.json, and configs saved beside the log (hparams.yaml, training_args.yaml/json, args.yaml, config.yaml,
adapter_config.json, *.training.yaml).

Options:
  --step N               also show each metric at step N (the last value logged at or before it)
  --metric NAME          only this metric in the text table (repeatable); JSON has them all
  --format text|json     output format (default text)
  --db PATH              keep each run's summary (with the content hash of its log and settings) in this
                         SQLite file, the history later runs are compared with
  --help                 show this help

Exit codes: 0 done, 2 usage error or unreadable run.
`;

const SPEC = {
  step: { value: true },
  metric: { value: true, repeat: true },
  format: { value: true, choices: ['text', 'json'] },
  db: { value: true },
  help: {},
} as const;

/** The JSON of docs/analyses.md (`compare`): runs, common_metrics, hyperparameters and where each was recorded. */
export function compareJson(result: CompareResult, cwd: string): Record<string, unknown> {
  const sources: Record<string, Record<string, { file: string; line: number | null } | null>> = {};
  for (const [k, byRun] of Object.entries(result.hyperparameter_sources)) {
    sources[k] = Object.fromEntries(Object.entries(byRun).map(([run, s]) => [run, s ? { file: displayPath(s.file, cwd), line: s.line } : null]));
  }
  return {
    step: result.step,
    runs: result.runs.map((r) => ({ ...r, source: displayPath(r.source, cwd) })),
    common_metrics: result.common_metrics,
    hyperparameters: result.hyperparameters,
    hyperparameter_sources: sources,
  };
}

export function renderCompare(result: CompareResult, cwd: string, only?: string[]): string {
  let out = '';
  for (const r of result.runs) out += `${r.name}: ${displayPath(r.source, cwd)} (${r.format}, last step ${fmt(r.steps)})\n`;
  const metrics = only?.length ? result.common_metrics.filter((m) => only.includes(m)) : result.common_metrics;
  for (const m of metrics) {
    out += `\n${m}\n`;
    const headers = ['run', 'last', 'last_step', 'min', 'min_step', 'max', 'max_step', 'best', 'best_step'];
    if (result.step !== null) headers.push(`at_step ${fmt(result.step)}`, 'logged_at');
    out += table(
      headers,
      result.runs.map((r) => {
        const x = r.metrics[m];
        if (!x) return [r.name, ...headers.slice(1).map(() => null)];
        const row: unknown[] = [r.name, x.last, x.last_step, x.min, x.min_step, x.max, x.max_step, x.best, x.best_step];
        if (result.step !== null) row.push(x.at_step, x.at_step_step);
        return row;
      }),
    );
  }
  const hp = Object.entries(result.hyperparameters);
  out += `\n${hp.length ? `${plural(hp.length, 'hyperparameter')} differ` : 'no recorded hyperparameter differs'}\n`;
  if (hp.length) {
    out += table(
      ['hyperparameter', ...result.runs.map((r) => r.name)],
      hp.map(([k, byRun]) => [k, ...result.runs.map((r) => (byRun[r.name] === null ? '-' : String(byRun[r.name])))]),
    );
    out += '\nrecorded in:\n';
    for (const [k, byRun] of Object.entries(result.hyperparameter_sources)) {
      const where = Object.entries(byRun)
        .filter(([, s]) => s)
        .map(([run, s]) => `${run}: ${displayPath(s!.file, cwd)}${s!.line ? `:${s!.line}` : ''}`);
      out += `  ${k}  ${where.join('  ')}\n`;
    }
  }
  return out;
}

export async function runCompare(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, SPEC);
  if (args.options['help']) {
    io.out(COMPARE_HELP);
    return EXIT_OK;
  }
  if (args.positionals.length === 0) throw new UsageError('give one or more RUN folders or log files');
  const step = numberOption(args, 'step');
  try {
    const result = await compareRunPaths(
      args.positionals.map((p) => path.resolve(io.cwd, p)),
      step !== undefined ? { step } : {},
    );
    const dbPath = typeof args.options['db'] === 'string' ? path.resolve(io.cwd, args.options['db']) : undefined;
    if (dbPath) {
      const store = await Store.open(dbPath);
      if (store.recovered) io.err(`rlhf-lens compare: ${dbPath} was not a readable database; moved it to ${store.recovered} and started a new one\n`);
      try {
        await recordRunSummaries(store, result);
      } finally {
        store.close();
      }
    }
    if (args.options['format'] === 'json') io.out(JSON.stringify(compareJson(result, io.cwd), null, 2) + '\n');
    else io.out(renderCompare(result, io.cwd, args.options['metric'] as string[] | undefined));
    return EXIT_OK;
  } catch (err) {
    if (err instanceof IngestError || err instanceof AnalysisError) {
      io.err(`rlhf-lens compare: ${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}
