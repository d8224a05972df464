/**
 * The memory engine against published figures (docs/frameworks.md "Estimate vs published"):
 * - DeepSpeed's own ZeRO estimator (estimate_zero2/3_model_states_mem_needs in
 *   deepspeed/runtime/zero/stage_1_and_2.py and stage3.py, v0.19.5 cf44300), transcribed below, for the
 *   model states (weights, gradients, optimizer states) of Llama 3 8B on 8 GPUs;
 * - PEFT's README table of measured peak GPU memory on one A100 80GB (bigscience/T0_3B full fine-tuning
 *   and LoRA, bigscience/bloomz-7b1 LoRA), with the setup of PEFT's example scripts assumed: fp32 weights
 *   (no mixed precision), batch 8, 64 tokens; these families are not in model-families.ts, so the shape is
 *   the generic one from the parameter count.
 * Tolerances: 5% for DeepSpeed without offload, 10% for the PEFT measurements, 2 GiB absolute with full
 * CPU offload (DeepSpeed reserves the largest layer in fp32; we count two layers in 16-bit).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { estimatePeakMemory, GiB, type TrainingSetup } from '../server/src/config/estimates/memory';
import { genericShape, modelShape } from '../server/src/config/estimates/model-families';
import { ROOT } from './support/lsp';

const llama8b = modelShape('meta-llama/Meta-Llama-3-8B')!;
const P = llama8b.params;
const largestLayer = llama8b.vocab * llama8b.hidden; // the embedding
const ds = {
  zero2: (n: number): number => 2 * P + (18 * P) / n,
  zero3: (n: number): number => 4 * largestLayer + (18 * P) / n,
  zero3Offload: (): number => 4 * largestLayer,
};

function states(s: Partial<TrainingSetup> & Pick<TrainingSetup, 'gpus' | 'zero'>): number {
  const b = estimatePeakMemory({ method: 'sft', model: llama8b, batchSize: 1, maxSeqLength: 1, gradientCheckpointing: true, optimizer: 'adamw', precision: 'bf16', ...s });
  return b.weights + b.gradients + b.optimizer;
}

function total(params: number, name: string, lora: boolean): number {
  return estimatePeakMemory({ method: 'sft', model: genericShape(params, name), ...(lora ? { lora: { rank: 8, targetModules: ['q_proj', 'v_proj'] } } : {}), batchSize: 8, maxSeqLength: 64, gpus: 1, gradientCheckpointing: false, optimizer: 'adamw', precision: 'fp32' }).total;
}

export const ROWS: { what: string; published: number; ours: number; tolerance: { rel?: number; absGiB?: number } }[] = [
  { what: 'Llama 3 8B, ZeRO-2, 8 GPUs (DeepSpeed estimator)', published: ds.zero2(8), ours: states({ gpus: 8, zero: { stage: 2, offloadOptimizer: false, offloadParams: false } }), tolerance: { rel: 0.05 } },
  { what: 'Llama 3 8B, ZeRO-3, 8 GPUs (DeepSpeed estimator)', published: ds.zero3(8), ours: states({ gpus: 8, zero: { stage: 3, offloadOptimizer: false, offloadParams: false } }), tolerance: { rel: 0.05 } },
  { what: 'Llama 3 8B, ZeRO-3 + CPU offload, 8 GPUs (DeepSpeed estimator)', published: ds.zero3Offload(), ours: states({ gpus: 8, zero: { stage: 3, offloadOptimizer: true, offloadParams: true } }), tolerance: { absGiB: 2 } },
  { what: 'T0_3B full fine-tuning, 1 A100 (PEFT README, measured)', published: 47.14 * GiB, ours: total(2.85e9, 'T0_3B', false), tolerance: { rel: 0.1 } },
  { what: 'T0_3B LoRA, 1 A100 (PEFT README, measured)', published: 14.4 * GiB, ours: total(2.85e9, 'T0_3B', true), tolerance: { rel: 0.1 } },
  { what: 'bloomz-7b1 LoRA, 1 A100 (PEFT README, measured)', published: 32 * GiB, ours: total(7.07e9, 'bloomz-7b1', true), tolerance: { rel: 0.1 } },
];

export function row(r: (typeof ROWS)[number]): string {
  const err = (r.ours - r.published) / r.published;
  return `| ${r.what} | ${(r.published / GiB).toFixed(2)} GiB | ${(r.ours / GiB).toFixed(2)} GiB | ${(err * 100).toFixed(1)}% |`;
}

test('the memory engine is within the stated tolerance of DeepSpeed\'s estimator and PEFT\'s measurements', () => {
  for (const r of ROWS) {
    const err = r.ours - r.published;
    if (r.tolerance.rel !== undefined) assert.ok(Math.abs(err / r.published) <= r.tolerance.rel, `${r.what}: ${(err / r.published * 100).toFixed(1)}%`);
    if (r.tolerance.absGiB !== undefined) assert.ok(Math.abs(err) <= r.tolerance.absGiB * GiB, `${r.what}: ${(err / GiB).toFixed(2)} GiB`);
  }
});

test('docs/frameworks.md shows the same table', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs', 'frameworks.md'), 'utf8');
  const missing = ROWS.map(row).filter((r) => !doc.includes(r));
  assert.deepEqual(missing, [], `regenerate the table:\n${ROWS.map(row).join('\n')}`);
});
