/**
 * Code lenses of a pipeline, as plain data: above each stage a one-line summary
 * ("training · needs 2 · 1 check"), above each check "Run check" and "Open in dashboard", plus the
 * check's last status when the caller knows it.
 */
import { isSeq, type Node } from 'yaml';
import type { ConfigFile, Span } from './yaml-path';
import { plural } from '../text/plural';

export interface CheckRef {
  stageId: string;
  /** Index of the check in the stage's `checks`. */
  checkIndex: number;
}

export interface Lens {
  span: Span;
  title: string;
  command: 'rlhfLens.showPipelineGraph' | 'rlhfLens.runCheck' | 'rlhfLens.openDashboard';
  /** What the command is about: a stage (checkIndex absent) or one check. */
  target: { stageId: string; checkIndex?: number };
}

/** The last known outcome of a check, e.g. "passed 2 min ago", or undefined when none is known. */
export type CheckStatusSource = (check: CheckRef) => string | undefined;

function record(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function firstLine(file: ConfigFile, node: Node | undefined): Span | undefined {
  if (!node?.range) return undefined;
  const start = node.range[0];
  const { lines } = file.parsed;
  return { start, end: Math.min(node.range[1], lines.lineEnd(lines.positionAt(start).line)) };
}

export function codeLenses(file: ConfigFile, status?: CheckStatusSource): Lens[] {
  const out: Lens[] = [];
  for (const doc of file.documents) {
    if (doc.kind !== 'Pipeline') continue;
    const stagesNode = doc.node(['stages']);
    if (!isSeq(stagesNode)) continue;
    const stages = record(doc.value)['stages'];
    stagesNode.items.forEach((item, i) => {
      const stage = record(Array.isArray(stages) ? stages[i] : undefined);
      const stageId = typeof stage['id'] === 'string' ? stage['id'] : undefined;
      const span = firstLine(file, item as Node);
      if (!stageId || !span) return;
      const checks = Array.isArray(stage['checks']) ? stage['checks'] : [];
      const needs = Array.isArray(stage['needs']) ? stage['needs'].length : 0;
      const phase = typeof stage['phase'] === 'string' ? stage['phase'] : 'no phase';
      out.push({ span, title: `${phase} · needs ${needs} · ${plural(checks.length, 'check')}`, command: 'rlhfLens.showPipelineGraph', target: { stageId } });
      checks.forEach((_, checkIndex) => {
        const checkSpan = firstLine(file, doc.node(['stages', i, 'checks', checkIndex]));
        if (!checkSpan) return;
        const last = status?.({ stageId, checkIndex });
        out.push({ span: checkSpan, title: last ? `Run check (${last})` : 'Run check', command: 'rlhfLens.runCheck', target: { stageId, checkIndex } });
        out.push({ span: checkSpan, title: 'Open in dashboard', command: 'rlhfLens.openDashboard', target: { stageId, checkIndex } });
      });
    });
  }
  return out;
}
