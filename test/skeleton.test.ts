/** The frame works end to end: a YAML syntax error is reported with the right position by the CLI and by the server. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient } from './support/lsp';
import { runCli } from './support/cli';

const BROKEN = `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata:
  name: broken
stages:
  - id: a
    run: [python, a.py
  - id: b
`;

function tmpFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-'));
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

test('lint --format json reports a YAML syntax error with 0-based LSP positions', () => {
  const file = tmpFile('broken.pipeline.yaml', BROKEN);
  const r = runCli(['lint', '--format', 'json', file]);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout) as { files: { path: string; diagnostics: { code: string; severity: string; range: { start: { line: number; character: number } } }[] }[]; summary: { errors: number } };
  assert.equal(out.files.length, 1);
  assert.equal(out.files[0]!.path, file);
  const syntax = out.files[0]!.diagnostics.filter((d) => d.code === 'yaml/syntax');
  assert.ok(syntax.length >= 1, JSON.stringify(out));
  // The unterminated flow sequence opens on line 7 (0-based 6); the parser reports where it noticed.
  assert.equal(syntax[0]!.severity, 'error');
  assert.ok(syntax[0]!.range.start.line >= 6 && syntax[0]!.range.start.line <= 7, JSON.stringify(syntax[0]));
  assert.ok(out.summary.errors >= 1);
});

test('lint --format text prints path:line:col severity code message, 1-based', () => {
  const file = tmpFile('dup.pipeline.yaml', 'apiVersion: rlhf-lens/v1\nkind: Pipeline\nkind: Experiment\n');
  const r = runCli(['lint', file]);
  assert.equal(r.code, 1);
  assert.match(r.stdout, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:1 error yaml/duplicate-key Duplicate key "kind"`, 'm'));
});

test('lint exits 0 on a clean file and 2 on a missing path or bad option', () => {
  const ok = tmpFile(
    'ok.training.yaml',
    'apiVersion: rlhf-lens/v1\nkind: TrainingConfig\nmetadata: {name: ok}\nmethod: sft\nbase_model: gpt2\ndataset: {train: https://example.com/train.jsonl}\n',
  );
  assert.equal(runCli(['lint', ok]).code, 0);
  const missing = runCli(['lint', '/nonexistent/x.pipeline.yaml']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file/);
  assert.equal(runCli(['lint', '--format', 'xml', ok]).code, 2);
  assert.equal(runCli(['frobnicate']).code, 2);
});

test('every subcommand answers --help', () => {
  for (const cmd of ['lint', 'lsp']) {
    const r = runCli([cmd, '--help']);
    assert.equal(r.code, 0, cmd);
    assert.match(r.stdout, /Usage: rlhf-lens/);
  }
});

test('the server over stdio publishes the same syntax error, with code, source and rule link', async () => {
  const file = tmpFile('broken.pipeline.yaml', BROKEN);
  const client = await LspClient.start({ rootPath: path.dirname(file) });
  try {
    const diags = await client.openAndWait(file, BROKEN, 'rlhf-pipeline');
    const cli = JSON.parse(runCli(['lint', '--format', 'json', file]).stdout) as { files: { diagnostics: { range: unknown; code: string }[] }[] };
    const syntax = diags.filter((d) => d.code === 'yaml/syntax');
    assert.ok(syntax.length >= 1);
    assert.equal(syntax[0]!.source, 'rlhf-lens');
    assert.equal(syntax[0]!.severity, 1);
    assert.match(syntax[0]!.codeDescription!.href, /docs\/rules\/yaml\/syntax\.md$/);
    // The editor and the CLI are the same code: same codes at the same ranges.
    assert.deepEqual(
      diags.map((d) => [d.code, d.range]),
      cli.files[0]!.diagnostics.map((d) => [d.code, d.range]),
    );
    // Fixing the text clears the error.
    const uri = [...client.published.keys()][0]!;
    const fixed = BROKEN.replace('[python, a.py', '[python, a.py]');
    client.change(uri, fixed);
    const after = await client.diagnostics(uri);
    assert.deepEqual(after.diagnostics.filter((d) => String(d.code).startsWith('yaml/')), []);
  } finally {
    await client.stop();
  }
});
