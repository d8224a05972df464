import type { Rule } from '../rule';
import { ANALYSES, ANALYSIS_BY_NAME } from '../../analysis-catalog';
import { didYouMean, listOf, suggestionSuffix } from '../../did-you-mean';
import { checksOf } from './checks';

export const unknownAnalysisRule: Rule = {
  id: 'check/unknown-analysis',
  kinds: ['Pipeline'],
  defaultSeverity: 'error',
  description: 'A check names an analysis that does not exist.',
  check(doc, ctx) {
    for (const c of checksOf(doc)) {
      if (c.analysis === undefined || ANALYSIS_BY_NAME.has(c.analysis)) continue;
      const range = doc.valueRange([...c.path, 'analysis']);
      const suggestion = didYouMean(c.analysis, ANALYSIS_BY_NAME.keys());
      ctx.report({
        range,
        message: `Unknown analysis "${c.analysis}"; use ${listOf(ANALYSES.map((a) => a.name))}.${suggestionSuffix(suggestion)}`,
        fixes: suggestion ? [{ title: `Change to "${suggestion}"`, edits: [{ range, newText: suggestion }], safe: true }] : undefined,
      });
    }
  },
};
