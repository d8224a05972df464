import type { Rule } from '../rule';
import { pipelineModel } from '../../pipeline-model';
import { didYouMean, listOf, suggestionSuffix } from '../../did-you-mean';

export const unknownParamRule: Rule = {
  id: 'expr/unknown-param',
  kinds: ['Pipeline'],
  defaultSeverity: 'error',
  description: 'An expression names a parameter that `params` does not define.',
  check(doc, ctx) {
    const model = pipelineModel(doc);
    for (const { expression: e } of model.expressions) {
      const segs = e.segments;
      if (!segs || segs.length !== 2 || segs[0]!.name !== 'params' || model.params.has(segs[1]!.name)) continue;
      const range = doc.lines.range(segs[1]!.start, segs[1]!.end);
      const suggestion = didYouMean(segs[1]!.name, model.params);
      const known = model.params.size ? ` Defined: ${listOf([...model.params])}.` : ' This pipeline defines no params.';
      ctx.report({
        range,
        message: `Unknown parameter "${segs[1]!.name}".${suggestionSuffix(suggestion)}${known}`,
        fixes: suggestion ? [{ title: `Change to "${suggestion}"`, edits: [{ range, newText: suggestion }], safe: true }] : undefined,
      });
    }
  },
};
