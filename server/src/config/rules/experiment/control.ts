import type { Rule } from '../rule';
import { variantLabel, variantsOf } from './variants';

export const controlRule: Rule = {
  id: 'experiment/control',
  kinds: ['Experiment'],
  defaultSeverity: 'error',
  description: 'More than one variant is marked as the control, or there are fewer than two variants to compare.',
  check(doc, ctx) {
    const variants = variantsOf(doc);
    if (!variants) return;
    if (variants.length === 1) {
      ctx.report({
        range: doc.keyRange(['variants']),
        message: `An experiment compares at least two variants (a control and a treatment); only ${variantLabel(variants[0]!)} is given.`,
      });
    }
    const controls = variants.filter((v) => v.control);
    if (controls.length < 2) return;
    const [first, ...rest] = controls;
    for (const v of rest) {
      ctx.report({
        range: doc.keyRange(['variants', v.index, 'control']),
        message: `Variant ${variantLabel(v)} is marked as a control, but ${variantLabel(first!)} already is; exactly one variant is the control.`,
        related: [{ range: doc.keyRange(['variants', first!.index, 'control']), message: `control: ${variantLabel(first!)}` }],
        fixes: [
          {
            title: `Remove "control: true" from ${variantLabel(v)}`,
            edits: [{ range: doc.valueRange(['variants', v.index, 'control']), newText: 'false' }],
            safe: false,
          },
        ],
      });
    }
  },
};
