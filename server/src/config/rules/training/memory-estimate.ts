import type { Rule } from '../rule';
import { estimatePeakMemory, formatBytes, largestParts, parseGpuMemory } from '../../estimates/memory';
import { trainingSetupFromConfig } from '../../estimates/training-setup';
import { plural } from '../../../text/plural';

export const memoryEstimateRule: Rule = {
  id: 'training/memory-estimate',
  kinds: ['TrainingConfig'],
  defaultSeverity: 'warning',
  description: 'The estimated peak memory per GPU (weights, gradients, optimizer states, activations, reference models) exceeds `hardware.gpu_memory`.',
  check(doc, ctx) {
    const v = doc.value as Record<string, unknown> | null;
    const hardware = v?.['hardware'];
    if (hardware === null || typeof hardware !== 'object') return;
    const limit = parseGpuMemory((hardware as Record<string, unknown>)['gpu_memory']);
    // Quantization without LoRA is its own error; an estimate of a run that cannot start would mislead.
    if (limit === undefined || (v?.['quantization'] !== undefined && v?.['lora'] === undefined)) return;
    const read = trainingSetupFromConfig(v);
    if (!read) return;
    const { setup, defaulted } = read;
    const b = estimatePeakMemory(setup);
    // A non-finite estimate comes from absurd settings that schema checks already question.
    if (!Number.isFinite(b.total) || b.total <= limit) return;

    const parts = largestParts(b).map((p) => `${p.part} ${formatBytes(p.bytes)}`).join(', ');
    const advice: string[] = [];
    const activationsLargest = largestParts(b, 1)[0]?.part === 'activations';
    if (activationsLargest && !setup.gradientCheckpointing) advice.push('gradient_checkpointing: true');
    if (activationsLargest) advice.push('a smaller batch_size or max_seq_length (raise gradient_accumulation_steps to keep the batch)');
    if (!setup.lora) advice.push('LoRA', setup.gpus > 1 ? 'more GPUs' : 'more GPUs (states are sharded across them)');
    else if (!setup.quantization) advice.push('4-bit quantization (QLoRA)');
    const assumed = defaulted.length > 0 ? ` Assumed defaults: ${defaulted.join(', ')}.` : '';
    ctx.report({
      range: doc.valueRange(['hardware', 'gpu_memory']),
      message:
        `Estimated peak memory per GPU for ${setup.method} of ${setup.model.name} ` +
        `(${setup.lora ? (setup.quantization ? `QLoRA, ${setup.quantization.bits}-bit` : 'LoRA') : 'full fine-tuning'}, ${plural(setup.gpus, 'GPU')}) ` +
        `is ${formatBytes(b.total)}, more than gpu_memory ${String((hardware as Record<string, unknown>)['gpu_memory'])} (${formatBytes(limit)}); largest parts: ${parts}.` +
        (advice.length > 0 ? ` Consider ${advice.join(', ')}.` : '') +
        assumed,
    });
  },
};
