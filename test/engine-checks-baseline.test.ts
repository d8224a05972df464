/**
 * Baseline checks in the editor, over the server's protocol: a run worse than its baseline is a
 * check/failed diagnostic on the assert key with the numbers, a baseline that does not exist is
 * reported on `baseline:` (ref/file-not-found as you type, check/error once evaluated), Run check
 * answers with the baseline, limit and noise; completion and hover know the new keys.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from './support/lsp';
import { cursor } from './support/cursor';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-engine-baseline-'));
for (const [name, level] of [['base', 0.4], ['worse', 0.45]] as const) {
  fs.mkdirSync(path.join(dir, 'runs', name), { recursive: true });
  const log_history = Array.from({ length: 30 }, (_, i) => ({ step: (i + 1) * 10, eval_loss: level + (i % 2) * 0.001 }));
  fs.writeFileSync(path.join(dir, 'runs', name, 'trainer_state.json'), JSON.stringify({ global_step: 300, log_history }));
}
const PIPELINE = `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata: {name: regress}
stages:
  - id: train
    phase: training
    checks:
      - analysis: training
        data: runs/worse
        baseline: runs/base
        assert: {eval_loss.last: {max_vs_baseline: +2%}}
      - analysis: training
        data: runs/worse
        baseline: runs/gone
        assert: {eval_loss.last: {max_vs_baseline: +2%}}
`;
const file = path.join(dir, 'regress.pipeline.yaml');
fs.writeFileSync(file, PIPELINE);
const lines = PIPELINE.split('\n');

interface Diag {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  code: string;
  message: string;
}

let client: LspClient;
let onRefresh: (() => void) | undefined;

before(async () => {
  client = await LspClient.start({ rootPath: dir });
  client.connection.onRequest('workspace/diagnostic/refresh', () => {
    onRefresh?.();
    return null;
  });
  client.connection.onRequest('workspace/codeLens/refresh', () => null);
});
after(async () => {
  await client.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const text = (d: Diag) => lines[d.range.start.line]!.slice(d.range.start.character, d.range.end.character);

test('a run worse than its baseline is check/failed on the assert key; a missing baseline is reported on baseline:', async () => {
  const refreshed = new Promise<void>((r) => (onRefresh = r));
  const uri = pathToFileURL(file).toString();
  const lint = client.diagnostics(uri, () => true);
  client.open(file, PIPELINE, 'rlhf-pipeline');
  const pushed = (await lint).diagnostics as Diag[];
  const notFound = pushed.find((d) => d.code === 'ref/file-not-found');
  assert.ok(notFound, JSON.stringify(pushed));
  assert.equal(text(notFound), 'runs/gone');
  assert.match(notFound.message, /File "runs\/gone" not found/);
  await refreshed;
  const { items } = await client.request<{ items: Diag[] }>('textDocument/diagnostic', { textDocument: { uri } });
  const failed = items.filter((d) => d.code === 'check/failed');
  assert.equal(failed.length, 1, JSON.stringify(items));
  assert.equal(failed[0]!.range.start.line, lines.indexOf('        assert: {eval_loss.last: {max_vs_baseline: +2%}}'));
  assert.equal(text(failed[0]!), 'eval_loss.last');
  assert.match(failed[0]!.message, /^Check failed: eval_loss\.last 0\.451 > 0\.409 \(baseline 0\.401 \+2%\) by more than noise \(2 x 0\.001483\) \(training of runs\/worse\)$/);
  const error = items.find((d) => d.code === 'check/error');
  assert.ok(error, JSON.stringify(items));
  assert.equal(text(error), 'runs/gone');
  assert.match(error.message, /^Check could not run: baseline runs\/gone: .*gone: no such file or folder/);

  const results = await client.request<{ checkIndex: number; passed: boolean; asserts: { value: number; baseline?: number; limit?: number; noise?: number; max_vs_baseline?: string }[] }[]>('rlhfLens/runCheck', { uri, stageId: 'train', checkIndex: 0 });
  assert.equal(results.length, 1);
  assert.equal(results[0]!.passed, false);
  const a = results[0]!.asserts[0]!;
  assert.deepEqual([a.value, a.baseline, a.max_vs_baseline], [0.451, 0.401, '+2%']);
  assert.ok(Math.abs(a.limit! - 0.401 * 1.02) < 1e-12);
  assert.ok(Math.abs(a.noise! - 0.002 / 1.3489795003921634) < 1e-12);
});

test('completion offers max_vs_baseline / min_vs_baseline in an assert bound and baseline on a check; hover explains them; a bad change is a schema error', async () => {
  let n = 0;
  const open = async (marked: string) => {
    const { text: t, position } = cursor(marked);
    const f = path.join(dir, `c${n++}.pipeline.yaml`);
    const diagnostics = (await client.openAndWait(f, t, 'rlhf-pipeline')) as Diag[];
    return { uri: pathToFileURL(f).toString(), position, diagnostics };
  };
  const labels = async (marked: string) => {
    const { uri, position } = await open(marked);
    const r = await client.request<{ label: string }[] | { items: { label: string }[] }>('textDocument/completion', { textDocument: { uri }, position });
    return (Array.isArray(r) ? r : r.items).map((i) => i.label);
  };
  const bound = await labels(PIPELINE.replace('{eval_loss.last: {max_vs_baseline: +2%}}\n      - analysis', '{eval_loss.last: {|}}\n      - analysis'));
  for (const k of ['min', 'max', 'max_vs_baseline', 'min_vs_baseline']) assert.ok(bound.includes(k), bound.join());
  const key = await labels(PIPELINE.replace('        baseline: runs/base\n', '        |\n'));
  assert.ok(key.includes('baseline'), key.join());
  const { uri, position } = await open(PIPELINE.replace('        baseline: runs/base', '        base|line: runs/base'));
  const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position });
  assert.match(hover?.contents.value ?? '', /earlier run.*max_vs_baseline/s);
  const bad = await open(PIPELINE.replace('max_vs_baseline: +2%}}\n      - analysis', 'max_vs_baseline: two percent|}}\n      - analysis'));
  const pattern = bad.diagnostics.find((d) => d.code === 'schema/pattern');
  assert.match(pattern?.message ?? JSON.stringify(bad.diagnostics), /it must be a change such as "\+2%", "-1%" or an absolute number/);
});
