import type { Rule } from '../rule';
import { plural } from '../../../text/plural';
import { modelShape } from '../../estimates/model-families';
import { blockLinears } from '../../estimates/memory';
import { didYouMean } from '../../did-you-mean';
import { hasLoraAdapter } from '../../frameworks/facts';
import { factsOf } from './shared';

const ALWAYS_OK = new Set(['lm_head', 'embed_tokens', 'wte', 'all', 'all-linear', 'score']);

export const loraTargetsRule: Rule = {
  id: 'framework/lora-targets',
  kinds: ['axolotl', 'llamafactory', 'trl'],
  defaultSeverity: 'warning',
  description: 'LoRA target modules the base model architecture does not have, or new tokens trained with LoRA without saving embed_tokens / lm_head.',
  check(doc, ctx) {
    const f = factsOf(doc);
    if (!f || !hasLoraAdapter(f) || !f.baseModel) return;
    const shape = modelShape(f.baseModel.value);
    if (shape && !shape.generic && f.loraTargets && f.loraTargets.value !== 'all-linear') {
      const names = [...new Set(blockLinears(shape).map((l) => l.module))];
      const missing = f.loraTargets.value.filter((t) => !ALWAYS_OK.has(t) && !names.includes(t));
      if (missing.length) {
        const hint = missing.map((m) => didYouMean(m, names)).filter(Boolean);
        ctx.report({
          range: doc.valueRange(f.loraTargets.path),
          message: `${missing.map((m) => `"${m}"`).join(', ')} ${missing.length === 1 ? 'is not a layer' : 'are not layers'} of ${shape.name} (its linear layers: ${names.join(', ')})${hint.length ? `; did you mean ${hint.map((h) => `"${h}"`).join(', ')}?` : ''}. PEFT stops with "Target modules not found" when none match, and silently skips the others.`,
        });
      }
    }
    if (f.addedTokens && f.addedTokens.value.length > 0) {
      const saved = new Set(f.loraModulesToSave?.value ?? []);
      const need = ['embed_tokens', 'lm_head'].filter((m) => !saved.has(m));
      if (need.length) {
        ctx.report({
          range: doc.keyRange(f.addedTokens.path),
          message: `${plural(f.addedTokens.value.length, 'new token')} with LoRA, but ${need.join(' and ')} ${need.length === 1 ? 'is' : 'are'} not in ${f.kind === 'llamafactory' ? 'additional_target' : 'lora_modules_to_save'}: the new embeddings stay random and are not saved with the adapter.`,
        });
      }
    }
  },
};
