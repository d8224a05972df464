import type { Rule } from '../rule';
import type { ConfigDocument } from '../../model';
import { quantizedBits } from '../../frameworks/facts';
import { deepspeedConfig } from '../../frameworks/estimate';
import { factsOf } from './shared';

function rec(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** True when a ZeRO-3 config saves a 16-bit model (either spelling; the HF Trainer's "auto" counts as yes). */
function savesWeights(z: Record<string, unknown>): boolean {
  for (const k of ['stage3_gather_16bit_weights_on_model_save', 'gather_16bit_weights_on_model_save', 'stage3_gather_fp16_weights_on_model_save']) {
    const v = z[k];
    if (v === true || v === 'true' || v === 'auto') return true;
  }
  return false;
}

function zeroSaveProblem(doc: ConfigDocument, z: Record<string, unknown>, at: (string | number)[]): { range: ReturnType<ConfigDocument['keyRange']>; message: string } | undefined {
  if (Number(z['stage']) !== 3 || savesWeights(z)) return undefined;
  return {
    range: doc.keyRange([...at, 'stage']),
    message: 'ZeRO-3 without `stage3_gather_16bit_weights_on_model_save: true`: each GPU holds only a shard of the weights, so the model saved at the end (save_pretrained) is empty or a shard; only the DeepSpeed checkpoint can be recovered, with zero_to_fp32.py.',
  };
}

export const deepspeedZero3Rule: Rule = {
  id: 'framework/deepspeed-zero3',
  kinds: ['axolotl', 'llamafactory', 'trl', 'deepspeed'],
  defaultSeverity: 'warning',
  description: 'DeepSpeed ZeRO-3 with a 4/8-bit quantized base model, or ZeRO-3 without `stage3_gather_16bit_weights_on_model_save` (the saved model is empty).',
  check(doc, ctx) {
    if (doc.kind === 'deepspeed') {
      const z = rec(rec(doc.value)?.['zero_optimization']);
      const p = z && zeroSaveProblem(doc, z, ['zero_optimization']);
      if (p) ctx.report(p);
      return;
    }
    const f = factsOf(doc);
    if (!f?.deepspeed) return;
    const ds = deepspeedConfig(f, ctx.path, ctx.facts);
    const z = rec(ds?.value['zero_optimization']);
    if (!z || Number(z['stage']) !== 3) return;
    const range = doc.valueRange(f.deepspeed.path);
    const q = quantizedBits(f);
    if (q) {
      ctx.report({
        range: doc.keyRange(q.path),
        message: `ZeRO-3 (${typeof f.deepspeed.value === 'string' ? f.deepspeed.value : 'inline deepspeed config'}) with a ${q.bits}-bit quantized base: ZeRO-3 partitions parameters, which bitsandbytes-quantized weights do not support in most versions (load fails or the weights are gathered on every GPU). Use ZeRO-2 with QLoRA, or FSDP with a 4-bit storage dtype.`,
        related: [{ range, message: 'the ZeRO-3 config' }],
      });
    }
    if (!savesWeights(z)) {
      ctx.report({
        range,
        message: `The DeepSpeed config${ds?.file ? ` ${f.deepspeed.value as string}` : ''} is ZeRO-3 without \`stage3_gather_16bit_weights_on_model_save: true\`: the model saved at the end is empty (only DeepSpeed checkpoints hold the weights).`,
      });
    }
  },
};
