/** The engine side of the `calibration` analysis (descriptor: config/analyses/calibration.ts). */
import { calibrate } from '../../analysis/calibration';
import { calibrationAnalysis } from '../../config/analyses/calibration';
import { loadCalibration } from '../inputs';
import { defineRunner } from './runner';

export const calibrationRunner = defineRunner({
  descriptor: calibrationAnalysis,
  load: async (ctx) => loadCalibration(await ctx.open(ctx.file), ctx.options.bins),
  run: (input, o) => calibrate(input, { ...(o.bins ? { bins: o.bins } : {}), ...(o.bootstrap ? { bootstrapIterations: o.bootstrap } : {}), ...(o.seed !== undefined ? { bootstrapSeed: o.seed } : {}) }),
});
