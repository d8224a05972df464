/**
 * Rule settings and the lint front ends: `.rlhf-lens.yaml` severities (CLI and server), SARIF output,
 * --max-warnings, globs and .gitignore, and re-checking dependents when a referenced file changes.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from './support/lsp';
import { runCli } from './support/cli';

/** A pipeline with one phase-order warning (line 9) and one missing training config (line 10). */
const WARNINGS_ONLY = `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata: {name: warnings}
stages:
  - id: train
    phase: training
  - id: collect
    phase: data_collection
    needs: [train]
    training: cfg.training.yaml
`;

const TRAINING = `apiVersion: rlhf-lens/v1
kind: TrainingConfig
metadata: {name: cfg}
method: sft
base_model: gpt2
dataset: {train: https://example.com/train.jsonl}
`;

function repo(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-rules-'));
  fs.mkdirSync(path.join(dir, '.git'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

test('.rlhf-lens.yaml changes severities and turns rules off; a bad entry is reported and skipped', () => {
  const dir = repo({
    'p.pipeline.yaml': WARNINGS_ONLY,
    '.rlhf-lens.yaml': 'rules:\n  pipeline/phase-order: error\n  ref/file-not-found: "off"\n  pipeline/cycle: loud\n',
  });
  const r = runCli(['lint', 'p.pipeline.yaml'], { cwd: dir });
  assert.equal(r.code, 1, r.stdout);
  assert.match(r.stdout, /^p\.pipeline\.yaml:9:\d+ error pipeline\/phase-order /m);
  assert.doesNotMatch(r.stdout, /ref\/file-not-found/);
  assert.match(r.stderr, /pipeline\/cycle.*"loud"/);
  const plain = runCli(['lint', path.join(dir, 'p.pipeline.yaml')], { cwd: os.tmpdir() });
  assert.equal(plain.code, 0, plain.stdout);
  assert.match(plain.stdout, /warning pipeline\/phase-order/);
  assert.match(plain.stdout, /warning ref\/file-not-found/);
});

test('--max-warnings fails the run only when warnings exceed the limit', () => {
  const dir = repo({ 'p.pipeline.yaml': WARNINGS_ONLY });
  assert.equal(runCli(['lint', 'p.pipeline.yaml'], { cwd: dir }).code, 0);
  assert.equal(runCli(['lint', 'p.pipeline.yaml', '--max-warnings', '2'], { cwd: dir }).code, 0);
  const over = runCli(['lint', 'p.pipeline.yaml', '--max-warnings', '1'], { cwd: dir });
  assert.equal(over.code, 1);
  assert.match(over.stderr, /2 warnings, more than --max-warnings 1/);
  assert.equal(runCli(['lint', 'p.pipeline.yaml', '--max-warnings', 'many'], { cwd: dir }).code, 2);
});

test('--format sarif writes a SARIF 2.1.0 log with 1-based regions and rule metadata', () => {
  const dir = repo({ 'p.pipeline.yaml': WARNINGS_ONLY });
  const r = runCli(['lint', '--format', 'sarif', 'p.pipeline.yaml'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const log = JSON.parse(r.stdout) as {
    version: string;
    runs: { tool: { driver: { rules: { id: string; helpUri: string }[] } }; results: { ruleId: string; ruleIndex: number; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[] }[] }[];
  };
  assert.equal(log.version, '2.1.0');
  const run = log.runs[0]!;
  const phase = run.results.find((x) => x.ruleId === 'pipeline/phase-order')!;
  assert.equal(phase.level, 'warning');
  assert.equal(run.tool.driver.rules[phase.ruleIndex]!.id, 'pipeline/phase-order');
  assert.match(run.tool.driver.rules[phase.ruleIndex]!.helpUri, /docs\/rules\/pipeline\/phase-order\.md$/);
  assert.equal(phase.locations[0]!.physicalLocation.artifactLocation.uri, 'p.pipeline.yaml');
  // `    needs: [train]` is line 9; "train" starts at character 12 (0-based), column 13 in SARIF.
  assert.deepEqual([phase.locations[0]!.physicalLocation.region.startLine, phase.locations[0]!.physicalLocation.region.startColumn], [9, 13]);
});

test('folders and globs respect .gitignore; an explicitly named ignored file is still checked', () => {
  const bad = 'apiVersion: rlhf-lens/v1\nkind: Pipline\n';
  const dir = repo({
    '.gitignore': 'build/\n*.tmp.yaml\n',
    'src/a.pipeline.yaml': bad,
    'src/nested/b.yaml': bad,
    'src/notes.yaml': 'just: yaml\n',
    'src/c.tmp.yaml': bad,
    'build/d.pipeline.yaml': bad,
  });
  const files = (args: string[]): string[] => {
    const r = runCli(['lint', '--format', 'json', ...args], { cwd: dir });
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    return (JSON.parse(r.stdout) as { files: { path: string }[] }).files.map((f) => f.path.split(path.sep).join('/'));
  };
  assert.deepEqual(files([]), ['src/a.pipeline.yaml', 'src/nested/b.yaml']);
  assert.deepEqual(files(['src/**/*.yaml']), ['src/a.pipeline.yaml', 'src/nested/b.yaml', 'src/notes.yaml']);
  assert.deepEqual(files(['src/*.pipeline.yaml']), ['src/a.pipeline.yaml']);
  assert.deepEqual(files(['build/d.pipeline.yaml']), ['build/d.pipeline.yaml']);
});

test('the server re-checks a pipeline when a file it references appears on disk or changes in an editor', async () => {
  const dir = repo({ 'p.pipeline.yaml': WARNINGS_ONLY, '.rlhf-lens.yaml': 'rules: {pipeline/phase-order: "off"}\n' });
  const client = await LspClient.start({ rootPath: dir });
  try {
    const pipeline = path.join(dir, 'p.pipeline.yaml');
    const uri = pathToFileURL(pipeline).toString();
    const first = await client.openAndWait(pipeline, WARNINGS_ONLY, 'rlhf-pipeline');
    assert.deepEqual(first.map((d) => d.code), ['ref/file-not-found']); // phase-order is off in .rlhf-lens.yaml

    const cfg = path.join(dir, 'cfg.training.yaml');
    fs.writeFileSync(cfg, TRAINING);
    const created = client.diagnostics(uri, () => true);
    void client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(cfg).toString(), type: 1 }] });
    assert.deepEqual((await created).diagnostics.map((d) => d.code), []);

    // Editing the referenced file into an Experiment (unsaved) makes the pipeline's reference wrong.
    const edited = client.diagnostics(uri, () => true);
    client.open(cfg, TRAINING.replace('kind: TrainingConfig', 'kind: Experiment'), 'rlhf-training');
    assert.deepEqual((await edited).diagnostics.map((d) => d.code), ['pipeline/wrong-kind']);
  } finally {
    await client.stop();
  }
});
