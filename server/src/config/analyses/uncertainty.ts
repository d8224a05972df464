/** The `uncertainty` analysis: active-learning selection (docs/analyses.md#uncertainty-active-learning). */
import type { UncertaintyResult } from '../../analysis/types';
import { arrayOf, literal, num, object, str } from '../../protocol/check';
import { defineAnalysis, int, m, oneOf, opt } from './descriptor';

export const uncertaintyResult = object({
  method: literal('entropy', 'margin', 'least_confidence', 'diversity'),
  selected: arrayOf(object({ id: str, score: num, rank: num })),
}) satisfies (v: unknown) => UncertaintyResult;

export const uncertaintyAnalysis = defineAnalysis<UncertaintyResult>({
  name: 'uncertainty',
  description: 'Active-learning selection by entropy, margin or least confidence.',
  inputs: '{id, probs} or {id, logits} rows, optional embedding',
  connections: true,
  options: [
    opt('method', 'entropy, margin or least_confidence.', oneOf('entropy', 'margin', 'least_confidence', 'diversity')),
    opt('top', 'How many rows to select.', int(1, 1_000_000)),
  ],
  metrics: [m('selected', 'Rows selected.')],
  measure: (result, metric) => (metric === 'selected' ? [{ label: metric, value: Array.isArray(result.selected) ? result.selected.length : null }] : undefined),
  result: uncertaintyResult,
});
