/** Starter files for "New Pipeline / Experiment / Training Config"; each one lints clean. */
export type TemplateKind = 'pipeline' | 'experiment' | 'training';

export const TEMPLATES: Record<TemplateKind, string> = {
  pipeline: `apiVersion: rlhf-lens/v1
kind: Pipeline
metadata:
  name: my-pipeline
  description: Collect feedback, train a reward model, evaluate it and roll it out
params:
  since: 7d
defaults:
  retries: 2
  timeout: 2h
stages:
  - id: collect-feedback
    phase: data_collection
    run: python collect.py --since \${{ params.since }}
    outputs: {feedback: data/feedback.jsonl}
  - id: train-rm
    phase: training
    needs: [collect-feedback]
    run: python train_rm.py --data \${{ stages.collect-feedback.outputs.feedback }}
  - id: eval-rm
    phase: evaluation
    needs: [train-rm]
    run: python eval_rm.py
`,
  experiment: `apiVersion: rlhf-lens/v1
kind: Experiment
metadata:
  name: my-experiment
hypothesis: The new adapter raises task success
unit: user_id
variants:
  - id: control
    control: true
    traffic: 0.5
  - id: treatment
    traffic: 0.5
metrics:
  - {name: success, type: binomial, column: success, primary: true, direction: increase}
analysis:
  method: frequentist
  confidence: 0.95
  min_sample_size: 10000
  mde: 0.02
  power: 0.8
`,
  training: `apiVersion: rlhf-lens/v1
kind: TrainingConfig
metadata:
  name: my-sft-run
method: sft
base_model: meta-llama/Llama-3.1-8B-Instruct
dataset:
  train: data/train.jsonl
  format: chat
lora: {rank: 16, alpha: 32, dropout: 0.05, target_modules: [q_proj, k_proj, v_proj, o_proj]}
hyperparameters:
  epochs: 3
  batch_size: 4
  gradient_accumulation_steps: 4
  learning_rate: 2.0e-4
  max_seq_length: 2048
hardware: {gpus: 1, gpu_memory: 80GB}
`,
};
