/**
 * Seeded fuzzing: random mutations of valid configs (byte flips, truncation, deleted, duplicated and
 * swapped lines, indentation changes, inserted YAML punctuation) are fed to the real server over stdio
 * and to the CLI. No crash, no hang, every answer well-formed, and the editor and the CLI agree.
 *
 *   RLHF_LENS_FUZZ_ITERATIONS=5000 RLHF_LENS_FUZZ_SEED=42 node test/run.mjs fuzz   (a longer run)
 * A failing input is written to $TMPDIR/rlhf-lens-fuzz-failure-*.yaml: minimise it into test/hostile/.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient, ROOT } from './support/lsp';
import { runCli } from './support/cli';
import { mulberry32 } from './support/prng';
import { assertWellFormed } from './support/well-formed';
import { TEMPLATES } from '../server/src/config/templates';

const ITERATIONS = Number(process.env['RLHF_LENS_FUZZ_ITERATIONS'] ?? 150);
const SEED = Number(process.env['RLHF_LENS_FUZZ_SEED'] ?? 20261122);
const CLI_EVERY = 15;

function seedTexts(): { kind: string; text: string }[] {
  const seeds = [
    { kind: 'pipeline', text: TEMPLATES.pipeline },
    { kind: 'experiment', text: TEMPLATES.experiment },
    { kind: 'training', text: TEMPLATES.training },
  ];
  for (const dir of [path.join(ROOT, 'examples', 'workspace'), path.join(ROOT, 'test', 'fixtures', 'rules')]) {
    if (!fs.existsSync(dir)) continue;
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else {
          const m = /\.(pipeline|experiment|training)\.ya?ml$/.exec(e.name);
          if (m && fs.statSync(p).size < 64 * 1024) seeds.push({ kind: m[1]!, text: fs.readFileSync(p, 'utf8') });
        }
      }
    };
    walk(dir);
  }
  return seeds;
}

const PUNCTUATION = [':', '- ', '[', ']', '{', '}', '&a ', '*a', '${{ ', ' }}', "'", '"', '#', '|', '>', '!!str ', '---\n', '\t', '?', ',', '%', '@', '\u00e9', '\ud83d'];

function mutate(text: string, rand: () => number): string {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  let lines = text.split('\n');
  const n = 1 + Math.floor(rand() * 3);
  for (let k = 0; k < n; k++) {
    const i = Math.floor(rand() * lines.length);
    switch (Math.floor(rand() * 8)) {
      case 0: { // flip a character
        const line = lines[i] ?? '';
        const j = Math.floor(rand() * (line.length + 1));
        lines[i] = line.slice(0, j) + String.fromCharCode(32 + Math.floor(rand() * 95)) + line.slice(j + 1);
        break;
      }
      case 1: // truncate the file
        lines = lines.slice(0, i + 1);
        lines[i] = (lines[i] ?? '').slice(0, Math.floor(rand() * ((lines[i]?.length ?? 0) + 1)));
        break;
      case 2: lines.splice(i, 1); break;
      case 3: lines.splice(i, 0, lines[i] ?? ''); break;
      case 4: { const j = Math.floor(rand() * lines.length); [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? '']; break; }
      case 5: lines[i] = (rand() < 0.5 ? '  ' : '') + (lines[i] ?? '').replace(rand() < 0.5 ? /^ {1,2}/ : /^$/, ''); break;
      case 6: { const line = lines[i] ?? ''; const j = Math.floor(rand() * (line.length + 1)); lines[i] = line.slice(0, j) + pick(PUNCTUATION) + line.slice(j); break; }
      default: lines[i] = (lines[i] ?? '').replace(/\d+(\.\d+)?/, () => pick(['-1', '0', '1e309', 'NaN', '.nan', '99999999999999999999', '0.5', '100', 'null', '[]', '{}']));
    }
  }
  return lines.join('\n');
}

test(`fuzz: ${ITERATIONS} mutated configs through the server and the CLI (seed ${SEED})`, { timeout: 600_000 }, async () => {
  const rand = mulberry32(SEED);
  const seeds = seedTexts();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-fuzz-'));
  const client = await LspClient.start({ rootPath: dir });
  const uris = new Map<string, string>();
  try {
    for (let it = 0; it < ITERATIONS; it++) {
      const seed = seeds[Math.floor(rand() * seeds.length)]!;
      const text = mutate(seed.text, rand);
      const file = path.join(dir, `fuzz.${seed.kind}.yaml`);
      const label = `iteration ${it} (seed ${SEED})`;
      try {
        let uri = uris.get(seed.kind);
        let diags;
        if (!uri) {
          diags = await client.openAndWait(file, text, `rlhf-${seed.kind}`);
          uri = [...client.published.keys()].find((u) => u.endsWith(`fuzz.${seed.kind}.yaml`))!;
          uris.set(seed.kind, uri);
        } else {
          client.change(uri, text);
          diags = (await client.diagnostics(uri, undefined, 5000)).diagnostics;
        }
        assertWellFormed(diags, text, label);
        if (it % CLI_EVERY === 0) {
          fs.writeFileSync(file, text);
          const cli = runCli(['lint', '--format', 'json', file], { timeoutMs: 20_000 });
          assert.ok(cli.code === 0 || cli.code === 1, `${label}: CLI exit ${cli.code}: ${cli.stderr.slice(0, 400)}`);
          const out = JSON.parse(cli.stdout) as { files: { diagnostics: { code: string; range: unknown }[] }[] };
          // One implementation behind both doors: the same problems at the same places.
          const key = (d: { code?: unknown; range: unknown }) => `${String(d.code)} ${JSON.stringify(d.range)}`;
          assert.deepEqual(out.files[0]!.diagnostics.map(key).sort(), diags.map(key).sort(), `${label}: CLI and server disagree`);
        }
      } catch (err) {
        const failure = path.join(os.tmpdir(), `rlhf-lens-fuzz-failure-${SEED}-${it}.${seed.kind}.yaml`);
        fs.writeFileSync(failure, text);
        throw new Error(`${(err as Error).message}\n(input written to ${failure})`);
      }
    }
    const status = await client.request<{ version: string }>('rlhfLens/status', {});
    assert.equal(typeof status.version, 'string');
    const internal = client.logs.filter((l) => /failed:|Unhandled/.test(l));
    assert.deepEqual(internal, [], 'the server logged internal errors');
  } finally {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
