import type { Rule } from '../rule';
import { fileReferences, resolveReference } from '../../references';

export const fileNotFoundRule: Rule = {
  id: 'ref/file-not-found',
  kinds: 'any',
  defaultSeverity: 'warning',
  description: 'A referenced config, data or input file does not exist.',
  check(doc, ctx) {
    for (const ref of fileReferences(doc)) {
      if (ctx.facts.exists(resolveReference(ctx.path, ref.value))) continue;
      ctx.report({
        range: doc.valueRange(ref.path),
        message: `File "${ref.value}" not found (paths are relative to the folder of this file).`,
      });
    }
  },
};
