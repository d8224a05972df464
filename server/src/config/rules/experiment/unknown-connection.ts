import type { Rule, RuleContext } from '../rule';
import type { ConfigDocument, JsonPath } from '../../model';
import { didYouMean, suggestionSuffix } from '../../did-you-mean';

/** Reports `<at>.connection` when it names no connection of the `.rlhf-lens.yaml` that applies (also check/unknown-connection). */
export function reportUnknownConnection(doc: ConfigDocument, ctx: RuleContext, source: unknown, at: JsonPath): void {
  if (!source || typeof source !== 'object') return;
  const name = (source as Record<string, unknown>)['connection'];
  if (typeof name !== 'string' || name.includes('${{')) return;
  const known = ctx.facts.connections?.(ctx.path);
  if (!known || known.names.includes(name)) return;
  const suggestion = didYouMean(name, known.names);
  const range = doc.valueRange([...at, 'connection']);
  const where = known.file ? `${known.file}` : 'a .rlhf-lens.yaml (none applies to this file)';
  ctx.report({
    range,
    message: `Connection "${name}" is not defined: ${known.names.length ? `the connections in ${where} are ${known.names.join(', ')}` : `add it under connections: in ${where}`}.${suggestionSuffix(suggestion)}`,
    ...(suggestion ? { fixes: [{ title: `Change to "${suggestion}"`, edits: [{ range, newText: suggestion }], safe: true }] } : {}),
  });
}

export const unknownConnectionRule: Rule = {
  id: 'experiment/unknown-connection',
  kinds: ['Experiment'],
  defaultSeverity: 'warning',
  description: "The Experiment's `source.connection` is not a connection under `connections:` in the `.rlhf-lens.yaml` that applies to it.",
  check(doc, ctx) {
    const v = doc.value as Record<string, unknown> | null;
    reportUnknownConnection(doc, ctx, v?.['source'], ['source']);
  },
};
