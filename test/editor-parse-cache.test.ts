/**
 * One parse per document version with the user's limits, and one workspace file service: a lowered
 * rlhfLens.limits.* applies to hover and completion as it does to lint, and hover reads an unsaved
 * data file buffer instead of the disk.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient } from './support/lsp';

const TRAINING = `apiVersion: rlhf-lens/v1
kind: TrainingConfig
metadata: {name: sft}
method: sft
base_model: meta-llama/Llama-3.1-8B-Instruct
dataset: {train: data.jsonl, format: sft}
hyperparameters:
  epochs: 1
  batch_size: 2
  learning_rate: 2.0e-5
hardware: {gpus: 1, gpu_memory: 80GB}
`;
const rows = (n: number) => Array.from({ length: n }, (_, i) => JSON.stringify({ prompt: `p${i}`, completion: `c${i}` })).join('\n') + '\n';
const hoverText = async (client: LspClient, uri: string, line: number, character: number): Promise<string | null> => {
  const h = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line, character } });
  return h?.contents.value ?? null;
};
/** A pipeline longer than 1,000 characters (the lowest maxDocumentChars) with room for a cursor. */
const LONG = `apiVersion: rlhf-lens/v1\nkind: Pipeline\nmetadata:\n  name: long\n  description: ${'x'.repeat(1200)}\nstages:\n  - id: a\n    phase: training\n    \n`;

test('a lowered rlhfLens.limits.maxDocumentChars applies to hover and completion, not only to lint', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-parse-cache-'));
  const strict = await LspClient.start({ rootPath: dir, configuration: (s) => (s === 'rlhfLens' ? { limits: { maxDocumentChars: 1000 } } : null) });
  const lenient = await LspClient.start({ rootPath: dir });
  try {
    await strict.request('rlhfLens/status', {});
    const file = path.join(dir, 'long.pipeline.yaml');
    const refused = await strict.openAndWait(file, LONG, 'rlhf-pipeline');
    assert.deepEqual(refused.map((d) => d.code), ['yaml/limit']);
    const accepted = await lenient.openAndWait(file, LONG, 'rlhf-pipeline');
    assert.equal(accepted.some((d) => d.code === 'yaml/limit'), false);
    const uri = `file://${file}`;
    const cursor = { line: 8, character: 4 };
    const completion = (c: LspClient) => c.request<{ label: string }[] | { items: { label: string }[] }>('textDocument/completion', { textDocument: { uri }, position: cursor });
    const labels = (r: { label: string }[] | { items: { label: string }[] }) => (Array.isArray(r) ? r : r.items).map((i) => i.label);
    assert.ok(labels(await completion(lenient)).includes('needs'), 'the default limits complete stage keys');
    assert.deepEqual(labels(await completion(strict)), []);
    assert.match((await hoverText(lenient, uri, 1, 1)) ?? '', /kind/i);
    assert.equal(await hoverText(strict, uri, 1, 1), null);
  } finally {
    await strict.stop();
    await lenient.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('hover reads an unsaved data file buffer, not the disk', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-buffers-'));
  fs.writeFileSync(path.join(dir, 'data.jsonl'), rows(4));
  const file = path.join(dir, 'sft.training.yaml');
  fs.writeFileSync(file, TRAINING);
  const client = await LspClient.start({ rootPath: dir });
  try {
    const uri = `file://${file}`;
    await client.openAndWait(file, TRAINING, 'rlhf-training');
    const line = TRAINING.split('\n').findIndex((l) => l.includes('batch_size'));
    assert.match((await hoverText(client, uri, line, 4)) ?? '', /\*\*Optimizer steps:\*\* 4 rows \/ 2 = 2 per epoch/);
    // The data file is open with rows not yet saved: hover counts those.
    await client.openAndWait(path.join(dir, 'data.jsonl'), rows(10), 'jsonl');
    assert.match((await hoverText(client, uri, line, 4)) ?? '', /\*\*Optimizer steps:\*\* 10 rows \/ 2 = 5 per epoch/);
  } finally {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
