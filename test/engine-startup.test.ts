/**
 * What makes a small command cheap, without changing what it answers: the CLI's compile cache (kept in
 * the user's cache folder, rebuilt when missing or unusable, off with NODE_DISABLE_COMPILE_CACHE=1),
 * and the changed-while-read guard that trusts a file's stats instead of hashing its bytes twice
 * (engine/analyze.ts, engine/hash.ts). Speed itself is measured in bench/engine.ts, not here.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { analyzeWithCache, requestKey, type AnalyzeRequest } from '../server/src/engine/analyze';
import { contentStamp, RACY_MS } from '../server/src/engine/hash';
import { runAnalysis } from '../server/src/engine/run';
import { Store } from '../server/src/engine/store';
import { CLI, ROOT } from './support/lsp';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-startup-'));
const built = fs.existsSync(path.join(ROOT, 'dist', 'server', 'cli.js'));
const PREDS = path.join(ROOT, 'examples', 'workspace', 'eval', 'rm_preds.jsonl');

function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the CLI keeps a compile cache in the user cache folder, and answers the same with it, without it, and with a damaged one', { skip: !built && 'run npm run build first' }, () => {
  const cache = path.join(tmp, 'xdg');
  const env = { XDG_CACHE_HOME: cache, LOCALAPPDATA: cache };
  const dir = path.join(cache, 'rlhf-lens', 'compile-cache');
  const plain = cli(['analyze', 'calibration', PREDS, '--format', 'json'], { ...env, NODE_DISABLE_COMPILE_CACHE: '1' });
  assert.equal(plain.code, 0, plain.stderr);
  assert.ok(!fs.existsSync(dir), 'NODE_DISABLE_COMPILE_CACHE=1 writes no cache');
  const first = cli(['analyze', 'calibration', PREDS, '--format', 'json'], env);
  assert.equal(first.code, 0, first.stderr);
  assert.equal(first.stdout, plain.stdout);
  assert.equal(first.stderr, '', 'nothing on stderr (no experimental-feature warning)');
  const files = fs.readdirSync(dir);
  assert.equal(files.length, 1, files.join(', '));
  const again = cli(['analyze', 'calibration', PREDS, '--format', 'json'], env);
  assert.equal(again.stdout, plain.stdout);
  assert.equal(again.stderr, '');
  // The builtin JSONL reader's stream-chain does import('node:string_decoder'): bundled as require().
  const builtin = spawnSync(process.execPath, [CLI, 'analyze', 'calibration', PREDS, '--format', 'json'], { encoding: 'utf8', env: { ...process.env, ...env, RLHF_LENS_ENGINE: 'builtin' } });
  assert.equal(builtin.stderr, '');
  assert.equal(builtin.stdout, plain.stdout);
  assert.deepEqual(fs.readdirSync(dir), files, 'reused, not rewritten under another name');
  // A cache V8 refuses (damaged, another V8) is replaced; the command runs as usual.
  fs.writeFileSync(path.join(dir, files[0]!), 'not a code cache');
  const damaged = cli(['--version'], env);
  assert.equal(damaged.code, 0, damaged.stderr);
  assert.match(damaged.stdout, /^\d+\.\d+\.\d+/);
  assert.notEqual(fs.readFileSync(path.join(dir, files[0]!), 'utf8'), 'not a code cache');
  // An error of the command itself is reported once (the bundle is not run a second time).
  const bad = cli(['analyze', 'calibration', path.join(tmp, 'missing.jsonl')], env);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr.match(/no such file/g)?.length, 1, bad.stderr);
});

function pairs(file: string, rows: number, seed: number): void {
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) lines.push(JSON.stringify({ chosen_score: ((i * seed) % 97) / 10, rejected_score: ((i * (seed + 3)) % 89) / 10 }));
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

// Files whose mtime and ctime are older than the racy window, so that their stats can vouch for them
// (ctime cannot be set back: the only way is to wait).
const SAME_SIZE = path.join(tmp, 'same-size.jsonl');
const TOUCHED = path.join(tmp, 'touched.jsonl');
pairs(SAME_SIZE, 2000, 7);
pairs(TOUCHED, 500, 11);
const aged = new Promise((r) => setTimeout(r, RACY_MS + 200));

test('changed while read: a rewrite of the same size with its mtime set back is caught (ctime) without a store, and by the bytes with one', async () => {
  await aged;
  const file = SAME_SIZE;
  const req: AnalyzeRequest = { analysis: 'calibration', file, options: {} };
  // First without a store (the stats are trusted: the file is old), then with one (the rewrite made it racy: bytes compared).
  for (const store of [undefined, await Store.open()]) {
    const original = fs.readFileSync(file);
    const before = fs.statSync(file);
    let run = 0;
    const rewrite = async (r: AnalyzeRequest) => {
      const outcome = await runAnalysis(r.analysis, r.file, r.options);
      // Same length, other bytes, mtime restored: only ctime tells.
      const other = Buffer.from(original);
      other[other.indexOf('7'.charCodeAt(0))] = '8'.charCodeAt(0);
      fs.writeFileSync(file, other);
      fs.utimesSync(file, before.atime, before.mtime);
      run++;
      return outcome;
    };
    await assert.rejects(analyzeWithCache(req, rewrite, store), /same-size\.jsonl: changed while it was being read; the result was discarded/);
    assert.equal(run, 1);
    fs.writeFileSync(file, original);
    store?.close();
  }
});

test('changed while read: stats trusted only outside the racy window; a file only touched is unchanged when its bytes were hashed', async () => {
  const file = TOUCHED;
  const just = path.join(tmp, 'just-written.jsonl');
  fs.copyFileSync(file, just);
  // Just written: racy, so even without a store the bytes are hashed first.
  const fresh = await requestKey({ analysis: 'calibration', file: just, options: {} }, false);
  assert.equal(fresh.stamp!.racy, true);
  assert.match(fresh.inputHash, /^[0-9a-f]{64}$/);
  await aged;
  const old = await requestKey({ analysis: 'calibration', file, options: {} }, false);
  assert.equal(old.stamp!.racy, false);
  assert.equal(old.inputHash, '', 'outside the racy window the stats vouch: no hash needed without a store');
  assert.equal((await requestKey({ analysis: 'calibration', file, options: {} })).inputHash, fresh.inputHash, 'with a store the bytes are hashed (the cache key)');
  assert.deepEqual(contentStamp([file]), old.stamp);
  // A touch (same bytes, new times) during the read: with a store the bytes decide, and they are the same.
  const store = await Store.open();
  try {
    const touch = async (r: AnalyzeRequest) => {
      const outcome = await runAnalysis(r.analysis, r.file, r.options);
      fs.utimesSync(file, new Date(), new Date());
      return outcome;
    };
    const answered = await analyzeWithCache({ analysis: 'calibration', file, options: {} }, touch, store);
    assert.equal(answered.cached, false);
    assert.equal(answered.rowsRead, 500);
    const cached = await analyzeWithCache({ analysis: 'calibration', file, options: {} }, touch, store);
    assert.equal(cached.cached, true, 'stored under the hash of the bytes read');
  } finally {
    store.close();
  }
  // A folder: a file added to it changes its stamp.
  const folder = path.join(tmp, 'run');
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(folder, 'a.txt'), 'a');
  const before = contentStamp([folder]);
  fs.writeFileSync(path.join(folder, 'b.txt'), 'b');
  assert.notEqual(contentStamp([folder]).stats, before.stats);
});
