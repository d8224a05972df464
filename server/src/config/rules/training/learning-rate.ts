import type { Rule } from '../rule';

/**
 * Usual peak learning rates (inclusive bounds) per method, for full fine-tuning and for LoRA
 * adapters (which take rates 10x or more higher). Wide on purpose: the rule flags rates far outside
 * common practice (DPO paper and Zephyr 5e-7; QLoRA 1e-4 to 2e-4; TRL PPO examples 1.41e-5).
 */
export const USUAL_LEARNING_RATES: Record<string, { full: [number, number]; lora: [number, number] }> = {
  sft: { full: [1e-6, 1e-4], lora: [1e-5, 1e-3] },
  reward_model: { full: [1e-6, 1e-4], lora: [1e-5, 1e-3] },
  dpo: { full: [1e-7, 1e-5], lora: [1e-6, 1e-4] },
  kto: { full: [1e-7, 1e-5], lora: [1e-6, 1e-4] },
  orpo: { full: [1e-7, 1e-5], lora: [1e-6, 1e-4] },
  ppo: { full: [1e-7, 5e-5], lora: [1e-6, 1e-4] },
};

const show = (x: number) => (x >= 1e-3 ? String(x) : x.toExponential());

export const learningRateRule: Rule = {
  id: 'training/learning-rate',
  kinds: ['TrainingConfig'],
  defaultSeverity: 'hint',
  description: 'A learning rate far outside the usual range for the training method (full fine-tuning or LoRA).',
  check(doc, ctx) {
    const v = doc.value as Record<string, unknown> | null;
    const method = v?.['method'];
    const hp = v?.['hyperparameters'];
    if (typeof method !== 'string' || hp === null || typeof hp !== 'object') return;
    const lr = (hp as Record<string, unknown>)['learning_rate'];
    const ranges = USUAL_LEARNING_RATES[method];
    if (typeof lr !== 'number' || !(lr > 0) || !ranges) return;
    const lora = v?.['lora'] !== undefined && v['lora'] !== null;
    const [low, high] = lora ? ranges.lora : ranges.full;
    if (lr >= low && lr <= high) return;
    const kind = `${lora ? 'LoRA' : 'full-parameter'} ${method}`;
    const consequence = lr > high ? 'too high a rate tends to diverge or collapse the model' : 'too low a rate barely moves the weights';
    ctx.report({
      range: doc.valueRange(['hyperparameters', 'learning_rate']),
      message: `learning_rate ${show(lr)} is far ${lr > high ? 'above' : 'below'} the usual range for ${kind} (${show(low)} to ${show(high)}); ${consequence}.`,
    });
  },
};
