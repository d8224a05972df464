import type { Rule } from '../rule';
import { hasLoraAdapter, quantizedBits } from '../../frameworks/facts';
import { factsOf } from './shared';

export const quantizedAdapterRule: Rule = {
  id: 'framework/quantized-adapter',
  kinds: ['axolotl', 'llamafactory', 'trl'],
  defaultSeverity: 'error',
  description: 'A 4- or 8-bit quantized base model without a LoRA-type adapter, or `adapter: qlora` without `load_in_4bit`.',
  check(doc, ctx) {
    const f = factsOf(doc);
    if (!f) return;
    const q = quantizedBits(f);
    if (q && !hasLoraAdapter(f)) {
      const how = f.kind === 'llamafactory' ? '`finetuning_type: lora`' : f.kind === 'trl' ? '`use_peft: true`' : '`adapter: qlora` (4-bit) or `adapter: lora`';
      ctx.report({
        range: doc.keyRange(q.path),
        message: `The base model is loaded in ${q.bits}-bit, but ${f.adapter ? `"${String(f.adapter.value)}" trains the full model` : 'no adapter is set'}: quantized weights cannot be trained, only adapters on top of them. Add ${how}, or load the model in 16-bit.`,
      });
    }
    if (f.kind === 'axolotl' && f.adapter?.value === 'qlora' && !f.loadIn4bit?.value) {
      const eight = f.loadIn8bit?.value === true;
      const range = f.loadIn4bit ? doc.valueRange(f.loadIn4bit.path) : doc.valueRange(f.adapter.path);
      ctx.report({
        range,
        message: `\`adapter: qlora\` needs \`load_in_4bit: true\`${eight ? ' (load_in_8bit is set instead; QLoRA is 4-bit)' : ''}; axolotl refuses the config at launch.`,
        ...(f.loadIn4bit ? { fixes: [{ title: 'Set load_in_4bit: true', edits: [{ range, newText: 'true' }], safe: true }] } : {}),
      });
    }
  },
};
