import type { Rule } from '../rule';
import { breakdownParts, formatBytes, type TrainingSetup } from '../../estimates/memory';
import { gpuMemoryBytes } from '../../frameworks/hardware';
import { estimateFramework } from '../../frameworks/estimate';
import { factsOf } from './shared';

export const frameworkMemoryRule: Rule = {
  id: 'framework/memory',
  kinds: ['axolotl', 'llamafactory', 'trl'],
  defaultSeverity: 'warning',
  description: 'The estimated peak memory per GPU exceeds the declared hardware (`hardware:` in .rlhf-lens.yaml or the modeline), with the breakdown and the cheapest change that makes it fit.',
  check(doc, ctx) {
    const f = factsOf(doc);
    const hw = ctx.project.hardware;
    const capacity = gpuMemoryBytes(hw);
    if (!f?.baseModel || !hw || capacity === undefined) return; // without hardware: shown in the hover, not judged
    const est = estimateFramework(f, hw, ctx.path, ctx.facts);
    if (!est || est.memory.total <= capacity) return;
    const parts = breakdownParts(est.memory).filter(([, v]) => v > 0).map(([k, v]) => `${k} ${formatBytes(v)}`).join(', ');
    const fix = cheapestFix(f, hw, ctx.path, ctx, est.setup, capacity);
    ctx.report({
      range: doc.valueRange(f.baseModel.path),
      message: `Estimated peak ${formatBytes(est.memory.total)} per GPU, more than the ${formatBytes(capacity)} of the declared ${hw.gpus ?? 1} x ${hw.gpu ?? 'GPU'}${hw.source ? ` (${hw.source})` : ''}: ${parts}. ${fix}`,
    });
  },
};

type Ctx = Parameters<Rule['check']>[1];

/** Single changes in order of how little they cost (speed, then quality), the first that fits. */
function cheapestFix(f: NonNullable<ReturnType<typeof factsOf>>, hw: NonNullable<Ctx['project']['hardware']>, filePath: string, ctx: Ctx, setup: TrainingSetup, capacity: number): string {
  const keys = f.kind === 'axolotl'
    ? { batch: 'micro_batch_size', gc: 'gradient_checkpointing: true', opt: 'optimizer: adamw_bnb_8bit', q4: 'adapter: qlora with load_in_4bit: true', lora: 'adapter: lora' }
    : f.kind === 'llamafactory'
      ? { batch: 'per_device_train_batch_size', gc: 'gradient_checkpointing: true', opt: 'optim: adamw_bnb_8bit', q4: 'quantization_bit: 4', lora: 'finetuning_type: lora' }
      : { batch: 'per_device_train_batch_size', gc: 'gradient_checkpointing: true', opt: 'optim: adamw_bnb_8bit', q4: 'load_in_4bit: true with use_peft: true', lora: 'use_peft: true' };
  const tries: [string, Partial<TrainingSetup>][] = [];
  if (setup.batchSize > 1) {
    for (let b = Math.floor(setup.batchSize / 2); b >= 1; b = Math.floor(b / 2)) {
      tries.push([`${keys.batch}: ${b} (raise gradient_accumulation_steps to keep the effective batch)`, { batchSize: b }]);
      if (b === 1) break;
    }
  }
  if (!setup.gradientCheckpointing) tries.push([keys.gc, { gradientCheckpointing: true }]);
  if (!setup.lora && setup.optimizer === 'adamw') tries.push([keys.opt, { optimizer: 'adamw_8bit' }]);
  if ((hw.gpus ?? 1) > 1 && (setup.zero?.stage ?? 0) < 3) {
    for (const stage of [2, 3] as const) if ((setup.zero?.stage ?? 0) < stage) tries.push([`DeepSpeed ZeRO-${stage} (deepspeed: a zero${stage}.json)`, { zero: { stage, offloadOptimizer: false, offloadParams: false } }]);
  }
  if (setup.lora && !setup.quantization) tries.push([keys.q4, { quantization: { bits: 4, doubleQuant: true } }]);
  if (!setup.lora) tries.push([keys.lora, { lora: { rank: 16, targetModules: 'all-linear' } }]);
  for (const [label, change] of tries) {
    const e = estimateFramework(f, hw, filePath, ctx.facts, { ...change, ...(change.batchSize === undefined ? { batchSize: setup.batchSize } : {}) });
    if (e && e.memory.total <= capacity) return `Cheapest change that fits: ${label} (about ${formatBytes(e.memory.total)}).`;
  }
  return 'No single change fits: combine a smaller batch, gradient checkpointing and 4-bit LoRA, or use more GPUs with ZeRO-3.';
}
