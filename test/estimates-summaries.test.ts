/** Hover summaries of training and experiment configs, over the rule fixtures and their data files. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { FileSystemFacts } from '../server/src/workspace/index';
import { experimentSummary, trainingSummary } from '../server/src/config/estimates/summaries';

const FIXTURES = path.resolve(__dirname, 'fixtures', 'rules');

function load(name: string): { file: string; value: unknown } {
  const file = path.join(FIXTURES, name);
  return { file, value: parse(fs.readFileSync(file, 'utf8')) };
}

test('training summary: effective batch, tokens, steps from the data row count, memory breakdown', () => {
  const { file, value } = load('training-valid.training.yaml');
  const lines = trainingSummary(value, new FileSystemFacts(), file);
  // 8 per device x 4 accumulation x 8 GPUs; DPO pairs are two sequences of up to 2048 tokens.
  assert.equal(lines[0], '**Effective batch size:** 8 × 4 accumulation × 8 GPUs = **256** pairs per optimizer step');
  assert.equal(lines[1], '**Tokens per step (at most):** 256 × 2 × 2,048 = 1,048,576');
  // data/prefs.jsonl has 8 rows: one (partial) step per epoch, 3 epochs.
  assert.equal(lines[2], '**Optimizer steps:** 8 rows / 256 = 1 per epoch × 3 epochs = **3**');
  assert.match(lines[3]!, /^\*\*Estimated peak memory per GPU\*\* \(Llama 3 8B\): \*\*\d+\.\d GiB\*\* of 80\.0 GiB$/);
  assert.ok(lines.includes('- trainable parameters: 13,631,488'), lines.join('\n'));
  assert.ok(lines.some((l) => /^- weights: 5\.3 GiB$/.test(l)), lines.join('\n'));
});

test('training summary flags a run that does not fit and names assumed defaults', () => {
  const { file, value } = load('training-memory-estimate.training.yaml');
  const lines = trainingSummary(value, new FileSystemFacts(), file);
  assert.ok(lines.some((l) => l.includes('(**does not fit**)')), lines.join('\n'));
  const bare = trainingSummary({ method: 'sft', base_model: 'gpt2' }, new FileSystemFacts(), file);
  assert.ok(bare.some((l) => l.includes('assumed batch_size 8, max_seq_length 1024')), bare.join('\n'));
});

test('experiment summary gives the per-variant and total sample and the power of min_sample_size', () => {
  const { value } = load('experiment-valid.experiment.yaml');
  const md = experimentSummary(value)!;
  assert.match(md, /\*\*Sample size:\*\* 9,810 units per variant to detect an absolute change of 0\.02 in "success" with 80% power at 95% confidence/);
  assert.match(md, /About 19,620 units in total across 2 variants/);
  assert.match(md, /min_sample_size 10,000 gives 80\.\d% power/);
  // A continuous primary metric has no proportion formula: no summary rather than a wrong one.
  assert.equal(experimentSummary({ metrics: [{ name: 'x', type: 'continuous' }], analysis: { mde: 0.1 } }), undefined);
});

test('an uneven split needs more units in total: the smallest arm fills last', () => {
  const md = experimentSummary({
    variants: [{ id: 'a', traffic: 0.8 }, { id: 'b', traffic: 0.2 }],
    metrics: [{ name: 'ok', type: 'binomial', baseline: 0.1 }],
    analysis: { mde: 0.02 },
  })!;
  // n for 0.10 -> 0.12 is 3,841 per arm; the 20% arm needs 3,841 / 0.2 = 19,205 units overall.
  assert.match(md, /3,841 units per variant/);
  assert.match(md, /About 19,205 units in total/);
});
