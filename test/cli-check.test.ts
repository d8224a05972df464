/** `rlhf-lens check` as a process: asserts evaluated on real analysis values, table and JSON, exit codes. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from './support/cli';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-cli-check-'));
fs.mkdirSync(path.join(dir, 'data'));
// Two annotators, 6 items, 5 agreeing: percent agreement 5/6.
fs.writeFileSync(
  path.join(dir, 'data', 'labels.jsonl'),
  [['1', 'x', 'x'], ['2', 'y', 'y'], ['3', 'x', 'x'], ['4', 'y', 'x'], ['5', 'x', 'x'], ['6', 'y', 'y']]
    .flatMap(([item, a, b]) => [{ item_id: item, annotator: 'ann1', label: a }, { item_id: item, annotator: 'ann2', label: b }])
    .map((r) => JSON.stringify(r))
    .join('\n'),
);
fs.writeFileSync(path.join(dir, 'data', 'preds.jsonl'), ['{"confidence": 0.9, "correct": 1}', '{"confidence": 0.8, "correct": 1}', '{"confidence": 0.6, "correct": 0}', '{"confidence": 0.7, "correct": 1}'].join('\n'));

const PIPELINE = `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata: {name: gates}
stages:
  - id: annotate
    phase: data_collection
    checks:
      - analysis: agreement
        data: data/labels.jsonl
        assert: {percent_agreement: {min: 0.8}, n_items: {min: 6, max: 6}}
  - id: eval
    phase: evaluation
    needs: [annotate]
    checks:
      - analysis: calibration
        data: data/preds.jsonl
        options: {bins: 5}
        assert: {accuracy: {min: 0.9}, brier: {max: 0.5}}
      - analysis: calibration
        data: "\${{ stages.annotate.outputs.labels }}"
        assert: {ece: {max: 0.1}}
`;
const file = path.join(dir, 'gates.pipeline.yaml');
fs.writeFileSync(file, PIPELINE);

test('check evaluates every assert against the analysis values, exits 1 on a failure, skips expression paths', () => {
  const r = runCli(['check', file, '--format', 'json'], { cwd: dir });
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout) as { pipelines: { path: string; checks: { stage: string; status: string; asserts: { metric: string; value: number; passed: boolean; message: string }[]; error?: string }[] }[]; summary: Record<string, number> };
  assert.equal(out.pipelines[0]!.path, 'gates.pipeline.yaml');
  const [agreement, calibration, deferred] = out.pipelines[0]!.checks;
  assert.equal(agreement!.status, 'passed');
  assert.deepEqual(agreement!.asserts.map((a) => [a.metric, a.value, a.passed]), [['percent_agreement', 5 / 6, true], ['n_items', 6, true]]);
  assert.equal(calibration!.status, 'failed');
  // 3 of 4 correct; brier = mean((c - y)^2) = (0.01 + 0.04 + 0.36 + 0.09) / 4.
  assert.deepEqual(calibration!.asserts.map((a) => [a.metric, a.passed]), [['accuracy', false], ['brier', true]]);
  assert.equal(calibration!.asserts[0]!.value, 0.75);
  assert.ok(Math.abs(calibration!.asserts[1]!.value - 0.125) < 1e-12);
  assert.equal(calibration!.asserts[0]!.message, 'accuracy 0.75 < min 0.9');
  assert.equal(deferred!.status, 'skipped');
  assert.deepEqual(out.summary, { checks: 3, passed: 1, failed: 1, skipped: 1 });
  // The values are those of `rlhf-lens analyze`.
  const direct = JSON.parse(runCli(['analyze', 'calibration', path.join(dir, 'data', 'preds.jsonl'), '--bins', '5', '--format', 'json']).stdout) as { accuracy: number };
  assert.equal(direct.accuracy, calibration!.asserts[0]!.value);
});

test('check text output is a table; a passing pipeline exits 0; a missing data file is an error row', () => {
  const text = runCli(['check', file], { cwd: dir });
  assert.equal(text.code, 1);
  assert.match(text.stdout, /^gates\.pipeline\.yaml\s+eval\s+calibration data\/preds\.jsonl\s+accuracy\s+0\.75\s+>= 0\.9\s+FAIL$/m);
  assert.match(text.stdout, /3 checks: 1 passed, 1 failed, 1 skipped/);
  const passing = path.join(dir, 'ok.pipeline.yaml');
  fs.writeFileSync(passing, PIPELINE.replace('min: 0.9', 'min: 0.7'));
  assert.equal(runCli(['check', passing], { cwd: dir }).code, 0);
  const missing = path.join(dir, 'missing.pipeline.yaml');
  fs.writeFileSync(missing, PIPELINE.replace('data/preds.jsonl', 'data/nope.jsonl'));
  const r = runCli(['check', missing], { cwd: dir });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /ERROR: .*nope\.jsonl: no such file or folder/);
  const notPipeline = path.join(dir, 'x.yaml');
  fs.writeFileSync(notPipeline, 'kind: Experiment\n');
  assert.equal(runCli(['check', notPipeline], { cwd: dir }).code, 2);
});
