/**
 * Analysis results and diagnostics as chat facts: the A/B decision and each variant's effect, a
 * training run's last values and alerts, a file's problems. Pure; numbers are printed as the engine
 * computed them (rounded for reading, never recomputed).
 */
import type { AbResult, TrainingResult } from '../../../server/src/analysis/types';
import type { ChatFact } from '../../../server/src/protocol/lsp';

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
