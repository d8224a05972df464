/**
 * Estimates and data-format checks against real third-party files in ../shared/fixtures/real
 * (axolotl and LLaMA-Factory example configs, a LLaMA-Factory preference JSONL), read in place.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { modelShape } from '../server/src/config/estimates/model-families';
import { lintText } from '../server/src/config/lint';
import { FileSystemFacts } from '../server/src/workspace/index';

const ROOT = path.resolve(__dirname, '..');
const REAL = path.resolve(ROOT, '..', 'shared', 'fixtures', 'real');

test('every base model named by the real axolotl and LLaMA-Factory configs resolves to its family', (t) => {
  const dir = path.join(REAL, 'configs');
  if (!fs.existsSync(dir)) return t.skip(`${dir} is absent`);
  const seen: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const config = parse(fs.readFileSync(path.join(dir, name), 'utf8')) as Record<string, unknown>;
    const id = String(config['base_model'] ?? config['model_name_or_path']);
    const shape = modelShape(id);
    assert.ok(shape && !shape.generic, `${name}: ${id} has no known family`);
    seen.push(shape.name);
  }
  assert.deepEqual([...new Set(seen)].sort(), ['Llama 3 8B', 'Llama 3.2 1B', 'Mistral 7B', 'Qwen2.5 0.5B', 'Qwen3 4B']);
});

test('a LLaMA-Factory v1 preference file (chosen_messages/rejected_messages) is not prompt/chosen/rejected data', (t) => {
  const data = path.join(REAL, 'annotation_preference', 'llamafactory_v1_dpo_demo.jsonl');
  if (!fs.existsSync(data)) return t.skip(`${data} is absent`);
  const config = [
    'apiVersion: rlhf-lens/v1',
    'kind: TrainingConfig',
    'metadata: {name: real-prefs}',
    'method: dpo',
    'base_model: Qwen/Qwen3-4B-Instruct-2507',
    `dataset: {train: ${JSON.stringify(data)}, format: preference}`,
    'hyperparameters: {beta: 0.1, learning_rate: 5.0e-6}',
    '',
  ].join('\n');
  const found = lintText(config, { path: path.join(ROOT, 'virtual.training.yaml'), facts: new FileSystemFacts() });
  const d = found.filter((x) => x.code === 'training/dataset-format');
  assert.equal(d.length, 1, JSON.stringify(found));
  assert.match(d[0]!.message, /^Row 1 of .*llamafactory_v1_dpo_demo\.jsonl lacks "prompt", "chosen", "rejected"/);
  assert.match(d[0]!.message, /"chosen_messages", "rejected_messages"/);
  assert.equal(d[0]!.range.start.line, 5);
});
