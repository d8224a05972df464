/** Pipeline checks in the editor over stdio: failed asserts as pull diagnostics with the measured value, code lens verdicts, Run check. */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient } from './support/lsp';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-engine-checks-'));
fs.writeFileSync(path.join(dir, 'preds.jsonl'), ['{"confidence": 0.9, "correct": 1}', '{"confidence": 0.8, "correct": 1}', '{"confidence": 0.6, "correct": 0}', '{"confidence": 0.7, "correct": 1}'].join('\n'));
const PIPELINE = `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata: {name: gates}
stages:
  - id: eval
    phase: evaluation
    checks:
      - analysis: calibration
        data: preds.jsonl
        assert: {accuracy: {min: 0.9}, brier: {max: 0.5}}
      - analysis: calibration
        data: missing.jsonl
        assert: {ece: {max: 0.1}}
`;
const file = path.join(dir, 'gates.pipeline.yaml');
fs.writeFileSync(file, PIPELINE);

interface Diag {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  code: string;
  message: string;
  data?: { value: number; min: number | null; max: number | null };
}

let client: LspClient;
let uri = '';
let refreshes = 0;
let onRefresh: (() => void) | undefined;

before(async () => {
  client = await LspClient.start({ rootPath: dir });
  client.connection.onRequest('workspace/diagnostic/refresh', () => {
    refreshes++;
    onRefresh?.();
    return null;
  });
  client.connection.onRequest('workspace/codeLens/refresh', () => null);
});

after(async () => {
  await client.stop();
});

const pull = (uri: string) => client.request<{ items: Diag[] }>('textDocument/diagnostic', { textDocument: { uri } });

test('failed asserts of an open pipeline are reported on the assert key, with the measured value; lenses show verdicts', async () => {
  const refreshed = new Promise<void>((r) => (onRefresh = r));
  uri = client.open(file, PIPELINE, 'rlhf-pipeline');
  await refreshed;
  const { items } = await pull(uri);
  const failed = items.filter((d) => d.code === 'check/failed');
  assert.equal(failed.length, 1);
  assert.match(failed[0]!.message, /^Check failed: accuracy 0\.75 < min 0\.9 \(calibration of preds\.jsonl\)$/);
  assert.deepEqual(failed[0]!.data, { value: 0.75, min: 0.9, max: null });
  const line = PIPELINE.split('\n').findIndex((l) => l.includes('assert: {accuracy'));
  assert.equal(failed[0]!.range.start.line, line);
  assert.equal(PIPELINE.split('\n')[line]!.slice(failed[0]!.range.start.character, failed[0]!.range.end.character), 'accuracy');
  const error = items.find((d) => d.code === 'check/error');
  assert.match(error?.message ?? '', /Check could not run: .*missing\.jsonl: no such file or folder/);
  const lenses = await client.request<{ command?: { title: string } }[]>('textDocument/codeLens', { textDocument: { uri } });
  const titles = lenses.map((l) => l.command?.title ?? '');
  assert.ok(titles.includes('Run check (✗ accuracy 0.75 < min 0.9)'), JSON.stringify(titles));
  assert.ok(titles.some((t) => /^Run check \(✗ .*missing\.jsonl/.test(t)), JSON.stringify(titles));
});

test('fixing the threshold clears the diagnostic; Run check answers with each assert', async () => {
  const refreshed = new Promise<void>((r) => (onRefresh = r));
  client.change(uri, PIPELINE.replace('min: 0.9', 'min: 0.7'));
  await refreshed;
  const { items } = await pull(uri);
  assert.deepEqual(items.filter((d) => d.code === 'check/failed'), []);
  const results = await client.request<{ passed: boolean; asserts: { label: string; value: number; passed: boolean }[] }[]>('rlhfLens/runCheck', { uri, stageId: 'eval', checkIndex: 0 });
  assert.equal(results.length, 1);
  assert.equal(results[0]!.passed, true);
  assert.deepEqual(results[0]!.asserts.map((a) => [a.label, a.passed]), [['accuracy', true], ['brier', true]]);
  assert.ok(Math.abs(results[0]!.asserts[1]!.value - 0.125) < 1e-12);
});

test('rewriting a check\'s data file re-evaluates the open pipeline', async () => {
  const refreshed = new Promise<void>((r) => (onRefresh = r));
  fs.writeFileSync(path.join(dir, 'preds.jsonl'), ['{"confidence": 0.9, "correct": 0}', '{"confidence": 0.8, "correct": 1}'].join('\n'));
  await refreshed;
  const { items } = await pull(uri);
  const failed = items.filter((d) => d.code === 'check/failed');
  assert.equal(failed.length, 1);
  assert.match(failed[0]!.message, /^Check failed: accuracy 0\.5 < min 0\.7/);
});

test('an untrusted workspace gets no check diagnostics and Run check is refused', async () => {
  void client.connection.sendNotification('rlhfLens/setTrust', { trusted: false });
  try {
    const { items } = await pull(uri);
    assert.deepEqual(items, []);
    await assert.rejects(client.request('rlhfLens/runCheck', { uri, stageId: 'eval' }), /workspace is not trusted/);
  } finally {
    void client.connection.sendNotification('rlhfLens/setTrust', { trusted: true });
  }
  assert.ok(refreshes >= 2);
});
