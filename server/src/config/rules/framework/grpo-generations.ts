import type { Rule } from '../rule';
import { factsOf } from './shared';

export const grpoGenerationsRule: Rule = {
  id: 'framework/grpo-generations',
  kinds: ['axolotl', 'trl'],
  defaultSeverity: 'error',
  description: 'GRPO: the generation batch (per-device batch x GPUs x accumulation, or generation_batch_size) is not divisible by num_generations.',
  check(doc, ctx) {
    const f = factsOf(doc);
    if (!f || f.method.value !== 'grpo' || !f.numGenerations) return;
    const n = f.numGenerations.value;
    if (!Number.isInteger(n) || n < 1) return;
    if (n < 2) {
      ctx.report({ range: doc.valueRange(f.numGenerations.path), message: `num_generations ${n}: GRPO compares each completion with the others of its prompt, so it needs at least 2 (the advantage of a group of one is always 0).` });
      return;
    }
    if (f.generationBatchSize) {
      const g = f.generationBatchSize.value;
      if (g % n !== 0) ctx.report({ range: doc.valueRange(f.generationBatchSize.path), message: `generation_batch_size ${g} is not divisible by num_generations ${n}: TRL refuses the config (each prompt needs a whole group of completions).` });
      return;
    }
    const hw = ctx.project.hardware;
    const per = f.microBatch?.value ?? (f.kind === 'axolotl' ? 1 : 8);
    const accum = f.gradAccum?.value ?? 1;
    if (hw?.gpus === undefined) {
      // Without the GPU count, only a batch that no GPU count can fix is certain.
      if ((per * accum) % n !== 0 && n % (per * accum) !== 0 && ![1, 2, 4, 8, 16].some((g) => (per * accum * g) % n === 0)) {
        ctx.report({ range: doc.valueRange(f.numGenerations.path), message: `num_generations ${n} does not divide the generation batch (${per} per device x ${accum} accumulation x any of 1-16 GPUs): TRL refuses the config.` });
      }
      return;
    }
    const total = per * accum * hw.gpus;
    if (total % n !== 0) {
      ctx.report({
        range: doc.valueRange(f.numGenerations.path),
        message: `num_generations ${n} does not divide the generation batch ${total} (${per} per device x ${hw.gpus} GPUs x ${accum} accumulation): TRL refuses the config. Use a num_generations that divides ${total}, or change the batch.`,
      });
    }
  },
};
