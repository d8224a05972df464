import { isScalar } from 'yaml';
import type { Rule } from '../rule';
import { checkCron } from '../../cron';

export const invalidCronRule: Rule = {
  id: 'pipeline/invalid-cron',
  kinds: ['Pipeline'],
  defaultSeverity: 'error',
  description: 'A schedule cron expression that is malformed or can never fire.',
  check(doc, ctx) {
    const cron = (doc.value as { schedule?: { cron?: unknown } } | null)?.schedule?.cron;
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
