/** The `preference-eval` analysis: reward-model evaluation on preference pairs (docs/analyses.md#preference-eval-reward-model-evaluation). */
import type { PreferenceEvalResult } from '../../analysis/preference-eval';
import { arrayOf, bool, nullable, num, object, point, str } from '../../protocol/check';
import { calibrationFields, interval } from './calibration';
import { defineAnalysis, field, int, m, metricNumber, opt, OptionError, topLevelMetric, type OptionReader } from './descriptor';

const category = object({ name: str, n: num, accuracy: num, accuracy_ci: point });
const section = object({ name: str, accuracy: num, n: num, subsets: arrayOf(str) });
export const preferenceEvalResult = object({
  n: num,
  ties: num,
  accuracy: num,
  accuracy_ci: point,
  accuracy_bootstrap_ci: nullable(interval),
  categories: arrayOf(category),
  sections: arrayOf(section),
  rewardbench_score: nullable(num),
  margin: object({ mean: num, std: num, min: num, q05: num, q25: num, median: num, q75: num, q95: num, max: num, histogram: arrayOf(object({ lower: num, upper: num, count: num })) }),
  length_pairs: num,
  longer_chosen_share: nullable(num),
  longer_baseline_accuracy: nullable(num),
  length_margin_spearman: nullable(num),
  length_margin_spearman_p_value: nullable(num),
  calibration: object(calibrationFields),
  level: num,
  models: arrayOf(
    object({
      name: str,
      n: num,
      ties: num,
      accuracy: num,
      accuracy_ci: point,
      accuracy_bootstrap_ci: nullable(interval),
      categories: arrayOf(category),
      sections: arrayOf(section),
      rewardbench_score: nullable(num),
      length_margin_spearman: nullable(num),
      mean_margin: num,
      ece: num,
      brier: num,
    }),
  ),
  comparisons: arrayOf(
    object({
      a: str,
      b: str,
      n: num,
      accuracy_a: num,
      accuracy_b: num,
      accuracy_difference: num,
      difference_ci: nullable(interval),
      only_a_correct: num,
      only_b_correct: num,
      mcnemar_p_value: num,
      p_value_adjusted: num,
      significant: bool,
    }),
  ),
}) satisfies (v: unknown) => PreferenceEvalResult;

/** A list of model names, or one comma-separated string (`--models m1,m2`). */
const modelNames: OptionReader = (v, name) => {
  const list = typeof v === 'string' ? v.split(',').map((s) => s.trim()) : v;
  if (!Array.isArray(list) || list.length === 0 || list.some((x) => typeof x !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(x))) {
    throw new OptionError(`option ${name} must be model names (letters, digits, _ . -) separated by commas, e.g. rm_v1,rm_v2 (got ${JSON.stringify(v)})`);
  }
  if (new Set(list).size !== list.length) throw new OptionError(`option ${name} names a model twice (got ${JSON.stringify(v)})`);
  return list;
};

export const preferenceEvalAnalysis = defineAnalysis<PreferenceEvalResult>({
  name: 'preference-eval',
  description: 'Reward-model evaluation on preference pairs: pairwise accuracy with Wilson and bootstrap intervals, per category (RewardBench sections), length bias, calibration of sigmoid(margin), paired model comparisons (exact McNemar, Holm).',
  inputs: '{chosen_score, rejected_score} rows (or <model>_chosen / <model>_rejected with models), optional category or subset, chosen_length / rejected_length or chosen / rejected texts',
  options: [
    opt('models', 'Model names; model M scores are in M_chosen and M_rejected (default: one model in chosen_score / rejected_score).', modelNames),
    opt('bootstrap', 'Bootstrap resamples of the accuracy and paired-difference intervals (default 1000, 0 = off).', int(0, 100_000)),
    opt('seed', 'Seed of the bootstrap (default 1).', int(0, 2 ** 31 - 1)),
    opt('bins', 'Calibration bins of sigmoid(margin) (default 15).', int(2, 1000)),
  ],
  metrics: [
    m('n', 'Pairs evaluated.'),
    m('accuracy', 'Share of pairs whose chosen response scored higher (the first model with models).'),
    m('ties', 'Pairs scored equal (counted as wrong).'),
    m('rewardbench_score', 'Mean of the RewardBench section accuracies, when the categories are RewardBench subsets.'),
    m('longer_chosen_share', 'Share of different-length pairs whose chosen response is the longer one.'),
    m('longer_baseline_accuracy', 'Accuracy of always preferring the longer response (equal lengths count one half).'),
    m('length_margin_spearman', 'Spearman correlation between the score margin and the length difference.'),
    m('accuracy_ci.low', 'Lower end of the Wilson interval of the accuracy.'),
    m('calibration.ece', 'ECE of the implied preference probability sigmoid(margin).'),
  ],
  metricPattern: { pattern: /^(calibration|margin)\.[a-z_0-9]+$|^accuracy_ci\.(low|high)$/, description: 'calibration.FIELD (e.g. calibration.ece), margin.FIELD (e.g. margin.median), accuracy_ci.low / .high' },
  measure(result, metric) {
    const r = result as unknown as Record<string, unknown>;
    if (metric === 'accuracy_ci.low' || metric === 'accuracy_ci.high') {
      const ci = r['accuracy_ci'];
      return Array.isArray(ci) ? [{ label: metric, value: metricNumber(ci[metric.endsWith('low') ? 0 : 1]) }] : undefined;
    }
    const dot = metric.indexOf('.');
    if (dot > 0) {
      const v = field(r[metric.slice(0, dot)], metric.slice(dot + 1));
      return v === undefined || (typeof v === 'object' && v !== null) ? undefined : [{ label: metric, value: metricNumber(v) }];
    }
    return topLevelMetric(r, metric);
  },
  result: preferenceEvalResult,
});

