import type { Rule } from '../rule';
import { FRAMEWORK_KINDS } from '../../kind';
import { frameworkProblems } from '../../frameworks/validate';

export const enumRule: Rule = {
  id: 'framework/enum',
  kinds: FRAMEWORK_KINDS,
  defaultSeverity: 'warning',
  description: 'A value outside the fixed choices of the framework for an option (did-you-mean, quick fix).',
  check(doc, ctx) {
    for (const p of frameworkProblems(doc)) if (p.code === 'framework/enum') ctx.report({ range: p.range, message: p.message, ...(p.fixes ? { fixes: p.fixes } : {}) });
  },
};
