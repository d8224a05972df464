import type { Rule } from '../rule';
import { gpuModel } from '../../frameworks/hardware';
import { factsOf } from './shared';

const on = (v: unknown): boolean => v === true || v === 'true' || v === 'True';

export const gpuFeaturesRule: Rule = {
  id: 'framework/gpu-features',
  kinds: ['axolotl', 'llamafactory', 'trl'],
  defaultSeverity: 'error',
  description: 'bf16, tf32 or FlashAttention-2 requested on a declared GPU that lacks them (before Ampere, compute capability 8.0).',
  check(doc, ctx) {
    const f = factsOf(doc);
    const gpu = gpuModel(ctx.project.hardware?.gpu);
    if (!f || !gpu || gpu.compute >= 8) return;
    const where = `the declared GPU (${gpu.name}, compute capability ${gpu.compute.toFixed(1)}${ctx.project.hardware?.source ? `, from ${ctx.project.hardware.source}` : ''})`;
    if (f.bf16 && on(f.bf16.value)) {
      const range = doc.valueRange(f.bf16.path);
      ctx.report({
        range,
        message: `bf16 needs an Ampere or newer GPU (compute capability 8.0); ${where} has none: training stops with "bf16 is not supported" or runs emulated and slow. Use fp16 (with loss scaling) instead${f.kind === 'axolotl' ? ', or bf16: auto' : ''}.`,
        ...(f.kind === 'axolotl' ? { fixes: [{ title: 'Set bf16: auto', edits: [{ range, newText: 'auto' }], safe: true }] } : {}),
      });
    }
    if (f.tf32 && on(f.tf32.value)) {
      ctx.report({ range: doc.valueRange(f.tf32.path), message: `tf32 needs an Ampere or newer GPU; ${where} has no TF32 units (the Trainer refuses tf32: true there).`, fixes: [{ title: 'Set tf32: false', edits: [{ range: doc.valueRange(f.tf32.path), newText: 'false' }], safe: true }] });
    }
    if (f.attention && /flash_attention_[23]|flash-attn/.test(f.attention.value)) {
      ctx.report({ range: doc.valueRange(f.attention.path), message: `FlashAttention-2/3 needs an Ampere or newer GPU; ${where} cannot run it (the import or the first forward pass fails). Use sdpa.` });
    }
  },
};
