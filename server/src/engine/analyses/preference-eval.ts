/** The engine side of the `preference-eval` analysis (descriptor: config/analyses/preference-eval.ts). */
import { analyzePreferenceEval } from '../../analysis/preference-eval';
import { preferenceEvalAnalysis } from '../../config/analyses/preference-eval';
import { loadPreferenceEval } from '../preference-inputs';
import { defineRunner } from './runner';

export const preferenceEvalRunner = defineRunner({
  descriptor: preferenceEvalAnalysis,
  load: async (ctx) => loadPreferenceEval(await ctx.open(ctx.file), ctx.options['models'] as string[] | undefined),
  run: (input, o) =>
    analyzePreferenceEval(input, {
      ...(o.bins ? { bins: o.bins } : {}),
      ...(o.bootstrap !== undefined ? { bootstrapIterations: o.bootstrap } : {}),
      ...(o.seed !== undefined ? { bootstrapSeed: o.seed } : {}),
    }),
});
