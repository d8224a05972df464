/**
 * Writes examples/workspace: a realistic RLHF project (pipeline, experiment and training configs, plus
 * the data files they name) for the demo, the dashboards and the end-to-end tests.
 *
 *   node --import tsx examples/generate.ts [OUT_DIR]     (default: examples/workspace)
 *
 * Deterministic: every random draw comes from one seeded PRNG per file, and no clock is read, so two
 * runs write byte-identical files (test/examples.test.ts checks it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** mulberry32: small, fast, and identical on every platform (32-bit integer arithmetic only). */
class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  bernoulli(p: number): boolean {
    return this.next() < p;
  }
  /** Box-Muller; one draw per call keeps the stream easy to reason about. */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(this.normal(0, sigma));
  }
}

const round = (x: number, digits: number): number => Number(x.toFixed(digits));
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
const jsonl = (rows: readonly unknown[]): string => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** A fixed clock for timestamps, so nothing depends on when the generator runs. */
const EPOCH_MS = Date.UTC(2026, 10, 16, 0, 0, 0);
const isoAt = (offsetMs: number): string => new Date(EPOCH_MS + offsetMs).toISOString();

// ---------------------------------------------------------------------------------------------
// Config files
// ---------------------------------------------------------------------------------------------

const PIPELINE = `# Weekly refresh of the reward model: collect feedback, label it, retrain, evaluate, roll out.
apiVersion: rlhf-lens/v1
kind: Pipeline
metadata:
  name: reward-model-refresh
  description: Weekly refresh of the reward model from new human feedback
  owner: alignment-team
  tags: [reward-model, weekly]
params:
  since: 7d
  min_alpha: 0.6
  max_ece: 0.05
  annotators_per_item: 5
schedule: {cron: "0 3 * * 1", timezone: UTC}
defaults:
  retries: 2
  backoff: exponential
  timeout: 2h
  on_failure: stop
  resources: {cpu: 4, memory: 16Gi, gpus: 0}
stages:
  - id: collect-feedback
    name: Collect production feedback
    phase: data_collection
    run: python -m feedback.collect --since \${{ params.since }}
    outputs: {feedback: ../data/feedback_round2.jsonl}
    checks:
      - name: feedback scores have not drifted
        analysis: drift
        data: ../data/feedback_round2.jsonl
        reference: ../data/feedback_round1.jsonl
        options: {column: score}
        assert: {psi: {max: 0.2}}
        on_fail: warn

  - id: annotate
    name: Pairwise preference labelling
    phase: data_collection
    needs: [collect-feedback]
    run: python -m labelling.export --raw \${{ stages.collect-feedback.outputs.feedback }} --per-item \${{ params.annotators_per_item }}
    inputs: {raw: "\${{ stages.collect-feedback.outputs.feedback }}"}
    outputs: {labels: ../data/labels.jsonl, pairs: ../data/prefs_train.jsonl}
    checks:
      - name: annotators agree
        analysis: agreement
        data: ../data/labels.jsonl
        options: {level: nominal}
        assert: {krippendorff_alpha: {min: 0.6}}
      - name: preference pairs are clean
        analysis: data-quality
        data: ../data/prefs_train.jsonl
        options: {against: ../data/prefs_eval.jsonl}
        assert: {duplicate_prompt_share: {max: 0.01}, quality_score: {min: 80}}

  - id: train-sft
    name: Supervised fine-tune
    phase: training
    needs: [annotate]
    training: ../configs/sft.training.yaml
    resources: {gpus: 8, memory: 320Gi, gpu_type: a100-80gb}
    timeout: 6h

  - id: train-rm
    name: Train the reward model
    phase: training
    needs: [annotate, train-sft]
    run: accelerate launch -m trainers.reward --pairs \${{ stages.annotate.outputs.pairs }}
    training: ../configs/rm.training.yaml
    resources: {gpus: 8, memory: 320Gi, gpu_type: a100-80gb}
    timeout: 12h
    outputs: {checkpoint: ../runs/rm-llama8b-lora}
    checks:
      - name: training run is healthy
        analysis: training
        data: ../runs/rm-llama8b-lora/trainer_state.json
        assert: {eval_loss.last: {max: 0.6}}
        on_fail: warn

  - id: train-policy
    name: DPO on the new preferences
    phase: training
    needs: [train-rm]
    training: ../configs/dpo.training.yaml
    resources: {gpus: 4, memory: 160Gi}
    timeout: 8h

  - id: eval-rm
    name: Reward model calibration
    phase: evaluation
    needs: [train-rm]
    run: python -m evals.score_pairs --checkpoint \${{ stages.train-rm.outputs.checkpoint }}
    outputs: {preds: ../eval/rm_preds.jsonl}
    checks:
      - name: reward model is calibrated
        analysis: calibration
        data: ../eval/rm_preds.jsonl
        options: {bins: 15}
        assert: {ece: {max: 0.05}, accuracy: {min: 0.7}}
      - name: reward models compared on the same pairs
        analysis: preference-eval
        data: ../eval/rm_compare.jsonl
        options: {models: [rm-lora16, rm-lora32]}
        assert: {accuracy: {min: 0.7}, longer_chosen_share: {max: 0.6}}

  - id: canary
    name: Serving canary
    phase: deployment
    needs: [eval-rm, train-policy]
    run: python -m serving.canary --adapter task_planning_v2 --env \${{ env.DEPLOY_ENV }}
    checks:
      - name: canary latency
        analysis: latency
        data: ../logs/serving.jsonl
        options: {group_by: adapter_id}
        assert: {p95: {max: 1500}, success_rate: {min: 0.9}}

  - id: ab-rollout
    name: A/B test the planning adapter
    phase: deployment
    needs: [canary]
    experiment: ../experiments/planning-v1-vs-v2.experiment.yaml
    checks:
      - name: planning v2 wins
        analysis: ab
        data: ../results/planning_ab.jsonl
        options: {experiment: ../experiments/planning-v1-vs-v2.experiment.yaml}
        assert: {p_value: {max: 0.05}}
`;

const EXPERIMENT = `# A/B test: does the v2 planning adapter raise task success without slowing responses?
apiVersion: rlhf-lens/v1
kind: Experiment
metadata:
  name: planning-v1-vs-v2
  description: Planning adapter v2 against v1 on retail planning tasks
  owner: assistant-team
hypothesis: The v2 planning adapter raises task success without slowing responses
unit: user_id
assignment: {strategy: hash, salt: planning-2026-11}
variants:
  - id: control
    control: true
    description: Current production adapter stack
    adapters: [industry_retail, task_planning_v1]
    traffic: 0.5
  - id: treatment
    description: Planning adapter retrained with DPO on the new preferences
    adapters: [industry_retail, task_planning_v2]
    traffic: 0.5
targeting: {task: [planning], retailer: [amazon, walmart]}
schedule: {start: 2026-11-01, end: 2026-11-29}
metrics:
  - {name: success, type: binomial, column: success, primary: true, direction: increase}
  - name: latency_ms
    type: continuous
    column: latency_ms
    direction: decrease
    guardrail: {max_relative_change: 0.05}
analysis:
  method: frequentist
  confidence: 0.95
  correction: holm
  min_sample_size: 10000
  mde: 0.02
  power: 0.8
data: ../results/planning_ab.jsonl
`;

const SFT = `# Supervised fine-tune of the instruct model on curated planning demonstrations.
apiVersion: rlhf-lens/v1
kind: TrainingConfig
metadata:
  name: sft-llama8b-planning
  owner: alignment-team
method: sft
base_model: meta-llama/Llama-3.1-8B-Instruct
dataset:
  train: ../data/prefs_train.jsonl
  eval: ../data/prefs_eval.jsonl
  format: preference
lora: {rank: 16, alpha: 32, dropout: 0.05, target_modules: [q_proj, k_proj, v_proj, o_proj]}
hyperparameters:
  epochs: 2
  batch_size: 8
  gradient_accumulation_steps: 4
  learning_rate: 2.0e-4
  scheduler: cosine
  warmup_ratio: 0.03
  max_seq_length: 2048
  precision: bf16
  gradient_checkpointing: true
  seed: 42
hardware: {gpus: 8, gpu_memory: 80GB, gpu_type: a100-80gb}
logging: {dir: ../runs/sft-llama8b-planning, every_steps: 10}
`;

const RM = `# Reward model: a LoRA head on Llama 3.1 8B, trained on pairwise preferences.
apiVersion: rlhf-lens/v1
kind: TrainingConfig
metadata:
  name: rm-llama8b-lora
  owner: alignment-team
method: reward_model
base_model: meta-llama/Llama-3.1-8B-Instruct
dataset:
  train: ../data/prefs_train.jsonl
  eval: ../data/prefs_eval.jsonl
  format: preference
lora: {rank: 16, alpha: 32, dropout: 0.05, target_modules: [q_proj, k_proj, v_proj, o_proj]}
hyperparameters:
  epochs: 1
  batch_size: 8
  gradient_accumulation_steps: 2
  learning_rate: 1.0e-5
  scheduler: cosine
  warmup_ratio: 0.03
  max_seq_length: 2048
  precision: bf16
  gradient_checkpointing: true
  seed: 42
hardware: {gpus: 8, gpu_memory: 80GB, gpu_type: a100-80gb}
logging: {dir: ../runs/rm-llama8b-lora, every_steps: 10}
`;

const DPO = `# DPO of the planning adapter with QLoRA (4-bit NF4 base, LoRA adapters).
apiVersion: rlhf-lens/v1
kind: TrainingConfig
metadata:
  name: dpo-planning-v2
  owner: assistant-team
  tags: [planning, qlora]
method: dpo
base_model: meta-llama/Llama-3.1-8B-Instruct
dataset:
  train: ../data/prefs_train.jsonl
  eval: ../data/prefs_eval.jsonl
  format: preference
lora: {rank: 32, alpha: 64, dropout: 0.05, target_modules: [q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj]}
quantization: {bits: 4, type: nf4, double_quant: true}
hyperparameters:
  epochs: 3
  batch_size: 4
  gradient_accumulation_steps: 8
  learning_rate: 5.0e-6
  scheduler: cosine
  warmup_ratio: 0.1
  max_seq_length: 2048
  beta: 0.1
  optimizer: paged_adamw_8bit
  precision: bf16
  gradient_checkpointing: true
  seed: 42
hardware: {gpus: 4, gpu_memory: 80GB}
logging: {dir: ../runs/dpo-planning-v2, every_steps: 10}
`;

/** Deliberately broken: a cycle, an unknown need with a typo. The comments say what lint reports. */
const BROKEN_PIPELINE = `# Deliberately broken, for the demo and the end-to-end tests.
apiVersion: rlhf-lens/v1
kind: Pipeline
metadata:
  name: broken-refresh
stages:
  - id: collect
    phase: data_collection
    run: python -m feedback.collect
  - id: train-rm
    phase: training
    needs: [collect, eval-rm]      # pipeline/cycle: train-rm -> eval-rm -> train-rm (and pipeline/phase-order)
    training: ../configs/rm.training.yaml
  - id: eval-rm
    phase: evaluation
    needs: [train-rm]
  - id: rollout
    phase: deployment
    needs: [eval-rn]               # pipeline/unknown-need: did you mean eval-rm?
`;

const BROKEN_EXPERIMENT = `# Deliberately broken: the traffic shares sum to 1.1.
apiVersion: rlhf-lens/v1
kind: Experiment
metadata:
  name: broken-traffic
unit: user_id
variants:
  - id: control
    control: true
    traffic: 0.5
  - id: treatment
    traffic: 0.6                   # experiment/traffic-sum: 0.5 + 0.6 = 1.1
metrics:
  - {name: success, type: binomial, column: success, primary: true}
`;

const BROKEN_TRAINING = `# Deliberately broken: DPO needs beta.
apiVersion: rlhf-lens/v1
kind: TrainingConfig
metadata:
  name: broken-dpo
method: dpo                        # training/method-requirements: dpo without beta
base_model: meta-llama/Llama-3.1-8B-Instruct
dataset:
  train: ../data/prefs_train.jsonl
  format: preference
lora: {rank: 16, alpha: 32}
hyperparameters:
  epochs: 1
  batch_size: 4
  learning_rate: 5.0e-6
  gradient_checkpointing: true
hardware: {gpus: 1, gpu_memory: 80GB}
`;

/** What a visitor of the workspace reads first. */
const WORKSPACE_README = `# Example RLHF project

Generated by \`examples/generate.ts\` (\`npm run examples\`); do not edit by hand. The data is
synthetic, drawn from a seeded generator with realistic distributions.

| File | What it is |
|---|---|
| \`pipelines/reward-model-refresh.pipeline.yaml\` | the weekly reward-model refresh: collect, annotate, train SFT / RM / DPO, evaluate, canary, A/B, with quality gates |
| \`experiments/planning-v1-vs-v2.experiment.yaml\` | the A/B test of the v2 planning adapter |
| \`configs/sft.training.yaml\`, \`rm.training.yaml\`, \`dpo.training.yaml\` | SFT with LoRA, a LoRA reward model, DPO with QLoRA |
| \`data/prefs_train.jsonl\`, \`prefs_eval.jsonl\` | 3,000 + 500 preference pairs (prompt / chosen / rejected), with planted data-quality problems: duplicate rows and prompts, near-duplicate prompts, identical and empty sides, a truncated response, eval prompts leaked from training |
| \`data/labels.jsonl\` | pairwise labels of 1,200 items by 5 annotators of different reliability, and a lazy sixth (\`ann_fay\`) who labels 120 items \`response_a\` (Krippendorff's alpha about 0.62) |
| \`data/feedback_round1.jsonl\`, \`round2.jsonl\` | 5,000 feedback scores per round; round 2 drifts mildly (PSI about 0.03) |
| \`eval/rm_preds.jsonl\` | 4,000 reward-model score pairs: 76% accurate, slightly over-confident (ECE about 0.04) |
| \`results/planning_ab.jsonl\` | 24,000 A/B exposures with a true success lift of 2 points |
| \`logs/serving.jsonl\` | 12,000 serving requests over 3 days, with a 40-minute latency incident |
| \`runs/rm-llama8b-lora/trainer_state.json\` | the reward model's Hugging Face trainer state with TRL reward metrics and a loss spike at step 430 |
| \`data/pool.jsonl\` | 2,000 unlabelled items with class probabilities and embeddings, for active learning |
| \`runs/rm-llama8b-lora-r32/\` | a second reward-model run (LoRA r 32, learning rate 2e-5, batch 16), to compare with the first (\`rlhf-lens compare runs/rm-llama8b-lora runs/rm-llama8b-lora-r32\`); both runs keep their \`adapter_config.json\` and \`training_args.json\` |
| \`eval/rm_compare.jsonl\` | the two reward models scored on the same 1,200 pairs of RewardBench-named subsets with response lengths (\`rlhf-lens analyze preference-eval eval/rm_compare.jsonl --models rm-lora16,rm-lora32\`) |

\`frameworks/\` holds configs in the trainers' own formats (docs/frameworks.md): an axolotl DPO
config with its DeepSpeed ZeRO-2 file, and a LLaMA-Factory reward model reading \`data/dataset_info.json\`.

The \`broken.*\` files are wrong on purpose; \`rlhf-lens lint\` reports a dependency cycle, a
misspelt need, traffic that sums to 1.1, DPO without \`beta\`, and a LLaMA-Factory reward model
trained on data that is not pairwise (with a misspelt \`lora_rank\`).
`;

// ---------------------------------------------------------------------------------------------
// Preference pairs (prompt / chosen / rejected)
// ---------------------------------------------------------------------------------------------

const RETAILERS = ['amazon', 'walmart', 'target', 'costco', 'kroger'] as const;
const PRODUCTS = ['paper towels', 'oat milk', 'AA batteries', 'dog food', 'coffee beans', 'laundry pods', 'sunscreen', 'printer ink', 'protein bars', 'diapers'] as const;
const TASKS = [
  (r: Random) => `Plan a weekly restock for a ${r.pick(RETAILERS)} store where ${r.pick(PRODUCTS)} and ${r.pick(PRODUCTS)} are below their reorder points.`,
  (r: Random) => `A customer wants ${2 + r.int(9)} items delivered before ${r.pick(['Friday', 'the weekend', 'Tuesday noon'])}. Draft the fulfilment plan.`,
  (r: Random) => `Compare two promotion calendars for ${r.pick(PRODUCTS)} on ${r.pick(RETAILERS)} and recommend one for Q${1 + r.int(4)}.`,
  (r: Random) => `Summarise why ${r.pick(PRODUCTS)} sales dropped ${5 + r.int(30)}% last week and propose next steps.`,
  (r: Random) => `Break down the launch of a new ${r.pick(PRODUCTS)} listing into tasks with owners and deadlines.`,
  (r: Random) => `Given a budget of $${(1 + r.int(20)) * 500}, plan ad spend across ${r.pick(RETAILERS)} and ${r.pick(RETAILERS)} search.`,
];
const GOOD_STEPS = [
  'Check current stock against the last four weeks of sell-through.',
  'Flag items whose lead time exceeds the days of cover left.',
  'Group orders by supplier to meet minimum order quantities.',
  'Confirm the delivery slot with the carrier before committing.',
  'Set a reminder to review the forecast error next week.',
  'Split the budget by expected return on ad spend, keeping 10% for tests.',
  'List owners and due dates for each task, with the critical path first.',
  'Quantify the impact before recommending a change.',
];
const BAD_STEPS = [
  'Order more of everything to be safe.',
  'It depends on many factors.',
  'Ask the customer what they want.',
  'Run a promotion.',
  'Sales go up and down, so no action is needed.',
  'Spend the budget evenly.',
];

function preferencePair(r: Random): { prompt: string; chosen: string; rejected: string } {
  const prompt = r.pick(TASKS)(r);
  const goodCount = 2 + r.int(4);
  const good: string[] = [];
  for (let i = 0; i < goodCount; i++) good.push(`${i + 1}. ${r.pick(GOOD_STEPS)}`);
  const chosen = `Here is a plan:\n${good.join('\n')}`;
  const rejected = r.bernoulli(0.5) ? r.pick(BAD_STEPS) : `${r.pick(BAD_STEPS)} ${r.pick(BAD_STEPS)}`;
  return { prompt, chosen, rejected };
}

// ---------------------------------------------------------------------------------------------
// Data files
// ---------------------------------------------------------------------------------------------

/** Pairwise labels from 5 annotators of different reliability; ~3% of ratings missing. */
function annotationLabels(r: Random): object[] {
  const annotators = [
    { id: 'ann_alice', accuracy: 0.95 },
    { id: 'ann_bob', accuracy: 0.92 },
    { id: 'ann_chen', accuracy: 0.93 },
    { id: 'ann_dara', accuracy: 0.88 },
    { id: 'ann_eve', accuracy: 0.85 },
  ];
  const labels = ['response_a', 'response_b', 'tie'] as const;
  const rows: object[] = [];
  for (let item = 0; item < 1200; item++) {
    const itemId = `pair-${String(item).padStart(5, '0')}`;
    const truth = r.next() < 0.46 ? 'response_a' : r.next() < 0.85 ? 'response_b' : 'tie';
    const hard = r.bernoulli(0.12); // hard items: everyone is closer to guessing
    for (const a of annotators) {
      if (r.bernoulli(0.03)) continue;
      const p = hard ? a.accuracy - 0.25 : a.accuracy;
      const label = r.bernoulli(p) ? truth : r.pick(labels.filter((l) => l !== truth));
      rows.push({ item_id: itemId, annotator: a.id, label });
    }
  }
  return rows;
}

/** Production feedback scores; round 2 shifts mildly (PSI well under 0.2). */
function feedbackRound(r: Random, roundNo: 1 | 2): object[] {
  const rows: object[] = [];
  const categories = ['planning', 'search', 'support', 'catalog'] as const;
  for (let i = 0; i < 5000; i++) {
    const category = r.pick(categories);
    const base = roundNo === 1 ? 0.2 : 0.32;
    const score = r.normal(base + (category === 'planning' ? 0.15 : 0), roundNo === 1 ? 1 : 1.08);
    rows.push({
      id: `fb${roundNo}-${String(i).padStart(5, '0')}`,
      round: roundNo,
      category,
      score: round(score, 4),
      response_tokens: Math.max(8, Math.round(r.logNormal(180, 0.5))),
      thumbs_up: r.bernoulli(sigmoid(score)),
    });
  }
  return rows;
}

/**
 * Reward-model scores on held-out pairs. The model's score margin d is sharper than the truth:
 * P(the human-chosen response is the one the model prefers) = sigmoid(|d| / 1.25), so it is mildly
 * over-confident. When the model is wrong the human-chosen response got the lower score.
 */
function rewardModelPredictions(r: Random): object[] {
  const rows: object[] = [];
  for (let i = 0; i < 4000; i++) {
    const margin = Math.abs(r.normal(1.6, 1.3));
    const modelRight = r.bernoulli(sigmoid(margin / 1.25));
    const base = r.normal(0, 1.5);
    const [chosen, rejected] = modelRight ? [base + margin, base] : [base, base + margin];
    rows.push({ pair_id: `eval-${String(i).padStart(5, '0')}`, chosen_score: round(chosen, 4), rejected_score: round(rejected, 4) });
  }
  return rows;
}

/** A/B exposures: ~12k users per arm, true success lift +2 points, latency unchanged. */
function abEvents(r: Random): object[] {
  const rows: object[] = [];
  for (let i = 0; i < 24000; i++) {
    const variant = r.bernoulli(0.5) ? 'treatment' : 'control';
    const success = r.bernoulli(variant === 'treatment' ? 0.62 : 0.6);
    const latency = r.logNormal(variant === 'treatment' ? 812 : 805, 0.35);
    rows.push({
      variant,
      user_id: `u${String(100000 + i)}`,
      success: success ? 1 : 0,
      latency_ms: round(latency, 1),
      retailer: r.bernoulli(0.6) ? 'amazon' : 'walmart',
    });
  }
  return rows;
}

/** Serving logs over 3 days with a latency incident and a few failed-request bursts. */
function servingLogs(r: Random): object[] {
  const adapters = [
    { id: 'industry_retail+task_planning_v1', median: 780, fail: 0.03 },
    { id: 'industry_retail+task_planning_v2', median: 800, fail: 0.025 },
    { id: 'industry_retail+task_search_v3', median: 420, fail: 0.015 },
    { id: 'base', median: 350, fail: 0.01 },
  ];
  const rows: object[] = [];
  let t = 0;
  const incidentStart = 31 * 3600_000;
  const incidentEnd = incidentStart + 40 * 60_000;
  for (let i = 0; i < 12000; i++) {
    t += Math.round(1000 + r.next() * 42000);
    const adapter = r.pick(adapters);
    const inIncident = t >= incidentStart && t < incidentEnd;
    let latency = r.logNormal(adapter.median, 0.3) * (inIncident ? 4 : 1);
    if (r.bernoulli(0.001)) latency *= 12; // rare cold starts
    const success = !r.bernoulli(inIncident ? 0.25 : adapter.fail);
    const row: Record<string, unknown> = {
      timestamp: isoAt(t),
      adapter_id: adapter.id,
      latency_ms: round(latency, 1),
      success,
    };
    if (r.bernoulli(0.3)) row.rating = Math.min(5, Math.max(1, Math.round(r.normal(success ? 4.1 : 2.2, 0.8))));
    rows.push(row);
  }
  return rows;
}

/** Hugging Face trainer_state.json of a TRL reward-model run, with one loss spike at step 430 (unless `spikeAt` moves it). */
function trainerState(r: Random, variant: { peakLr?: number; lossFloor?: number; spikeAt?: number; batch?: number } = {}): object {
  const maxSteps = 600;
  const loggingSteps = 10;
  const evalSteps = 50;
  const peakLr = variant.peakLr ?? 1e-5;
  const lossFloor = variant.lossFloor ?? 0.22;
  const spikeAt = variant.spikeAt ?? 430;
  const warmup = 18;
  const log: object[] = [];
  const lrAt = (step: number): number =>
    step < warmup ? (peakLr * step) / warmup : peakLr * 0.5 * (1 + Math.cos((Math.PI * (step - warmup)) / (maxSteps - warmup)));
  for (let step = loggingSteps; step <= maxSteps; step += loggingSteps) {
    const progress = step / maxSteps;
    let margin = 2.1 * (1 - Math.exp(-4 * progress)) + r.normal(0, 0.08);
    let loss = 0.69 * Math.exp(-2.2 * progress) + lossFloor + r.normal(0, 0.015);
    let grad = 2.5 * Math.exp(-1.5 * progress) + 0.6 + Math.abs(r.normal(0, 0.15));
    if (step === spikeAt) {
      loss *= 3.1;
      grad *= 9;
      margin *= 0.4;
    }
    const chosen = margin / 2 + r.normal(0.05, 0.05);
    log.push({
      epoch: round(progress, 4),
      grad_norm: round(grad, 4),
      learning_rate: Number(lrAt(step).toPrecision(6)),
      loss: round(loss, 4),
      'rewards/accuracies': round(Math.min(1, sigmoid(margin * 1.6) + r.normal(0, 0.02)), 4),
      'rewards/chosen': round(chosen, 4),
      'rewards/margins': round(margin, 4),
      'rewards/rejected': round(chosen - margin, 4),
      step,
    });
    if (step % evalSteps === 0) {
      const evalLoss = 0.69 * Math.exp(-1.9 * progress) + 0.3 + (lossFloor - 0.22) + r.normal(0, 0.008);
      log.push({
        epoch: round(progress, 4),
        eval_accuracy: round(0.5 + 0.27 * (1 - Math.exp(-4 * progress)) + r.normal(0, 0.005), 4),
        eval_loss: round(evalLoss, 4),
        eval_runtime: round(61 + r.normal(0, 1.5), 3),
        eval_samples_per_second: round(32.7 + r.normal(0, 0.4), 3),
        eval_steps_per_second: round(4.09 + r.normal(0, 0.05), 3),
        step,
      });
    }
  }
  log.push({ epoch: 1, step: maxSteps, total_flos: 0, train_loss: 0.412, train_runtime: 14521.3, train_samples_per_second: 5.29, train_steps_per_second: 0.041 });
  return {
    best_global_step: null,
    best_metric: null,
    best_model_checkpoint: null,
    epoch: 1,
    eval_steps: evalSteps,
    global_step: maxSteps,
    is_hyper_param_search: false,
    is_local_process_zero: true,
    is_world_process_zero: true,
    log_history: log,
    logging_steps: loggingSteps,
    max_steps: maxSteps,
    num_input_tokens_seen: 0,
    num_train_epochs: 1,
    save_steps: 200,
    stateful_callbacks: {
      TrainerControl: {
        args: { should_epoch_stop: false, should_evaluate: false, should_log: false, should_save: true, should_training_stop: true },
        attributes: {},
      },
    },
    total_flos: 0,
    train_batch_size: variant.batch ?? 8,
    trial_name: null,
    trial_params: null,
  };
}

/** Active-learning pool: 3-class probabilities (some confident, some not) and 8-d embeddings. */
function activeLearningPool(r: Random): object[] {
  const rows: object[] = [];
  const centres = Array.from({ length: 4 }, () => Array.from({ length: 8 }, () => r.normal(0, 1)));
  for (let i = 0; i < 2000; i++) {
    const sharpness = 0.3 + 3.5 * r.next(); // from near-uniform (worth labelling) to confident
    const logits = [r.normal(0, sharpness), r.normal(0, sharpness), r.normal(0, sharpness)];
    const top = Math.max(...logits);
    const exps = logits.map((l) => Math.exp(l - top));
    const total = exps.reduce((a, b) => a + b, 0);
    const centre = r.pick(centres);
    rows.push({
      id: `pool-${String(i).padStart(5, '0')}`,
      probs: exps.map((e) => round(e / total, 4)),
      embedding: centre.map((c) => round(c + r.normal(0, 0.35), 3)),
    });
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------
// Framework configs (axolotl, LLaMA-Factory, DeepSpeed): docs/frameworks.md. Their own function so
// other example additions do not collide; static text, so generation stays deterministic.
// ---------------------------------------------------------------------------------------------

const AXOLOTL_DPO = `# rlhf-lens: axolotl gpus=8 gpu=A100 gpu_memory=80GB
# DPO of the planning model with axolotl: LoRA on Llama 3.1 8B Instruct, ZeRO-2 over 8 GPUs.
# Launch: accelerate launch -m axolotl.cli.train frameworks/axolotl-dpo.yml
base_model: meta-llama/Llama-3.1-8B-Instruct
chat_template: llama3

rl: dpo
rl_beta: 0.1
datasets:
  - path: ../data/prefs_train.jsonl
    ds_type: json
    type: chatml.prompt_pairs
    split: train
dataset_prepared_path: last_run_prepared
val_set_size: 0.05
output_dir: ../runs/axolotl-dpo-planning

sequence_len: 2048
sample_packing: false

adapter: lora
lora_r: 16
lora_alpha: 32
lora_dropout: 0.05
lora_target_linear: true

gradient_accumulation_steps: 4
micro_batch_size: 2
num_epochs: 1
optimizer: adamw_torch_fused
lr_scheduler: cosine
learning_rate: 5.0e-6
warmup_ratio: 0.1

bf16: auto
tf32: true
gradient_checkpointing: true
attn_implementation: flash_attention_2
deepspeed: ds_zero2.json

logging_steps: 10
evals_per_epoch: 4
saves_per_epoch: 1
`;

const DEEPSPEED_ZERO2 = `{
  "bf16": {"enabled": "auto"},
  "zero_optimization": {
    "stage": 2,
    "overlap_comm": true,
    "contiguous_gradients": true,
    "reduce_bucket_size": "auto",
    "allgather_bucket_size": 5e8
  },
  "gradient_accumulation_steps": "auto",
  "gradient_clipping": "auto",
  "train_batch_size": "auto",
  "train_micro_batch_size_per_gpu": "auto"
}
`;

const LLAMAFACTORY_RM = `# rlhf-lens: llamafactory gpus=8 gpu=A100 gpu_memory=80GB
# Reward model with LLaMA-Factory: LoRA on Qwen3 4B over the preference pairs.
# Launch: llamafactory-cli train frameworks/llamafactory-rm.yaml
### model
model_name_or_path: Qwen/Qwen3-4B-Instruct-2507
trust_remote_code: true

### method
stage: rm
do_train: true
finetuning_type: lora
lora_rank: 16
lora_target: all

### dataset
dataset: planning_prefs
dataset_dir: ../data
template: qwen3_nothink
cutoff_len: 2048
preprocessing_num_workers: 8

### output
output_dir: ../runs/llamafactory-rm
logging_steps: 10
save_steps: 500
report_to: none

### train
per_device_train_batch_size: 2
gradient_accumulation_steps: 4
learning_rate: 1.0e-4
num_train_epochs: 1.0
lr_scheduler_type: cosine
bf16: true
`;

/** The broken twin: trains the reward model on feedback scores (not pairs) and misspells lora_rank. */
const BROKEN_LLAMAFACTORY_RM = LLAMAFACTORY_RM.replace('# Reward model with', '# Deliberately broken: framework/preference-data (feedback_scores has no "ranking": true)\n# and framework/unknown-key (lora_rnak). Reward model with')
  .replace('dataset: planning_prefs', 'dataset: feedback_scores')
  .replace('lora_rank: 16', 'lora_rnak: 16');

/** LLaMA-Factory's dataset registry for the workspace's data folder. */
const DATASET_INFO = `${JSON.stringify(
  {
    planning_prefs: { file_name: 'prefs_train.jsonl', ranking: true, columns: { prompt: 'prompt', chosen: 'chosen', rejected: 'rejected' } },
    feedback_scores: { file_name: 'feedback_round1.jsonl', columns: { prompt: 'category', response: 'score' } },
  },
  null,
  2,
)}\n`;

function addFrameworkExamples(files: Map<string, string>): void {
  files.set('frameworks/axolotl-dpo.yml', AXOLOTL_DPO);
  files.set('frameworks/ds_zero2.json', DEEPSPEED_ZERO2);
  files.set('frameworks/llamafactory-rm.yaml', LLAMAFACTORY_RM);
  files.set('frameworks/broken.llamafactory-rm.yaml', BROKEN_LLAMAFACTORY_RM);
  files.set('data/dataset_info.json', DATASET_INFO);
}

// ---------------------------------------------------------------------------------------------

/** PEFT adapter_config.json as saved beside a LoRA checkpoint. */
function adapterConfig(r: number, alpha: number): string {
  const config = { base_model_name_or_path: 'meta-llama/Llama-3.1-8B', lora_alpha: alpha, lora_dropout: 0.05, peft_type: 'LORA', r, target_modules: ['q_proj', 'k_proj', 'v_proj', 'o_proj'], task_type: 'SEQ_CLS' };
  return JSON.stringify(config, null, 2) + '\n';
}

/** The training arguments a run saved as JSON (what TrainingArguments.to_json_string writes, abridged). */
function trainingArgs(lr: number, batch: number): string {
  const args = { gradient_accumulation_steps: 4, learning_rate: lr, lr_scheduler_type: 'cosine', num_train_epochs: 1, output_dir: 'runs', per_device_train_batch_size: batch, seed: 42, warmup_steps: 18 };
  return JSON.stringify(args, null, 2) + '\n';
}

/**
 * Two reward models scored on the same 1,200 eval pairs (RewardBench-named subsets, response
 * lengths): rm-lora16 (the run above) prefers longer responses; rm-lora32 is a little more
 * accurate and less length-biased.
 */
function rewardModelComparison(r: Random): object[] {
  const subsets = ['alpacaeval-easy', 'alpacaeval-hard', 'mt-bench-hard', 'llmbar-natural', 'xstest-should-respond', 'refusals-dangerous', 'math-prm', 'hep-python'];
  const difficulty: Record<string, number> = { 'alpacaeval-easy': 2.2, 'alpacaeval-hard': 1.4, 'mt-bench-hard': 0.5, 'llmbar-natural': 0.9, 'xstest-should-respond': 1.2, 'refusals-dangerous': 1.0, 'math-prm': 0.7, 'hep-python': 1.1 };
  const rows: object[] = [];
  for (let i = 0; i < 1200; i++) {
    const subset = subsets[i % subsets.length]!;
    const chosenLength = Math.round(r.logNormal(650, 0.5));
    const rejectedLength = Math.round(r.logNormal(600, 0.5));
    const quality = r.normal(difficulty[subset]!, 1);
    const lengthPull = Math.log(chosenLength / rejectedLength);
    const base = r.normal(0, 1);
    const a = quality * 0.8 + 0.9 * lengthPull + r.normal(0, 1);
    const b = quality + 0.25 * lengthPull + r.normal(0, 1);
    rows.push({
      pair_id: `cmp-${String(i).padStart(5, '0')}`,
      subset,
      chosen_length: chosenLength,
      rejected_length: rejectedLength,
      'rm-lora16_chosen': round(base + a, 4),
      'rm-lora16_rejected': round(base, 4),
      'rm-lora32_chosen': round(base + b, 4),
      'rm-lora32_rejected': round(base, 4),
    });
  }
  return rows;
}

/** The files of the run comparison demo: a second reward-model run, saved configs, two models' scores. */
function addComparisonFiles(files: Map<string, string>): void {
  files.set('runs/rm-llama8b-lora/adapter_config.json', adapterConfig(16, 32));
  files.set('runs/rm-llama8b-lora/training_args.json', trainingArgs(1e-5, 8));
  files.set('runs/rm-llama8b-lora-r32/trainer_state.json', JSON.stringify(trainerState(new Random(10), { peakLr: 2e-5, lossFloor: 0.2, spikeAt: -1, batch: 16 }), null, 2) + '\n');
  files.set('runs/rm-llama8b-lora-r32/adapter_config.json', adapterConfig(32, 64));
  files.set('runs/rm-llama8b-lora-r32/training_args.json', trainingArgs(2e-5, 16));
  files.set('eval/rm_compare.jsonl', jsonl(rewardModelComparison(new Random(11))));
}

// ---------------------------------------------------------------------------------------------
// Data-quality plants (docs/analyses.md#data-quality)
// ---------------------------------------------------------------------------------------------

const CITIES = ['Austin', 'Denver', 'Leeds', 'Lyon', 'Osaka', 'Pune', 'Quito', 'Tartu', 'Utrecht', 'Windhoek', 'Bergen', 'Cusco'] as const;
const CONCERNS = ['a supplier strike', 'a heatwave', 'a price war', 'a recall nearby', 'a new competitor', 'a holiday weekend', 'a carrier delay', 'a storm warning'] as const;

type PreferencePair = { prompt: string; chosen: string; rejected: string };

/**
 * Gives every prompt its own context (store, city, week, open orders, a concern), so that the
 * prompts are distinct as real ones are, then plants the problems `rlhf-lens analyze data-quality`
 * and the data-collection tab must find: 5 exact duplicate rows, 8 repeated and 4 near-duplicate
 * prompts, 2 pairs with identical sides, 1 empty rejected response, 1 response cut at 64 words,
 * 4 eval prompts copied from training (and 2 near copies), and a lazy annotator who labels 120
 * items "response_a" without reading them. Its own seeded stream, so the other files are unchanged.
 */
function plantDataQuality(r: Random, pairs: PreferencePair[], labels: object[]): void {
  for (const p of pairs) {
    p.prompt += ` Context: store ${1000 + r.int(9000)} in ${r.pick(CITIES)}, week ${1 + r.int(52)}, ${3 + r.int(60)} open orders, and ${r.pick(CONCERNS)} expected.`;
  }
  const train = pairs.slice(0, 3000);
  const evalPairs = pairs.slice(3000);
  // exact duplicate rows
  [10, 200, 1200, 2000, 2500].forEach((from, k) => (train[2990 + k] = { ...train[from]! }));
  // repeated prompts with other responses
  for (let k = 0; k < 8; k++) train[2980 + k]!.prompt = train[50 + k * 100]!.prompt;
  // near-duplicate prompts: one word changed
  for (let k = 0; k < 4; k++) train[2970 + k]!.prompt = train[7 + k * 300]!.prompt.replace(' open orders', ' pending orders');
  // identical sides, an empty side, a truncated response
  train[1500]!.rejected = train[1500]!.chosen;
  train[1501]!.rejected = train[1501]!.chosen;
  train[1502]!.rejected = '';
  const words = `${train[1503]!.chosen} ${train[1504]!.chosen} ${train[1505]!.chosen}`.split(/\s+/);
  while (words.length < 64) words.push(...words);
  train[1503]!.chosen = words.slice(0, 64).join(' ').replace(/[^A-Za-z0-9]+$/, '');
  // train/eval leakage
  for (let k = 0; k < 4; k++) evalPairs[k * 100]!.prompt = train[333 + k * 700]!.prompt;
  evalPairs[10]!.prompt = train[2222]!.prompt.replace(' open orders', ' pending orders');
  evalPairs[20]!.prompt = train[1111]!.prompt.replace(' expected.', ' forecast.');
  pairs.splice(0, pairs.length, ...train, ...evalPairs);
  // a lazy annotator
  for (let item = 0; item < 120; item++) labels.push({ item_id: `pair-${String(item * 10).padStart(5, '0')}`, annotator: 'ann_fay', label: 'response_a' });
}

/** Every file of the workspace, path (relative to the workspace) to content. Seeds are per file. */
export function workspaceFiles(): Map<string, string> {
  const files = new Map<string, string>();
  files.set('README.md', WORKSPACE_README);
  files.set('pipelines/reward-model-refresh.pipeline.yaml', PIPELINE);
  files.set('pipelines/broken.pipeline.yaml', BROKEN_PIPELINE);
  files.set('experiments/planning-v1-vs-v2.experiment.yaml', EXPERIMENT);
  files.set('experiments/broken.experiment.yaml', BROKEN_EXPERIMENT);
  files.set('configs/sft.training.yaml', SFT);
  files.set('configs/rm.training.yaml', RM);
  files.set('configs/dpo.training.yaml', DPO);
  files.set('configs/broken.training.yaml', BROKEN_TRAINING);

  const prefs = new Random(1);
  const pairs = Array.from({ length: 3500 }, () => preferencePair(prefs));
  const labels = annotationLabels(new Random(2));
  plantDataQuality(new Random(10), pairs, labels);
  files.set('data/prefs_train.jsonl', jsonl(pairs.slice(0, 3000)));
  files.set('data/prefs_eval.jsonl', jsonl(pairs.slice(3000)));
  files.set('data/labels.jsonl', jsonl(labels));
  files.set('data/feedback_round1.jsonl', jsonl(feedbackRound(new Random(3), 1)));
  files.set('data/feedback_round2.jsonl', jsonl(feedbackRound(new Random(4), 2)));
  files.set('eval/rm_preds.jsonl', jsonl(rewardModelPredictions(new Random(5))));
  files.set('results/planning_ab.jsonl', jsonl(abEvents(new Random(6))));
  files.set('logs/serving.jsonl', jsonl(servingLogs(new Random(7))));
  files.set('runs/rm-llama8b-lora/trainer_state.json', JSON.stringify(trainerState(new Random(8)), null, 2) + '\n');
  files.set('data/pool.jsonl', jsonl(activeLearningPool(new Random(9))));
  addComparisonFiles(files);
  addFrameworkExamples(files);
  return files;
}

/**
 * Writes the workspace into `outDir`, replacing a previous generation there (so renamed files leave
 * nothing stale behind). Refuses a non-empty folder that is not a previous generation.
 */
export function writeWorkspace(outDir: string): string[] {
  if (fs.existsSync(outDir) && fs.readdirSync(outDir).length > 0) {
    const readme = path.join(outDir, 'README.md');
    if (!fs.existsSync(readme) || !fs.readFileSync(readme, 'utf8').startsWith(WORKSPACE_README.split('\n')[0]!)) {
      throw new Error(`${outDir} is not empty and was not written by this generator; choose an empty or new folder`);
    }
    fs.rmSync(outDir, { recursive: true });
  }
  const written: string[] = [];
  for (const [rel, content] of workspaceFiles()) {
    const target = path.join(outDir, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, content);
    written.push(rel);
  }
  return written;
}

// Bundled into the extension (Open the Example Workspace), this module has no import.meta.url and is never run directly.
const invokedDirectly = process.argv[1] !== undefined && typeof import.meta.url === 'string' && path.resolve(process.argv[1]) === path.resolve(fileURLToPath(import.meta.url));
if (invokedDirectly) {
  const outDir = path.resolve(process.argv[2] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), 'workspace'));
  try {
    const files = writeWorkspace(outDir);
    console.log(`wrote ${files.length} files to ${path.relative(process.cwd(), outDir) || '.'}`);
  } catch (err) {
    console.error(`examples/generate.ts: ${(err as Error).message}`);
    process.exitCode = 2;
  }
}
