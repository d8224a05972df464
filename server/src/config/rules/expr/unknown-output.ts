import type { Rule } from '../rule';
import { pipelineModel } from '../../pipeline-model';
import { didYouMean, listOf, suggestionSuffix } from '../../did-you-mean';

export const unknownOutputRule: Rule = {
  id: 'expr/unknown-output',
  kinds: ['Pipeline'],
  defaultSeverity: 'error',
  description: 'An expression names an output the stage does not declare.',
  check(doc, ctx) {
    const model = pipelineModel(doc);
    for (const { expression: e } of model.expressions) {
      const segs = e.segments;
      if (!segs || segs.length !== 4 || segs[0]!.name !== 'stages' || segs[2]!.name !== 'outputs') continue;
      const index = model.byId.get(segs[1]!.name);
      if (index === undefined) continue;
      const outputs = model.stages[index]!.outputs;
      const name = segs[3]!.name;
      if (outputs.has(name)) continue;
      const range = doc.lines.range(segs[3]!.start, segs[3]!.end);
      const suggestion = didYouMean(name, outputs);
      const known = outputs.size ? ` It declares ${listOf([...outputs])}.` : ' It declares no outputs.';
      ctx.report({
        range,
        message: `Stage "${segs[1]!.name}" has no output "${name}".${suggestionSuffix(suggestion)}${known}`,
        fixes: suggestion ? [{ title: `Change to "${suggestion}"`, edits: [{ range, newText: suggestion }], safe: true }] : undefined,
      });
    }
  },
};
