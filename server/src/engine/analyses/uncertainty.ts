/** The engine side of the `uncertainty` analysis (descriptor: config/analyses/uncertainty.ts). */
import { selectUncertain } from '../../analysis/uncertainty';
import { uncertaintyAnalysis } from '../../config/analyses/uncertainty';
import { loadUncertainty } from '../inputs';
import { defineRunner } from './runner';

export const uncertaintyRunner = defineRunner({
  descriptor: uncertaintyAnalysis,
  load: async (ctx) => loadUncertainty(await ctx.open(ctx.file)),
  run: (input, o) => selectUncertain(input, { method: o.method ?? 'entropy', ...(o.top ? { top: o.top } : {}) }),
});
