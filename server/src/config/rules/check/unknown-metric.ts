import type { Rule } from '../rule';
import { ANALYSIS_BY_NAME, isKnownMetric } from '../../analysis-catalog';
import { didYouMean, listOf, suggestionSuffix } from '../../did-you-mean';
import { checksOf } from './checks';

export const unknownMetricRule: Rule = {
  id: 'check/unknown-metric',
  kinds: ['Pipeline'],
  defaultSeverity: 'error',
  description: "A check asserts on a metric its analysis does not report.",
  check(doc, ctx) {
    for (const c of checksOf(doc)) {
      const analysis = c.analysis === undefined ? undefined : ANALYSIS_BY_NAME.get(c.analysis);
      if (!analysis) continue;
      for (const metric of c.metrics) {
        if (isKnownMetric(analysis, metric)) continue;
        const range = doc.keyRange([...c.path, 'assert', metric]);
        const names = analysis.metrics.map((x) => x.name);
        const suggestion = didYouMean(metric, names);
        const extra = analysis.metricPattern ? ` (or ${analysis.metricPattern.description})` : '';
        ctx.report({
          range,
          message: `Analysis "${analysis.name}" reports no metric "${metric}"; it reports ${listOf(names)}${extra}.${suggestionSuffix(suggestion)}`,
          fixes: suggestion ? [{ title: `Change to "${suggestion}"`, edits: [{ range, newText: suggestion }], safe: true }] : undefined,
        });
      }
    }
  },
};
