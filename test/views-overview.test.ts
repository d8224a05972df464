/**
 * The RLHF Lens views' data: `rlhfLens/workspaceOverview` and `rlhfLens/dataFileInfo` over the real
 * server on the example workspace, and the pure tree model (client/src/views/tree-model.ts) that
 * turns them into the Configs, Data Files and Checks trees.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient, ROOT } from './support/lsp';
import type { DataFileInfo, WorkspaceOverview } from '../server/src/protocol/lsp';
import { checkNodes, checkStatus, checkSummary, configNodes, dataFileNodes, problemText } from '../client/src/views/tree-model';
import { inferDataShape } from '../server/src/config/data-shape';

const WS = path.join(ROOT, 'examples', 'workspace');
const PIPELINE = path.join(WS, 'pipelines', 'reward-model-refresh.pipeline.yaml');
let client: LspClient;
let overview: WorkspaceOverview;
const rel = (f: string) => path.relative(WS, f).split(path.sep).join('/');

before(async () => {
  client = await LspClient.start({ rootPath: WS });
  overview = await client.request<WorkspaceOverview>('rlhfLens/workspaceOverview', {});
});
after(() => client.stop());

test('overview: every config file with its kinds, every data file with rows counted by the readers', () => {
  const configs = Object.fromEntries(overview.configs.map((c) => [rel(c.path), c.kinds]));
  assert.deepEqual(configs['pipelines/reward-model-refresh.pipeline.yaml'], ['Pipeline']);
  assert.deepEqual(configs['experiments/planning-v1-vs-v2.experiment.yaml'], ['Experiment']);
  assert.deepEqual(configs['configs/dpo.training.yaml'], ['TrainingConfig']);
  const data = Object.fromEntries(overview.dataFiles.map((d) => [rel(d.path), d]));
  // Line counts of the generated files (wc -l): the readers see every line as a row.
  assert.equal(data['data/prefs_train.jsonl']!.rows, 3000);
  assert.equal(data['data/prefs_train.jsonl']!.shape.trainingFormat, 'preference');
  assert.equal(data['data/labels.jsonl']!.rows, 5951);
  assert.deepEqual(data['data/labels.jsonl']!.shape.analyses, ['agreement']);
  assert.equal(data['eval/rm_preds.jsonl']!.shape.label, 'predictions (chosen_score, rejected_score)');
  assert.equal(data['logs/serving.jsonl']!.shape.analyses.includes('latency'), true);
  assert.equal(data['runs/rm-llama8b-lora/trainer_state.json']!.shape.shape, 'training-log');
  assert.equal(data['results/planning_ab.jsonl']!.shape.analyses.includes('ab'), true);
  const pipeline = overview.pipelines.find((p) => p.path === PIPELINE)!;
  assert.equal(pipeline.name, 'reward-model-refresh');
  assert.deepEqual(
    pipeline.checks.slice(0, 2).map((c) => [c.stageId, c.analysis, c.line]),
    [
      ['collect-feedback', 'drift', 27],
      ['annotate', 'agreement', 43],
    ],
  );
  assert.ok(pipeline.checks.every((c) => checkStatus(c) === 'not-run' || checkStatus(c) === 'cannot-run'), 'nothing was run yet');
});

test('overview: a check the server evaluated carries its verdict, and the tree says pass or fail', async () => {
  const uri = client.open(PIPELINE, fs.readFileSync(PIPELINE, 'utf8'), 'rlhf-pipeline');
  const results = await client.request<{ passed: boolean }[]>('rlhfLens/runCheck', { uri, stageId: 'annotate', checkIndex: 0 });
  assert.equal(results.length, 1);
  const after = await client.request<WorkspaceOverview>('rlhfLens/workspaceOverview', {});
  const pipeline = after.pipelines.find((p) => p.path === PIPELINE)!;
  const annotate = pipeline.checks.find((c) => c.stageId === 'annotate')!;
  assert.equal(annotate.result?.passed, results[0]!.passed);
  const nodes = checkNodes(after, rel);
  const node = nodes.find((n) => n.id === `pipeline:${PIPELINE}`)!.children!.find((c) => c.label === 'annotate · agreement')!;
  assert.equal(node.contextValue, `rlhfLens.check.${results[0]!.passed ? 'pass' : 'fail'}`);
  assert.match(node.description!, results[0]!.passed ? /^passed: krippendorff_alpha/ : /^failed: krippendorff_alpha/);
  // A check with a result opens at its line; one never run runs on click.
  assert.deepEqual(node.command, { kind: 'open', path: PIPELINE, line: 43 });
  const notRun = nodes.find((n) => n.id === `pipeline:${PIPELINE}`)!.children!.find((c) => c.contextValue === 'rlhfLens.check.not-run');
  if (notRun) assert.equal(notRun.command?.kind, 'runCheck');
});

test('dataFileInfo: one file on pick, only inside the workspace', async () => {
  const info = await client.request<DataFileInfo>('rlhfLens/dataFileInfo', { path: path.join(WS, 'data', 'prefs_eval.jsonl') });
  assert.equal(info.rows, 500);
  assert.deepEqual(info.columns.slice(0, 3), ['prompt', 'chosen', 'rejected']);
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-outside-'));
  fs.writeFileSync(path.join(outside, 'x.jsonl'), '{"a":1}\n');
  await assert.rejects(client.request('rlhfLens/dataFileInfo', { path: path.join(outside, 'x.jsonl') }), /not inside the workspace folders/);
  fs.rmSync(outside, { recursive: true, force: true });
  await assert.rejects(client.request('rlhfLens/dataFileInfo', { path: 3 }), /path/);
});

test('tree model: configs grouped by kind with problem counts and correct plurals', () => {
  const problems = (f: string) => (f.endsWith('broken.pipeline.yaml') ? { errors: 1, warnings: 2 } : f.endsWith('dpo.training.yaml') ? { errors: 0, warnings: 0 } : undefined);
  const nodes = configNodes(overview, problems, rel);
  assert.deepEqual(
    nodes.map((n) => n.label),
    ['Pipelines', 'Experiments', 'Training configs', 'Framework configs'],
  );
  const pipelines = nodes[0]!;
  assert.equal(pipelines.description, '2 files · 1 error, 2 warnings');
  const broken = pipelines.children!.find((c) => c.label === 'broken.pipeline.yaml')!;
  assert.equal(broken.description, '1 error, 2 warnings · pipelines');
  assert.equal(broken.icon?.id, 'error');
  assert.deepEqual(broken.command, { kind: 'open', path: path.join(WS, 'pipelines', 'broken.pipeline.yaml') });
  const dpo = nodes[2]!.children!.find((c) => c.label === 'dpo.training.yaml')!;
  assert.equal(dpo.description, 'no problems · configs');
  assert.equal(problemText(undefined), 'not checked yet');
  assert.equal(problemText({ errors: 1, warnings: 1 }), '1 error, 1 warning');
  // Framework configs (any other kind) get their own group.
  const framework = configNodes({ ...overview, configs: [{ path: path.join(WS, 'axolotl.yaml'), kinds: ['Axolotl'] }] }, () => undefined, rel);
  assert.equal(framework[0]!.label, 'Framework configs');
  assert.equal(framework[0]!.description, '1 file');
});

test('tree model: data files say rows and shape; checks summarise pass, fail and not run', () => {
  const nodes = dataFileNodes(overview, rel);
  const prefs = nodes.find((n) => n.label === 'prefs_train.jsonl')!;
  assert.equal(prefs.description, '3,000 rows · preference pairs (prompt, chosen, rejected)');
  assert.match(prefs.tooltip!, /Fits: |Shape: preference pairs/);
  const one: DataFileInfo = { path: path.join(WS, 'one.jsonl'), format: 'jsonl', rows: 1, skipped: 0, bytes: 10, columns: ['text'], shape: inferDataShape(['text']) };
  assert.equal(dataFileNodes({ ...overview, dataFiles: [one] }, rel)[0]!.description, '1 row · plain text (text)');
  const check = (status: 'pass' | 'fail' | 'none') => ({
    stageId: 's',
    checkIndex: 0,
    analysis: 'drift',
    line: 1,
    ...(status === 'none' ? {} : { result: { stageId: 's', checkIndex: 0, analysis: 'drift', passed: status === 'pass', asserts: [] } }),
  });
  assert.equal(checkSummary([check('pass'), check('fail'), check('none'), check('none')]), '4 checks: 1 passed, 1 failed, 2 not run');
  assert.equal(checkSummary([check('pass')]), '1 check: 1 passed');
  assert.equal(checkSummary([]), 'no checks');
});

test('data shapes: training formats from the rule\'s own fields, analyses from their default columns', () => {
  assert.equal(inferDataShape(['prompt', 'chosen', 'rejected']).trainingFormat, 'preference');
  assert.equal(inferDataShape(['prompt', 'completion', 'label']).trainingFormat, 'unpaired');
  assert.equal(inferDataShape(['messages']).trainingFormat, 'chat');
  assert.equal(inferDataShape(['instruction', 'output']).trainingFormat, 'instruction');
  assert.deepEqual(inferDataShape(['confidence', 'correct']).analyses, ['calibration']);
  assert.equal(inferDataShape(['a', 'b']).shape, 'table');
  assert.equal(inferDataShape([], 'trainer_state').label, 'training log');
});

test('status bar: the active pipeline\'s last check results, hidden for a pipeline without checks', async () => {
  const { checksStatusText } = await import('../client/src/views/tree-model');
  const shown = checksStatusText(overview, PIPELINE)!;
  assert.match(shown.text, /^\$\((pass|error|warning|circle-outline)\) \d+ checks: /);
  assert.equal(checksStatusText(overview, path.join(WS, 'nope.pipeline.yaml')), undefined);
  assert.equal(checksStatusText(undefined, PIPELINE), undefined);
});

test('overview: a Zstandard-compressed JSONL file is a data file too, read to its rows', async () => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-overview-zst-'));
  fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'data', 'rm_preds-300.jsonl.zst'), path.join(ws, 'preds.jsonl.zst'));
  const other = await LspClient.start({ rootPath: ws });
  try {
    const got = await other.request<WorkspaceOverview>('rlhfLens/workspaceOverview', {});
    const zst = got.dataFiles.find((d) => d.path.endsWith('preds.jsonl.zst'));
    assert.ok(zst, JSON.stringify(got.dataFiles.map((d) => d.path)));
    assert.equal(zst.rows, 300);
  } finally {
    await other.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  }
});
