import type { Rule } from '../rule';
import { pipelineModel } from '../../pipeline-model';
import { EXPRESSION_ROOTS, referenceShapeError } from '../../expressions';
import { didYouMean, suggestionSuffix } from '../../did-you-mean';

export const exprSyntaxRule: Rule = {
  id: 'expr/syntax',
  kinds: ['Pipeline'],
  defaultSeverity: 'error',
  description: 'A `${{ }}` expression that cannot be read.',
  check(doc, ctx) {
    for (const { expression: e } of pipelineModel(doc).expressions) {
      if (e.syntaxError) {
        ctx.report({ range: doc.lines.range(e.bodyStart, e.bodyEnd), message: e.syntaxError });
        continue;
      }
      const shape = referenceShapeError(e.segments!);
      if (!shape) continue;
      const root = e.segments![0]!;
      const rootKnown = (EXPRESSION_ROOTS as readonly string[]).includes(root.name);
      const suggestion = rootKnown ? undefined : didYouMean(root.name, EXPRESSION_ROOTS);
      const rootRange = doc.lines.range(root.start, root.end);
      ctx.report({
        range: rootKnown ? doc.lines.range(e.bodyStart, e.bodyEnd) : rootRange,
        message: shape + suggestionSuffix(suggestion),
        fixes: suggestion ? [{ title: `Change to "${suggestion}"`, edits: [{ range: rootRange, newText: suggestion }], safe: true }] : undefined,
      });
    }
  },
};
