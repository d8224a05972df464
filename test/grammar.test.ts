/**
 * The TextMate grammars: the scope assertions in test/grammar/* run through vscode-tmgrammar-test
 * (vscode-textmate + oniguruma, as in VS Code), with the grammars and injection that package.json
 * contributes and a vendored YAML grammar standing in for the one VS Code ships.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './support/lsp';

const TOOL = path.join(ROOT, 'node_modules', 'vscode-tmgrammar-test', 'dist', 'unit.js');
const YAML_GRAMMAR = path.join(ROOT, 'test', 'grammar', 'yaml.tmLanguage.json');
const CASES = fs.readdirSync(path.join(ROOT, 'test', 'grammar')).filter((f) => f.endsWith('.yaml'));

function runGrammarTests(files: string[]): { code: number; output: string } {
  const r = spawnSync(process.execPath, [TOOL, '--config', path.join(ROOT, 'package.json'), '-g', YAML_GRAMMAR, ...files], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, output: r.stdout + r.stderr };
}

interface GrammarContribution {
  language?: string;
  scopeName: string;
  path: string;
  injectTo?: string[];
}

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { grammars: GrammarContribution[]; languages: { id: string; configuration: string }[] };
};

test('every contributed grammar exists and declares the scope package.json names', () => {
  for (const g of pkg.contributes.grammars) {
    const grammar = JSON.parse(fs.readFileSync(path.join(ROOT, g.path), 'utf8')) as { scopeName: string; injectionSelector?: string };
    assert.equal(grammar.scopeName, g.scopeName, g.path);
    if (g.injectTo) {
      for (const target of g.injectTo) assert.ok(grammar.injectionSelector?.includes(`L:${target}`), `${g.path} is not injected into ${target}`);
    }
  }
});

test('the language configuration is complete', () => {
  for (const lang of pkg.contributes.languages) {
    const config = JSON.parse(fs.readFileSync(path.join(ROOT, lang.configuration), 'utf8')) as {
      comments: { lineComment: string };
      brackets: string[][];
      autoClosingPairs: unknown[];
      indentationRules: { increaseIndentPattern: string; decreaseIndentPattern: string };
    };
    assert.equal(config.comments.lineComment, '#');
    assert.ok(config.brackets.length >= 2 && config.autoClosingPairs.length >= 4);
    const increase = new RegExp(config.indentationRules.increaseIndentPattern);
    assert.ok(increase.test('stages:'));
    assert.ok(increase.test('  - id: a  # the first stage') === false);
    assert.ok(increase.test('    checks:  # quality gates'));
    assert.ok(increase.test('    run: |'));
    assert.ok(!increase.test('    traffic: 0.5'));
    assert.ok(new RegExp(config.indentationRules.decreaseIndentPattern).test('  }'));
  }
});

test('scope assertions in test/grammar hold', () => {
  assert.ok(CASES.length >= 5, `grammar test cases: ${CASES.join(', ')}`);
  const r = runGrammarTests(CASES.map((c) => path.join('test', 'grammar', c)));
  assert.equal(r.code, 0, r.output);
  for (const c of CASES) assert.match(r.output, new RegExp(`${c.replace(/\./g, '\\.')} run successfuly`), r.output);
});

test('a wrong scope assertion fails the grammar tests', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-grammar-'));
  try {
    const file = path.join(dir, 'wrong.pipeline.yaml');
    fs.writeFileSync(
      file,
      ['# SYNTAX TEST "source.rlhf.pipeline" "a deliberately wrong expectation"', 'run: ${{ params.x }}', '#        ^^^^^^ variable.other.property.rlhf', ''].join('\n'),
    );
    const r = runGrammarTests([file]);
    assert.notEqual(r.code, 0, r.output);
    assert.match(r.output, /missing required scopes: variable\.other\.property\.rlhf/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
