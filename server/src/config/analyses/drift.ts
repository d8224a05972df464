/** The `drift` analysis: distribution drift of a column between two samples (docs/analyses.md#drift). */
import type { DriftResult } from '../../analysis/types';
import { arrayOf, bool, literal, nullable, num, object, optional, str } from '../../protocol/check';
import { defineAnalysis, m, opt, real, text } from './descriptor';

const bin = object({ lower: nullable(num), upper: nullable(num), category: optional(str), reference_share: num, current_share: num });
export const driftResult = object({
  kind: literal('numeric', 'categorical'),
  n_reference: num,
  n_current: num,
  psi: num,
  ks_statistic: nullable(num),
  ks_p_value: nullable(num),
  wasserstein: nullable(num),
  js_distance: num,
  chi2: nullable(num),
  chi2_p_value: nullable(num),
  drifted: bool,
  threshold: num,
  bins: arrayOf(bin),
}) satisfies (v: unknown) => DriftResult;

export const driftAnalysis = defineAnalysis<DriftResult>({
  name: 'drift',
  description: 'Distribution drift of a column between a reference and a current sample.',
  inputs: 'two samples (reference and current) with the compared column',
  connections: true,
  options: [
    opt('column', 'Column to compare.', text),
    opt('threshold', 'PSI at or above which the data has drifted (default 0.2).', real(0, 1e6)),
    opt('reference', 'The reference sample (a pipeline check names it with `reference:`).', text, { path: true }),
    opt('current', 'The current sample, when the data file is the reference.', text, { path: true }),
  ],
  metrics: [
    m('n_reference', 'Rows in the reference sample.'),
    m('n_current', 'Rows in the current sample.'),
    m('psi', 'Population stability index.'),
    m('ks_statistic', 'Two-sample Kolmogorov-Smirnov statistic.'),
    m('ks_p_value', 'Asymptotic p-value of the KS test.'),
    m('wasserstein', 'Earth mover distance of the raw samples.'),
    m('js_distance', 'Jensen-Shannon distance (base 2) over the PSI bins.'),
  ],
  result: driftResult,
});
