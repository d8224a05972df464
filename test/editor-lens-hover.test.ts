/** Code lenses over stdio, and the training / experiment estimates under hovers. */
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspClient } from './support/lsp';
import { cursor } from './support/cursor';

type Pos = { line: number; character: number };
interface Lens { range: { start: Pos; end: Pos }; command?: { title: string; command: string; arguments?: unknown[] } }

let dir = '';
let client: LspClient;
let n = 0;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-lens-'));
  fs.mkdirSync(path.join(dir, 'data'));
  fs.writeFileSync(path.join(dir, 'data', 'prefs.jsonl'), Array.from({ length: 1000 }, (_, i) => JSON.stringify({ prompt: `p${i}`, chosen: 'a', rejected: 'b' })).join('\n') + '\n');
  client = await LspClient.start({ rootPath: dir });
});
after(async () => {
  await client.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function hoverText(name: string, marked: string): Promise<string> {
  const { text, position } = cursor(marked);
  const file = path.join(dir, `${n++}-${name}`);
  await client.openAndWait(file, text);
  const h = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: pathToFileURL(file).toString() }, position });
  return h?.contents.value ?? '';
}

const PIPE = `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata: {name: p}
stages:
  - id: collect
    phase: data_collection
    run: python collect.py
  - id: eval-rm
    phase: evaluation
    needs: [collect]
    checks:
      - analysis: calibration
        data: eval/preds.jsonl
        assert: {ece: {max: 0.05}}
      - analysis: agreement
        data: data/labels.jsonl
`;

test('code lenses: a summary above each stage, run and dashboard above each check', async () => {
  const file = path.join(dir, 'lens.pipeline.yaml');
  const uri = pathToFileURL(file).toString();
  await client.openAndWait(file, PIPE);
  const lenses = await client.request<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
  assert.deepEqual(
    lenses.map((l) => [l.range.start.line, l.command!.title, l.command!.command]),
    [
      [4, 'data_collection · needs 0 · 0 checks', 'rlhfLens.showPipelineGraph'],
      [7, 'evaluation · needs 1 · 2 checks', 'rlhfLens.showPipelineGraph'],
      [11, 'Run check', 'rlhfLens.runCheck'],
      [11, 'Open in dashboard', 'rlhfLens.openDashboard'],
      [14, 'Run check', 'rlhfLens.runCheck'],
      [14, 'Open in dashboard', 'rlhfLens.openDashboard'],
    ],
  );
  assert.deepEqual(lenses[4]!.command!.arguments, [{ uri, stageId: 'eval-rm', checkIndex: 1 }]);
  assert.deepEqual(lenses[0]!.range, { start: { line: 4, character: 4 }, end: { line: 4, character: 15 } });
});

const TRAINING = `apiVersion: rlhf-lens/v1
kind: TrainingConfig
metadata: {name: rm}
method: dpo
base_model: meta-llama/Llama-3.1-8B-Instruct
dataset: {train: data/prefs.jsonl, format: preference}
lora: {rank: 16, alpha: 32}
hyperparameters:
  epochs: 2
  batch_size: 8
  gradient_accumulation_steps: 4
  max_seq_length: 2048
  beta: 0.1
hardware: {gpus: 2, gpu_memory: 80GB}
`;

test('hover on hyperparameters and hardware shows the training estimates, with steps from the dataset rows', async () => {
  const hp = await hoverText('a.training.yaml', TRAINING.replace('hyperparameters:', 'hyperpa|rameters:'));
  assert.match(hp, /^\*\*hyperparameters\*\*/);
  // 8 per device x 4 accumulation x 2 GPUs = 64 pairs; 1000 rows / 64 = 16 steps per epoch, x 2 epochs = 32.
  assert.match(hp, /= \*\*64\*\* pairs per optimizer step/);
  assert.match(hp, /1,000 rows \/ 64 = 16 per epoch × 2 epochs = \*\*32\*\*/);
  assert.match(hp, /Estimated peak memory per GPU/);
  const hw = await hoverText('b.training.yaml', TRAINING.replace('{gpus: 2', '{gp|us: 2'));
  assert.match(hw, /\*\*gpus\*\*/);
  assert.match(hw, /Effective batch size/);
  const ds = await hoverText('c.training.yaml', TRAINING.replace('{train: data', '{tr|ain: data'));
  assert.doesNotMatch(ds, /Effective batch size/, 'dataset keys show only their description');
});

test('hover in an experiment analysis block shows the sample size', async () => {
  const text = `apiVersion: rlhf-lens/v1
kind: Experiment
metadata: {name: e}
variants:
  - {id: control, traffic: 0.5}
  - {id: treatment, traffic: 0.5}
metrics:
  - {name: success, type: binomial, column: success, primary: true}
analysis:
  confidence: 0.95
  min_sample_size: 1000
  mde: 0.02
  power: 0.8
`;
  const h = await hoverText('d.experiment.yaml', text.replace('  mde: 0.02', '  m|de: 0.02'));
  assert.match(h, /^\*\*mde\*\*/);
  assert.match(h, /\*\*Sample size:\*\* [\d,]+ units per variant to detect an absolute change of 0.02/);
  assert.match(h, /min_sample_size 1,000 gives [\d.]+% power/);
  const variants = await hoverText('e.experiment.yaml', text.replace('variants:', 'varia|nts:'));
  assert.doesNotMatch(variants, /Sample size/);
});
