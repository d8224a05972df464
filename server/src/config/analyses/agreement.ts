/** The `agreement` analysis: inter-annotator agreement (docs/analyses.md#agreement). */
import type { AgreementResult } from '../../analysis/types';
import { arrayOf, literal, nullable, num, object, recordOf, str } from '../../protocol/check';
import { defineAnalysis, labels, m, oneOf, opt } from './descriptor';

const level = literal('nominal', 'ordinal', 'interval', 'ratio');
export const agreementResult = object({
  n_items: num,
  n_annotators: num,
  n_ratings: num,
  percent_agreement: num,
  krippendorff_alpha: num,
  level,
  fleiss_kappa: nullable(num),
  fleiss_kappa_reason: nullable(str),
  cohen_kappa_pairs: arrayOf(object({ a: str, b: str, n: num, kappa: nullable(num) })),
  mean_cohen_kappa: nullable(num),
  per_annotator: arrayOf(object({ annotator: str, n: num, agreement_with_majority: nullable(num), mean_kappa: nullable(num) })),
  disagreements: arrayOf(object({ item: str, n: num, agreement: num, labels: recordOf(num) })),
}) satisfies (v: unknown) => AgreementResult;

export const agreementAnalysis = defineAnalysis<AgreementResult>({
  name: 'agreement',
  description: "Inter-annotator agreement: Krippendorff's alpha, Fleiss' kappa, Cohen's kappa, percent agreement.",
  inputs: '{item_id, annotator, label} rows (headerless three-column files are read as annotator, item, label)',
  options: [
    opt('level', 'Measurement level: nominal (default), ordinal, interval or ratio.', oneOf('nominal', 'ordinal', 'interval', 'ratio')),
    opt('order', 'For ordinal string labels: their order, lowest first.', labels),
  ],
  metrics: [
    m('n_items', 'Items with ratings.'),
    m('n_annotators', 'Distinct annotators.'),
    m('n_ratings', 'Ratings in total.'),
    m('percent_agreement', 'Mean share of agreeing rater pairs per item.'),
    m('krippendorff_alpha', "Krippendorff's alpha at the configured level."),
    m('fleiss_kappa', "Fleiss' kappa (only when every item has the same number of ratings)."),
    m('mean_cohen_kappa', "Mean Cohen's kappa over annotator pairs."),
  ],
  result: agreementResult,
});
