import type { Rule } from '../rule';
import { variantsOf } from './variants';

export const duplicateVariantRule: Rule = {
  id: 'experiment/duplicate-variant',
  kinds: ['Experiment'],
  defaultSeverity: 'error',
  description: 'Two variants share one id, so results and assignments cannot tell them apart.',
  check(doc, ctx) {
    const first = new Map<string, number>();
    for (const v of variantsOf(doc) ?? []) {
      if (v.id === undefined) continue;
      const earlier = first.get(v.id);
      if (earlier === undefined) {
        first.set(v.id, v.index);
        continue;
      }
      ctx.report({
        range: doc.valueRange(['variants', v.index, 'id']),
        message: `Variant id "${v.id}" is already used by variant #${earlier + 1}; give each variant its own id.`,
        related: [{ range: doc.valueRange(['variants', earlier, 'id']), message: `first definition of "${v.id}"` }],
      });
    }
  },
};
