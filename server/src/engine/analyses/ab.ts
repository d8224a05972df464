/** The engine side of the `ab` analysis (descriptor: config/analyses/ab.ts). */
import { analyzeAb } from '../../analysis/ab';
import { abAnalysis } from '../../config/analyses/ab';
import { OptionError } from '../../config/analyses/descriptor';
import { loadAb } from '../inputs';
import { readExperiment } from '../experiment';
import * as path from 'node:path';
import { defineRunner } from './runner';

export const abRunner = defineRunner({
  descriptor: abAnalysis,
  inputFiles(file, options) {
    if (options.experiment) return [file, options.experiment];
    if (/\.ya?ml$/i.test(file)) {
      const data = readExperiment(file).data;
      if (data) return [file, data];
    }
    return [file];
  },
  async load(ctx) {
    let dataFile = ctx.file;
    let experimentFile = ctx.options.experiment;
    if (!experimentFile && /\.ya?ml$/i.test(ctx.file)) {
      experimentFile = ctx.file;
      const data = readExperiment(ctx.file).data;
      if (!data) throw new OptionError(`${ctx.file}: the Experiment has no "data:" file; pass the results file and --experiment`);
      dataFile = data;
    }
    if (!experimentFile) throw new OptionError('the ab analysis needs an Experiment file (option experiment / --experiment)');
    const plan = readExperiment(experimentFile);
    if (plan.source) throw new OptionError(`${experimentFile}: the Experiment reads source: ${plan.source.connection}; run it as the Experiment itself`);
    const input = await loadAb(await ctx.open(dataFile), plan.metrics);
    return { input, options: plan.options };
  },
  run: ({ input, options }) => analyzeAb(input, options),
  async pushdown(file, options, hooks) {
    const experimentFile = options.experiment ?? (/\.ya?ml$/i.test(file) ? file : undefined);
    const plan = experimentFile ? readExperiment(experimentFile) : undefined;
    if (!plan?.source) return undefined;
    // Loaded on first use: the database client stays out of a file analysis' worker start-up.
    const { runAbPushdown } = await import('../../connections/pushdown');
    const { loadConnections } = await import('../../connections/load');
    const conns = loadConnections(path.dirname(experimentFile!));
    const o = await runAbPushdown(plan, plan.source, options, { connections: conns.connections, ...(conns.file ? { settingsFile: conns.file } : {}), ...(hooks.signal ? { signal: hooks.signal } : {}), ...(hooks.secrets ? { secrets: hooks.secrets } : {}) });
    return { analysis: 'ab', files: [experimentFile!], format: 'clickhouse', rowsRead: o.rowsRead, skipped: o.skipped, result: o.result, source: o.source, queries: o.queries, notes: o.notes };
  },
});
