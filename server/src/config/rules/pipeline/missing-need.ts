import { isMap, isSeq, type Node } from 'yaml';
import type { Rule } from '../rule';
import type { ConfigDocument } from '../../model';
import type { FixData } from '../../diagnostic';
import { pipelineModel, isUpstream } from '../../pipeline-model';

/** An edit that adds `id` to the `needs` of stage `index`: into a flow list, a block list, or as a new key. */
export function addNeedFix(doc: ConfigDocument, index: number, id: string): FixData | undefined {
  const text = doc.lines.text;
  const stage = doc.node(['stages', index]);
  if (!isMap(stage)) return undefined;
  const needs = doc.node(['stages', index, 'needs']) as Node | undefined;
  const title = `Add "${id}" to needs`;
  if (isSeq(needs) && needs.range) {
    if (needs.flow) {
      const close = text.lastIndexOf(']', needs.range[1]);
      if (close < 0) return undefined;
      const at = doc.lines.positionAt(close);
      return { title, edits: [{ range: { start: at, end: at }, newText: needs.items.length ? `, ${id}` : id }], safe: true };
    }
    const last = needs.items[needs.items.length - 1] as Node | undefined;
    if (!last?.range) return undefined;
    const lastLine = doc.lines.positionAt(last.range[0]).line;
    const lineText = doc.lines.lineText(lastLine);
    const indent = /^\s*/.exec(lineText)![0];
    const at = { line: lastLine, character: lineText.length };
    return { title, edits: [{ range: { start: at, end: at }, newText: `\n${indent}- ${id}` }], safe: true };
  }
  if (needs !== undefined && needs !== null) return undefined;
  const idKey = doc.keyRange(['stages', index, 'id']);
  const line = doc.lines.lineText(idKey.start.line);
  const indent = ' '.repeat(idKey.start.character);
  const at = { line: idKey.start.line, character: line.length };
  return { title, edits: [{ range: { start: at, end: at }, newText: `\n${indent}needs: [${id}]` }], safe: true };
}

export const missingNeedRule: Rule = {
  id: 'pipeline/missing-need',
  kinds: ['Pipeline'],
  defaultSeverity: 'error',
  description: "An expression uses a stage's outputs, but that stage is not upstream (in `needs`, directly or not).",
  check(doc, ctx) {
    const model = pipelineModel(doc);
    for (const site of model.expressions) {
      const segs = site.expression.segments;
      if (site.stageIndex === undefined || !segs || segs.length !== 4 || segs[0]!.name !== 'stages' || segs[2]!.name !== 'outputs') continue;
      const target = model.byId.get(segs[1]!.name);
      const from = model.stages[site.stageIndex];
      if (target === undefined || !from || target === site.stageIndex || from.id === segs[1]!.name) continue;
      if (isUpstream(model, site.stageIndex, target)) continue;
      const fix = from.id !== undefined ? addNeedFix(doc, site.stageIndex, segs[1]!.name) : undefined;
      ctx.report({
        range: doc.lines.range(segs[1]!.start, segs[1]!.end),
        message: `Stage "${from.id}" uses outputs of "${segs[1]!.name}" but does not need it, so it may run first; add "${segs[1]!.name}" to its needs.`,
        fixes: fix ? [fix] : undefined,
      });
    }
  },
};
