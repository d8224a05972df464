import type { Rule } from '../rule';
import { reportUnknownConnection } from '../experiment/unknown-connection';
import { checksOf } from './checks';

export const checkUnknownConnectionRule: Rule = {
  id: 'check/unknown-connection',
  kinds: ['Pipeline'],
  defaultSeverity: 'warning',
  description: "A check's `source.connection` is not a connection under `connections:` in the `.rlhf-lens.yaml` that applies to the pipeline.",
  check(doc, ctx) {
    for (const c of checksOf(doc)) {
      const raw = doc.value as { stages?: { checks?: Record<string, unknown>[] }[] };
      const check = raw.stages?.[c.path[1] as number]?.checks?.[c.path[3] as number];
      reportUnknownConnection(doc, ctx, check?.['source'], [...c.path, 'source']);
    }
  },
};
