import type { Rule } from '../rule';
import { pipelineModel } from '../../pipeline-model';
import { Suggester, suggestionSuffix } from '../../did-you-mean';

export const unknownNeedRule: Rule = {
  id: 'pipeline/unknown-need',
  kinds: ['Pipeline'],
  defaultSeverity: 'error',
  description: '`needs` names a stage that does not exist.',
  check(doc, ctx) {
    const model = pipelineModel(doc);
    const ids = new Suggester([...model.byId.keys()]);
    for (const stage of model.stages) {
      for (const need of stage.needs) {
        if (model.byId.has(need.id)) continue;
        const range = doc.valueRange(['stages', stage.index, 'needs', need.position]);
        const suggestion = ids.suggest(need.id);
        ctx.report({
          range,
          message: `Stage "${stage.id ?? stage.index + 1}" needs "${need.id}", but no stage has that id.${suggestionSuffix(suggestion)}`,
          fixes: suggestion ? [{ title: `Change to "${suggestion}"`, edits: [{ range, newText: suggestion }], safe: true }] : undefined,
        });
      }
    }
  },
};
