import type { Rule } from '../rule';
import { factsOf } from './shared';

/** Template families and the model ids they belong to (LLaMA-Factory's README "Supported Models" table). */
const FAMILIES: { template: RegExp; model: RegExp; name: string }[] = [
  { template: /^qwen3/, model: /qwen3|qwq/i, name: 'Qwen3' },
  { template: /^qwen(2_|$)|^qwen$/, model: /qwen/i, name: 'Qwen' },
  { template: /^llama3$/, model: /llama-?3/i, name: 'Llama 3' },
  { template: /^llama4/, model: /llama-?4/i, name: 'Llama 4' },
  { template: /^llama2/, model: /llama-?2/i, name: 'Llama 2' },
  { template: /^mistral|^ministral/, model: /mistral|mixtral|ministral/i, name: 'Mistral' },
  { template: /^gemma/, model: /gemma/i, name: 'Gemma' },
  { template: /^phi/, model: /phi/i, name: 'Phi' },
  { template: /^deepseek/, model: /deepseek/i, name: 'DeepSeek' },
  { template: /^glm|^chatglm/, model: /glm/i, name: 'GLM' },
  { template: /^yi/, model: /\byi\b|yi-/i, name: 'Yi' },
];
/** Families of model ids, to say what the model is (the first match). */
const MODEL_FAMILY: { model: RegExp; templates: string }[] = [
  { model: /qwen3/i, templates: 'qwen3 or qwen3_nothink' },
  { model: /qwen/i, templates: 'qwen' },
  { model: /llama-?3/i, templates: 'llama3' },
  { model: /llama-?2/i, templates: 'llama2' },
  { model: /mistral|mixtral/i, templates: 'mistral' },
  { model: /gemma-?3/i, templates: 'gemma3' },
  { model: /gemma/i, templates: 'gemma' },
  { model: /phi-?4/i, templates: 'phi4' },
  { model: /phi/i, templates: 'phi' },
  { model: /deepseek/i, templates: 'deepseek3 or deepseekr1' },
];

export const templateRule: Rule = {
  id: 'framework/template',
  kinds: ['llamafactory'],
  defaultSeverity: 'warning',
  description: 'A LLaMA-Factory `template` made for another model family than the base model (an unknown template is framework/enum).',
  check(doc, ctx) {
    const f = factsOf(doc);
    if (!f?.template || !f.baseModel) return;
    const t = f.template.value;
    const fam = FAMILIES.find((x) => x.template.test(t));
    if (!fam) return; // generic templates (default, alpaca, chatml, empty...) fit any model
    const model = f.baseModel.value;
    if (fam.model.test(model)) return;
    const own = MODEL_FAMILY.find((x) => x.model.test(model));
    if (!own) return; // a model we cannot place: say nothing
    ctx.report({
      range: doc.valueRange(f.template.path),
      message: `template "${t}" is the ${fam.name} chat format, but the base model ${model} is not ${fam.name}: the model is trained on special tokens it never saw and generates garbage at inference. Use ${own.templates}.`,
    });
  },
};
