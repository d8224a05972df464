/** The `ab` analysis: A/B test of an Experiment's variants (docs/analyses.md#ab). */
import type { AbResult } from '../../analysis/types';
import { arrayOf, bool, literal, nullable, num, object, optional, recordOf, str } from '../../protocol/check';
import { defineAnalysis, field, m, metricNumber, opt, text } from './descriptor';

const variantResult = object({
  variant: str,
  n: num,
  mean: num,
  control_n: num,
  control_mean: num,
  abs_diff: num,
  rel_lift: nullable(num),
  ci_low: num,
  ci_high: num,
  p_value: num,
  p_value_adjusted: num,
  significant: bool,
  chance_to_beat_control: nullable(num),
  variance_reduction: optional(nullable(num)),
});
export const abResult = object({
  control: str,
  method: literal('frequentist', 'bayesian', 'sequential'),
  srm: object({ observed: recordOf(num), expected_share: recordOf(num), chi2: num, p_value: num, mismatch: bool, sequential_p_value: num, log_bayes_factor: num }),
  metrics: arrayOf(
    object({
      name: str,
      type: literal('binomial', 'continuous', 'ratio', 'quantile'),
      adjustment: optional(object({ method: literal('cuped', 'regression'), theta: num })),
      quantile: optional(num),
      results: arrayOf(variantResult),
    }),
  ),
  guardrails: arrayOf(object({ metric: str, variant: str, worst_case: nullable(num), limit: num, kind: literal('relative', 'absolute'), passed: bool })),
  decision: object({ winner: nullable(str), reason: str }),
}) satisfies (v: unknown) => AbResult;

export const abAnalysis = defineAnalysis<AbResult>({
  name: 'ab',
  description: 'A/B test of experiment variants: lift, confidence intervals, p-values, sample ratio mismatch. Per-variant metrics are asserted for every non-control variant of the primary metric.',
  inputs: '{variant, <metric columns>} rows (one per unit) or {variant, n, successes}, with an Experiment file',
  connections: true,
  options: [opt('experiment', 'The Experiment file that defines variants and metrics.', text, { path: true })],
  metrics: [
    m('srm.p_value', 'p-value of the sample-ratio-mismatch chi-square test.'),
    m('srm.chi2', 'Chi-square statistic of the sample-ratio test.'),
    m('srm.sequential_p_value', 'Anytime-valid p-value of the sequential sample-ratio test (Dirichlet-multinomial mixture).'),
    m('p_value', 'p-value of the primary metric, per non-control variant.'),
    m('p_value_adjusted', 'p-value after the configured multiple-comparison correction.'),
    m('abs_diff', 'Absolute difference of means against the control.'),
    m('rel_lift', 'Relative lift against the control.'),
    m('ci_low', 'Lower end of the confidence interval of the difference.'),
    m('ci_high', 'Upper end of the confidence interval of the difference.'),
    m('chance_to_beat_control', 'Posterior probability that the variant beats the control (binomial).'),
  ],
  measure(result, metric) {
    if (metric.startsWith('srm.')) {
      const v = field(result.srm, metric.slice(4));
      return v === undefined ? undefined : [{ label: metric, value: metricNumber(v) }];
    }
    const metrics = Array.isArray(result.metrics) ? (result.metrics as unknown as Record<string, unknown>[]) : [];
    // Per-variant figures are asserted for the primary metric: the first one in the Experiment.
    const primary = metrics[0];
    const results = Array.isArray(primary?.['results']) ? (primary['results'] as Record<string, unknown>[]) : [];
    if (!results.length || !(metric in results[0]!)) return undefined;
    return results.map((r) => ({ label: `${metric} (${String(r['variant'])}, ${String(primary!['name'])})`, value: metricNumber(r[metric]) }));
  },
  result: abResult,
});
