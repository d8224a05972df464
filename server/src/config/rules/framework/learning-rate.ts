import type { Rule } from '../rule';
import { hasLoraAdapter, PREFERENCE_METHODS } from '../../frameworks/facts';
import { factsOf } from './shared';

/** Wide on purpose: QLoRA 1e-4-2e-4 (also for DPO/ORPO/KTO adapters, as axolotl's examples), full DPO 5e-7, full SFT 1e-5-2e-5. */
function usual(method: string, lora: boolean): [number, number] {
  const pref = PREFERENCE_METHODS.has(method as never) && method !== 'reward_model';
  if (lora) return [1e-6, 1e-3];
  return pref ? [1e-8, 2e-5] : [1e-7, 2e-4];
}

export const frameworkLearningRateRule: Rule = {
  id: 'framework/learning-rate',
  kinds: ['axolotl', 'llamafactory', 'trl'],
  defaultSeverity: 'warning',
  description: 'A learning rate far outside what LoRA or full fine-tuning use for the method (often an exponent typo).',
  check(doc, ctx) {
    const f = factsOf(doc);
    if (!f?.learningRate) return;
    const lora = hasLoraAdapter(f);
    const [lo, hi] = usual(f.method.value, lora);
    const lr = f.learningRate.value;
    if (lr > 0 && lr >= lo && lr <= hi) return;
    ctx.report({
      range: doc.valueRange(f.learningRate.path),
      message: lr <= 0 ? `learning_rate ${lr}: nothing is learnt.` : `learning_rate ${lr} is far outside ${lo}-${hi}, the usual range for ${lora ? 'LoRA' : 'full fine-tuning'} with ${f.methodName ?? f.method.value}${lr > hi ? ' (likely to diverge or collapse the policy)' : ' (the run will barely move)'}.`,
    });
  },
};
