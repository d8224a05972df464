/**
 * Pipeline checks against a baseline (`baseline: runs/previous` on the check, `assert:
 * {eval_loss.last: {max_vs_baseline: +2%}}`): the same figure of the check's data and of its
 * baseline, each with its noise, judged by analysis/baseline.ts. docs/engine.md "Baselines".
 *
 * Figures and their noise:
 * - training: the run's series read as `rlhf-lens compare` reads a run (a log file or a run
 *   folder), NAME.last|min|max|best|count, noise = tailNoise of the series (count: exact);
 * - any other analysis: the same analysis with the same options on the baseline file (through the
 *   check's `execute`, so cached and off the editor's thread), the metric measured in both results;
 *   noise = the half-width of the result's `<metric>_ci` interval over its z (a standard error),
 *   0 when the result gives no interval (an exact figure: the bound alone decides).
 */
import { judgeAgainstBaseline, type BaselineVerdict } from '../analysis/baseline';
import { normalQuantile } from '../analysis/stats/distributions';
import { againstBaseline, type CheckAssert, type PipelineCheck } from '../config/pipeline-file';
import type { AssertVerdict, Execute } from './checks';
import { measureMetric } from '../config/analyses/descriptor';
import { analysisDescriptor } from '../config/analyses/registry';
import type { AnalysisOutcome } from './run';
import type { AnalyzeRequest } from './analyze';
import { runFigure } from './runs';

export interface BaselineFigure {
  label: string;
  value: number | null;
  /** Standard deviation of the value (0 = exact). */
  noise: number;
}

/** The standard error a result's `<metric>_ci` implies: half its width over z of its level; 0 without one. */
export function intervalNoise(result: Record<string, unknown>, metric: string): number {
  const ci = result[`${metric}_ci`];
  let low: number | undefined;
  let high: number | undefined;
  let level = typeof result['level'] === 'number' ? result['level'] : 0.95;
  if (Array.isArray(ci) && ci.length === 2 && typeof ci[0] === 'number' && typeof ci[1] === 'number') [low, high] = ci as [number, number];
  else if (ci && typeof ci === 'object' && typeof (ci as { low?: unknown }).low === 'number' && typeof (ci as { high?: unknown }).high === 'number') {
    ({ low, high } = ci as { low: number; high: number });
    if (typeof (ci as { level?: unknown }).level === 'number') level = (ci as { level: number }).level;
  }
  if (low === undefined || high === undefined || !Number.isFinite(low) || !Number.isFinite(high) || !(level > 0 && level < 1)) return 0;
  return (high - low) / 2 / normalQuantile(1 - (1 - level) / 2);
}

function resultFigures(analysis: string, result: Record<string, unknown>, metric: string): BaselineFigure[] | undefined {
  const descriptor = analysisDescriptor(analysis);
  const ms = descriptor ? measureMetric(descriptor, result, metric) : undefined;
  if (!ms) return undefined;
  const noise = intervalNoise(result, metric);
  return ms.map((m) => ({ label: m.label, value: m.value, noise }));
}

function toVerdict(a: CheckAssert, side: 'max_vs_baseline' | 'min_vs_baseline', v: BaselineVerdict, label: string): AssertVerdict {
  return {
    metric: a.metric,
    label,
    value: v.value,
    [side]: a[side],
    baseline: v.baseline,
    limit: v.limit,
    noise: v.noise,
    passed: v.passed,
    message: label === a.metric ? v.message : v.message.replace(a.metric, label),
  };
}

/** One verdict per bound and measured value; a value without a finite figure on either side fails with the reason. */
function judgeFigures(a: CheckAssert, current: BaselineFigure[], baseline: BaselineFigure[]): AssertVerdict[] {
  const out: AssertVerdict[] = [];
  for (const cur of current) {
    const base = baseline.find((b) => b.label === cur.label) ?? (baseline.length === 1 && current.length === 1 ? baseline[0] : undefined);
    for (const side of ['max_vs_baseline', 'min_vs_baseline'] as const) {
      if (a[side] === undefined) continue;
      const bound = { [side]: a[side] };
      if (cur.value === null || !Number.isFinite(cur.value) || !base || base.value === null || !Number.isFinite(base.value)) {
        const missing = cur.value === null || !Number.isFinite(cur.value) ? `has no value (${String(cur.value)})` : `has no baseline value (${base ? String(base.value) : 'the baseline does not report it'})`;
        out.push({ metric: a.metric, label: cur.label, value: cur.value, [side]: a[side], passed: false, message: `${cur.label} ${missing}, needs ${side} ${String(a[side])}` });
        continue;
      }
      for (const v of judgeAgainstBaseline(a.metric, cur.value, base.value, bound, { value: cur.noise, baseline: base.noise })) out.push(toVerdict(a, side, v, cur.label));
    }
  }
  return out;
}

/**
 * The verdicts of a check's *_vs_baseline asserts, given the check's own outcome. Throws the
 * engine's errors (a missing baseline, a figure the run does not log); the caller types them.
 */
export async function baselineVerdicts(check: PipelineCheck, outcome: AnalysisOutcome, request: AnalyzeRequest, execute: Execute, signal?: AbortSignal): Promise<{ verdicts: AssertVerdict[]; unknown: string[] }> {
  const asserts = check.asserts.filter(againstBaseline);
  const verdicts: AssertVerdict[] = [];
  const unknown: string[] = [];
  if (asserts.length === 0) return { verdicts, unknown };
  if (check.analysis === 'training') {
    for (const a of asserts) {
      const [cur, base] = await Promise.all([runFigure(request.file, a.metric), runFigure(check.baselineFile!, a.metric)]);
      verdicts.push(...judgeFigures(a, [{ label: a.metric, value: cur.value, noise: cur.noise }], [{ label: a.metric, value: base.value, noise: base.noise }]));
    }
    return { verdicts, unknown };
  }
  const baselineOutcome = await execute({ ...request, file: check.baselineFile! }, signal);
  for (const a of asserts) {
    const current = resultFigures(check.analysis, outcome.result, a.metric);
    if (!current) {
      unknown.push(a.metric);
      continue;
    }
    verdicts.push(...judgeFigures(a, current, resultFigures(check.analysis, baselineOutcome.result, a.metric) ?? []));
  }
  return { verdicts, unknown };
}
