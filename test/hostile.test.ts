/**
 * Hostile and broken config files, through the real server over stdio and through the CLI:
 * each gets a clear diagnostic (or none, where the file is fine) and the server keeps serving (timings: bench/hostile.ts).
 */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient, ROOT, type LspDiagnostic } from './support/lsp';
import { runCli } from './support/cli';
import { mulberry32 } from './support/prng';
import { assertWellFormed } from './support/well-formed';

const HOSTILE = path.join(ROOT, 'test', 'hostile');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-hostile-'));

interface Case {
  name: string;
  file: string;
  /** Rule ids that must be reported (empty: the file must lint clean of yaml/* problems). */
  expect: string[];
  /** Rule ids that must not appear. */
  forbid?: string[];
}

function generated(name: string, content: string | Buffer): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, content);
  return p;
}

const header = 'apiVersion: rlhf-lens/v1\nkind: Pipeline\nmetadata: {name: hostile}\n';
const rand = mulberry32(7);
const binary = Buffer.alloc(4096);
for (let i = 0; i < binary.length; i++) binary[i] = Math.floor(rand() * 256);

const cases: Case[] = [
  { name: 'billion laughs (alias bomb)', file: path.join(HOSTILE, 'billion-laughs.pipeline.yaml'), expect: ['yaml/limit'] },
  { name: 'UTF-8 byte-order mark', file: path.join(HOSTILE, 'bom.pipeline.yaml'), expect: [], forbid: ['yaml/syntax'] },
  { name: 'CRLF line ends with an unclosed flow sequence', file: path.join(HOSTILE, 'crlf-unclosed.pipeline.yaml'), expect: ['yaml/syntax'] },
  { name: 'invalid UTF-8 bytes', file: path.join(HOSTILE, 'invalid-utf8.pipeline.yaml'), expect: ['yaml/syntax'] },
  { name: 'deep nesting (20,000 levels)', file: generated('deep.pipeline.yaml', header + 'stages: ' + '['.repeat(20_000) + ']'.repeat(20_000) + '\n'), expect: ['yaml/limit'] },
  { name: 'huge file (6 MB)', file: generated('huge.pipeline.yaml', header + 'stages:\n' + '  - {id: s, phase: training, run: "python train.py"}\n'.repeat(120_000)), expect: ['yaml/limit'] },
  { name: 'a thousand documents', file: generated('many.pipeline.yaml', (header + 'stages: []\n---\n').repeat(1000)), expect: ['yaml/limit'] },
  { name: 'a 2 MB line', file: generated('longline.pipeline.yaml', header + 'description: "' + 'x'.repeat(2_000_000) + '"\nstages: []\n'), expect: [], forbid: ['yaml/syntax'] },
  { name: 'binary garbage', file: generated('binary.pipeline.yaml', binary), expect: ['yaml/syntax'] },
  { name: 'empty file', file: generated('empty.pipeline.yaml', ''), expect: [], forbid: ['yaml/syntax'] },
  { name: 'truncated mid-key', file: generated('truncated.pipeline.yaml', header + 'stages:\n  - id: a\n    pha'), expect: [] },
  { name: 'tabs for indentation', file: generated('tabs.pipeline.yaml', header + 'stages:\n\t- id: a\n'), expect: ['yaml/syntax'] },
];

let client: LspClient;
before(async () => {
  client = await LspClient.start({ rootPath: tmp });
});
after(async () => {
  await client.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function codes(diags: { code?: string | number }[]): Set<string> {
  return new Set(diags.map((d) => String(d.code)));
}

for (const c of cases) {
  test(`hostile: ${c.name}`, async () => {
    const text = fs.readFileSync(c.file, 'utf8');
    // openAndWait fails after 10 s without diagnostics (the hang guard); how fast is bench/hostile.ts's business.
    const diags: LspDiagnostic[] = await client.openAndWait(c.file, text, 'rlhf-pipeline');
    assertWellFormed(diags, text, c.name);
    const got = codes(diags);
    for (const want of c.expect) assert.ok(got.has(want), `${c.name}: expected ${want}, got ${[...got].join(', ') || 'nothing'}`);
    for (const no of c.forbid ?? []) assert.ok(!got.has(no), `${c.name}: unexpected ${no}: ${JSON.stringify(diags.filter((d) => d.code === no))}`);
    // The server still answers.
    const status = await client.request<{ version: string }>('rlhfLens/status', {});
    assert.equal(typeof status.version, 'string');

    const cli = runCli(['lint', '--format', 'json', c.file], { timeoutMs: 20_000 });
    assert.ok(cli.code === 0 || cli.code === 1, `${c.name}: CLI exit ${cli.code}: ${cli.stderr.slice(0, 500)}`);
    const out = JSON.parse(cli.stdout) as { files: { diagnostics: { code: string }[] }[] };
    const cliCodes = codes(out.files[0]!.diagnostics);
    for (const want of c.expect) assert.ok(cliCodes.has(want), `${c.name}: CLI did not report ${want}`);
    assert.equal(cli.code, c.expect.length > 0 || [...cliCodes].length > 0 ? cli.code : 0);
  });
}

test('hostile: no internal errors were logged by the server', () => {
  const internal = client.logs.filter((l) => /failed:|Unhandled|TypeError|RangeError/.test(l));
  assert.deepEqual(internal, []);
  assert.doesNotMatch(client.stderr, /Unhandled|TypeError|RangeError/);
});
