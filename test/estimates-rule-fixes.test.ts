/**
 * Quick fixes of the experiment/* and training/* rules: applying a fix to its fixture gives the
 * expected text, still parses, and makes that rule's diagnostic go away (through lintText, with
 * the file-system facts the server and CLI use).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lintText } from '../server/src/config/lint';
import { LineIndex } from '../server/src/config/line-index';
import type { Diagnostic, FixData } from '../server/src/config/diagnostic';
import { FileSystemFacts } from '../server/src/workspace/index';

const FIXTURES = path.resolve(__dirname, 'fixtures', 'rules');

function lint(file: string, text: string): Diagnostic[] {
  return lintText(text, { path: file, facts: new FileSystemFacts() });
}

function applyFix(text: string, fix: FixData): string {
  const lines = new LineIndex(text);
  const edits = fix.edits
    .map((e) => ({ start: lines.offsetAt(e.range.start), end: lines.offsetAt(e.range.end), text: e.newText }))
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const e of edits) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/** Applies the first fix of `code` in `name` and returns the new text, checking the rule is then silent. */
function fixed(name: string, code: string): string {
  const file = path.join(FIXTURES, name);
  const text = fs.readFileSync(file, 'utf8');
  const d = lint(file, text).find((x) => x.code === code);
  assert.ok(d?.fixes?.[0], `${name}: no fix for ${code}`);
  const after = applyFix(text, d.fixes[0]);
  const left = lint(file, after).filter((x) => x.code === code || x.code.startsWith('yaml/') || x.code.startsWith('schema/'));
  assert.deepEqual(left, [], `${name} after the fix:\n${after}`);
  return after;
}

test('traffic-sum fix normalises every share, keeping the sum exact', () => {
  assert.match(fixed('experiment-traffic-sum.experiment.yaml', 'experiment/traffic-sum'), /traffic: 0\.4545\n[\s\S]*traffic: 0\.5455 {2}#/);
  const percent = fixed('experiment-traffic-percent.experiment.yaml', 'experiment/traffic-sum');
  assert.match(percent, /traffic: 45\.46\}[\s\S]*traffic: 27\.27\}[\s\S]*traffic: 27\.27\}/);
});

test('control fix unmarks the second control', () => {
  assert.match(fixed('experiment-control.experiment.yaml', 'experiment/control'), /- id: b\n {4}control: false/);
});

test('underpowered fix raises min_sample_size to the needed size', () => {
  assert.match(fixed('experiment-underpowered.experiment.yaml', 'experiment/underpowered'), /min_sample_size: 9810 {2}#/);
});

test('unknown-column fix replaces a misspelt column with the data file\'s column', () => {
  const file = path.join(FIXTURES, 'experiment-unknown-column.experiment.yaml');
  const text = fs.readFileSync(file, 'utf8');
  const d = lint(file, text).find((x) => x.code === 'experiment/unknown-column' && x.fixes);
  assert.ok(d?.fixes);
  const after = applyFix(text, d.fixes[0]!);
  assert.match(after, /column: success, primary: true/);
  assert.equal(lint(file, after).filter((x) => x.code === 'experiment/unknown-column').length, 2);
});

test('method-requirements fixes add beta at the indentation of hyperparameters, and the dataset format', () => {
  const beta = fixed('training-method-beta.training.yaml', 'training/method-requirements');
  assert.match(beta, /\n {2}learning_rate: 5\.0e-6\n {2}beta: 0\.1\nhardware:/);
  const format = fixed('training-method-rm-format.training.yaml', 'training/method-requirements');
  assert.match(format, /dataset: {2}# error training\/method-requirements\n {2}train: data\/prefs\.jsonl\n {2}format: preference\n/);
});

test('beta is added inside a flow mapping, or as a new hyperparameters block', () => {
  const file = path.join(FIXTURES, 'virtual.training.yaml');
  const base = 'apiVersion: rlhf-lens/v1\nkind: TrainingConfig\nmetadata: {name: x}\nmethod: kto\nbase_model: gpt2\n';
  for (const [text, expected] of [
    [`${base}hyperparameters: {learning_rate: 5.0e-7}\n`, 'hyperparameters: {learning_rate: 5.0e-7, beta: 0.1}'],
    [base, 'base_model: gpt2\nhyperparameters:\n  beta: 0.1\n'],
    [base.replace(/\n/g, '\r\n'), 'base_model: gpt2\r\nhyperparameters:\r\n  beta: 0.1\r\n'],
  ] as const) {
    const d = lint(file, text).find((x) => x.code === 'training/method-requirements' && x.message.includes('beta'));
    assert.ok(d?.fixes?.[0], text);
    const after = applyFix(text, d.fixes[0]);
    assert.ok(after.includes(expected), after);
    assert.equal(lint(file, after).filter((x) => x.message.includes('beta')).length, 0, after);
  }
});

test('quantization-without-lora fix inserts a lora block after quantization', () => {
  const after = fixed('training-quantization-without-lora.training.yaml', 'training/quantization-without-lora');
  assert.match(after, /quantization: \{[^}]*\}\nlora:\n {2}rank: 16\n {2}alpha: 32\n {2}dropout: 0\.05\n {2}target_modules: all-linear\n/);
});
