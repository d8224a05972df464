/**
 * The typed contract between ingestion and the analyses: what each analysis takes (plain typed
 * rows and arrays, already cleaned of unparsable values by ingest) and what it returns (exactly the
 * JSON fields of docs/analyses.md). Functions throw `AnalysisError` when the input cannot give a
 * meaningful figure (e.g. no rows); they never return NaN silently.
 *
 * Entry points (one module each):
 *   calibrate(input, options)          analysis/calibration.ts
 *   analyzeAb(input, options)          analysis/ab.ts
 *   analyzeAgreement(ratings, options) analysis/agreement.ts
 *   analyzeDrift(input, options)       analysis/drift.ts
 *   analyzeTraining(input, options)    analysis/training.ts
 *   analyzeLatency(input, options)     analysis/latency.ts
 *   selectUncertain(input, options)    analysis/uncertainty.ts
 */

/** Why an analysis could not produce a result; the message names the problem in the user's terms. */
export class AnalysisError extends Error {
  constructor(
    message: string,
    /** Machine-readable reason, e.g. 'empty-input', 'bad-option', 'shape'. */
    readonly code: 'empty-input' | 'bad-option' | 'shape' | 'degenerate' = 'empty-input',
  ) {
    super(message);
    this.name = 'AnalysisError';
  }
}

// ---------------------------------------------------------------- calibration

/** The four row shapes of a calibration file, column-wise. All arrays of one input have length n. */
export type CalibrationInput =
  /**
   * `{confidence, correct}`: already top-label. `sums`: the per-row sums of these rows for `sums.bins`
   * bins, accumulated while they were read (RowSummariser, calibration.ts); calibrate uses them
   * instead of a pass of its own when they are for its bins and its n.
   */
  | { kind: 'top-label'; confidence: Float64Array; correct: Uint8Array; sums?: TopLabelSums }
  /** `{prob, label}`: P(label = 1) and the 0/1 label. */
  | { kind: 'binary'; prob: Float64Array; label: Uint8Array }
  /**
   * `{probs: [..], label: k}` or `{logits: [..], label: k}`: row-major n x classes matrix.
   * With `logits: true` the rows are softmaxed (and temperature scaling is offered).
   */
  | { kind: 'multiclass'; values: Float64Array; classes: number; label: Int32Array; logits: boolean }
  /** Reward-model pairs `{chosen_score, rejected_score}`. */
  | { kind: 'pairs'; chosen: Float64Array; rejected: Float64Array };

/** Per-row sums of top-label rows (what RowSummariser in calibration.ts accumulates). */
export interface TopLabelSums {
  bins: number;
  n: number;
  /** Per equal-width bin: rows, sum of confidence, sum of correct. */
  count: Float64Array;
  sumConf: Float64Array;
  sumCorrect: Float64Array;
  confidence: number;
  correct: number;
  brier: number;
  /** The sum of the rows' NLL terms. */
  nll: number;
  /** Rows per bucket of [0, 1] (adaptive ECE's order statistics); undefined when a value is outside it. */
  buckets: Uint32Array | undefined;
  /** Rows whose confidence is not in [0, 1] (or NaN) or whose correct is not 0 or 1. */
  invalid: number;
}

export interface CalibrationOptions {
  /** Number of equal-width (and adaptive) bins; default 15. */
  bins?: number;
  /** Bootstrap resamples for the ECE confidence interval; default 0 (no interval). */
  bootstrapIterations?: number;
  /** Seed of the bootstrap PRNG (mulberry32); default 1. */
  bootstrapSeed?: number;
  /** Level of the bootstrap interval; default 0.95. */
  bootstrapLevel?: number;
}

export interface CalibrationBin {
  lower: number;
  upper: number;
  count: number;
  /** null when the bin is empty. */
  mean_confidence: number | null;
  accuracy: number | null;
}

export interface CalibrationResult {
  n: number;
  accuracy: number;
  mean_confidence: number;
  ece: number;
  mce: number;
  adaptive_ece: number;
  brier: number;
  nll: number;
  bins: CalibrationBin[];
  /** For logit/score inputs (multiclass logits, reward pairs): the NLL-minimising temperature; else null. */
  temperature: { value: number; nll: number; ece: number } | null;
  /** Percentile bootstrap interval of the ECE; null unless bootstrapIterations > 0. */
  ece_ci: BootstrapInterval | null;
  /** Percentile bootstrap intervals of the other figures, from the same resamples as `ece_ci`. */
  mce_ci: BootstrapInterval | null;
  adaptive_ece_ci: BootstrapInterval | null;
  brier_ci: BootstrapInterval | null;
  nll_ci: BootstrapInterval | null;
}

// ---------------------------------------------------------------- A/B

export interface BinomialSummary {
  n: number;
  successes: number;
}
/** Sufficient statistics of a continuous metric: sample variance with n - 1 in the denominator. */
export interface ContinuousSummary {
  n: number;
  mean: number;
  variance: number;
}

/** Sums per variant for CUPED and ratio metrics (see analysis/ab-stats.ts). */
export type { Moments, QuantileSummary } from './ab-stats';
import type { Moments, QuantileSummary } from './ab-stats';

export type AbMetricInput =
  | { name: string; type: 'binomial'; byVariant: Record<string, BinomialSummary> }
  | { name: string; type: 'continuous'; byVariant: Record<string, ContinuousSummary> }
  /** A binomial or continuous metric `y` with a pre-period covariate `x` (CUPED / regression adjustment). */
  | { name: string; type: 'adjusted'; metricType: 'binomial' | 'continuous'; byVariant: Record<string, Moments> }
  /** A ratio metric: `y` the numerator, `x` the denominator, per unit. */
  | { name: string; type: 'ratio'; byVariant: Record<string, Moments> }
  /** A quantile metric: the p-quantile and its order-statistic interval per variant. */
  | { name: string; type: 'quantile'; quantile: number; byVariant: Record<string, QuantileSummary> };

export interface AbMetricSpec {
  name: string;
  primary?: boolean;
  /** Which way is better; default 'increase'. */
  direction?: 'increase' | 'decrease';
  /**
   * A guardrail fails when the bound of the difference's interval on the bad side is past a limit:
   * relative to the control's value, or absolute.
   */
  guardrail?: { max_relative_change?: number; max_absolute_change?: number };
}

export interface AbInput {
  /** Observed randomisation units per variant (for the SRM test). */
  units: Record<string, number>;
  metrics: AbMetricInput[];
}

export interface AbOptions {
  /** Variant ids in the Experiment's order. */
  variants: string[];
  control: string;
  /** Configured traffic per variant (shares or percentages; normalised). */
  traffic: Record<string, number>;
  metricSpecs?: AbMetricSpec[];
  /** Default 0.95. */
  confidence?: number;
  /** Default 'holm'. 'bh' is Benjamini-Hochberg (false discovery rate). */
  correction?: 'none' | 'bonferroni' | 'holm' | 'bh';
  /** How metrics with a covariate are adjusted; default 'cuped'. */
  adjustment?: 'cuped' | 'regression';
  /** Default 'frequentist'. 'sequential' reports mSPRT always-valid p-values and intervals. */
  method?: 'frequentist' | 'bayesian' | 'sequential';
  /** Mixing variance of the mSPRT normal mixture, in units of the metric's variance; default 1. */
  sequentialTau2?: number;
}

export interface AbVariantResult {
  variant: string;
  n: number;
  mean: number;
  control_n: number;
  control_mean: number;
  abs_diff: number;
  /** null when the control mean is 0. */
  rel_lift: number | null;
  ci_low: number;
  ci_high: number;
  p_value: number;
  p_value_adjusted: number;
  significant: boolean;
  /** Binomial metrics only; null for continuous. */
  chance_to_beat_control: number | null;
  /** Metrics with a covariate: 1 - (adjusted variance / unadjusted variance) of the difference; else null. */
  variance_reduction?: number | null;
}

export interface AbGuardrailVerdict {
  metric: string;
  variant: string;
  /** The interval bound on the bad side, as a relative (`kind: relative`) or absolute change. */
  worst_case: number | null;
  limit: number;
  kind: 'relative' | 'absolute';
  passed: boolean;
}

export interface AbResult {
  control: string;
  method: 'frequentist' | 'bayesian' | 'sequential';
  srm: {
    observed: Record<string, number>;
    expected_share: Record<string, number>;
    chi2: number;
    p_value: number;
    mismatch: boolean;
    /** Anytime-valid SRM p-value (Dirichlet-multinomial mixture) and its log Bayes factor. */
    sequential_p_value: number;
    log_bayes_factor: number;
  };
  metrics: {
    name: string;
    type: 'binomial' | 'continuous' | 'ratio' | 'quantile';
    /** Metrics with a covariate: the method and its slope; else absent. */
    adjustment?: { method: 'cuped' | 'regression'; theta: number };
    /** Quantile metrics: the quantile level. */
    quantile?: number;
    results: AbVariantResult[];
  }[];
  /** One verdict per guardrail metric and non-control variant, judged on the interval bound. */
  guardrails: AbGuardrailVerdict[];
  decision: { winner: string | null; reason: string };
}

// ---------------------------------------------------------------- agreement

export interface Rating {
  item: string;
  annotator: string;
  /** Strings for nominal labels; numbers for ordinal/interval/ratio (ordinal may also use `order`). */
  label: string | number;
}

export interface AgreementOptions {
  /** Default 'nominal'. */
  level?: 'nominal' | 'ordinal' | 'interval' | 'ratio';
  /** For ordinal string labels: their order, lowest first. Default: numeric order, else first-seen order. */
  order?: (string | number)[];
  /** How many disagreements to list; default 20. */
  maxDisagreements?: number;
}

export interface AgreementResult {
  n_items: number;
  n_annotators: number;
  n_ratings: number;
  percent_agreement: number;
  krippendorff_alpha: number;
  level: 'nominal' | 'ordinal' | 'interval' | 'ratio';
  fleiss_kappa: number | null;
  /** Why fleiss_kappa is null. */
  fleiss_kappa_reason: string | null;
  cohen_kappa_pairs: { a: string; b: string; n: number; kappa: number | null }[];
  mean_cohen_kappa: number | null;
  per_annotator: { annotator: string; n: number; agreement_with_majority: number | null; mean_kappa: number | null }[];
  /** Items most in need of adjudication: lowest pairwise agreement first, then most ratings. */
  disagreements: { item: string; n: number; agreement: number; labels: Record<string, number> }[];
}

// ---------------------------------------------------------------- drift

export type DriftInput =
  | { kind: 'numeric'; reference: Float64Array; current: Float64Array }
  | { kind: 'categorical'; reference: string[]; current: string[] };

export interface DriftOptions {
  /** PSI at or above which `drifted` is true; default 0.2. */
  threshold?: number;
}

export interface DriftBin {
  /** Numeric: the bin's edges (outer bins open: -Infinity / Infinity serialise as null). */
  lower: number | null;
  upper: number | null;
  /** Categorical: the category. */
  category?: string;
  reference_share: number;
  current_share: number;
}

export interface DriftResult {
  kind: 'numeric' | 'categorical';
  n_reference: number;
  n_current: number;
  psi: number;
  /** Numeric only (null for categorical). */
  ks_statistic: number | null;
  ks_p_value: number | null;
  wasserstein: number | null;
  js_distance: number;
  /** Categorical only: chi-square test of the category counts. */
  chi2: number | null;
  chi2_p_value: number | null;
  drifted: boolean;
  threshold: number;
  bins: DriftBin[];
}

// ---------------------------------------------------------------- training

/** One metric's points in log order. Non-finite values are kept here: they raise `nan` alerts. */
export interface MetricSeries {
  steps: Float64Array;
  values: Float64Array;
}

export interface TrainingInput {
  run: string;
  series: Record<string, MetricSeries>;
  /** Where the run stands, when the log says so (LLaMA-Factory's total_steps, percentage, remaining_time). */
  progress?: TrainingProgress | null;
}

/** The run's progress as its last log row reports it (null fields: not logged). */
export interface TrainingProgress {
  step: number;
  total_steps: number | null;
  percentage: number | null;
  elapsed_seconds: number | null;
  remaining_seconds: number | null;
}

export interface TrainingOptions {
  /** Most points per drawn series; default 2000. */
  maxPoints?: number;
  /** TensorBoard smoothing weight in [0, 1); default 0.6. 0 turns smoothing off. */
  smoothing?: number;
  /** Recent-window length for spike detection; default 50. */
  spikeWindow?: number;
  /** Robust deviations above which a jump is a spike; default 5. */
  spikeThreshold?: number;
  /** Points at the end of a loss without improvement before `stalled`; default 200 (and 20% of the series). */
  stallWindow?: number;
}

export interface TrainingAlert {
  type: 'nan' | 'spike' | 'overfit' | 'stalled';
  step: number;
  metric: string;
  message: string;
}

export interface TrainingMetricSummary {
  count: number;
  first: number;
  last: number;
  min: number;
  min_step: number;
  max: number;
  max_step: number;
}

export interface TrainingResult {
  run: string;
  steps: number;
  metrics: Record<string, TrainingMetricSummary>;
  alerts: TrainingAlert[];
  /** Downsampled [step, value] pairs per metric. */
  series: Record<string, [number, number][]>;
  /** Debiased EMA of the drawn points, same steps as `series`; empty when smoothing is 0. */
  smoothed: Record<string, [number, number][]>;
  /** Metrics drawn together, e.g. {rewards: ['rewards/chosen', 'rewards/rejected', ...]}. */
  groups: Record<string, string[]>;
  /** Progress and ETA as logged (LLaMA-Factory trainer_log.jsonl), else null. */
  progress: TrainingProgress | null;
}

// ---------------------------------------------------------------- latency

export interface LatencyInput {
  /** Milliseconds since the epoch, one per request; null when the records have no time (benchmark tools' per-request files). */
  timestamp: Float64Array | null;
  /** Milliseconds, one per request with a measured latency. */
  latency: Float64Array;
  /** 1 = success; length n. */
  success: Uint8Array;
  /** Group key per request (e.g. adapter_id); null when not grouped. */
  group: string[] | null;
  /**
   * Failed requests that have no measured latency (LLMPerf writes 0 for them): they count in
   * `count` and lower `success_rate`, but are not latencies. `group` gives each one's group key.
   */
  unmeasured?: { count: number; group: string[] | null };
}

export interface LatencyOptions {
  /** Tumbling window length in ms; default 60000. */
  windowMs?: number;
  /** Preceding requests used for the rolling median/MAD; default 100. */
  anomalyWindow?: number;
  /** Robust z-score at or above which a request is an anomaly; default 5. */
  anomalyThreshold?: number;
  /** Most anomalies listed; default 100. */
  maxAnomalies?: number;
}

export interface LatencyStats {
  key: string;
  count: number;
  success_rate: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LatencyResult {
  /** Whether the requests had timestamps; without them there are no windows and anomalies follow file order. */
  timed: boolean;
  overall: LatencyStats;
  groups: LatencyStats[];
  windows: (LatencyStats & { start: number; end: number })[];
  anomalies: { index: number; timestamp: number | null; key: string; latency: number; z: number }[];
}

// ---------------------------------------------------------------- uncertainty

export interface UncertaintyInput {
  ids: string[];
  /** Row-major n x classes. */
  values: Float64Array;
  classes: number;
  /** true when `values` are logits (softmaxed first). */
  logits: boolean;
  /** Optional row-major n x dim embeddings for `diversity`. */
  embeddings?: { values: Float64Array; dim: number };
}

export interface UncertaintyOptions {
  method: 'entropy' | 'margin' | 'least_confidence' | 'diversity';
  /** Rows to select; default 10. */
  top?: number;
  /** diversity: the score used for candidates (default 'entropy') and the pool size factor (default 5 x top). */
  baseMethod?: 'entropy' | 'margin' | 'least_confidence';
  poolFactor?: number;
}

export interface UncertaintyResult {
  method: 'entropy' | 'margin' | 'least_confidence' | 'diversity';
  selected: { id: string; score: number; rank: number }[];
}

/** A percentile bootstrap interval: `iterations` resamples of the rows with mulberry32(`seed`). */
export interface BootstrapInterval {
  low: number;
  high: number;
  level: number;
  iterations: number;
  seed: number;
}

/** Metrics where smaller is better: losses, perplexity, errors, divergences, runtimes (`best` of compare and of training checks). */
const LOWER_IS_BETTER = /(loss|perplexity|ppl|error|err|wer|cer|kl|mse|mae|rmse|nll|runtime|regret)([_/.]|$)/i;

export function lowerIsBetter(metric: string): boolean {
  return LOWER_IS_BETTER.test(metric.split('/').pop() ?? metric) || LOWER_IS_BETTER.test(metric);
}
