/** "Validate Workspace" over the real protocol: files the user has not opened get their problems published. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from './support/lsp';

test('validateWorkspace checks unopened files, respects .gitignore and counts problems', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-validate-'));
  fs.mkdirSync(path.join(root, 'pipelines'));
  fs.mkdirSync(path.join(root, 'ignored'));
  fs.writeFileSync(path.join(root, '.gitignore'), 'ignored/\n');
  const broken = 'apiVersion: rlhf-lens/v1\nkind: Pipeline\nmetadata: {name: p}\nstages:\n  - id: a\n    phase: training\n    needs: [b]\n';
  fs.writeFileSync(path.join(root, 'pipelines', 'p.pipeline.yaml'), broken);
  fs.writeFileSync(path.join(root, 'ignored', 'q.pipeline.yaml'), broken);
  fs.writeFileSync(path.join(root, 'notes.yaml'), 'just: yaml\n');
  const client = await LspClient.start({ rootPath: root });
  try {
    const uri = pathToFileURL(path.join(root, 'pipelines', 'p.pipeline.yaml')).toString();
    const published = client.diagnostics(uri, () => true);
    const result = await client.request<{ files: number; errors: number; warnings: number }>('rlhfLens/validateWorkspace', {});
    assert.equal(result.files, 1, 'the ignored folder and the plain YAML file are not checked');
    const diags = (await published).diagnostics;
    assert.deepEqual(diags.map((d) => d.code), ['pipeline/unknown-need']);
    assert.equal(result.errors, 1);
    assert.equal(result.warnings, 0);
    const ignoredUri = pathToFileURL(path.join(root, 'ignored', 'q.pipeline.yaml')).toString();
    assert.equal(client.published.has(ignoredUri), false);
  } finally {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('an untitled buffer in an RLHF Lens language is checked (a "New Pipeline" before it is saved)', async () => {
  const client = await LspClient.start({});
  try {
    const text = 'apiVersion: rlhf-lens/v1\nkind: Pipeline\nmetadata: {name: p}\nstages:\n  - id: a\n    phase: training\n    needs: [zz]\n';
    const diags = await client.openAndWait('untitled:Untitled-1', text, 'rlhf-pipeline');
    assert.deepEqual(diags.map((d) => d.code), ['pipeline/unknown-need']);
    // Plain YAML in an untitled buffer is checked when the kind detector recognises its content ...
    const plain = await client.openAndWait('untitled:Untitled-2', text, 'yaml');
    assert.deepEqual(plain.map((d) => d.code), ['pipeline/unknown-need']);
    // ... and left alone otherwise.
    const other = await client.openAndWait('untitled:Untitled-3', 'services:\n  web:\n    image: nginx\n', 'yaml');
    assert.deepEqual(other, []);
  } finally {
    await client.stop();
  }
});
