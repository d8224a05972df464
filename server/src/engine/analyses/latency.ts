/** The engine side of the `latency` analysis (descriptor: config/analyses/latency.ts). */
import { analyzeLatency } from '../../analysis/latency';
import { latencyAnalysis } from '../../config/analyses/latency';
import { loadLatency } from '../inputs';
import { defineRunner } from './runner';

export const latencyRunner = defineRunner({
  descriptor: latencyAnalysis,
  load: async (ctx) => loadLatency(await ctx.open(ctx.file), ctx.options.group_by),
  run: (input, o) => analyzeLatency(input, { ...(o.window_ms ? { windowMs: o.window_ms } : {}) }),
});
