/** The `calibration` analysis: reward-model / classifier calibration (docs/analyses.md#calibration). */
import type { CalibrationResult } from '../../analysis/types';
import { arrayOf, nullable, num, object } from '../../protocol/check';
import { defineAnalysis, int, m, opt } from './descriptor';

/** A bootstrap interval, as the analyses report it. */
export const interval = object({ low: num, high: num, level: num, iterations: num, seed: num });

/** The calibration result without its bootstrap intervals (preference-eval embeds this for sigmoid(margin)). */
export const calibrationFields = {
  n: num,
  accuracy: num,
  mean_confidence: num,
  ece: num,
  mce: num,
  adaptive_ece: num,
  brier: num,
  nll: num,
  bins: arrayOf(object({ lower: num, upper: num, count: num, mean_confidence: nullable(num), accuracy: nullable(num) })),
  temperature: nullable(object({ value: num, nll: num, ece: num })),
};

export const calibrationResult = object({
  ...calibrationFields,
  ece_ci: nullable(interval),
  mce_ci: nullable(interval),
  adaptive_ece_ci: nullable(interval),
  brier_ci: nullable(interval),
  nll_ci: nullable(interval),
}) satisfies (v: unknown) => CalibrationResult;

export const calibrationAnalysis = defineAnalysis<CalibrationResult>({
  name: 'calibration',
  description: 'Reward-model / classifier calibration: ECE, MCE, adaptive ECE, Brier score, NLL and accuracy.',
  inputs: '{probs|logits, label}, {confidence, correct}, {prob, label} or {chosen_score, rejected_score} rows',
  connections: true,
  options: [
    opt('bins', 'Number of bins (default 15).', int(2, 1000)),
    opt('bootstrap', 'Bootstrap resamples for confidence intervals (default 0: none).', int(0, 100_000)),
    opt('seed', 'Seed of the bootstrap (default 1).', int(0, 2 ** 31 - 1)),
  ],
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
  result: calibrationResult,
});
