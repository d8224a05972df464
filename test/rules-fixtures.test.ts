/**
 * Every annotated fixture under test/fixtures/rules/ is checked through the real language server
 * (one process, over stdio) and through the CLI (`rlhf-lens lint --format json`): each must report
 * exactly the (line, severity, code) set its comments announce, and both must agree on ranges.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient, ROOT } from './support/lsp';
import { runCli } from './support/cli';
import { diagnosticKey, expectedDiagnostics, SEVERITY_BY_NUMBER } from './support/annotations';
import { kindFromPath, LANGUAGE_IDS } from '../server/src/config/kind';
import { RULES } from '../server/src/config/rules/registry';
import { SCHEMA_CODES } from '../server/src/config/schema';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'rules');

function fixtureFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...fixtureFiles(path.join(dir, e.name), r));
    else if (/\.ya?ml$/.test(e.name)) out.push(r);
  }
  return out;
}

const files = fixtureFiles(FIXTURES);
const expected = new Map(files.map((f) => [f, expectedDiagnostics(fs.readFileSync(path.join(FIXTURES, f), 'utf8'))]));

interface CliDiagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  severity: string;
  code: string;
}
let cliByFile: Map<string, CliDiagnostic[]> | undefined;

function cliResults(): Map<string, CliDiagnostic[]> {
  if (cliByFile) return cliByFile;
  const r = runCli(['lint', '--format', 'json', '.'], { cwd: FIXTURES });
  assert.ok(r.code === 0 || r.code === 1, `lint exited ${r.code}: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as { files: { path: string; diagnostics: CliDiagnostic[] }[] };
  cliByFile = new Map(out.files.map((f) => [f.path.split(path.sep).join('/'), f.diagnostics]));
  return cliByFile;
}

test('there are fixtures, with and without expected diagnostics', () => {
  assert.ok(files.length >= 10, `only ${files.length} fixtures`);
  assert.ok([...expected.values()].some((e) => e.length === 0));
  assert.ok([...expected.values()].some((e) => e.length > 0));
});

test('every pipeline, meta, expr, check, ref and schema code is exercised by some fixture', () => {
  const codes = new Set([...expected.values()].flat().map((k) => k.split(' ')[2]));
  const mine = [...RULES.map((r) => r.id).filter((id) => /^(meta|pipeline|expr|check|ref)\//.test(id)), ...SCHEMA_CODES];
  assert.deepEqual(mine.filter((c) => !codes.has(c)), []);
});

test('the CLI reports exactly the annotated diagnostics of every fixture', () => {
  const cli = cliResults();
  const failures: string[] = [];
  for (const f of files) {
    const actual = (cli.get(f) ?? []).map((d) => diagnosticKey(d.range.start.line, d.severity, d.code)).sort();
    if (JSON.stringify(actual) !== JSON.stringify(expected.get(f))) {
      failures.push(`${f}\n  expected ${JSON.stringify(expected.get(f))}\n  actual   ${JSON.stringify(actual)}`);
    }
  }
  assert.equal(failures.join('\n'), '');
});

test('the language server publishes exactly the annotated diagnostics, at the same ranges as the CLI', async () => {
  const cli = cliResults();
  const client = await LspClient.start({ rootPath: FIXTURES });
  const failures: string[] = [];
  try {
    for (const f of files) {
      const abs = path.join(FIXTURES, f);
      const kind = kindFromPath(abs);
      const diags = await client.openAndWait(abs, fs.readFileSync(abs, 'utf8'), kind ? LANGUAGE_IDS[kind] : 'yaml');
      void client.connection.sendNotification('textDocument/didClose', { textDocument: { uri: pathToFileURL(abs).toString() } });
      const actual = diags.map((d) => diagnosticKey(d.range.start.line, SEVERITY_BY_NUMBER[d.severity ?? 1]!, String(d.code))).sort();
      if (JSON.stringify(actual) !== JSON.stringify(expected.get(f))) {
        failures.push(`${f}\n  expected ${JSON.stringify(expected.get(f))}\n  actual   ${JSON.stringify(actual)}`);
        continue;
      }
      const fromServer = diags.map((d) => `${String(d.code)} ${JSON.stringify(d.range)}`).sort();
      const fromCli = (cli.get(f) ?? []).map((d) => `${d.code} ${JSON.stringify(d.range)}`).sort();
      if (JSON.stringify(fromServer) !== JSON.stringify(fromCli)) failures.push(`${f}: server and CLI ranges differ\n  ${fromServer.join('\n  ')}\n  vs\n  ${fromCli.join('\n  ')}`);
    }
  } finally {
    await client.stop();
  }
  assert.equal(failures.join('\n'), '');
});
