import type { Rule } from '../rule';
import { pipelineModel } from '../../pipeline-model';

export const duplicateStageRule: Rule = {
  id: 'pipeline/duplicate-stage',
  kinds: ['Pipeline'],
  defaultSeverity: 'error',
  description: 'Two stages share one id.',
  check(doc, ctx) {
    const model = pipelineModel(doc);
    for (const stage of model.stages) {
      if (stage.id === undefined) continue;
      const first = model.byId.get(stage.id)!;
      if (first === stage.index) continue;
      ctx.report({
        range: doc.valueRange(['stages', stage.index, 'id']),
        message: `Stage id "${stage.id}" is already used by stage ${first + 1}; stage ids must be unique (needs and expressions could not tell them apart).`,
        related: [{ range: doc.valueRange(['stages', first, 'id']), message: `First stage with id "${stage.id}"` }],
      });
    }
  },
};
