/**
 * A rough wall-clock estimate of a training run: model FLOPs per token (6·N for a full step:
 * forward 2·N, backward 4·N; about 4·N with LoRA/QLoRA, whose frozen weights get no weight
 * gradients; plus 2·N of reference-model forward for DPO/KTO and PPO) over the GPUs' dense bf16
 * peak at an assumed model-FLOPs utilisation. It is an order of magnitude for planning, not a
 * benchmark: docs/estimates.md says so and lists the peaks.
 */
import type { TrainingSetup } from './memory';

/** Dense bf16/fp16 tensor-core peak per GPU, TFLOP/s (vendor data sheets, without sparsity). */
export const GPU_PEAK_TFLOPS: Record<string, number> = {
  B200: 2250,
  H200: 989,
  H100: 989,
  A100: 312,
  A800: 312,
  L40S: 362,
  L40: 181,
  A10G: 70,
  A10: 125,
  L4: 121,
  'RTX 4090': 165,
  'RTX 3090': 71,
  'RTX A6000': 155,
  V100: 125,
  T4: 65,
};

/** Model FLOPs utilisation assumed for the estimate (a typical figure for fine-tuning with Hugging Face trainers). */
export const ASSUMED_MFU = 0.35;

export interface TimeEstimate {
  flopsPerToken: number;
  totalFlops: number;
  seconds: number;
  peakTflops: number;
  mfu: number;
}

/** Seconds to train `tokens` tokens, or undefined when the GPU's peak is not known. */
export function estimateTrainingTime(setup: TrainingSetup, tokens: number, gpu: string | undefined): TimeEstimate | undefined {
  const peak = gpu ? GPU_PEAK_TFLOPS[gpu] : undefined;
  if (peak === undefined || !(tokens > 0)) return undefined;
  const n = setup.model.params;
  const adapter = setup.lora !== undefined;
  let perToken = adapter ? 4 * n : 6 * n;
  // Frozen reference (DPO, KTO, PPO) runs one more forward pass over the same tokens.
  if (setup.method === 'dpo' || setup.method === 'kto' || setup.method === 'ppo') perToken += 2 * n;
  // Recomputing activations adds about one forward pass.
  if (setup.gradientCheckpointing) perToken += 2 * n;
  const totalFlops = perToken * tokens;
  const seconds = totalFlops / (setup.gpus * peak * 1e12 * ASSUMED_MFU);
  return { flopsPerToken: perToken, totalFlops, seconds, peakTflops: peak, mfu: ASSUMED_MFU };
}
