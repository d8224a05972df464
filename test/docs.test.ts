/**
 * The reference docs keep up with the code: the format tables are what scripts/gen-format-docs.mjs
 * renders from schemas/, and every setting, VS Code command and CLI subcommand has its entry.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './support/lsp';
import { runCli } from './support/cli';

const GENERATOR = path.join(ROOT, 'scripts', 'gen-format-docs.mjs');
const read = (rel: string): string => fs.readFileSync(path.join(ROOT, rel), 'utf8');

function generator(args: string[]): { code: number; output: string } {
  const r = spawnSync(process.execPath, [GENERATOR, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status ?? -1, output: r.stdout + r.stderr };
}

const pkg = JSON.parse(read('package.json')) as {
  contributes: {
    commands: { command: string; title: string }[];
    configuration: { properties: Record<string, { default: unknown }> };
  };
};

test('docs/formats.md is up to date with schemas/', () => {
  const r = generator(['--check']);
  assert.equal(r.code, 0, r.output);
});

test('docs/formats.md lists every schema property', () => {
  const doc = read('docs/formats.md');
  for (const kind of ['pipeline', 'experiment', 'training']) {
    const schema = JSON.parse(read(`schemas/${kind}.schema.json`)) as { properties: Record<string, { properties?: Record<string, unknown> }> };
    for (const [name, prop] of Object.entries(schema.properties)) {
      assert.ok(doc.includes(`| \`${name}\` |`), `${kind}: ${name}`);
      for (const child of Object.keys(prop.properties ?? {})) assert.ok(doc.includes(`| \`${name}.${child}\` |`), `${kind}: ${name}.${child}`);
    }
  }
  assert.ok(doc.includes('| `stages[].checks[].assert` |'), 'array items are documented');
});

test('the format-doc check fails on a stale doc and the generator repairs it', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-docs-'));
  try {
    const stale = path.join(dir, 'formats.md');
    fs.writeFileSync(stale, read('docs/formats.md').replace('| `unit` |', '| `unit_renamed` |'));
    const check = generator(['--check', '--doc', stale]);
    assert.equal(check.code, 1, check.output);
    assert.match(check.output, /out of date/);
    assert.equal(generator(['--doc', stale]).code, 0);
    assert.equal(fs.readFileSync(stale, 'utf8'), read('docs/formats.md'));

    const unmarked = path.join(dir, 'unmarked.md');
    fs.writeFileSync(unmarked, '# no generated sections\n');
    const r = generator(['--check', '--doc', unmarked]);
    assert.equal(r.code, 2);
    assert.match(r.output, /no "<!-- BEGIN GENERATED: pipeline -->"/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('docs/settings.md documents every setting with its default', () => {
  const doc = read('docs/settings.md');
  for (const [key, setting] of Object.entries(pkg.contributes.configuration.properties)) {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${key}\` |`));
    assert.ok(row, `${key} is not documented`);
    const shown = typeof setting.default === 'string' ? setting.default : JSON.stringify(setting.default);
    assert.ok(row.includes(`\`${shown}\``), `${key}: default ${shown} not in "${row}"`);
  }
});

test('docs/commands.md documents every VS Code command and CLI subcommand', () => {
  const doc = read('docs/commands.md');
  for (const c of pkg.contributes.commands) {
    assert.ok(doc.includes(`\`${c.command}\``), `${c.command} is not documented`);
    assert.ok(doc.includes(`RLHF Lens: ${c.title}`), `the title "${c.title}" of ${c.command} is not documented`);
  }
  const help = runCli(['--help']);
  const subcommands = [...help.stdout.matchAll(/^ {2}([a-z][\w-]*) {2,}/gm)].map((m) => m[1]!);
  assert.ok(subcommands.includes('lint'), help.stdout);
  for (const name of subcommands) assert.ok(doc.includes(`### \`rlhf-lens ${name}\``), `rlhf-lens ${name} is not documented`);
});
