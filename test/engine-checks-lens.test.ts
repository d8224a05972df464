/** Code lens verdicts belong to their own pipeline: two open pipelines with the same stage id show their own outcomes. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient } from './support/lsp';

const pipeline = (min: number) => `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata: {name: gates}
stages:
  - id: eval
    phase: evaluation
    checks:
      - analysis: calibration
        data: preds.jsonl
        assert: {accuracy: {min: ${min}}}
`;

test('two pipelines sharing a stage id each show their own check verdict', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-lens-'));
  fs.writeFileSync(path.join(dir, 'preds.jsonl'), ['{"confidence": 0.9, "correct": 1}', '{"confidence": 0.8, "correct": 1}', '{"confidence": 0.6, "correct": 0}', '{"confidence": 0.7, "correct": 1}'].join('\n'));
  const strict = path.join(dir, 'strict.pipeline.yaml');
  const lenient = path.join(dir, 'lenient.pipeline.yaml');
  fs.writeFileSync(strict, pipeline(0.9));
  fs.writeFileSync(lenient, pipeline(0.5));
  const client = await LspClient.start({ rootPath: dir });
  try {
    const diagnosticsFor = (uri: string) => client.request<{ items: { code: string }[] }>('textDocument/diagnostic', { textDocument: { uri } });
    const lensTitles = async (uri: string) =>
      (await client.request<{ command?: { title: string } }[]>('textDocument/codeLens', { textDocument: { uri } })).map((l) => l.command?.title ?? '').filter((t) => t.startsWith('Run check'));
    client.connection.onRequest('workspace/codeLens/refresh', () => null);
    let refreshes = 0;
    let bothDone: () => void = () => undefined;
    const done = new Promise<void>((r) => (bothDone = r));
    client.connection.onRequest('workspace/diagnostic/refresh', () => {
      if (++refreshes >= 2) bothDone();
      return null;
    });
    const strictUri = client.open(strict, pipeline(0.9), 'rlhf-pipeline');
    const lenientUri = client.open(lenient, pipeline(0.5), 'rlhf-pipeline');
    await done;
    // Both evaluations have finished once their diagnostics say so.
    for (let i = 0; i < 50; i++) {
      const s = await diagnosticsFor(strictUri);
      if (s.items.some((d) => d.code === 'check/failed')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.deepEqual(await lensTitles(strictUri), ['Run check (✗ accuracy 0.75 < min 0.9)']);
    assert.deepEqual(await lensTitles(lenientUri), ['Run check (✓ accuracy 0.75 >= 0.5)']);
  } finally {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
