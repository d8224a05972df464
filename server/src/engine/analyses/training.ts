/** The engine side of the `training` analysis (descriptor: config/analyses/training.ts). */
import { analyzeTraining } from '../../analysis/training';
import { trainingAnalysis } from '../../config/analyses/training';
import { loadTraining } from '../inputs';
import { defineRunner } from './runner';

export const trainingRunner = defineRunner({
  descriptor: trainingAnalysis,
  load: async (ctx) => loadTraining(await ctx.open(ctx.file)),
  run: (input, o) => analyzeTraining(input, { ...(o.smoothing !== undefined ? { smoothing: o.smoothing } : {}), ...(o.max_points ? { maxPoints: o.max_points } : {}) }),
});
