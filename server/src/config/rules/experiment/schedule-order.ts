import type { Rule } from '../rule';

/** Milliseconds since the epoch of a schedule value: a Date, or an ISO date/date-time string (dates are UTC midnight). */
function instant(v: unknown): number | undefined {
  if (v instanceof Date) return v.getTime();
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(v.trim().replace(' ', 'T'));
  return Number.isNaN(t) ? undefined : t;
}

export const scheduleOrderRule: Rule = {
  id: 'experiment/schedule-order',
  kinds: ['Experiment'],
  defaultSeverity: 'error',
  description: 'The schedule ends before (or when) it starts.',
  check(doc, ctx) {
    const schedule = (doc.value as Record<string, unknown> | null)?.['schedule'];
    if (schedule === null || typeof schedule !== 'object') return;
    const { start, end } = schedule as Record<string, unknown>;
    const s = instant(start);
    const e = instant(end);
    if (s === undefined || e === undefined || e > s) return;
    ctx.report({
      range: doc.valueRange(['schedule', 'end']),
      message: `The experiment ends (${String(end)}) ${e === s ? 'when' : 'before'} it starts (${String(start)}); end must be after start.`,
      related: [{ range: doc.valueRange(['schedule', 'start']), message: 'start' }],
    });
  },
};
