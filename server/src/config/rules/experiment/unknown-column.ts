import * as path from 'node:path';
import type { Rule } from '../rule';
import { didYouMean, suggestionSuffix } from '../../did-you-mean';

export const unknownColumnRule: Rule = {
  id: 'experiment/unknown-column',
  kinds: ['Experiment'],
  defaultSeverity: 'warning',
  description: "A metric's column (its `column`, else its `name`) or the randomisation `unit` is not a column of the `data:` file.",
  check(doc, ctx) {
    const v = doc.value as Record<string, unknown> | null;
    const data = v?.['data'];
    if (typeof data !== 'string' || data.includes('${{')) return;
    const sample = ctx.facts.dataSample(path.resolve(path.dirname(ctx.path), data));
    if (!sample || sample.columns.length === 0) return;
    const columns = new Set(sample.columns);

    const checkColumn = (name: unknown, at: (string | number)[], what: (name: string) => string) => {
      if (typeof name !== 'string' || columns.has(name)) return;
      const suggestion = didYouMean(name, sample.columns);
      const range = doc.valueRange(at);
      const shown = sample.columns.slice(0, 12).join(', ') + (sample.columns.length > 12 ? ', ...' : '');
      ctx.report({
        range,
        message: `${what(name)}, which is not a column of ${data} (its columns: ${shown}).${suggestionSuffix(suggestion)}`,
        ...(suggestion ? { fixes: [{ title: `Change to "${suggestion}"`, edits: [{ range, newText: suggestion }], safe: true }] } : {}),
      });
    };

    checkColumn(v?.['unit'], ['unit'], (n) => `The randomisation unit is column "${n}"`);
    const metrics = Array.isArray(v?.['metrics']) ? (v['metrics'] as unknown[]) : [];
    metrics.forEach((m, i) => {
      if (m === null || typeof m !== 'object') return;
      const metric = m as Record<string, unknown>;
      if (metric['column'] !== undefined) {
        checkColumn(metric['column'], ['metrics', i, 'column'], (n) => `Metric "${String(metric['name'])}" reads column "${n}"`);
      } else checkColumn(metric['name'], ['metrics', i, 'name'], (n) => `Metric "${n}" has no \`column\`, so it reads column "${n}"`);
    });
  },
};
