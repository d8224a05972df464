import type { Rule } from '../rule';
import { fileReferences, resolveReference } from '../../references';

const article = (kind: string): string => (/^[AEIOU]/.test(kind) ? `an ${kind}` : `a ${kind}`);

export const wrongKindRule: Rule = {
  id: 'pipeline/wrong-kind',
  kinds: ['Pipeline'],
  defaultSeverity: 'error',
  description: '`training:` or `experiment:` points at a file that is not a config of that kind.',
  check(doc, ctx) {
    for (const ref of fileReferences(doc)) {
      if (!ref.expectedKind) continue;
      const actual = ctx.facts.configKind(resolveReference(ctx.path, ref.value));
      if (actual === undefined || actual === ref.expectedKind) continue;
      // A stage's `training:` may run a framework's own config (axolotl, LLaMA-Factory, TRL).
      if (ref.expectedKind === 'TrainingConfig' && ref.path[ref.path.length - 1] === 'training' && (actual === 'axolotl' || actual === 'llamafactory' || actual === 'trl')) continue;
      const key = String(ref.path[ref.path.length - 1]);
      ctx.report({
        range: doc.valueRange(ref.path),
        message:
          actual === null
            ? `"${ref.value}" is not an RLHF Lens config; "${key}:" must point at ${article(ref.expectedKind)} file.`
            : `"${ref.value}" is ${article(actual)}; "${key}:" must point at ${article(ref.expectedKind)} file.`,
      });
    }
  },
};
