/** `connections:` in .rlhf-lens.yaml, credentials from the environment only, and the SQL builders' guards. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseConnections, parseSourceArg } from '../server/src/connections/config';
import { resolveCredentials } from '../server/src/connections/credentials';
import { parseRuleSettings } from '../server/src/workspace/rule-settings';
import { clickhouse, duckdb, fromClause } from '../server/src/sql/dialect';
import { buildAbQueries } from '../server/src/sql/ab';

test('connections: parsed with defaults; secrets in the file are refused without echoing them', () => {
  const r = parseConnections(
    {
      prod: { type: 'clickhouse', url: 'http://ch:8123/', database: 'analytics', user_env: 'CH_USER', password_env: 'CH_PASSWORD', timeout_ms: 5000 },
      leaky: { type: 'clickhouse', url: 'http://ch:8123', password: 'hunter2' },
      inurl: { type: 'clickhouse', url: 'http://bob:hunter2@ch:8123' },
      pg: { type: 'postgres', url: 'http://x' },
      bad_env: { type: 'clickhouse', url: 'http://ch:8123', password_env: 'not a name' },
    },
    '.rlhf-lens.yaml',
  );
  assert.deepEqual(Object.keys(r.connections), ['prod']);
  assert.deepEqual(r.connections['prod'], { name: 'prod', type: 'clickhouse', url: 'http://ch:8123', database: 'analytics', userEnv: 'CH_USER', passwordEnv: 'CH_PASSWORD', timeoutMs: 5000 });
  assert.equal(r.problems.length, 4);
  assert.match(r.problems.join('\n'), /connection "leaky": "password" is not read from the settings file .* use password_env/);
  assert.match(r.problems.join('\n'), /connection "inurl": the url must not contain a user or password/);
  assert.ok(!r.problems.join('\n').includes('hunter2'), 'no secret in any message');
  const settings = parseRuleSettings('rules: {experiment/underpowered: off}\nconnections:\n  a: {type: clickhouse, url: "http://localhost:8123"}\n', 'x');
  assert.deepEqual(Object.keys(settings.connections ?? {}), ['a']);
  assert.equal(settings.severities['experiment/underpowered'], 'off');
});

test('credentials: env variables named by the connection, then SecretStorage; missing ones are an error naming the variable', () => {
  const conn = parseConnections({ c: { type: 'clickhouse', url: 'http://h:1', user_env: 'U', password_env: 'P' } }, 'f').connections['c']!;
  assert.deepEqual(resolveCredentials(conn, { U: 'alice', P: 's3cret' }), { username: 'alice', password: 's3cret' });
  assert.deepEqual(resolveCredentials(conn, {}, { 'rlhfLens.connection.c.user': 'bob', 'rlhfLens.connection.c.password': 'pw' }), { username: 'bob', password: 'pw' });
  assert.throws(() => resolveCredentials(conn, { U: 'alice' }), /environment variable P \(password_env\) is not set/);
  const anon = parseConnections({ c: { type: 'clickhouse', url: 'http://h:1' } }, 'f').connections['c']!;
  assert.deepEqual(resolveCredentials(anon, { PASSWORD: 'x' }), { username: 'default', password: '' });
});

test('--source CONNECTION:TABLE', () => {
  assert.deepEqual(parseSourceArg('prod-logs:ab_exposures'), { connection: 'prod-logs', table: 'ab_exposures' });
  assert.deepEqual(parseSourceArg('prod:analytics.exposures'), { connection: 'prod', table: 'analytics.exposures' });
  assert.equal(parseSourceArg('prod:drop table x'), undefined);
  assert.equal(parseSourceArg('no-colon'), undefined);
});

test('SQL builders: identifiers are checked, literals escaped, a query with ; or FORMAT refused', () => {
  assert.throws(() => fromClause(clickhouse, { table: 'x; DROP TABLE y' }), /not a plain name/);
  assert.throws(() => fromClause(clickhouse, { query: 'SELECT 1; DROP TABLE y' }), /one statement/);
  assert.throws(() => fromClause(clickhouse, { query: 'SELECT 1 FORMAT CSV' }), /FORMAT/);
  assert.throws(() => fromClause(clickhouse, {}), /exactly one of table or query/);
  assert.equal(clickhouse.str("it's \\ ok"), "'it\\'s \\\\ ok'");
  assert.equal(duckdb.str("it's"), "'it''s'");
  const metrics = [{ name: 'ok', type: 'binomial' as const, column: 'ok' }];
  assert.throws(() => buildAbQueries(clickhouse, { table: 't' }, { metrics: [{ name: 'x', type: 'binomial', column: 'a`b' }], variantColumn: 'variant', confidence: 0.95 }), /not a plain name/);
  const q = buildAbQueries(clickhouse, { table: 'db.t', where: "ts >= '2026-11-01'" }, { metrics, variantColumn: 'variant', confidence: 0.95 });
  assert.match(q.sql, /FROM `db`\.`t`\nWHERE ts >= '2026-11-01'\nGROUP BY variant/);
  const d = buildAbQueries(duckdb, { table: 't' }, { metrics, variantColumn: 'variant', confidence: 0.95 });
  assert.match(d.sql, /CAST\("variant" AS VARCHAR\) AS variant/);
  // Decoding: 64-bit counts as strings, NULL variants counted as skipped.
  const out = q.decode([
    { variant: 'a', units: '10', m0_n: '10', m0_s: 3 },
    { variant: null, units: '2', m0_n: '2', m0_s: 1 },
  ]);
  assert.deepEqual(out.input.units, { a: 10 });
  assert.equal(out.skippedUnits, 2);
  assert.deepEqual(out.input.metrics[0], { name: 'ok', type: 'binomial', byVariant: { a: { n: 10, successes: 3 } } });
});
