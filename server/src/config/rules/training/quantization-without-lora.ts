import type { Rule } from '../rule';
import { insertIntoMap } from './map-insertion';

export const quantizationWithoutLoraRule: Rule = {
  id: 'training/quantization-without-lora',
  kinds: ['TrainingConfig'],
  defaultSeverity: 'error',
  description: 'A 4- or 8-bit quantized base model with full fine-tuning: quantized weights cannot be trained, only adapters on top of them (QLoRA).',
  check(doc, ctx) {
    const v = doc.value as Record<string, unknown> | null;
    const q = v?.['quantization'];
    if (q === null || typeof q !== 'object' || v?.['lora'] !== undefined) return;
    const bits = (q as Record<string, unknown>)['bits'];
    if (bits !== 4 && bits !== 8) return;
    const edit = insertIntoMap(
      doc,
      [],
      { key: 'lora', value: ['rank: 16', 'alpha: 32', 'dropout: 0.05', 'target_modules: all-linear'] },
      'quantization',
    );
    ctx.report({
      range: doc.keyRange(['quantization']),
      message: `The base model is loaded in ${bits}-bit, which cannot be fine-tuned directly; add a lora: block (QLoRA) or remove quantization for full fine-tuning.`,
      ...(edit ? { fixes: [{ title: 'Add a lora: block (rank 16, all linear layers)', edits: [edit], safe: false }] } : {}),
    });
  },
};
