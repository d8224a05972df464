import type { Rule } from '../rule';
import { FRAMEWORK_KINDS } from '../../kind';
import { frameworkProblems } from '../../frameworks/validate';

export const unknownKeyRule: Rule = {
  id: 'framework/unknown-key',
  kinds: FRAMEWORK_KINDS,
  defaultSeverity: 'warning',
  description: 'A key the framework does not define (did-you-mean, quick fix); axolotl and alignment-handbook would silently ignore it.',
  check(doc, ctx) {
    for (const p of frameworkProblems(doc)) if (p.code === 'framework/unknown-key') ctx.report({ range: p.range, message: p.message, ...(p.fixes ? { fixes: p.fixes } : {}) });
  },
};
