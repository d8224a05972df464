import type { Rule } from '../rule';
import { FRAMEWORK_KINDS } from '../../kind';
import { frameworkProblems } from '../../frameworks/validate';

export const typeRule: Rule = {
  id: 'framework/type',
  kinds: FRAMEWORK_KINDS,
  defaultSeverity: 'warning',
  description: 'A value of the wrong type for an option of the framework (e.g. a list where a number is expected).',
  check(doc, ctx) {
    for (const p of frameworkProblems(doc)) if (p.code === 'framework/type') ctx.report({ range: p.range, message: p.message, ...(p.fixes ? { fixes: p.fixes } : {}) });
  },
};
