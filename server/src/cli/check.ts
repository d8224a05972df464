/** `rlhf-lens check`: runs every `checks` entry of Pipeline files and fails when an assert does not hold. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, UsageError } from './args';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, type CliIO } from './io';
import { table } from './analysis-text';
import { readPipelineText } from '../config/pipeline-file';
import { parseYaml } from '../config/parse';
import { checkStatus, evaluatePipeline, fmtValue, type AssertVerdict, type CheckOutcome, type Execute } from '../engine/checks';
import { analyzeWithCache, displayPath } from '../engine/analyze';
import { runAnalysis } from '../engine/run';
import { Store } from '../engine/store';
import { notAPipeline } from './what-file';
import { recordCheckOutcomes } from '../engine/check-history';
import { plural } from '../text/plural';

export const CHECK_HELP = `Usage: rlhf-lens check PIPELINE... [options]

Runs the checks of each Pipeline file (stages[].checks: analysis, data, options, assert,
baseline) and prints every asserted metric with its value. Data paths are relative to the
pipeline file. \`max_vs_baseline: +2%\` / \`min_vs_baseline: -1%\` hold a figure to the same figure
of the check's \`baseline:\` run or file, beyond noise.

Options:
  --format text|json   output format (default text)
  --db PATH            reuse results of unchanged inputs from this SQLite file
  --help               show this help

Exit codes: 0 all checks pass, 1 a check fails (or cannot run), 2 usage error or unreadable pipeline.
`;

type Status = 'passed' | 'failed' | 'error' | 'skipped';

interface CheckReport {
  stage: string;
  name?: string;
  analysis: string;
  data?: string;
  /** `connection:table` of a check with `source:` (it ran there as SQL). */
  source?: string;
  status: Status;
  asserts: AssertVerdict[];
  error?: string;
  skipped_rows?: number;
}

function report(outcome: CheckOutcome): CheckReport {
  const c = outcome.check;
  const shown = checkStatus(outcome);
  // A deferred check (paths with `${{ }}`, known only at run time) is skipped, not failed.
  const status: Status = shown === 'deferred' ? 'skipped' : shown;
  return {
    stage: c.stage,
    ...(c.name ? { name: c.name } : {}),
    analysis: c.analysis,
    ...(c.data ? { data: c.data } : {}),
    ...(c.source ? { source: `${c.source.connection}:${c.source.table ?? '(query)'}` } : {}),
    status,
    asserts: outcome.verdicts,
    ...(outcome.error ? { error: outcome.error } : {}),
    ...(outcome.outcome ? { skipped_rows: outcome.outcome.skipped.count } : {}),
  };
}

function bound(a: AssertVerdict): string {
  const vs = a.max_vs_baseline ?? a.min_vs_baseline;
  if (vs !== undefined) {
    const op = a.max_vs_baseline !== undefined ? '<=' : '>=';
    return a.limit !== undefined && a.baseline !== undefined ? `${op} ${fmtValue(a.limit)} (baseline ${fmtValue(a.baseline)} ${String(vs)}${a.noise ? `, noise ${fmtValue(a.noise)}` : ''})` : `${op} baseline ${String(vs)}`;
  }
  if (a.min !== undefined && a.max !== undefined) return `${a.min}..${a.max}`;
  return a.min !== undefined ? `>= ${a.min}` : `<= ${a.max}`;
}

export async function runCheckCommand(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, { format: { value: true, choices: ['text', 'json'] }, db: { value: true }, help: {} });
  if (args.options['help']) {
    io.out(CHECK_HELP);
    return EXIT_OK;
  }
  if (args.positionals.length === 0) throw new UsageError('give at least one PIPELINE file');
  const dbPath = typeof args.options['db'] === 'string' ? path.resolve(io.cwd, args.options['db']) : undefined;
  const store = await Store.open(dbPath);
  if (store.recovered) io.err(`rlhf-lens check: ${dbPath} was not a readable database; moved it to ${store.recovered} and started a new one\n`);
  const pipelines: { path: string; checks: CheckReport[] }[] = [];
  const execute: Execute = (request) => analyzeWithCache(request, (req) => runAnalysis(req.analysis, req.file, req.options), store);
  try {
    for (const p of args.positionals) {
      const file = path.resolve(io.cwd, p);
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        io.err(`rlhf-lens check: cannot read ${p}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}\n`);
        return EXIT_USAGE;
      }
      const read = readPipelineText(text, file);
      if (!read.ok) {
        // Not a Pipeline at all: say what the file is instead (parsed again only on this error path).
        const what = read.line === undefined ? notAPipeline(parseYaml(text).documents[0]?.value, file) : undefined;
        io.err(`rlhf-lens check: ${p}: ${read.line !== undefined ? `line ${read.line + 1}: ${read.message}` : what}\n`);
        return EXIT_USAGE;
      }
      const evaluation = await evaluatePipeline(read.pipeline, execute);
      await recordCheckOutcomes(store, file, evaluation.outcomes);
      pipelines.push({ path: displayPath(file, io.cwd), checks: evaluation.outcomes.map(report) });
    }
  } finally {
    store.close();
  }
  const all = pipelines.flatMap((p) => p.checks);
  const summary = {
    checks: all.length,
    passed: all.filter((c) => c.status === 'passed').length,
    failed: all.filter((c) => c.status === 'failed' || c.status === 'error').length,
    skipped: all.filter((c) => c.status === 'skipped').length,
  };
  if (args.options['format'] === 'json') io.out(JSON.stringify({ pipelines, summary }, null, 2) + '\n');
  else {
    const rows: unknown[][] = [];
    for (const p of pipelines) {
      for (const c of p.checks) {
        const what = `${c.analysis}${c.data ? ` ${c.data}` : c.source ? ` ${c.source}` : ''}`;
        if (c.asserts.length === 0) rows.push([p.path, c.stage, what, '-', '-', '-', c.status === 'skipped' ? `skipped: ${c.error}` : `ERROR: ${c.error}`]);
        for (const a of c.asserts) rows.push([p.path, c.stage, what, a.label, a.value, bound(a), a.passed ? 'pass' : 'FAIL']);
        if (c.asserts.length && c.error) rows.push([p.path, c.stage, what, '-', '-', '-', `ERROR: ${c.error}`]);
      }
    }
    if (rows.length) io.out(table(['pipeline', 'stage', 'check', 'metric', 'value', 'bound', 'result'], rows));
    io.out(`\n${plural(summary.checks, 'check')}: ${summary.passed} passed, ${summary.failed} failed${summary.skipped ? `, ${summary.skipped} skipped` : ''}\n`);
  }
  return summary.failed > 0 ? EXIT_FINDINGS : EXIT_OK;
}
