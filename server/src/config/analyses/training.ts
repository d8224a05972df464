/** The `training` analysis: curves and alerts of a training run's logs (docs/analyses.md#training). */
import { lowerIsBetter, type TrainingResult } from '../../analysis/types';
import { arrayOf, literal, nullable, num, object, recordOf, series, str } from '../../protocol/check';
import { defineAnalysis, field, int, m, metricNumber, opt, real, topLevelMetric } from './descriptor';

export const trainingResult = object({
  run: str,
  steps: num,
  metrics: recordOf(object({ count: num, first: num, last: num, min: num, min_step: num, max: num, max_step: num })),
  alerts: arrayOf(object({ type: literal('nan', 'spike', 'overfit', 'stalled'), step: num, metric: str, message: str })),
  series: recordOf(series),
  smoothed: recordOf(series),
  groups: recordOf(arrayOf(str)),
  progress: nullable(object({ step: num, total_steps: nullable(num), percentage: nullable(num), elapsed_seconds: nullable(num), remaining_seconds: nullable(num) })),
}) satisfies (v: unknown) => TrainingResult;

export const trainingAnalysis = defineAnalysis<TrainingResult>({
  name: 'training',
  description: 'Training-run logs: curves and alerts (NaN, spike, overfit, stalled).',
  inputs: 'log rows with a step and numeric metrics (JSONL, CSV, trainer_state.json, Lightning metrics.csv, MLflow run folder)',
  options: [
    opt('smoothing', 'TensorBoard smoothing weight in [0, 1) of the drawn curves (default 0.6).', real(0, 0.999)),
    opt('max_points', 'Most points per drawn series (default 2000).', int(10, 1_000_000)),
  ],
  metrics: [m('steps', 'Last logged step.'), m('alerts', 'Number of alerts raised.')],
  metricPattern: {
    pattern: /^[^\s]+\.(count|first|last|min|max|min_step|max_step|best)$/,
    description: 'any logged series as NAME.STAT, STAT one of count, first, last, min, max, min_step, max_step, best (min for losses, else max) such as loss.last',
  },
  measure(result, metric) {
    if (metric === 'alerts') return [{ label: metric, value: Array.isArray(result.alerts) ? result.alerts.length : null }];
    const dot = metric.lastIndexOf('.');
    if (dot > 0) {
      const s = field(result.metrics, metric.slice(0, dot));
      if (s === undefined) return undefined;
      const stat = metric.slice(dot + 1);
      // best: as `compare` ranks runs, the smallest value of a loss-like metric, else the largest.
      const v = field(s, stat === 'best' ? (lowerIsBetter(metric.slice(0, dot)) ? 'min' : 'max') : stat);
      return v === undefined ? undefined : [{ label: metric, value: metricNumber(v) }];
    }
    return topLevelMetric(result as unknown as Record<string, unknown>, metric);
  },
  result: trainingResult,
});
