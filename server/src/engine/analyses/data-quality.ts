/** The engine side of the `data-quality` analysis (descriptor: config/analyses/data-quality.ts). */
import { analyzeDataQuality } from '../../analysis/data-quality';
import { dataQualityAnalysis } from '../../config/analyses/data-quality';
import { loadDataQuality } from '../data-quality-input';
import { defineRunner } from './runner';

/** Headerless three-column files (nltk's annotation format) are read as annotator, item, label, as agreement reads them. */
const HEADERLESS_COLUMNS = ['annotator', 'item_id', 'label'];

export const dataQualityRunner = defineRunner({
  descriptor: dataQualityAnalysis,
  inputFiles: (file, options) => (typeof options['against'] === 'string' ? [file, options['against']] : [file]),
  async load(ctx) {
    const against = typeof ctx.options['against'] === 'string' ? ctx.options['against'] : undefined;
    const data = await ctx.open(ctx.file, { columnNames: HEADERLESS_COLUMNS });
    return loadDataQuality(data, against ? await ctx.open(against, { columnNames: HEADERLESS_COLUMNS }) : undefined);
  },
  run: (input, o) => analyzeDataQuality(input, { ...(typeof o['min_ratings_per_item'] === 'number' ? { minRatingsPerItem: o['min_ratings_per_item'] } : {}) }),
});
