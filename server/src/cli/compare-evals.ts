/** `rlhf-lens compare-evals A B --key K --metric M`: the paired comparison of one per-row metric of two eval files. */
import * as path from 'node:path';
import { parseArgs, UsageError, numberOption, stringOption } from './args';
import { EXIT_OK, EXIT_USAGE, type CliIO } from './io';
import { fmt, table } from './analysis-text';
import { IngestError } from '../ingest/rows';
import { AnalysisError } from '../analysis/types';
import { openDataSource } from '../ingest/read';
import { displayPath } from '../engine/analyze';
import { loadPairedValues } from '../engine/paired-inputs';
import { comparePaired, type PairedResult } from '../analysis/paired';

export const COMPARE_EVALS_HELP = `Usage: rlhf-lens compare-evals A B --key COLUMN --metric COLUMN [options]

Compares one per-row metric of two eval files on the rows they share (joined on --key): two
policies' win rates judged on the same prompts, two checkpoints' scores on the same items. A 0/1
metric (numbers, booleans, true/false) gets the exact McNemar test on the discordant pairs; any
other metric the paired t-test; both a paired bootstrap interval of the mean difference B - A.
A key twice in one file is an error; keys in only one file are counted, not paired.

Options:
  --key COLUMN        the column both files identify a row by (e.g. prompt_id)
  --metric COLUMN     the per-row metric (e.g. win, score)
  --test auto|mcnemar|t  auto (default): McNemar for 0/1 metrics, else the paired t-test
  --level X           confidence level of the intervals (default 0.95)
  --bootstrap N       bootstrap resamples (default 2000; 0 = none)
  --seed N            bootstrap seed (default 0)
  --format text|json  output format (default text)
  --help              show this help

Exit codes: 0 done, 2 usage error or a file that cannot be paired (the message names it).
`;

const SPEC = {
  key: { value: true },
  metric: { value: true },
  test: { value: true, choices: ['auto', 'mcnemar', 't'] },
  level: { value: true },
  bootstrap: { value: true },
  seed: { value: true },
  format: { value: true, choices: ['text', 'json'] },
  help: {},
} as const;

export interface CompareEvalsJson extends PairedResult {
  a: string;
  b: string;
  skipped_a: { count: number; first: { line: number; reason: string }[] };
  skipped_b: { count: number; first: { line: number; reason: string }[] };
}

function render(r: CompareEvalsJson): string {
  let out = `${r.metric} of ${r.a} (A) and ${r.b} (B), paired on ${r.key}: ${fmt(r.n)} pairs (${fmt(r.only_a)} only in A, ${fmt(r.only_b)} only in B)\n\n`;
  const ci = r.difference_ci ? `[${fmt(r.difference_ci.low)}, ${fmt(r.difference_ci.high)}]` : '-';
  out += table(['mean A', 'mean B', 'B - A', `${Math.round(r.level * 100)}% bootstrap CI`, 'test', 'p_value'], [[r.mean_a, r.mean_b, r.difference, ci, r.test, r.p_value]]);
  if (r.discordant) out += `\nA only ${fmt(r.discordant.a_only)}, B only ${fmt(r.discordant.b_only)}, both ${fmt(r.discordant.both)}, neither ${fmt(r.discordant.neither)}\n`;
  if (r.t_test) out += `\nt ${fmt(r.t_test.statistic)} on ${fmt(r.t_test.df)} df, sd of differences ${fmt(r.t_test.difference_sd)}, t interval [${fmt(r.t_test.difference_ci[0])}, ${fmt(r.t_test.difference_ci[1])}]\n`;
  for (const [side, s] of [['A', r.skipped_a], ['B', r.skipped_b]] as const) {
    if (s.count) out += `\n${side}: ${fmt(s.count)} rows skipped${s.first[0] ? ` (line ${s.first[0].line}: ${s.first[0].reason})` : ''}\n`;
  }
  return out;
}

export async function runCompareEvals(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, SPEC);
  if (args.options['help']) {
    io.out(COMPARE_EVALS_HELP);
    return EXIT_OK;
  }
  if (args.positionals.length !== 2) throw new UsageError('give two eval files, A and B');
  const key = stringOption(args, 'key');
  const metric = stringOption(args, 'metric');
  if (!key) throw new UsageError('give --key COLUMN (the column both files identify a row by)');
  if (!metric) throw new UsageError('give --metric COLUMN (the per-row metric to compare)');
  const level = numberOption(args, 'level');
  const bootstrap = numberOption(args, 'bootstrap');
  const seed = numberOption(args, 'seed');
  if (bootstrap !== undefined && !(Number.isInteger(bootstrap) && bootstrap >= 0 && bootstrap <= 1_000_000)) throw new UsageError('--bootstrap must be a whole number from 0 to 1000000');
  if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError('--seed must be a whole number');
  if (level !== undefined && !(level > 0 && level < 1)) throw new UsageError('--level must be between 0 and 1');
  const [fa, fb] = args.positionals.map((p) => path.resolve(io.cwd, p)) as [string, string];
  try {
    const sa = await openDataSource(fa);
    const a = await loadPairedValues(sa, key, metric);
    const sb = await openDataSource(fb);
    const b = await loadPairedValues(sb, key, metric);
    const result = comparePaired(
      { key, metric, a, b },
      { ...(level !== undefined ? { level } : {}), ...(bootstrap !== undefined ? { bootstrap } : {}), ...(seed !== undefined ? { seed } : {}), test: (args.options['test'] as 'auto' | 'mcnemar' | 't' | undefined) ?? 'auto' },
    );
    const json: CompareEvalsJson = { a: displayPath(fa, io.cwd), b: displayPath(fb, io.cwd), ...result, skipped_a: sa.skipped.toJSON(), skipped_b: sb.skipped.toJSON() };
    if (args.options['format'] === 'json') io.out(JSON.stringify(json, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
    else io.out(render(json));
    return EXIT_OK;
  } catch (err) {
    if (err instanceof IngestError || err instanceof AnalysisError) {
      io.err(`rlhf-lens compare-evals: ${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
}
