/**
 * The one kind detector (server/src/config/kind.ts): framework configs are recognised by content
 * whatever their name, a modeline and the `files:` map of `.rlhf-lens.yaml` settle the rest, and
 * every other YAML / JSON file gets ZERO diagnostics from the server (which now receives every plain
 * YAML and JSON document from the client) and is skipped by the CLI's folder walk.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspClient, ROOT } from './support/lsp';
import { runCli } from './support/cli';
import { detect, detectKind, isConfigFile, readModeline } from '../server/src/config/kind';
import { parseRuleSettings } from '../server/src/workspace/rule-settings';

const REAL = path.resolve(ROOT, '..', 'shared', 'fixtures', 'real');
const REAL_CONFIGS = path.join(REAL, 'configs');

/** YAML and JSON that are not training configs and must stay untouched (realistic, written for this test). */
const UNRELATED: Record<string, string> = {
  '.github/workflows/ci.yml': `name: CI
on:
  push:
    branches: [main]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        node: [20, 22]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: \${{ matrix.node }}
      - run: npm ci && npm test
`,
  'docker-compose.yml': `services:
  trainer:
    image: nvcr.io/nvidia/pytorch:24.05-py3
    command: accelerate launch -m axolotl.cli.train config.yml
    deploy:
      resources:
        reservations:
          devices: [{driver: nvidia, count: all, capabilities: [gpu]}]
    volumes: ["./:/workspace"]
  redis:
    image: redis:7
`,
  'k8s/job.yaml': `apiVersion: batch/v1
kind: Job
metadata:
  name: train-dpo
spec:
  template:
    spec:
      containers:
        - name: train
          image: ghcr.io/acme/trainer:1.2
          args: ["--model_name_or_path", "meta-llama/Llama-3.1-8B", "--learning_rate", "5e-6"]
      restartPolicy: Never
`,
  'accelerate/zero3.yaml': `compute_environment: LOCAL_MACHINE
debug: false
deepspeed_config:
  deepspeed_multinode_launcher: standard
  offload_optimizer_device: none
  zero3_init_flag: true
  zero_stage: 3
distributed_type: DEEPSPEED
mixed_precision: bf16
num_machines: 1
num_processes: 8
`,
  'mkdocs.yml': `site_name: Trainer docs
nav:
  - Home: index.md
theme:
  name: material
`,
  'package.json': `{"name": "x", "version": "1.0.0", "scripts": {"test": "node --test"}}`,
  'tsconfig.json': `{"compilerOptions": {"strict": true, "target": "ES2022"}}`,
  'config.json': `{"architectures": ["LlamaForCausalLM"], "hidden_size": 4096, "num_hidden_layers": 32, "vocab_size": 128256, "torch_dtype": "bfloat16"}`,
  'trainer_state.json': `{"best_metric": null, "epoch": 1.0, "global_step": 10, "log_history": [{"loss": 1.2, "step": 5}], "train_batch_size": 8}`,
};

const AXOLOTL = `base_model: NousResearch/Llama-3.2-1B
datasets:
  - path: teknium/GPT4-LLM-Cleaned
    type: alpaca
sequence_len: 2048
micro_batch_size: 2
`;
const LLAMAFACTORY = `model_name_or_path: Qwen/Qwen3-4B-Instruct-2507
stage: dpo
finetuning_type: lora
`;
const HANDBOOK = `model_name_or_path: HuggingFaceH4/mistral-7b-sft-beta
torch_dtype: bfloat16
dataset_mixture:
  datasets:
    - id: HuggingFaceH4/ultrafeedback_binarized
beta: 0.01
learning_rate: 5.0e-7
per_device_train_batch_size: 8
`;
const DEEPSPEED = `{
  "train_micro_batch_size_per_gpu": "auto",
  "gradient_accumulation_steps": "auto",
  "bf16": {"enabled": "auto"},
  "zero_optimization": {"stage": 3, "stage3_gather_16bit_weights_on_model_save": true}
}
`;

test('framework configs are recognised by content, whatever the file name', () => {
  assert.equal(detectKind('/p/x/config.yml', AXOLOTL), 'axolotl');
  assert.equal(detectKind('/p/x/run.yaml', LLAMAFACTORY), 'llamafactory');
  assert.equal(detectKind('/p/recipes/zephyr/dpo/config_full.yaml', HANDBOOK), 'trl');
  assert.equal(detectKind('/p/ds_z3.json', DEEPSPEED), 'deepspeed');
  // A DeepSpeed file being edited (not valid JSON yet) keeps its kind.
  assert.equal(detectKind('/p/ds_z3.json', DEEPSPEED.slice(0, -4)), 'deepspeed');
  // Our own formats come first: a TrainingConfig has base_model too.
  assert.equal(detectKind('/p/rm.yaml', 'apiVersion: rlhf-lens/v1\nkind: TrainingConfig\nbase_model: x\nmicro_batch_size: 1\nsequence_len: 2\n'), 'TrainingConfig');
  assert.equal(detectKind('/p/a.training.yaml', AXOLOTL), 'TrainingConfig');
});

test('a first-line modeline settles a kind, and `off` opts a file out', () => {
  assert.equal(detectKind('/p/odd.yaml', '# rlhf-lens: axolotl\nbase_model: x\n'), 'axolotl');
  assert.equal(detectKind('/p/odd.yaml', '# rlhf-lens: alignment-handbook\nmodel_name_or_path: x\n'), 'trl');
  assert.equal(detectKind('/p/odd.json', '// rlhf-lens: deepspeed\n{}'), 'deepspeed');
  assert.equal(detectKind('/p/odd.yaml', `# rlhf-lens: off\n${AXOLOTL}`), undefined);
  const m = readModeline('# rlhf-lens: axolotl gpus=2 gpu_memory=24GB gpu="RTX 4090"\nbase_model: x\n');
  assert.deepEqual([m?.kind, m?.settings], ['axolotl', { gpus: '2', gpu_memory: '24GB', gpu: 'RTX 4090' }]);
  // An unknown modeline name is still ours (so the user hears about it), but of no kind.
  assert.equal(isConfigFile('/p/odd.yaml', '# rlhf-lens: axolotll\nfoo: 1\n'), true);
});

test('the files: map of .rlhf-lens.yaml maps globs to kinds (and off)', () => {
  const s = parseRuleSettings('files:\n  "recipes/**/*.yaml": trl\n  "legacy/*.yml": off\n  "bad/*": nonsense\nhardware: {gpus: 8, gpu_memory: 80GB, gpu: A100}\n', '/p/.rlhf-lens.yaml');
  assert.equal(s.problems.length, 1, s.problems.join('\n'));
  assert.match(s.problems[0]!, /nonsense/);
  assert.deepEqual(s.hardware, { source: '.rlhf-lens.yaml hardware', gpus: 8, gpu_memory: '80GB', gpu: 'A100' });
  assert.equal(detect('/p/recipes/a/b.yaml', 'foo: 1\n', s.kindMap)?.by, 'files-map');
  assert.equal(detectKind('/p/recipes/a/b.yaml', 'foo: 1\n', s.kindMap), 'trl');
  assert.equal(detectKind('/p/legacy/x.yml', AXOLOTL, s.kindMap), undefined);
  assert.equal(isConfigFile('/p/legacy/x.yml', AXOLOTL, s.kindMap), false);
  assert.equal(detectKind('/elsewhere/recipes/a/b.yaml', 'foo: 1\n', s.kindMap), undefined);
});

test('unrelated YAML and JSON are not configs, nor are the real DVC pipeline files', () => {
  for (const [name, text] of Object.entries(UNRELATED)) assert.equal(isConfigFile(`/p/${name}`, text), false, name);
  const pipelines = path.join(REAL, 'pipelines');
  if (!fs.existsSync(pipelines)) return;
  for (const f of fs.readdirSync(pipelines)) assert.equal(isConfigFile(path.join(pipelines, f), fs.readFileSync(path.join(pipelines, f), 'utf8')), false, f);
});

test('every real axolotl and LLaMA-Factory config is recognised as its framework', (t) => {
  if (!fs.existsSync(REAL_CONFIGS)) return t.skip(`${REAL_CONFIGS} is absent (a clone without ../shared)`);
  for (const f of fs.readdirSync(REAL_CONFIGS)) {
    const want = f.startsWith('axolotl_') ? 'axolotl' : f.startsWith('llamafactory_') ? 'llamafactory' : undefined;
    assert.equal(detectKind(path.join(REAL_CONFIGS, f), fs.readFileSync(path.join(REAL_CONFIGS, f), 'utf8')), want, f);
  }
});

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
}

test('the CLI folder walk picks framework configs by content and skips every other YAML/JSON', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-kind-'));
  try {
    writeTree(dir, { ...UNRELATED, 'train/sft.yml': AXOLOTL, 'train/rm.yaml': LLAMAFACTORY, 'recipes/dpo.yaml': HANDBOOK, 'ds/zero3.json': DEEPSPEED, 'other/mapped.yaml': 'model: x\n', '.rlhf-lens.yaml': 'files:\n  "other/*.yaml": axolotl\n' });
    fs.mkdirSync(path.join(dir, '.git'));
    const r = runCli(['lint', '--format', 'json', '.'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const out = JSON.parse(r.stdout) as { files: { path: string }[] };
    assert.deepEqual(out.files.map((f) => f.path.split(path.sep).join('/')).sort(), ['ds/zero3.json', 'other/mapped.yaml', 'recipes/dpo.yaml', 'train/rm.yaml', 'train/sft.yml']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the server publishes zero diagnostics for unrelated YAML and JSON it is sent', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-kind-lsp-'));
  writeTree(dir, UNRELATED);
  const client = await LspClient.start({ rootPath: dir });
  try {
    const cases: [string, string, string][] = Object.entries(UNRELATED).map(([name, text]) => [path.join(dir, name), text, name.endsWith('.json') ? 'json' : 'yaml']);
    const dvc = path.join(REAL, 'pipelines', 'deepcnnclassifier_dvc.yaml');
    if (fs.existsSync(dvc)) cases.push([dvc, fs.readFileSync(dvc, 'utf8'), 'yaml']);
    for (const [file, text, lang] of cases) {
      const diags = await client.openAndWait(file, text, lang);
      assert.deepEqual(diags, [], file);
    }
    // Hover and completion say nothing there either.
    const uri = client.open(path.join(dir, 'docker-compose.yml'), UNRELATED['docker-compose.yml']!, 'yaml');
    const hover = await client.connection.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 3 } });
    assert.equal(hover, null);
  } finally {
    await client.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
