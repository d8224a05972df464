/** Worker jobs directly: de-duplication, staleness, cancellation, crash; and the store's atomicity and recovery. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { JobRunner, CancelledError, StaleError, WorkerCrashError, JobError } from '../server/src/engine/jobs';
import { requestKey, type AnalyzeRequest } from '../server/src/engine/analyze';
import { Store, writeFileAtomic } from '../server/src/engine/store';
import { ROOT } from './support/lsp';

const WORKER = path.join(ROOT, 'dist', 'server', 'worker.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-engine-jobs-'));
const SMALL = path.join(tmp, 'small.jsonl');
const BIG = path.join(tmp, 'big.jsonl');
fs.writeFileSync(SMALL, Array.from({ length: 200 }, (_, i) => `{"prob": ${(i % 10) / 10}, "label": ${i % 2}}`).join('\n'));
fs.writeFileSync(BIG, Array.from({ length: 300_000 }, (_, i) => `{"prob": ${(i % 10) / 10}, "label": ${i % 2}}`).join('\n'));

const req = (file: string, options: AnalyzeRequest['options'] = {}): AnalyzeRequest => ({ analysis: 'calibration', file, options });

test('identical concurrent requests share one worker; results are equal', { skip: !fs.existsSync(WORKER) && 'run npm run build first' }, async () => {
  const jobs = new JobRunner({ workerFile: WORKER });
  const r = req(SMALL);
  const key = await requestKey(r);
  const [a, b] = await Promise.all([jobs.run(r, key), jobs.run(r, key)]);
  assert.equal(jobs.workersStarted, 1);
  assert.deepEqual(a, b);
  assert.equal(a.result['n'], 200);
  assert.equal(jobs.activeJobs, 0);
});

test('cancelling terminates the worker promptly; a superseded request is stale', { skip: !fs.existsSync(WORKER) && 'run npm run build first' }, async () => {
  const jobs = new JobRunner({ workerFile: WORKER });
  const r = req(BIG);
  const key = await requestKey(r);
  const controller = new AbortController();
  const progress: number[] = [];
  const running = jobs.run(r, key, { signal: controller.signal, onProgress: (n) => progress.push(n) });
  await new Promise((res) => setTimeout(res, 300));
  const t = Date.now();
  controller.abort();
  await assert.rejects(running, CancelledError);
  assert.ok(Date.now() - t < 1000);
  assert.equal(jobs.activeJobs, 0);

  const old = jobs.run(r, key);
  const newer = jobs.run(r, { ...key, inputHash: 'changed' });
  await assert.rejects(old, StaleError);
  assert.equal((await newer).result['n'], 300_000);
});

test('a crashing worker fails its job with WorkerCrashError; bad input is a JobError of kind input', { skip: !fs.existsSync(WORKER) && 'run npm run build first' }, async () => {
  process.env['RLHF_LENS_TEST_HOOKS'] = '1';
  const jobs = new JobRunner({ workerFile: WORKER });
  const crash = req(SMALL, { crash_worker: true });
  await assert.rejects(jobs.run(crash, await requestKey(crash)), WorkerCrashError);
  const bad = req(path.join(tmp, 'missing.jsonl'));
  await assert.rejects(jobs.run(bad, { inputHash: 'x', optionsHash: 'y' }), (e: unknown) => e instanceof JobError && e.kind === 'input' && /missing\.jsonl: no such file/.test(e.message));
  const ok = await jobs.run(req(SMALL), await requestKey(req(SMALL)));
  assert.equal(ok.result['n'], 200);
  assert.equal(jobs.workersStarted, 3);
});

test('store: results survive reopening; a truncated database file is renamed aside and rebuilt', async () => {
  const file = path.join(tmp, 'db', 'engine.sqlite');
  const store = await Store.open(file);
  store.putResult('calibration', 'h1', 'o1', '/x.jsonl', { n: 3, skipped: { count: 0, first: [] } });
  store.recordRun({ analysis: 'calibration', path: '/x.jsonl', status: 'ok', rowsRead: 3 });
  store.close();
  const reopened = await Store.open(file);
  assert.deepEqual(reopened.getResult('calibration', 'h1', 'o1')?.result, { n: 3, skipped: { count: 0, first: [] } });
  assert.equal(reopened.getResult('calibration', 'h1', 'other'), undefined);
  assert.equal(reopened.history()[0]!.rowsRead, 3);
  reopened.close();
  // Corrupt it for real: keep the SQLite header, cut the rest.
  const bytes = fs.readFileSync(file);
  fs.writeFileSync(file, bytes.subarray(0, 120));
  const recovered = await Store.open(file);
  assert.match(recovered.recovered ?? '', /engine\.sqlite\.corrupt-/);
  assert.ok(fs.existsSync(recovered.recovered!));
  assert.equal(recovered.getResult('calibration', 'h1', 'o1'), undefined);
  recovered.putResult('calibration', 'h2', 'o2', '/y.jsonl', { n: 1 });
  recovered.close();
  assert.deepEqual((await Store.open(file)).getResult('calibration', 'h2', 'o2')?.result, { n: 1 });
});

test('atomic write: the target is the old or the new content, and no temp file is left behind', () => {
  const dir = path.join(tmp, 'atomic');
  const target = path.join(dir, 'f.bin');
  writeFileAtomic(target, new Uint8Array([1, 2, 3]));
  writeFileAtomic(target, new Uint8Array([4, 5]));
  assert.deepEqual([...fs.readFileSync(target)], [4, 5]);
  assert.deepEqual(fs.readdirSync(dir), ['f.bin']);
  // A rename that cannot happen (target is a folder) leaves the old state and no temp file.
  const folder = path.join(dir, 'sub');
  fs.mkdirSync(path.join(folder, 'x'), { recursive: true });
  assert.throws(() => writeFileAtomic(folder, new Uint8Array([9])));
  assert.deepEqual(fs.readdirSync(dir).sort(), ['f.bin', 'sub']);
});
