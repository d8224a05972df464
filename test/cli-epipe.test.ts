/**
 * Every CLI command piped into a reader that closes after one line (`rlhf-lens lint DIR | head -1`):
 * the command stops writing quietly (no EPIPE stack trace) and exits with its documented code
 * (docs/commands.md), the one it returns when the reader keeps reading.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { CLI, ROOT } from './support/lsp';
import { analysisNames } from '../server/src/config/analyses/registry';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-cli-epipe-'));
const EX = path.join(ROOT, 'examples', 'workspace');

interface Piped {
  code: number | null;
  stderr: string;
  firstLine: string;
}

/** Runs the CLI with stdout read up to its first line, then closed (as `| head -1` does). */
function pipedToHead(args: string[], options: { stream?: 'stdout' | 'stderr' } = {}): Promise<Piped> {
  const which = options.stream ?? 'stdout';
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end();
    const reader = child[which];
    const other = which === 'stdout' ? child.stderr : child.stdout;
    let head = '';
    let stderr = '';
    reader.on('data', (chunk: Buffer) => {
      if (reader.destroyed) return;
      head += chunk.toString('utf8');
      if (head.includes('\n')) reader.destroy();
      else if (which === 'stderr') stderr += chunk.toString('utf8');
    });
    reader.on('error', () => undefined);
    other.on('data', (chunk: Buffer) => {
      if (which === 'stdout') stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`rlhf-lens ${args.join(' ')} did not exit within 60 s`));
    }, 60_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, firstLine: head.split('\n', 1)[0]! });
    });
  });
}

function noStackTrace(r: Piped, what: string): void {
  assert.doesNotMatch(r.stderr, /EPIPE|Unhandled 'error' event|\n\s+at \S+ \(|internal error/, `${what}: stderr was\n${r.stderr}`);
}

// Enough output to overflow the pipe's buffer after the reader has gone.
const lintDir = path.join(tmp, 'configs');
fs.mkdirSync(lintDir);
for (let i = 0; i < 400; i++) fs.writeFileSync(path.join(lintDir, `p${i}.pipeline.yaml`), `apiVersion: rlhf-lens/v1\nkind: Pipeline\nmetadata: {name: p${i}}\nstages: []\n`);
const bigLog = path.join(tmp, 'trainer_log.jsonl');
fs.writeFileSync(bigLog, Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ step: i + 1, loss: 2 / Math.sqrt(i + 1), reward: Math.sin(i / 50) })).join('\n') + '\n');

const CASES: { name: string; args: string[]; code: number; stream?: 'stdout' | 'stderr' }[] = [
  { name: 'lint (errors found: 1)', args: ['lint', lintDir], code: 1 },
  { name: 'lint --format json', args: ['lint', lintDir, '--format', 'json'], code: 1 },
  { name: 'lint --format sarif', args: ['lint', lintDir, '--format', 'sarif'], code: 1 },
  { name: 'lint of the example workspace', args: ['lint', EX], code: 1 },
  { name: 'analyze training --format json (large)', args: ['analyze', 'training', bigLog, '--format', 'json'], code: 0 },
  { name: 'analyze training (text)', args: ['analyze', 'training', bigLog], code: 0 },
  { name: 'analyze calibration', args: ['analyze', 'calibration', path.join(EX, 'eval', 'rm_preds.jsonl'), '--format', 'json'], code: 0 },
  { name: 'analyze agreement', args: ['analyze', 'agreement', path.join(EX, 'data', 'labels.jsonl')], code: 0 },
  { name: 'analyze latency', args: ['analyze', 'latency', path.join(EX, 'logs', 'serving.jsonl'), '--group-by', 'adapter_id', '--format', 'json'], code: 0 },
  { name: 'analyze uncertainty', args: ['analyze', 'uncertainty', path.join(EX, 'data', 'pool.jsonl'), '--top', '200'], code: 0 },
  { name: 'analyze ab', args: ['analyze', 'ab', path.join(EX, 'experiments', 'planning-v1-vs-v2.experiment.yaml')], code: 0 },
  { name: 'analyze drift', args: ['analyze', 'drift', path.join(EX, 'data', 'feedback_round2.jsonl'), '--reference', path.join(EX, 'data', 'feedback_round1.jsonl'), '--column', 'category'], code: 0 },
  { name: 'analyze preference-eval', args: ['analyze', 'preference-eval', path.join(EX, 'eval', 'rm_compare.jsonl'), '--models', 'rm-lora16,rm-lora32', '--bootstrap', '50'], code: 0 },
  { name: 'analyze data-quality --against', args: ['analyze', 'data-quality', path.join(EX, 'data', 'prefs_train.jsonl'), '--against', path.join(EX, 'data', 'prefs_eval.jsonl')], code: 0 },
  { name: 'analyze of a summary file (refused: 2, on stderr)', args: ['analyze', 'training', path.join(ROOT, 'test', 'fixtures', 'shapes', 'wandb-summary.json')], code: 2, stream: 'stderr' },
  { name: 'analyze unusable input (2, message on stderr)', args: ['analyze', 'training', path.join(tmp, 'missing.jsonl')], code: 2, stream: 'stderr' },
  { name: 'analyze --help', args: ['analyze', '--help'], code: 0 },
  { name: 'check', args: ['check', path.join(EX, 'pipelines', 'reward-model-refresh.pipeline.yaml'), '--format', 'json'], code: 0 },
  { name: 'check --help', args: ['check', '--help'], code: 0 },
  { name: 'compare', args: ['compare', path.join(EX, 'runs', 'rm-llama8b-lora'), path.join(EX, 'runs', 'rm-llama8b-lora-r32')], code: 0 },
  { name: 'compare --format json', args: ['compare', path.join(EX, 'runs', 'rm-llama8b-lora'), path.join(EX, 'runs', 'rm-llama8b-lora-r32'), '--format', 'json'], code: 0 },
  { name: 'compare --help', args: ['compare', '--help'], code: 0 },
  { name: 'compare-evals', args: ['compare-evals', path.join(ROOT, 'test', 'fixtures', 'paired', 'policy_a.jsonl'), path.join(ROOT, 'test', 'fixtures', 'paired', 'policy_b.jsonl'), '--key', 'prompt_id', '--metric', 'win', '--format', 'json'], code: 0 },
  { name: 'report', args: ['report', EX, '--out', path.join(tmp, 'report.html')], code: 0 },
  { name: 'report --help', args: ['report', '--help'], code: 0 },
  { name: 'lsp --help', args: ['lsp', '--help'], code: 0 },
  { name: '--help', args: ['--help'], code: 0 },
  { name: '--version', args: ['--version'], code: 0 },
  { name: 'no command (usage: 2)', args: [], code: 2 },
  { name: 'unknown command (usage: 2, on stderr)', args: ['frobnicate'], code: 2, stream: 'stderr' },
];

test('the cases cover every command of `rlhf-lens --help` and every analysis of the registry', async () => {
  const help = await new Promise<string>((resolve) => {
    const child = spawn(process.execPath, [CLI, '--help'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('utf8')));
    child.on('exit', () => resolve(out));
  });
  const commands = [...help.split('Commands:')[1]!.matchAll(/^ {2}([a-z-]+) /gm)].map((m) => m[1]!);
  assert.ok(commands.length >= 5, help);
  for (const name of commands) assert.ok(CASES.some((c) => c.args[0] === name), `no piped case for the command ${name}`);
  for (const name of analysisNames()) assert.ok(CASES.some((c) => c.args[0] === 'analyze' && c.args[1] === name), `no piped case for analyze ${name}`);
});

for (const c of CASES) {
  test(`piped into a reader that closes after one line: ${c.name}`, async () => {
    const r = await pipedToHead(c.args, { stream: c.stream });
    noStackTrace(r, c.name);
    assert.ok(r.firstLine.length > 0, `${c.name}: no first line`);
    assert.equal(r.code, c.code, `${c.name}: exit code; stderr:\n${r.stderr}`);
  });
}

test('lsp --stdio whose client closes the connection without shutdown exits 1 (LSP spec), quietly', async () => {
  const r = await new Promise<Piped>((resolve) => {
    const child = spawn(process.execPath, [CLI, 'lsp', '--stdio'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
    child.stdout.destroy();
    child.stdin.end();
    child.on('exit', (code) => resolve({ code, stderr, firstLine: '' }));
  });
  noStackTrace(r, 'lsp');
  assert.equal(r.code, 1);
});
