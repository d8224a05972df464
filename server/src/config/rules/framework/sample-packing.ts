import type { Rule } from '../rule';
import { FRAMEWORK_SCHEMAS } from '../../frameworks/schemas';
import { factsOf } from './shared';

const PACKING_ATTN = new Set<string>(((FRAMEWORK_SCHEMAS.axolotl as unknown as { constants?: { ATTN_IMPLS_SUPPORTING_PACKING?: string[] } }).constants?.ATTN_IMPLS_SUPPORTING_PACKING) ?? []);

export const samplePackingRule: Rule = {
  id: 'framework/sample-packing',
  kinds: ['axolotl'],
  defaultSeverity: 'warning',
  description: '`sample_packing` without an attention implementation that keeps packed sequences apart, or with an RL / preference method.',
  check(doc, ctx) {
    const f = factsOf(doc);
    if (!f?.samplePacking?.value) return;
    const range = doc.keyRange(f.samplePacking.path);
    const fix = { title: 'Set sample_packing: false', edits: [{ range: doc.valueRange(f.samplePacking.path), newText: 'false' }], safe: true };
    if (f.method.value !== 'sft' && f.method.value !== 'pretrain' && f.method.value !== 'reward_model') {
      ctx.report({
        range,
        message: `sample_packing with ${f.methodName ?? f.method.value}: axolotl's preference and RL trainers do not pack (chosen/rejected pairs must stay whole); it is refused or silently off. Set sample_packing: false.`,
        fixes: [fix],
      });
      return;
    }
    const attn = f.attention?.value;
    if (!attn || !PACKING_ATTN.has(attn)) {
      ctx.report({
        range,
        message: `sample_packing needs an attention implementation that keeps packed sequences apart (${[...PACKING_ATTN].filter((a) => !a.includes('/')).join(', ')})${attn ? `, not "${attn}"` : '; none is set (the default, sdpa/eager, lets packed sequences attend to each other)'}. Add attn_implementation: flash_attention_2.`,
      });
    }
  },
};
