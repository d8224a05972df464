/** The checks of a Pipeline document, with their paths, for the check/* rules. */
import type { ConfigDocument, JsonPath } from '../../model';

export interface CheckSite {
  path: JsonPath;
  /** The analysis name, when it is a string. */
  analysis: string | undefined;
  /** Metric names under `assert`. */
  metrics: string[];
}

export function checksOf(doc: ConfigDocument): CheckSite[] {
  const stages = (doc.value as { stages?: unknown } | null)?.stages;
  if (!Array.isArray(stages)) return [];
  const out: CheckSite[] = [];
  stages.forEach((stage, i) => {
    const checks = (stage as { checks?: unknown } | null)?.checks;
    if (!Array.isArray(checks)) return;
    checks.forEach((raw, k) => {
      const c = raw as { analysis?: unknown; assert?: unknown } | null;
      if (!c || typeof c !== 'object') return;
      const assert = c.assert && typeof c.assert === 'object' && !Array.isArray(c.assert) ? Object.keys(c.assert) : [];
      out.push({ path: ['stages', i, 'checks', k], analysis: typeof c.analysis === 'string' ? c.analysis : undefined, metrics: assert });
    });
  });
  return out;
}
