/** rlhfLens/analyze through the real server over stdio: results, progress, trust, crash-restart, cancellation. */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancellationTokenSource } from 'vscode-jsonrpc/node';
import { LspClient } from './support/lsp';
import { runCli } from './support/cli';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-engine-lsp-'));
const PAIRS = path.join(tmp, 'pairs.jsonl');
const BIG = path.join(tmp, 'big.jsonl');

interface ProgressParams {
  token: string | number;
  value: { kind: 'begin' | 'report' | 'end'; message?: string; title?: string };
}

let client: LspClient;
const progress: ProgressParams[] = [];

before(async () => {
  let s = 7;
  const rand = () => ((s = (s * 48271) % 2147483647) / 2147483647);
  const lines: string[] = [];
  for (let i = 0; i < 40_000; i++) lines.push(JSON.stringify({ chosen_score: rand() * 4 - 1, rejected_score: rand() * 4 - 2 }));
  fs.writeFileSync(PAIRS, lines.join('\n') + '\n');
  const big: string[] = [];
  for (let i = 0; i < 400_000; i++) big.push(`{"confidence": ${0.5 + (i % 50) / 100}, "correct": ${i % 3 === 0 ? 0 : 1}}`);
  fs.writeFileSync(BIG, big.join('\n') + '\n');
  // The worker honours the crash hook only with this variable (inherited by the server process).
  process.env['RLHF_LENS_TEST_HOOKS'] = '1';
  client = await LspClient.start({ rootPath: tmp, initializationOptions: { trusted: true, storagePath: path.join(tmp, 'storage') } });
  client.connection.onNotification('$/progress', (p: ProgressParams) => {
    progress.push(p);
  });
});

after(async () => {
  await client.stop();
});

test('analyze answers with the same result as the CLI, reports rows-read progress, then answers from the store', async () => {
  const r = await client.request<{ result: Record<string, unknown>; skipped: { count: number }; cached: boolean; rowsRead: number; format: string }>('rlhfLens/analyze', {
    analysis: 'calibration',
    path: PAIRS,
    options: { bins: 10 },
  });
  const cli = JSON.parse(runCli(['analyze', 'calibration', PAIRS, '--bins', '10', '--format', 'json']).stdout) as Record<string, unknown>;
  assert.deepEqual({ ...r.result, skipped: r.skipped }, cli);
  assert.equal(r.rowsRead, 40_000);
  assert.equal(r.cached, false);
  const reports = progress.filter((p) => p.value.kind === 'report').map((p) => p.value.message);
  assert.ok(reports.some((m) => /^[\d,]+ rows read$/.test(m ?? '')), JSON.stringify(progress));
  assert.ok(progress.some((p) => p.value.kind === 'begin' && /calibration of pairs\.jsonl/.test(p.value.title ?? '')));
  assert.ok(progress.some((p) => p.value.kind === 'end'));
  const again = await client.request<{ cached: boolean; result: unknown }>('rlhfLens/analyze', { analysis: 'calibration', path: PAIRS, options: { bins: 10 } });
  assert.equal(again.cached, true);
  assert.deepEqual(again.result, r.result);
  assert.ok(fs.existsSync(path.join(tmp, 'storage', 'rlhf-lens.sqlite')));
});

test('bad input and bad options are errors with the reason, the server keeps serving', async () => {
  const junk = path.join(tmp, 'junk.jsonl');
  fs.writeFileSync(junk, 'nope\n');
  await assert.rejects(client.request('rlhfLens/analyze', { analysis: 'calibration', path: junk }), (e: { code: number; message: string }) => e.code === 1002 && /junk\.jsonl: its only row is unusable/.test(e.message));
  await assert.rejects(client.request('rlhfLens/analyze', { analysis: 'calibration', path: PAIRS, options: { bins: 'many' } }), (e: { code: number; message: string }) => e.code === 1002 && /option bins must be a whole number/.test(e.message));
  await assert.rejects(client.request('rlhfLens/analyze', { analysis: 'calibration', path: PAIRS, extra: 1 }), (e: { message: string }) => /extra: unexpected field/.test(e.message));
});

test('a worker that dies mid-job fails that request only; the next request gets a new worker', async () => {
  await assert.rejects(
    client.request('rlhfLens/analyze', { analysis: 'calibration', path: PAIRS, options: { bins: 12, crash_worker: true } }),
    (e: { code: number; message: string }) => e.code === 1003 && /worker stopped unexpectedly \(exit code 3\)/.test(e.message),
  );
  const r = await client.request<{ result: { n: number } }>('rlhfLens/analyze', { analysis: 'calibration', path: PAIRS, options: { bins: 12 } });
  assert.equal(r.result.n, 40_000);
});

test('cancelling the request terminates the job; the server answers the next request', async () => {
  const source = new CancellationTokenSource();
  const started = Date.now();
  const pending = client.connection.sendRequest('rlhfLens/analyze', { analysis: 'calibration', path: BIG, options: { bins: 7 } }, source.token);
  setTimeout(() => source.cancel(), 150);
  await assert.rejects(pending, (e: { code: number }) => e.code === -32800);
  assert.ok(Date.now() - started < 5000);
  const status = await client.request<{ trusted: boolean }>('rlhfLens/status', {});
  assert.equal(status.trusted, true);
});

test('an untrusted workspace runs no analysis', async () => {
  void client.connection.sendNotification('rlhfLens/setTrust', { trusted: false });
  try {
    await assert.rejects(client.request('rlhfLens/analyze', { analysis: 'calibration', path: PAIRS }), (e: { code: number; message: string }) => e.code === 1001 && /workspace is not trusted/.test(e.message));
  } finally {
    void client.connection.sendNotification('rlhfLens/setTrust', { trusted: true });
  }
});
