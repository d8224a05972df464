/** The engine side of the `drift` analysis (descriptor: config/analyses/drift.ts). */
import { analyzeDrift } from '../../analysis/drift';
import { driftAnalysis } from '../../config/analyses/drift';
import { OptionError } from '../../config/analyses/descriptor';
import { loadDrift } from '../inputs';
import { defineRunner } from './runner';

export const driftRunner = defineRunner({
  descriptor: driftAnalysis,
  // `current` given as an option makes FILE the reference: both samples' bytes decide the result.
  inputFiles: (file, options) => [file, ...(options.reference ? [options.reference] : []), ...(options.current ? [options.current] : [])],
  async load(ctx) {
    const { options } = ctx;
    const current = options.current ?? ctx.file;
    const referenceFile = options.reference ?? (options.current ? ctx.file : undefined);
    if (!referenceFile) throw new OptionError('the drift analysis needs a reference sample (option reference / --reference FILE)');
    if (!options.column) throw new OptionError('the drift analysis needs the column to compare (option column / --column NAME)');
    const reference = await ctx.open(referenceFile);
    const currentSource = await ctx.open(current);
    return loadDrift(reference, currentSource, options.column);
  },
  run: (input, o) => analyzeDrift(input, { ...(o.threshold !== undefined ? { threshold: o.threshold } : {}) }),
});
