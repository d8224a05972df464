import type { Rule } from '../rule';
import { DPO_FAMILY } from '../../frameworks/facts';
import { factsOf } from './shared';

/** Usual ranges of the preference strength: DPO/IPO/KTO beta 0.01-0.5 (TRL default 0.1), SimPO beta 1-10 (paper: 2-2.5), ORPO alpha (lambda) 0.05-1. */
const RANGES: Record<string, [number, number]> = { dpo: [0.01, 1], ipo: [0.01, 1], kto: [0.01, 1], simpo: [0.5, 20], orpo: [0.01, 2], grpo: [0, 0.5] };

export const betaRangeRule: Rule = {
  id: 'framework/beta-range',
  kinds: ['axolotl', 'llamafactory', 'trl'],
  defaultSeverity: 'warning',
  description: 'A DPO-family beta (or ORPO alpha) of 0, negative, or far outside the usual range for the method.',
  check(doc, ctx) {
    const f = factsOf(doc);
    if (!f?.beta) return;
    const m = f.method.value;
    const range = RANGES[m];
    if (!range) return;
    const b = f.beta.value;
    const key = String(f.beta.path[f.beta.path.length - 1]);
    if (m !== 'grpo' && b <= 0) {
      ctx.report({ range: doc.valueRange(f.beta.path), message: `${key} ${b}: ${m.toUpperCase()} needs a positive beta (it scales the log-ratio to the reference model; at 0 the loss is constant and nothing is learnt).` });
      return;
    }
    if (b < range[0] || b > range[1]) {
      ctx.report({
        range: doc.valueRange(f.beta.path),
        message: `${key} ${b} is outside the usual ${range[0]}-${range[1]} for ${m.toUpperCase()}${DPO_FAMILY.has(m) && m !== 'simpo' ? ' (TRL default 0.1)' : m === 'simpo' ? ' (SimPO paper: 2-2.5)' : ''}: too small drifts far from the reference model, too large barely moves it.`,
      });
    }
  },
};
