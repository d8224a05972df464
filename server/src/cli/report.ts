/** `rlhf-lens report`: the phase dashboard of a pipeline as one self-contained, offline HTML file. */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs, UsageError } from './args';
import { EXIT_OK, EXIT_USAGE, type CliIO } from './io';
import { parseRunOptions } from '../engine/options';
import { runAnalysis } from '../engine/run';
import { loadRatings } from '../engine/inputs';
import { openDataSource } from '../ingest/read';
import { buildDashboardData, findPipelines, readPipeline, type AnalysisRunner } from '../report/dashboard-data';
import { siblingComparison } from '../engine/runs';
import { buildDashboardHtml, type PageTheme } from '../report/html';
import { plural } from '../text/plural';

export const REPORT_HELP = `Usage: rlhf-lens report [WORKSPACE | PIPELINE] --out FILE.html [options]

Runs every check of a Pipeline (the one given, or the Pipeline with the most stages under
WORKSPACE, default the current folder) and writes the phase dashboard (pipeline graph, data
collection, training, evaluation, deployment) as one HTML file: the dashboard code, styles and
results are inlined, nothing is fetched, and the page keeps a strict Content-Security-Policy.

Options:
  --out FILE     where to write the report (required)
  --theme T      light, dark or auto (follows the viewer's system setting; default)
  --bins N       calibration bins (default: the check's own option, else 15)
  --help         show this help
`;

/** Where the built webview bundles are: beside the CLI bundle (dist/server -> dist/webviews) or from the sources. */
function webviewDist(): string {
  const candidates = [path.join(__dirname, '..', 'webviews'), path.resolve(__dirname, '..', '..', '..', 'dist', 'webviews')];
  const found = candidates.find((d) => fs.existsSync(path.join(d, 'phases.js')));
  if (!found) throw new Error(`the dashboard bundle is missing (looked in ${candidates.join(', ')}); run "npm run build"`);
  return found;
}

/** The CLI runs analyses in its own process (the editor uses the language server's worker). */
const runInProcess: AnalysisRunner = (analysis, file, options) => runAnalysis(analysis, file, parseRunOptions(options, path.dirname(file), analysis));

/** Label counts of an annotation file ({item_id, annotator, label}), read with the same ingest as the analyses. */
export async function countLabels(file: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const r of await loadRatings(await openDataSource(file), 'nominal')) counts[String(r.label)] = (counts[String(r.label)] ?? 0) + 1;
  return counts;
}

function pickPipeline(target: string): string {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat) throw new UsageError(`${target}: no such file or folder`);
  if (stat.isFile()) return target;
  const pipelines = findPipelines(target);
  if (pipelines.length === 0) throw new UsageError(`${target}: no *.pipeline.yaml files found`);
  const sized = pipelines.map((p) => {
    try {
      return { p, stages: readPipeline(p).stages.length };
    } catch {
      return { p, stages: -1 };
    }
  });
  return sized.reduce((best, x) => (x.stages > best.stages ? x : best)).p;
}

export async function runReport(argv: string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv, { out: { value: true }, theme: { value: true, choices: ['light', 'dark', 'auto'] }, bins: { value: true }, help: {} });
  if (args.options['help']) {
    io.out(REPORT_HELP);
    return EXIT_OK;
  }
  if (args.positionals.length > 1) throw new UsageError('give one WORKSPACE folder or PIPELINE file');
  const out = args.options['out'];
  if (typeof out !== 'string') throw new UsageError('--out FILE.html is required');
  let bins: number | undefined;
  if (args.options['bins'] !== undefined) {
    bins = Number(args.options['bins']);
    if (!Number.isInteger(bins) || bins < 2 || bins > 100) throw new UsageError(`option --bins must be a whole number from 2 to 100 (got "${args.options['bins']}")`);
  }
  const target = path.resolve(io.cwd, args.positionals[0] ?? '.');
  const pipeline = pickPipeline(target);
  const displayRoot = fs.statSync(target).isDirectory() ? target : path.dirname(path.dirname(pipeline));
  let data;
  try {
    data = await buildDashboardData(pipeline, { run: runInProcess, countLabels, displayRoot, compareRuns: (log) => siblingComparison(log), ...(bins !== undefined ? { bins } : {}) });
  } catch (err) {
    io.err(`rlhf-lens report: ${(err as Error).message}\n`);
    return EXIT_USAGE;
  }
  const dist = webviewDist();
  const html = buildDashboardHtml({
    view: 'phases',
    title: `${data.title} · RLHF Lens report`,
    nonce: randomBytes(18).toString('base64'),
    assets: {
      kind: 'inline',
      script: fs.readFileSync(path.join(dist, 'phases.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n'),
      style: fs.readFileSync(path.join(dist, 'styles.css'), 'utf8'),
      data: { type: 'setData', view: 'phases', data },
      theme: (args.options['theme'] as PageTheme | undefined) ?? 'auto',
    },
  });
  const outFile = path.resolve(io.cwd, out);
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, html);
  const sections = (['data_quality', 'agreement', 'drift', 'training', 'calibration', 'ab', 'latency'] as const).filter((k) => data[k] !== undefined);
  io.out(`wrote ${path.relative(io.cwd, outFile) || outFile} (${(html.length / 1024).toFixed(0)} KiB): ${path.relative(io.cwd, pipeline)}, ${plural(data.graph?.stages.length ?? 0, 'stage')}, sections ${sections.join(', ')}${data.errors ? `; ${plural(data.errors.length, 'check')} could not run` : ''}\n`);
  for (const e of data.errors ?? []) io.err(`rlhf-lens report: ${e.section}: ${e.message}\n`);
  return EXIT_OK;
}
