/** More inputs: `.zst`, folders as users point at them (checkpoint-N/, Lightning version_N/), Git LFS pointers. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openDataSource } from '../server/src/ingest/read';
import type { SourceRow } from '../server/src/ingest/rows';
import { contentHash } from '../server/src/engine/hash';
import { ROOT } from './support/lsp';
import { runCli } from './support/cli';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-inputs-'));
const ZST = path.join(ROOT, 'test', 'fixtures', 'data', 'rm_preds-300.jsonl.zst');
const PLAIN = path.join(ROOT, 'examples', 'workspace', 'eval', 'rm_preds.jsonl');

async function readAll(file: string) {
  const source = await openDataSource(file);
  const rows: SourceRow[] = [];
  for await (const r of source.rows) rows.push(r);
  return { source, rows };
}

test('.zst files are read like .gz: the same rows as the plain file, format from the inner name', async () => {
  const { source, rows } = await readAll(ZST);
  assert.equal(source.format, 'jsonl');
  const expected = fs.readFileSync(PLAIN, 'utf8').split('\n').slice(0, 300).map((l) => JSON.parse(l) as unknown);
  assert.deepEqual(rows.map((r) => r.value), expected);
  const r = runCli(['analyze', 'calibration', ZST, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { n: number }).n, 300);
  const bad = path.join(tmp, 'bad.jsonl.zst');
  fs.writeFileSync(bad, Buffer.from('definitely not zstd'));
  const b = runCli(['analyze', 'calibration', bad]);
  assert.equal(b.code, 2);
  assert.match(b.stderr, /bad\.jsonl\.zst: not a valid zstd file/);
});

test('an HF checkpoint-N/ folder is its trainer_state.json (hashed alone, not with the weights); a Lightning version_N/ its metrics.csv', async () => {
  const ckpt = path.join(tmp, 'out', 'checkpoint-500');
  fs.mkdirSync(ckpt, { recursive: true });
  fs.writeFileSync(path.join(ckpt, 'trainer_state.json'), JSON.stringify({ global_step: 500, log_history: [{ step: 250, loss: 1.2 }, { step: 500, loss: 0.9 }] }));
  fs.writeFileSync(path.join(ckpt, 'model.safetensors'), Buffer.alloc(1024));
  const c = await readAll(ckpt);
  assert.equal(c.source.format, 'trainer_state');
  assert.equal(c.source.run, 'checkpoint-500');
  assert.equal(c.rows.length, 2);
  const before = await contentHash([ckpt]);
  fs.writeFileSync(path.join(ckpt, 'model.safetensors'), Buffer.alloc(2048));
  assert.equal(await contentHash([ckpt]), before, 'the weights are not part of the input');
  const r = runCli(['analyze', 'training', ckpt, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { metrics: Record<string, { last: number }> }).metrics['loss']!.last, 0.9);

  const version = path.join(tmp, 'lightning_logs', 'version_3');
  fs.mkdirSync(version, { recursive: true });
  fs.writeFileSync(path.join(version, 'metrics.csv'), 'epoch,step,train_loss,val_loss\n0,49,2.5,\n0,99,2.1,\n0,99,,2.3\n');
  fs.writeFileSync(path.join(version, 'hparams.yaml'), 'lr: 0.001\n');
  const v = await readAll(version);
  assert.equal(v.source.format, 'csv');
  assert.equal(v.rows.length, 3);
  assert.deepEqual(v.rows[2]!.value, { epoch: '0', step: '99', val_loss: '2.3' });
});

test('a Git LFS pointer is named as such, with the git lfs pull hint, instead of a parse error', () => {
  const pointer = path.join(tmp, 'train-00000-of-00001.parquet');
  fs.writeFileSync(pointer, 'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345678\n');
  for (const name of [pointer, path.join(tmp, 'preds.jsonl')]) {
    if (name !== pointer) fs.copyFileSync(pointer, name);
    const r = runCli(['analyze', 'calibration', name]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`${path.basename(name).replace(/\./g, '\\.')}: is a Git LFS pointer, not the data itself \\(the real file has 12,345,678 bytes\\); run \`git lfs pull\``));
  }
});
