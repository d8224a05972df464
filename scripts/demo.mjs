// The demo behind `npm run demo`: build, lint the example workspace, run each analysis on its data
// and the pipeline's checks, write the HTML report, and open VS Code on the workspace when `code` is installed.
// Steps whose CLI command does not exist yet are skipped with a note, so the demo always runs
// what the build offers. Exit status: 0 unless the build fails or the CLI itself misbehaves.
import { spawnSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'bin', 'rlhf-lens.js');
const WS = 'examples/workspace';
const EXIT_USAGE = 2;
const MAX_LINES = 14;

const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);

function step(title) {
  console.log(`\n${bold(`== ${title}`)}`);
}

function show(text, maxLines = MAX_LINES) {
  const lines = text.trimEnd().split('\n').filter((l) => l.length > 0);
  for (const line of lines.slice(0, maxLines)) console.log(`  ${line}`);
  if (lines.length > maxLines) console.log(dim(`  ... ${lines.length - maxLines} more lines`));
}

function cli(args, { echo = true } = {}) {
  if (echo) console.log(dim(`$ rlhf-lens ${args.join(' ')}`));
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function onPath(command) {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return dirs.some((d) => {
    try {
      fs.accessSync(path.join(d, command), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

// --no-build: use the bundles already in dist/ (the test of this script runs after `npm run build`).
// --report PATH: where the HTML report goes (default examples/report.html).
const skipBuild = process.argv.includes('--no-build');
const reportFlag = process.argv.indexOf('--report');
const reportPath = reportFlag >= 0 ? path.resolve(process.argv[reportFlag + 1]) : path.join(ROOT, 'examples', 'report.html');

step('Build');
const build = skipBuild
  ? { status: 0, stdout: 'skipped (--no-build)', stderr: '' }
  : spawnSync('npm', ['run', '-s', 'build'], { cwd: ROOT, encoding: 'utf8', shell: process.platform === 'win32' });
if (build.status !== 0) {
  show(`${build.stdout}${build.stderr}`, 40);
  console.error('The build failed; fix it and run `npm run demo` again.');
  process.exit(1);
}
show(build.stdout || 'built');

const help = cli(['--help'], { echo: false });
const commands = new Set([...help.stdout.matchAll(/^ {2}([a-z][\w-]*) {2,}/gm)].map((m) => m[1]));

step(`Lint ${WS}`);
const lint = cli(['lint', WS]);
if (lint.code === EXIT_USAGE) {
  show(lint.stderr);
  console.error('lint could not run (exit 2).');
  process.exit(1);
}
show(lint.stdout, 30);
console.log(dim('  The findings in the broken.* files are planted: a cycle, a misspelt need, traffic summing to 1.1, DPO without beta, a LLaMA-Factory reward model on non-pairwise data.'));

// Each analysis on the example data; arguments follow docs/commands.md.
const ANALYSES = [
  ['calibration', `${WS}/eval/rm_preds.jsonl`],
  ['ab', `${WS}/results/planning_ab.jsonl`, '--experiment', `${WS}/experiments/planning-v1-vs-v2.experiment.yaml`],
  ['agreement', `${WS}/data/labels.jsonl`],
  ['drift', `${WS}/data/feedback_round2.jsonl`, '--reference', `${WS}/data/feedback_round1.jsonl`, '--column', 'score'],
  ['training', `${WS}/runs/rm-llama8b-lora/trainer_state.json`],
  ['latency', `${WS}/logs/serving.jsonl`, '--group-by', 'adapter_id'],
  ['uncertainty', `${WS}/data/pool.jsonl`, '--top', '10'],
  ['data-quality', `${WS}/data/prefs_train.jsonl`, '--against', `${WS}/data/prefs_eval.jsonl`],
];
let analysisProblems = 0;
if (commands.has('analyze')) {
  for (const [analysis, ...args] of ANALYSES) {
    step(`Analyze: ${analysis}`);
    const r = cli(['analyze', analysis, ...args]);
    if (r.code === 0) show(r.stdout);
    else {
      analysisProblems++;
      show(`${r.stderr || r.stdout}`, 6);
      console.log(dim(`  (exit ${r.code})`));
    }
  }
} else {
  step('Analyze');
  console.log(dim('  skipped: this build has no `rlhf-lens analyze` command yet'));
}

step('Pipeline checks');
if (commands.has('check')) {
  const r = cli(['check', `${WS}/pipelines/reward-model-refresh.pipeline.yaml`]);
  if (r.code === EXIT_USAGE) analysisProblems++;
  show(r.code === EXIT_USAGE ? r.stderr : r.stdout, 20);
} else console.log(dim('  skipped: this build has no `rlhf-lens check` command yet'));

step('Report');
if (commands.has('report')) {
  const shown = reportPath.startsWith(ROOT + path.sep) ? path.relative(ROOT, reportPath) : reportPath;
  const r = cli(['report', WS, '--out', shown]);
  if (r.code === 0) console.log(`  wrote ${shown} (open it in a browser)`);
  else show(`${r.stderr || r.stdout}`, 6);
} else console.log(dim('  skipped: this build has no `rlhf-lens report` command yet'));

step('VS Code');
if (process.env.CI) console.log(dim('  skipped on CI'));
else if (onPath('code')) {
  console.log(dim(`$ code --extensionDevelopmentPath=${ROOT} ${WS}`));
  spawn('code', [`--extensionDevelopmentPath=${ROOT}`, path.join(ROOT, WS)], { detached: true, stdio: 'ignore' }).unref();
  console.log('  opened a VS Code window with the extension on the example workspace');
} else {
  console.log(`  \`code\` is not on PATH. To try the extension: open this folder in VS Code, press F5, and open ${WS}.`);
}

console.log(analysisProblems > 0 ? `\nDone, with ${analysisProblems} analysis step(s) reporting a problem (above).` : '\nDone.');
