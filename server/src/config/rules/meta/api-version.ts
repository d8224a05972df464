import type { Rule } from '../rule';
import { didYouMean, suggestionSuffix } from '../../did-you-mean';

export const API_VERSIONS = ['rlhf-lens/v1'] as const;

export const apiVersionRule: Rule = {
  id: 'meta/api-version',
  kinds: 'any',
  defaultSeverity: 'error',
  description: 'The document declares an apiVersion RLHF Lens does not know.',
  check(doc, ctx) {
    const value = (doc.value as Record<string, unknown> | null)?.['apiVersion'];
    if (value === undefined || (API_VERSIONS as readonly unknown[]).includes(value)) return;
    const range = doc.valueRange(['apiVersion']);
    if (typeof value !== 'string') {
      ctx.report({ range, message: `apiVersion must be the string "${API_VERSIONS[0]}".` });
      return;
    }
    const suggestion = didYouMean(value, API_VERSIONS) ?? (value.startsWith('rlhf-lens/') ? API_VERSIONS[0] : undefined);
    ctx.report({
      range,
      message: `Unknown apiVersion "${value}"; this version of RLHF Lens reads "${API_VERSIONS[0]}".${suggestionSuffix(suggestion)}`,
      fixes: suggestion ? [{ title: `Change to "${suggestion}"`, edits: [{ range, newText: suggestion }], safe: true }] : undefined,
    });
  },
};
