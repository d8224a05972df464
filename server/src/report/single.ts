/**
 * Dashboards of one analysis of one file (no pipeline around it): Show Calibration, Show A/B
 * Results, Show Training Monitor, Analyze File. Which analysis and options each view asks for, and
 * the pure assembly of its DashboardData from the result; the language server runs the analysis
 * (handlers/dashboard.ts) and the extension host only forwards the data to the panel.
 */
import * as path from 'node:path';
import type { AbResult, AgreementResult, CalibrationResult, DriftResult, LatencyResult, TrainingResult } from '../analysis/types';
import type { ExperimentPlan } from '../config/experiment-model';
import type { DashboardData } from '../protocol/webview';
import { abSection, trainerProgress, type RunResult } from './dashboard-data';

export type SingleKind = 'calibration' | 'ab' | 'training' | 'agreement' | 'latency' | 'drift';

export interface SingleRequest {
  kind: SingleKind;
  /** The data file (the Experiment for `ab`), absolute. */
  file: string;
  bins?: number;
  reference?: string;
  column?: string;
  group_by?: string;
}

/** The analysis and options a single-file view runs. */
export function singleAnalysis(req: SingleRequest): { analysis: string; options: Record<string, unknown> } {
  switch (req.kind) {
    case 'calibration':
      // The view shows every figure with its bootstrap interval.
      return { analysis: 'calibration', options: { bootstrap: 1000, ...(req.bins !== undefined ? { bins: req.bins } : {}) } };
    case 'latency':
      return { analysis: 'latency', options: { group_by: req.group_by ?? 'adapter_id' } };
    case 'drift':
      return { analysis: 'drift', options: { ...(req.reference ? { reference: req.reference } : {}), ...(req.column ? { column: req.column } : {}) } };
    default:
      return { analysis: req.kind, options: {} };
  }
}

export interface SingleFacts {
  /** Paths are shown relative to this folder. */
  displayRoot: string;
  now: Date;
  /** `ab`: the Experiment's plan. */
  experiment?: ExperimentPlan;
  /** `training`: what trainer_state.json says of the run's length. */
  trainer?: ReturnType<typeof trainerProgress>;
}

/** The view's data from the analysis result: a pure function. */
export function singleDashboard(req: SingleRequest, r: RunResult, facts: SingleFacts): DashboardData {
  const rel = (p: string): string => path.relative(facts.displayRoot, p) || path.basename(p);
  const base = { title: path.basename(req.file), generated_at: facts.now.toISOString().replace(/\.\d+Z$/, 'Z') };
  switch (req.kind) {
    case 'calibration': {
      const result = r.result as unknown as CalibrationResult;
      return { ...base, calibration: { file: rel(req.file), bins: result.bins.length, result } };
    }
    case 'ab': {
      const result = r.result as unknown as AbResult;
      return { ...base, ab: facts.experiment ? abSection(facts.experiment, result) : { name: rel(req.file), result, required_sample_size: null, guardrails: [] } };
    }
    case 'training': {
      const result = r.result as unknown as TrainingResult;
      const extra = facts.trainer ?? { progress: undefined, steps_per_epoch: null };
      return { ...base, training: { result, ...(extra.progress ? { progress: extra.progress } : {}), steps_per_epoch: extra.steps_per_epoch } };
    }
    case 'agreement':
      return { ...base, agreement: { file: rel(req.file), result: r.result as unknown as AgreementResult } };
    case 'latency':
      return { ...base, latency: { file: rel(req.file), result: r.result as unknown as LatencyResult } };
    case 'drift':
      return { ...base, drift: [{ name: req.column ?? 'value', reference: rel(req.reference ?? ''), current: rel(req.file), result: r.result as unknown as DriftResult }] };
  }
}
