/**
 * The analysis registry: descriptors (config side) and runners (engine side) agree, and an analysis
 * added through the registry alone (a module defined in this test, no other file touched) runs from
 * the CLI in-process, in the language server's worker, and as a pipeline check the linter accepts.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ANALYSIS_DESCRIPTORS, INGEST_OPTIONS } from '../server/src/config/analyses/registry';
import { analysisNames, registerAnalysis, runnerFor, TEST_ANALYSES_ENV } from '../server/src/engine/analyses/registry';
import { main } from '../server/src/cli/main';
import { LspClient } from './support/lsp';

test('every descriptor has a runner and every runner a descriptor, and option names are unambiguous per analysis', () => {
  assert.deepEqual(ANALYSIS_DESCRIPTORS.map((d) => d.name), analysisNames());
  for (const d of ANALYSIS_DESCRIPTORS) {
    assert.equal(runnerFor(d.name)?.descriptor, d, d.name);
    const names = d.options.map((o) => o.name);
    assert.equal(new Set(names).size, names.length, `${d.name}: duplicate option`);
    for (const o of d.options) assert.ok(!INGEST_OPTIONS.some((i) => i.name === o.name), `${d.name}.${o.name} shadows an ingest option`);
    assert.ok(d.metrics.length > 0, `${d.name} declares metrics`);
  }
});

/** A whole analysis as a plain CommonJS module: mean of a column, asserted as `mean` and `rows`. */
const PLUGIN = `
module.exports = {
  descriptor: {
    name: 'column-mean',
    description: 'Mean of one numeric column (an analysis defined by a test).',
    inputs: 'rows with a numeric column',
    options: [{ name: 'field', description: 'The column.', read: (v, name) => { if (typeof v !== 'string') throw new Error(name + ' must be a string'); return v; } }],
    metrics: [{ name: 'mean', description: 'Mean.' }, { name: 'rows', description: 'Rows used.' }],
  },
  async load(ctx) {
    const source = await ctx.open(ctx.file);
    const field = ctx.options.field || 'x';
    const xs = [];
    for await (const row of source.rows) {
      const x = row.value[field];
      if (typeof x === 'number') xs.push(x);
      else source.skipped.add(row.line, field + ' is not a number');
    }
    return xs;
  },
  run: (xs) => ({ rows: xs.length, mean: xs.reduce((a, b) => a + b, 0) / xs.length }),
};
`;

const PIPELINE = (max: number) => `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata: {name: plugin-gate}
stages:
  - id: eval
    phase: evaluation
    checks:
      - analysis: column-mean
        data: values.jsonl
        options: {field: score}
        assert: {mean: {max: ${max}}, rows: {min: 3}}
`;

function workspace(): { dir: string; plugin: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-registry-'));
  fs.writeFileSync(path.join(dir, 'values.jsonl'), ['{"score": 1}', '{"score": 2}', '{"score": 6}', '{"score": "n/a"}'].join('\n') + '\n');
  fs.writeFileSync(path.join(dir, 'gate.pipeline.yaml'), PIPELINE(5));
  const plugin = path.join(dir, 'column-mean.cjs');
  fs.writeFileSync(plugin, PLUGIN);
  return { dir, plugin };
}

test('an analysis registered in a test runs through the CLI in-process: analyze and check', async () => {
  const { dir, plugin } = workspace();
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    registerAnalysis(require(plugin));
    let out = '';
    let err = '';
    const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t), cwd: dir };
    assert.equal(await main(['analyze', 'column-mean', 'values.jsonl', '--option', 'field=score', '--format', 'json'], io), 0, err);
    const json = JSON.parse(out) as { mean: number; rows: number; skipped: { count: number } };
    assert.deepEqual({ mean: json.mean, rows: json.rows, skipped: json.skipped.count }, { mean: 3, rows: 3, skipped: 1 });
    out = '';
    assert.equal(await main(['check', 'gate.pipeline.yaml', '--format', 'json'], io), 0, err + out);
    const report = JSON.parse(out) as { summary: { passed: number; failed: number } };
    assert.deepEqual(report.summary, { checks: 1, passed: 1, failed: 0, skipped: 0 });
    out = '';
    assert.equal(await main(['lint', 'gate.pipeline.yaml', '--format', 'json'], io), 0, out);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an analysis registered through the registry test hook runs in the language server: analyze, lint and check', async () => {
  const { dir, plugin } = workspace();
  const saved = { hooks: process.env['RLHF_LENS_TEST_HOOKS'], analyses: process.env[TEST_ANALYSES_ENV] };
  process.env['RLHF_LENS_TEST_HOOKS'] = '1';
  process.env[TEST_ANALYSES_ENV] = plugin;
  const client = await LspClient.start({ rootPath: dir });
  process.env['RLHF_LENS_TEST_HOOKS'] = saved.hooks;
  process.env[TEST_ANALYSES_ENV] = saved.analyses;
  if (saved.hooks === undefined) delete process.env['RLHF_LENS_TEST_HOOKS'];
  if (saved.analyses === undefined) delete process.env[TEST_ANALYSES_ENV];
  try {
    client.connection.onRequest('workspace/codeLens/refresh', () => null);
    client.connection.onRequest('workspace/diagnostic/refresh', () => null);
    const analyzed = await client.request<{ result: { mean: number; rows: number }; skipped: { count: number } }>('rlhfLens/analyze', {
      analysis: 'column-mean',
      path: path.join(dir, 'values.jsonl'),
      options: { field: 'score' },
    });
    assert.deepEqual({ ...analyzed.result, skipped: analyzed.skipped.count }, { mean: 3, rows: 3, skipped: 1 });
    const file = path.join(dir, 'gate.pipeline.yaml');
    const diagnostics = await client.openAndWait(file, PIPELINE(2), 'rlhf-pipeline');
    assert.deepEqual(diagnostics.map((d) => d.code), [], 'the linter knows the registered analysis and its metrics');
    const results = await client.request<{ passed: boolean; asserts: { message: string }[] }[]>('rlhfLens/runCheck', { uri: pathToFileURL(file).toString(), stageId: 'eval', checkIndex: 0 });
    assert.deepEqual(
      results.map((r) => [r.passed, r.asserts.map((a) => a.message)]),
      [[false, ['mean 3 > max 2', 'rows 3 >= 3']]],
    );
  } finally {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
