import type { Rule } from '../rule';
import { FRAMEWORK_KINDS } from '../../kind';
import { frameworkProblems } from '../../frameworks/validate';

export const deprecatedRule: Rule = {
  id: 'framework/deprecated',
  kinds: FRAMEWORK_KINDS,
  // Information: a deprecation often comes from a newer transformers than the file is run with.
  defaultSeverity: 'information',
  description: 'An option the framework has deprecated, with the advice of the framework on what replaces it.',
  check(doc, ctx) {
    for (const p of frameworkProblems(doc)) if (p.code === 'framework/deprecated') ctx.report({ range: p.range, message: p.message, ...(p.fixes ? { fixes: p.fixes } : {}) });
  },
};
