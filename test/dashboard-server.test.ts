/**
 * One evaluation, three front doors: the editor's dashboard (`rlhfLens/dashboard`, assembled on the
 * server from the evaluation it keeps), `rlhf-lens report`'s data (in-process) and `rlhf-lens
 * check` give the same outcome for every check of the example pipelines. The server answers a
 * re-bin with the calibration section alone, and reads an open pipeline's unsaved text.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { parseRunOptions } from '../server/src/engine/options';
import { runAnalysis } from '../server/src/engine/run';
import { DashboardData } from '../server/src/protocol/webview';
import { buildDashboardData } from '../server/src/report/dashboard-data';
import { LspClient, ROOT } from './support/lsp';
import { runCli } from './support/cli';

const workspace = path.join(ROOT, 'examples', 'workspace');
const pipelinesDir = path.join(workspace, 'pipelines');
const pipelines = fs.readdirSync(pipelinesDir).filter((f) => f.endsWith('.pipeline.yaml')).map((f) => path.join(pipelinesDir, f));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-dash-server-'));
let client: LspClient;

before(async () => {
  client = await LspClient.start({ rootPath: workspace, initializationOptions: { trusted: true, storagePath: tmp } });
  client.connection.onRequest('workspace/codeLens/refresh', () => null);
  client.connection.onRequest('workspace/diagnostic/refresh', () => null);
});
after(async () => {
  await client.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const CHECK_TO_GRAPH: Record<string, string> = { passed: 'pass', failed: 'fail', error: 'fail', skipped: 'not-run' };
const withoutClock = (d: Partial<DashboardData>) => ({ ...d, generated_at: '' });

test('the editor dashboard, the CLI report data and rlhf-lens check agree on every check of the example pipelines', async () => {
  assert.ok(pipelines.length >= 2);
  const cli = runCli(['check', ...pipelines, '--format', 'json'], { cwd: workspace });
  const report = JSON.parse(cli.stdout) as { pipelines: { path: string; checks: { stage: string; status: string; asserts: { message: string }[] }[] }[] };
  for (const [i, file] of pipelines.entries()) {
    const editor = await client.request<DashboardData>('rlhfLens/dashboard', { uri: pathToFileURL(file).toString() });
    assert.deepEqual(DashboardData(editor), editor, 'the server sends what the views accept');
    const inProcess = await buildDashboardData(file, { run: (analysis, f, options) => runAnalysis(analysis, f, parseRunOptions(options, path.dirname(f), analysis)), displayRoot: workspace });
    assert.deepEqual(withoutClock(editor), withoutClock(inProcess), path.basename(file));
    const fromGraph = (editor.graph?.stages ?? []).flatMap((s) => s.checks.map((c) => [s.id, c.status]));
    const fromCheck = report.pipelines[i]!.checks.map((c) => [c.stage, CHECK_TO_GRAPH[c.status]]);
    assert.deepEqual(fromGraph, fromCheck, path.basename(file));
  }
  assert.ok(report.pipelines.some((p) => p.checks.length > 0));
});

test('a re-bin is answered with the calibration section alone', async () => {
  const file = pipelines.find((p) => p.endsWith('reward-model-refresh.pipeline.yaml'))!;
  const part = await client.request<Partial<DashboardData>>('rlhfLens/dashboard', { uri: pathToFileURL(file).toString(), bins: 8, section: 'calibration' });
  assert.deepEqual(Object.keys(part), ['calibration']);
  assert.equal(part.calibration?.bins, 8);
  assert.equal(part.calibration?.result.bins.length, 8);
});

test('the dashboard of an open pipeline reflects its unsaved text', async () => {
  const file = pipelines.find((p) => p.endsWith('reward-model-refresh.pipeline.yaml'))!;
  const text = fs.readFileSync(file, 'utf8');
  const edited = text.replace('assert: {ece: {max: 0.05}, accuracy: {min: 0.7}}', 'assert: {ece: {max: 0.05}, accuracy: {min: 0.999}}');
  assert.notEqual(edited, text);
  const uri = client.open(file, edited, 'rlhf-pipeline');
  const data = await client.request<DashboardData>('rlhfLens/dashboard', { uri });
  assert.equal(data.graph?.stages.find((s) => s.id === 'eval-rm')?.status, 'fail');
  assert.match(data.graph!.stages.find((s) => s.id === 'eval-rm')!.checks[0]!.message, /accuracy [\d.]+ < min 0\.999/);
});

test('the dashboard request is refused in an untrusted workspace and outside the workspace', async () => {
  const outside = await LspClient.start({ rootPath: workspace, initializationOptions: { trusted: false } });
  try {
    await assert.rejects(outside.request('rlhfLens/dashboard', { uri: pathToFileURL(pipelines[0]!).toString() }), /not trusted/);
  } finally {
    await outside.stop();
  }
  await assert.rejects(client.request('rlhfLens/dashboard', { uri: pathToFileURL(path.join(os.tmpdir(), 'x.pipeline.yaml')).toString() }), /outside the workspace/);
});
