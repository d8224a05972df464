import type { Rule } from '../rule';
import { KINDS, kindFromPath } from '../../kind';
import { didYouMean, listOf, suggestionSuffix } from '../../did-you-mean';

export const kindRule: Rule = {
  id: 'meta/kind',
  kinds: 'any',
  defaultSeverity: 'error',
  description: 'The document declares no kind (and its file name implies none), or a kind that does not exist.',
  check(doc, ctx) {
    const value = (doc.value as Record<string, unknown> | null)?.['kind'];
    if (value === undefined) {
      // A `*.pipeline.yaml` needs no help here: schema/required reports the missing key.
      if (kindFromPath(ctx.path)) return;
      ctx.report({ range: doc.anchorRange([]), message: `This document has no "kind"; add "kind:" with ${listOf(KINDS)}.` });
      return;
    }
    if ((KINDS as readonly unknown[]).includes(value)) return;
    const range = doc.valueRange(['kind']);
    const suggestion = typeof value === 'string' ? didYouMean(value, KINDS) : undefined;
    ctx.report({
      range,
      message: `Unknown kind ${typeof value === 'string' ? `"${value}"` : String(value)}; use ${listOf(KINDS)}.${suggestionSuffix(suggestion)}`,
      fixes: suggestion ? [{ title: `Change to "${suggestion}"`, edits: [{ range, newText: suggestion }], safe: true }] : undefined,
    });
  },
};
