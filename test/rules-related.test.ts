/** Related information: a cycle lists every edge, a duplicate stage points at the first definition (CLI JSON and LSP agree). */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient } from './support/lsp';
import { runCli } from './support/cli';

const TEXT = `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata: {name: related}
stages:
  - id: a
    phase: training
    needs: [c]
  - id: b
    phase: training
    needs: [a]
  - id: c
    phase: training
    needs: [b]
  - id: a
    phase: training
`;

interface Related {
  range: { start: { line: number; character: number } };
  message: string;
}

test('a cycle names every edge and a duplicate stage points at the first one, in the CLI and the server', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-related-'));
  const file = path.join(dir, 'p.pipeline.yaml');
  fs.writeFileSync(file, TEXT);
  const out = JSON.parse(runCli(['lint', '--format', 'json', file]).stdout) as { files: { diagnostics: { code: string; message: string; related?: Related[] }[] }[] };
  const diags = out.files[0]!.diagnostics;
  const cycle = diags.find((d) => d.code === 'pipeline/cycle')!;
  assert.match(cycle.message, /a -> c -> b -> a/);
  assert.deepEqual(
    cycle.related!.map((r) => [r.range.start.line, r.range.start.character, r.message]),
    [
      [6, 12, '"a" needs "c"'],
      [12, 12, '"c" needs "b"'],
      [9, 12, '"b" needs "a"'],
    ],
  );
  const dup = diags.find((d) => d.code === 'pipeline/duplicate-stage')!;
  assert.deepEqual(dup.related!.map((r) => [r.range.start.line, r.range.start.character]), [[4, 8]]);

  const client = await LspClient.start({ rootPath: dir });
  try {
    const lsp = await client.openAndWait(file, TEXT, 'rlhf-pipeline');
    const lspCycle = lsp.find((d) => d.code === 'pipeline/cycle')!;
    assert.equal(lspCycle.relatedInformation!.length, 3);
    assert.ok(lspCycle.relatedInformation!.every((r) => r.location.uri.endsWith('/p.pipeline.yaml')));
    assert.deepEqual(lspCycle.relatedInformation!.map((r) => r.location.range.start), cycle.related!.map((r) => r.range.start));
  } finally {
    await client.stop();
  }
});
