/** The engine side of the `agreement` analysis (descriptor: config/analyses/agreement.ts). */
import { analyzeAgreement } from '../../analysis/agreement';
import { agreementAnalysis } from '../../config/analyses/agreement';
import { loadRatings } from '../inputs';
import { defineRunner } from './runner';

/** Headerless three-column annotation files (as nltk's) are read as annotator, item, label. */
const AGREEMENT_HEADERLESS_COLUMNS = ['annotator', 'item_id', 'label'];

export const agreementRunner = defineRunner({
  descriptor: agreementAnalysis,
  load: async (ctx) => loadRatings(await ctx.open(ctx.file, { columnNames: AGREEMENT_HEADERLESS_COLUMNS }), ctx.options.level ?? 'nominal'),
  run: (ratings, o) => analyzeAgreement(ratings, { level: o.level ?? 'nominal', ...(o.order ? { order: o.order } : {}) }),
});
