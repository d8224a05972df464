import type { Rule } from '../rule';
import { pipelineModel, PHASES } from '../../pipeline-model';

export const phaseOrderRule: Rule = {
  id: 'pipeline/phase-order',
  kinds: ['Pipeline'],
  defaultSeverity: 'warning',
  description: 'A stage needs a stage of a later phase of the RLHF life cycle.',
  check(doc, ctx) {
    const model = pipelineModel(doc);
    const rank = (phase: string | undefined): number => PHASES.indexOf(phase as (typeof PHASES)[number]);
    for (const stage of model.stages) {
      const own = rank(stage.phase);
      if (own < 0) continue;
      for (const need of stage.needs) {
        const j = model.byId.get(need.id);
        if (j === undefined) continue;
        const other = model.stages[j]!;
        if (rank(other.phase) <= own) continue;
        ctx.report({
          range: doc.valueRange(['stages', stage.index, 'needs', need.position]),
          message: `Stage "${stage.id}" (${stage.phase}) needs "${other.id}" (${other.phase}), a later phase; phases run ${PHASES.join(' -> ')}. Check the need or the phases.`,
          related: [{ range: doc.valueRange(['stages', j, 'phase']), message: `"${other.id}" is in phase ${other.phase}` }],
        });
      }
    }
  },
};
