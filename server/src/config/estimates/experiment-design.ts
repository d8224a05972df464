/**
 * Reads the power-analysis settings of an Experiment's plain value: the primary metric (the one
 * with `primary: true`, else the first) and `analysis.{mde, power, confidence}`. Only binomial
 * metrics have a sample-size formula here; a continuous metric would need its standard deviation.
 */
import { DEFAULT_CONFIDENCE, DEFAULT_POWER, designProblem, type ProportionTestDesign } from '../../analysis/sample-size';

export interface ExperimentDesign {
  design: ProportionTestDesign;
  /** Index of the primary metric in `metrics`, and its name. */
  metricIndex: number;
  metricName: string;
  /** True when no `baseline` was given and the worst case (rates around 0.5) is assumed. */
  worstCaseBaseline: boolean;
  minSampleSize?: number;
  method?: string;
  /** The primary metric's `covariate_correlation` r when it has a `covariate` (CUPED: n x (1 - r²)). */
  covariateCorrelation?: number;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function fraction(v: unknown): number | undefined {
  return typeof v === 'number' && v > 0 && v < 1 ? v : undefined;
}

/** The design, or undefined when there is no valid binomial primary metric and `mde`. */
export function experimentDesignFromConfig(value: unknown): ExperimentDesign | undefined {
  const v = record(value);
  const analysis = record(v?.['analysis']);
  const metrics = Array.isArray(v?.['metrics']) ? (v['metrics'] as unknown[]) : [];
  if (!analysis || metrics.length === 0) return undefined;
  let metricIndex = metrics.findIndex((m) => record(m)?.['primary'] === true);
  if (metricIndex < 0) metricIndex = 0;
  const metric = record(metrics[metricIndex]);
  if (!metric || metric['type'] !== 'binomial') return undefined;
  const mde = fraction(analysis['mde']);
  if (mde === undefined) return undefined;
  const baseline = fraction(metric['baseline']);
  const direction = metric['direction'] === 'decrease' ? 'decrease' : 'increase';
  const r = metric['covariate'] !== undefined && typeof metric['covariate_correlation'] === 'number' && metric['covariate_correlation'] >= 0 && metric['covariate_correlation'] < 1 ? metric['covariate_correlation'] : undefined;
  const design: ProportionTestDesign = {
    mde,
    ...(r ? { varianceFactor: 1 - r * r } : {}),
    power: fraction(analysis['power']) ?? DEFAULT_POWER,
    confidence: fraction(analysis['confidence']) ?? DEFAULT_CONFIDENCE,
    ...(baseline !== undefined ? { baseline, direction } : {}),
  };
  if (designProblem(design)) return undefined;
  const minSampleSize = analysis['min_sample_size'];
  return {
    design,
    metricIndex,
    metricName: typeof metric['name'] === 'string' ? metric['name'] : `metrics[${metricIndex}]`,
    worstCaseBaseline: baseline === undefined,
    ...(typeof minSampleSize === 'number' && minSampleSize > 0 ? { minSampleSize } : {}),
    ...(typeof analysis['method'] === 'string' ? { method: analysis['method'] } : {}),
    ...(r ? { covariateCorrelation: r } : {}),
  };
}
