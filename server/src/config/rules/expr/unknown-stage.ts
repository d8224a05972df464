import type { Rule } from '../rule';
import { pipelineModel } from '../../pipeline-model';
import { Suggester, suggestionSuffix } from '../../did-you-mean';

export const unknownStageRule: Rule = {
  id: 'expr/unknown-stage',
  kinds: ['Pipeline'],
  defaultSeverity: 'error',
  description: 'An expression names a stage that does not exist.',
  check(doc, ctx) {
    const model = pipelineModel(doc);
    const ids = new Suggester([...model.byId.keys()]);
    for (const { expression: e } of model.expressions) {
      const segs = e.segments;
      if (!segs || segs.length !== 4 || segs[0]!.name !== 'stages' || segs[2]!.name !== 'outputs') continue;
      if (model.byId.has(segs[1]!.name)) continue;
      const range = doc.lines.range(segs[1]!.start, segs[1]!.end);
      const suggestion = ids.suggest(segs[1]!.name);
      ctx.report({
        range,
        message: `No stage has the id "${segs[1]!.name}".${suggestionSuffix(suggestion)}`,
        fixes: suggestion ? [{ title: `Change to "${suggestion}"`, edits: [{ range, newText: suggestion }], safe: true }] : undefined,
      });
    }
  },
};
