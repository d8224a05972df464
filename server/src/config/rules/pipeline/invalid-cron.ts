import { isScalar } from 'yaml';
import type { Rule, RuleContext } from '../rule';
import type { ConfigDocument } from '../../model';
import { checkCron } from '../../cron';
import { didYouMean, suggestionSuffix } from '../../did-you-mean';

/** True when the runtime knows the IANA time zone (case-insensitive, as Intl accepts it). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function checkTimeZone(doc: ConfigDocument, ctx: RuleContext, zone: string): void {
  if (isTimeZone(zone)) return;
  const range = doc.valueRange(['schedule', 'timezone']);
  const suggestion = didYouMean(zone, ['UTC', ...Intl.supportedValuesOf('timeZone')]);
  ctx.report({
    range,
    message: `Unknown time zone "${zone}"; use an IANA name such as "UTC" or "Europe/Berlin".${suggestionSuffix(suggestion)}`,
    fixes: suggestion ? [{ title: `Change to "${suggestion}"`, edits: [{ range, newText: suggestion }], safe: true }] : undefined,
  });
}

export const invalidCronRule: Rule = {
  id: 'pipeline/invalid-cron',
  kinds: ['Pipeline'],
  defaultSeverity: 'error',
  description: 'A schedule cron expression (or time zone) that is malformed or can never fire.',
  check(doc, ctx) {
    const schedule = (doc.value as { schedule?: { cron?: unknown; timezone?: unknown } } | null)?.schedule;
    if (!schedule || typeof schedule !== 'object') return;
    if (typeof schedule.timezone === 'string') checkTimeZone(doc, ctx, schedule.timezone);
    const cron = schedule.cron;
    if (typeof cron !== 'string') return;
    const problem = checkCron(cron);
    if (!problem) return;
    const node = doc.node(['schedule', 'cron']);
    let range = doc.valueRange(['schedule', 'cron']);
    // Point at the offending field when the source spells the value verbatim (plain or simply quoted).
    if (isScalar(node) && node.range) {
      const source = doc.lines.text.slice(node.range[0], node.range[1]);
      const quote = source[0] === '"' || source[0] === "'" ? 1 : 0;
      if (source.slice(quote, quote + cron.length) === cron) range = doc.lines.range(node.range[0] + quote + problem.start, node.range[0] + quote + problem.end);
    }
    ctx.report({ range, message: `Invalid cron "${cron}": ${problem.message}` });
  },
};
