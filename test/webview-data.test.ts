/**
 * The editor's dashboard and `rlhf-lens report` show the same figures: the phase dashboard data of
 * the example pipeline, built once with analyses run by the real language server
 * (`rlhfLens/analyze` over stdio, as the VS Code commands do) and once in-process (as the CLI
 * does), must be equal, and must pass the webview contract.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { parseRunOptions } from '../server/src/engine/options';
import { runAnalysis } from '../server/src/engine/run';
import { DashboardData } from '../server/src/protocol/webview';
import { buildDashboardData, type RunResult } from '../server/src/report/dashboard-data';
import { LspClient, ROOT } from './support/lsp';

const workspace = path.join(ROOT, 'examples', 'workspace');
const pipeline = path.join(workspace, 'pipelines', 'reward-model-refresh.pipeline.yaml');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-dash-'));
const now = new Date('2026-11-23T00:00:00Z');
let client: LspClient;

before(async () => {
  client = await LspClient.start({ rootPath: workspace, initializationOptions: { trusted: true, storagePath: tmp } });
});
after(async () => {
  await client.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('dashboard data through the language server equals the in-process data, and fits the contract', async () => {
  const viaServer = await buildDashboardData(pipeline, {
    run: (analysis, file, options) => client.request<RunResult>('rlhfLens/analyze', { analysis, path: file, options }),
    displayRoot: workspace,
    now,
  });
  const inProcess = await buildDashboardData(pipeline, {
    run: (analysis, file, options) => runAnalysis(analysis, file, parseRunOptions(options, path.dirname(file))),
    displayRoot: workspace,
    now,
  });
  assert.deepEqual(viaServer, inProcess);
  assert.deepEqual(DashboardData(viaServer), viaServer);
  assert.deepEqual(
    viaServer.graph?.stages.map((s) => [s.id, s.phase, s.status]),
    [
      ['collect-feedback', 'data_collection', 'pass'],
      ['annotate', 'data_collection', 'pass'],
      ['train-sft', 'training', 'not-run'],
      ['train-rm', 'training', 'pass'],
      ['train-policy', 'training', 'not-run'],
      ['eval-rm', 'evaluation', 'pass'],
      ['canary', 'deployment', 'pass'],
      ['ab-rollout', 'deployment', 'pass'],
    ],
  );
  // Each stage's line is where its `- id:` sits in the file (0-based), for "open its YAML".
  const lines = fs.readFileSync(pipeline, 'utf8').split('\n');
  for (const s of viaServer.graph!.stages) assert.match(lines[s.line]!, new RegExp(`^\\s*- id: ${s.id}\\b`), s.id);
  assert.equal(viaServer.calibration?.bins, 15);
  assert.equal(viaServer.calibration?.result.ece_ci?.iterations, 1000);
  assert.equal(viaServer.ab?.required_sample_size, 10000, 'analysis.min_sample_size of the experiment');
  assert.deepEqual(viaServer.ab?.guardrails, [{ metric: 'latency_ms', direction: 'decrease', max_relative_change: 0.05 }]);
  assert.ok((viaServer.latency?.result.windows.length ?? 0) <= 2 * 96, 'latency re-windowed for drawing');
});

test('re-binning asks the engine again with the new bin count', async () => {
  const data = await buildDashboardData(pipeline, {
    run: (analysis, file, options) => client.request<RunResult>('rlhfLens/analyze', { analysis, path: file, options }),
    displayRoot: workspace,
    bins: 8,
    now,
  });
  assert.equal(data.calibration?.bins, 8);
  assert.equal(data.calibration?.result.bins.length, 8);
});
