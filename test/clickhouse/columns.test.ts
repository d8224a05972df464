/**
 * Unknown columns of a source, over the language server's protocol against the real two-shard
 * ClickHouse: a check on a connection that names a column its table does not have gets
 * `check/unknown-column` on the key naming it, from the server's own metadata, fetched when the
 * checks run (open, save); a column added to the table is never reported missing from a cached entry.
 * Credentials from the editor's SecretStorage reach the server sealed, are used, and are never logged.
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { clickhouseSkipReason, loadExposures, startCluster, type Cluster } from './harness';

const skip = clickhouseSkipReason();
let cluster: Cluster;
let ws: string;

before(async () => {
  if (skip) return;
  cluster = await startCluster();
  await loadExposures(cluster, 2_000);
  ws = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-ch-columns-'));
  fs.writeFileSync(
    path.join(ws, '.rlhf-lens.yaml'),
    `connections:\n  shards: {type: clickhouse, url: ${cluster.url}}\n  vault: {type: clickhouse, url: ${cluster.url}, user_env: LENS_VAULT_USER, password_env: LENS_VAULT_PASSWORD}\n`,
  );
  fs.writeFileSync(
    path.join(ws, 'typo.experiment.yaml'),
    `apiVersion: rlhf-lens/v1
kind: Experiment
metadata: {name: typo}
variants:
  - {id: control, control: true}
  - {id: b}
metrics:
  - {name: spend, type: continuous, covariate: pre_spnd, primary: true}
`,
  );
});

after(async () => {
  if (skip) return;
  await cluster?.stop();
  if (ws) fs.rmSync(ws, { recursive: true, force: true });
});

const PIPELINE = (ts: string, drift: string) => `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata: {name: columns}
stages:
  - id: serve
    phase: deployment
    checks:
      - analysis: latency
        source: {connection: shards, table: exposures}
        options: {columns: {timestamp: ${ts}}, group_by: adapter}
        assert: {p95: {max: 1000000}}
      - analysis: drift
        source: {connection: shards, table: exposures, where: "variant = 'b'"}
        reference: {where: "variant = 'control'"}
        options: {column: ${drift}}
        assert: {psi: {max: 10}}
      - analysis: ab
        source: {connection: shards, table: exposures}
        options: {experiment: typo.experiment.yaml}
        assert: {p_value: {max: 1}}
`;

test('a column the table does not have is check/unknown-column on the key naming it, from the metadata, on open and save', { skip }, async () => {
  const { LspClient } = await import('../support/lsp');
  const file = path.join(ws, 'columns.pipeline.yaml');
  fs.writeFileSync(file, PIPELINE('tss', 'latncy_ms'));
  const client = await LspClient.start({ rootPath: ws });
  try {
    client.connection.onRequest('workspace/codeLens/refresh', () => null);
    client.connection.onRequest('workspace/diagnostic/refresh', () => null);
    type D = { code: string; message: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } };
    const unknown = async (uri: string) => (await client.request<{ items: D[] }>('textDocument/diagnostic', { textDocument: { uri } })).items.filter((d) => d.code === 'check/unknown-column');
    const until = async (uri: string, want: number): Promise<D[]> => {
      for (let i = 0; i < 300; i++) {
        const got = await unknown(uri);
        if (got.length === want) return got;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.fail(`expected ${want} check/unknown-column diagnostics, got ${JSON.stringify(await unknown(uri))}`);
    };
    const text = PIPELINE('tss', 'latncy_ms');
    const lines = text.split('\n');
    const at = (needle: string) => {
      const line = lines.findIndex((l) => l.includes(needle));
      return { line, character: lines[line]!.indexOf(needle.split(': ').at(-1)!) };
    };
    const uri = client.open(file, text, 'rlhf-pipeline');
    const diags = (await until(uri, 3)).sort((a, b) => a.range.start.line - b.range.start.line);
    assert.match(diags[0]!.message, /^Unknown column "tss": shards:exposures: latency reads column "tss", which the source does not have \(did you mean "ts"\?\); its columns: user_id, variant/);
    assert.deepEqual(diags[0]!.range.start, at('timestamp: tss'), 'on the mapping that names it');
    assert.match(diags[1]!.message, /^Unknown column "latncy_ms": .*drift \(current sample\) reads column "latncy_ms".*\(did you mean "latency_ms"\?\)/);
    assert.deepEqual(diags[1]!.range.start, at('column: latncy_ms'));
    assert.match(diags[2]!.message, /^Unknown column "pre_spnd": .*metric "spend" \(covariate\) reads column "pre_spnd".*\(did you mean "pre_spend"\?\)/);
    assert.deepEqual(diags[2]!.range.start, at('experiment: typo.experiment.yaml'), 'ab: on the Experiment that names it');

    const fixed = PIPELINE('ts', 'latency_ms');
    client.change(uri, fixed);
    // Saved: the checks run again and the two fixed columns are found; the Experiment's typo stays.
    fs.writeFileSync(file, fixed);
    client.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
    const left = await until(uri, 1);
    assert.match(left[0]!.message, /"pre_spnd"/);

    // A column added to the table after its columns were cached is found, not reported missing.
    for (const s of [0, 1]) await cluster.sql(`ALTER TABLE exposures_local ADD COLUMN pre_spnd Float64 DEFAULT pre_spend`, s);
    await cluster.sql(`ALTER TABLE exposures ADD COLUMN pre_spnd Float64`);
    client.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
    await until(uri, 0);
  } finally {
    await client.stop();
  }
});

test('CLI: a missing column of a check is its error, named, and analyze exits 2 with it', { skip }, async () => {
  const { runCli } = await import('../support/cli');
  fs.writeFileSync(path.join(ws, 'cli.pipeline.yaml'), PIPELINE('tss', 'latency_ms'));
  const r = runCli(['check', 'cli.pipeline.yaml', '--format', 'json'], { cwd: ws });
  assert.equal(r.code, 1, r.stderr);
  const checks = JSON.parse(r.stdout).pipelines[0].checks as { error?: string }[];
  assert.match(checks[0]!.error!, /latency reads column "tss", which the source does not have \(did you mean "ts"\?\)/);
  const a = runCli(['analyze', 'drift', '--source', 'shards:exposures', '--where', "variant = 'b'", '--reference-where', "variant = 'control'", '--column', 'latncy_ms'], { cwd: ws });
  assert.equal(a.code, 2);
  assert.match(a.stderr, /^rlhf-lens analyze: shards:exposures: drift \(current sample\) reads column "latncy_ms", which the source does not have \(did you mean "latency_ms"\?\)/m);
});

test('credentials from the editor (SecretStorage): sealed to the server, used for the check, never in its logs', { skip }, async () => {
  const { LspClient } = await import('../support/lsp');
  const { newSecretKey, sealSecrets, SECRET_KEY_ENV } = await import('../../server/src/connections/secrets');
  const key = newSecretKey();
  // As the extension starts the server: the key in its environment (the spawned server inherits it).
  process.env[SECRET_KEY_ENV] = key.toString('base64');
  const file = path.join(ws, 'vault.pipeline.yaml');
  const text = `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata: {name: vault}
stages:
  - id: serve
    phase: deployment
    checks:
      - analysis: latency
        source: {connection: vault, table: exposures}
        options: {columns: {timestamp: ts}}
        assert: {mean: {max: 1}}
`;
  fs.writeFileSync(file, text);
  const client = await LspClient.start({ rootPath: ws });
  delete process.env[SECRET_KEY_ENV];
  const wrong = 'wrong-vault-password-41';
  try {
    client.connection.onRequest('workspace/codeLens/refresh', () => null);
    client.connection.onRequest('workspace/diagnostic/refresh', () => null);
    const items = async (uri: string) => (await client.request<{ items: { code: string; message: string }[] }>('textDocument/diagnostic', { textDocument: { uri } })).items;
    const until = async (uri: string, pred: (d: { code: string; message: string }[]) => boolean) => {
      for (let i = 0; i < 300; i++) {
        const d = await items(uri);
        if (pred(d)) return d;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.fail(`diagnostics never matched: ${JSON.stringify(await items(uri))}`);
    };
    const save = (uri: string) => client.connection.sendNotification('textDocument/didSave', { textDocument: { uri } });
    const uri = client.open(file, text, 'rlhf-pipeline');
    // Nothing stored yet: the check says where the credentials would come from.
    let d = await until(uri, (x) => x.some((e) => e.code === 'check/error'));
    assert.match(d.find((e) => e.code === 'check/error')!.message, /environment variable LENS_VAULT_USER \(user_env\) is not set, and the editor's secret storage has no user for it/);
    // A plain, unsealed value is refused (and the refusal does not repeat it).
    await client.connection.sendNotification('rlhfLens/connectionSecrets', { sealed: Buffer.from(JSON.stringify({ vault: { user: 'lens', password: wrong } })).toString('base64') });
    // The wrong password, sealed: used, refused by ClickHouse, not echoed.
    await client.connection.sendNotification('rlhfLens/connectionSecrets', { sealed: sealSecrets(key, { vault: { user: 'lens', password: wrong } }) });
    save(uri);
    d = await until(uri, (x) => x.some((e) => e.code === 'check/error' && /refused the credentials/.test(e.message)));
    assert.ok(!d.some((e) => e.message.includes(wrong)), 'the password is not in a diagnostic');
    // The right one: the check runs (its assert fails on purpose: a verdict, so the query ran as lens).
    await client.connection.sendNotification('rlhfLens/connectionSecrets', { sealed: sealSecrets(key, { vault: { user: 'lens', password: cluster.password } }) });
    save(uri);
    d = await until(uri, (x) => x.some((e) => e.code === 'check/failed'));
    assert.match(d.find((e) => e.code === 'check/failed')!.message, /latency of vault:exposures/);
    const logged = client.logs.join('\n') + client.stderr;
    assert.match(logged, /rejected rlhfLens\/connectionSecrets: the credentials were not sealed with this server's key/);
    for (const secret of [wrong, cluster.password]) assert.ok(!logged.includes(secret), 'no password in the server log or stderr');
  } finally {
    await client.stop();
  }
});
