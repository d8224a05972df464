/**
 * The analyses a pipeline check can run and the metrics each one reports (the contract of
 * docs analyses.md), for check rules, completion and hover.
 */

export interface MetricInfo {
  name: string;
  description: string;
}

export interface AnalysisInfo {
  name: string;
  description: string;
  metrics: readonly MetricInfo[];
  /** Metric names not listed but accepted (e.g. `loss.last` for any logged series). */
  metricPattern?: { pattern: RegExp; description: string };
  options: readonly MetricInfo[];
}

const m = (name: string, description: string): MetricInfo => ({ name, description });

export const ANALYSES: readonly AnalysisInfo[] = [
  {
    name: 'calibration',
    description: 'Reward-model / classifier calibration: ECE, MCE, adaptive ECE, Brier score, NLL and accuracy.',
    metrics: [
      m('n', 'Number of predictions.'),
      m('accuracy', 'Share of predictions whose top label is correct.'),
      m('mean_confidence', 'Mean top-label confidence.'),
      m('ece', 'Expected calibration error over equal-width bins.'),
      m('mce', 'Largest |accuracy - confidence| over non-empty bins.'),
      m('adaptive_ece', 'ECE over equal-count bins.'),
      m('brier', 'Mean squared error of the confidence.'),
      m('nll', 'Mean negative log-likelihood of the true outcome.'),
    ],
    options: [m('bins', 'Number of bins (default 15).')],
  },
  {
    name: 'ab',
    description: 'A/B test of experiment variants: lift, confidence intervals, p-values, sample ratio mismatch. Per-variant metrics are asserted for every non-control variant of the primary metric.',
    metrics: [
      m('srm.p_value', 'p-value of the sample-ratio-mismatch chi-square test.'),
      m('srm.chi2', 'Chi-square statistic of the sample-ratio test.'),
      m('p_value', 'p-value of the primary metric, per non-control variant.'),
      m('p_value_adjusted', 'p-value after the configured multiple-comparison correction.'),
      m('abs_diff', 'Absolute difference of means against the control.'),
      m('rel_lift', 'Relative lift against the control.'),
      m('ci_low', 'Lower end of the confidence interval of the difference.'),
      m('ci_high', 'Upper end of the confidence interval of the difference.'),
      m('chance_to_beat_control', 'Posterior probability that the variant beats the control (binomial).'),
    ],
    options: [m('experiment', 'The Experiment file that defines variants and metrics.')],
  },
  {
    name: 'agreement',
    description: "Inter-annotator agreement: Krippendorff's alpha, Fleiss' kappa, Cohen's kappa, percent agreement.",
    metrics: [
      m('n_items', 'Items with ratings.'),
      m('n_annotators', 'Distinct annotators.'),
      m('n_ratings', 'Ratings in total.'),
      m('percent_agreement', 'Mean share of agreeing rater pairs per item.'),
      m('krippendorff_alpha', "Krippendorff's alpha at the configured level."),
      m('fleiss_kappa', "Fleiss' kappa (only when every item has the same number of ratings)."),
      m('mean_cohen_kappa', "Mean Cohen's kappa over annotator pairs."),
    ],
    options: [m('level', 'Measurement level: nominal (default), ordinal, interval or ratio.')],
  },
  {
    name: 'drift',
    description: 'Distribution drift of a column between a reference and a current sample.',
    metrics: [
      m('n_reference', 'Rows in the reference sample.'),
      m('n_current', 'Rows in the current sample.'),
      m('psi', 'Population stability index.'),
      m('ks_statistic', 'Two-sample Kolmogorov-Smirnov statistic.'),
      m('ks_p_value', 'Asymptotic p-value of the KS test.'),
      m('wasserstein', 'Earth mover distance of the raw samples.'),
      m('js_distance', 'Jensen-Shannon distance (base 2) over the PSI bins.'),
    ],
    options: [m('column', 'Column to compare.'), m('threshold', 'PSI at or above which the data has drifted (default 0.2).')],
  },
  {
    name: 'training',
    description: 'Training-run logs: curves and alerts (NaN, spike, overfit, stalled).',
    metrics: [m('steps', 'Last logged step.'), m('alerts', 'Number of alerts raised.')],
    metricPattern: {
      pattern: /^[^\s]+\.(count|first|last|min|max|min_step|max_step)$/,
      description: 'any logged series as NAME.STAT, STAT one of count, first, last, min, max, min_step, max_step such as loss.last',
    },
    options: [],
  },
  {
    name: 'latency',
    description: 'Serving latency and success rate, overall and per group.',
    metrics: [
      m('count', 'Requests.'),
      m('success_rate', 'Share of successful requests.'),
      m('mean', 'Mean latency in ms.'),
      m('p50', 'Median latency in ms.'),
      m('p95', '95th-percentile latency in ms.'),
      m('p99', '99th-percentile latency in ms.'),
      m('max', 'Largest latency in ms.'),
    ],
    options: [m('group_by', 'Column to group by, e.g. adapter_id.')],
  },
  {
    name: 'uncertainty',
    description: 'Active-learning selection by entropy, margin or least confidence.',
    metrics: [m('selected', 'Rows selected.')],
    options: [m('method', 'entropy, margin or least_confidence.'), m('top', 'How many rows to select.')],
  },
];

export const ANALYSIS_BY_NAME: ReadonlyMap<string, AnalysisInfo> = new Map(ANALYSES.map((a) => [a.name, a]));

export function isKnownMetric(analysis: AnalysisInfo, metric: string): boolean {
  return analysis.metrics.some((x) => x.name === metric) || (analysis.metricPattern?.pattern.test(metric) ?? false);
}
