/**
 * Analysis results and diagnostics as chat facts: the A/B decision and each variant's effect, a
 * training run's last values and alerts, two or more runs side by side (the `compare` engine), a
 * file's problems. Pure; numbers are printed as the engine
 * computed them (rounded for reading, never recomputed).
 */
import * as path from 'node:path';
import type { AbResult, TrainingResult } from '../../../server/src/analysis/types';
import type { ChatFact } from '../../../server/src/protocol/lsp';
import type { CompareSection, RunEntry } from '../../../server/src/protocol/compare';

const r = (x: number, digits = 4): string => String(Number(x.toPrecision(digits)));
const pct = (x: number): string => `${r(x * 100, 3)}%`;

export function abFacts(result: AbResult, source: string): ChatFact[] {
  const out: ChatFact[] = [
    { topic: 'ab', label: 'decision', value: `${result.decision.winner ? `ship ${result.decision.winner}` : 'no winner'}: ${result.decision.reason}`, source },
    { topic: 'ab', label: 'method', value: `${result.method}, control ${result.control}`, source },
    { topic: 'ab', label: 'sample ratio check', value: `${result.srm.mismatch ? 'MISMATCH' : 'ok'} (chi2 ${r(result.srm.chi2)}, p ${r(result.srm.p_value)})`, source },
  ];
  for (const m of result.metrics) {
    for (const v of m.results) {
      const lift = v.rel_lift === null ? '' : `, relative lift ${pct(v.rel_lift)}`;
      const beat = v.chance_to_beat_control === null ? '' : `, chance to beat control ${pct(v.chance_to_beat_control)}`;
      out.push({
        topic: 'ab',
        label: `${m.name}: ${v.variant} vs ${result.control}`,
        value: `mean ${r(v.mean)} vs ${r(v.control_mean)} (n ${v.n} vs ${v.control_n}), difference ${r(v.abs_diff)} [95% CI ${r(v.ci_low)}, ${r(v.ci_high)}]${lift}, p ${r(v.p_value)} (adjusted ${r(v.p_value_adjusted)}), ${v.significant ? 'significant' : 'not significant'}${beat}`,
        source,
      });
    }
  }
  return out;
}

export function trainingFacts(result: TrainingResult, source: string): ChatFact[] {
  const out: ChatFact[] = [{ topic: 'training', label: 'run', value: `${result.run}, ${result.steps} steps logged`, source }];
  for (const [name, m] of Object.entries(result.metrics)) {
    out.push({ topic: 'training', label: name, value: `first ${r(m.first)}, last ${r(m.last)}, min ${r(m.min)} at step ${m.min_step}, max ${r(m.max)} at step ${m.max_step}`, source });
  }
  for (const a of result.alerts.slice(0, 10)) out.push({ topic: 'training', label: `alert (${a.type})`, value: `step ${a.step}, ${a.metric}: ${a.message}`, source });
  if (result.alerts.length === 0) out.push({ topic: 'training', label: 'alerts', value: 'none (no NaN, spike, overfitting or stall found)', source });
  return out;
}

export interface ProblemLike {
  code?: string;
  message: string;
  severity: 'error' | 'warning' | 'information' | 'hint';
  line: number;
}

export function problemFacts(problems: readonly ProblemLike[], source: string): ChatFact[] {
  if (problems.length === 0) return [{ topic: 'problems', label: 'problems', value: 'none', source }];
  return problems.slice(0, 20).map((p) => ({ topic: 'problems' as const, label: `${p.severity} ${p.code ?? ''}`.trim(), value: `line ${p.line + 1}: ${p.message}`, source }));
}

/** At most this many metrics of a comparison reach the model (the ones every run logged, in the engine's order). */
export const COMPARE_METRICS = 12;

/**
 * A run comparison (`rlhfLens/compareRuns`, the engine of `rlhf-lens compare`) as facts: each run, each
 * common metric's last and best values per run with their steps, and the hyperparameters that differ
 * with the file that recorded them. `rel` turns the engine's absolute paths into workspace-relative ones.
 */
export function compareFacts(c: Pick<CompareSection, 'runs' | 'common_metrics' | 'hyperparameters' | 'hyperparameter_sources'>, rel: (abs: string) => string): ChatFact[] {
  const out: ChatFact[] = [];
  for (const run of c.runs) out.push({ topic: 'compare', label: `run ${run.name}`, value: `${run.steps} steps logged (${run.format})`, source: rel(run.source) });
  for (const metric of c.common_metrics.slice(0, COMPARE_METRICS)) {
    for (const run of c.runs) {
      const m = run.metrics[metric];
      if (!m) continue;
      out.push({ topic: 'compare', label: `${metric}, ${run.name}`, value: `last ${r(m.last)} at step ${m.last_step}, best ${r(m.best)} at step ${m.best_step}, min ${r(m.min)} at step ${m.min_step}, max ${r(m.max)} at step ${m.max_step}`, source: rel(run.source) });
    }
  }
  const names = Object.keys(c.hyperparameters);
  for (const name of names) {
    const values = c.hyperparameters[name]!;
    const where = c.runs.map((run) => c.hyperparameter_sources[name]?.[run.name]).find((s) => s);
    out.push({
      topic: 'compare',
      label: `hyperparameter ${name}`,
      value: c.runs.map((run) => `${run.name} ${values[run.name] === null || values[run.name] === undefined ? 'not set' : String(values[run.name])}`).join(', '),
      source: where ? rel(where.file) : rel(c.runs[0]!.source),
    });
  }
  if (names.length === 0) out.push({ topic: 'compare', label: 'hyperparameters', value: 'none differ between the runs (as far as their logs and saved configs record them)', source: rel(c.runs[0]!.source) });
  return out;
}

/**
 * Which runs "these runs" are: the Runs view's selection when it holds two or more; else the run the
 * active file belongs to and the latest other run of its group; else the two latest runs.
 */
export function runsToCompare(selected: readonly RunEntry[], all: readonly RunEntry[], activeFile?: string): RunEntry[] {
  if (selected.length >= 2) return [...selected];
  const latest = [...all].filter((x) => !x.error).sort((a, b) => b.modified - a.modified);
  const inside = (file: string, dir: string): boolean => {
    const r = path.relative(dir, file);
    return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
  };
  const own = selected[0] ?? (activeFile ? latest.find((x) => inside(activeFile, x.path) || activeFile === x.log) : undefined);
  if (own) {
    const other = latest.find((x) => x.path !== own.path && x.group === own.group) ?? latest.find((x) => x.path !== own.path);
    return other ? [own, other] : [own];
  }
  return latest.slice(0, 2);
}
