import type { Rule } from '../rule';
import type { RelatedInfo } from '../../diagnostic';
import { pipelineModel, type PipelineModel } from '../../pipeline-model';

/** Edges i -> j (stage i needs stage j), with the position of the need in i's list. */
function edgesOf(model: PipelineModel, i: number): { to: number; position: number }[] {
  const out: { to: number; position: number }[] = [];
  for (const need of model.stages[i]!.needs) {
    const to = model.byId.get(need.id);
    if (to !== undefined) out.push({ to, position: need.position });
  }
  return out;
}

/** Strongly connected components (Tarjan, iterative so deep pipelines cannot overflow the stack). */
function components(model: PipelineModel): number[][] {
  const n = model.stages.length;
  const index = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const work: { v: number; edges: number[]; next: number }[] = [];
    const push = (v: number): void => {
      index[v] = low[v] = counter++;
      stack.push(v);
      onStack[v] = true;
      work.push({ v, edges: edgesOf(model, v).map((e) => e.to), next: 0 });
    };
    push(root);
    while (work.length) {
      const frame = work[work.length - 1]!;
      if (frame.next < frame.edges.length) {
        const w = frame.edges[frame.next++]!;
        if (index[w] === -1) push(w);
        else if (onStack[w]) low[frame.v] = Math.min(low[frame.v]!, index[w]!);
        continue;
      }
      work.pop();
      if (work.length) low[work[work.length - 1]!.v] = Math.min(low[work[work.length - 1]!.v]!, low[frame.v]!);
      if (low[frame.v] === index[frame.v]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          comp.push(w);
        } while (w !== frame.v);
        out.push(comp);
      }
    }
  }
  return out;
}

/** A shortest cycle through `start` inside one component: the stages in order, start first. */
function cycleThrough(model: PipelineModel, start: number, members: Set<number>): { stage: number; position: number }[] {
  const parent = new Map<number, { from: number; position: number }>();
  const queue = [start];
  for (let q = 0; q < queue.length; q++) {
    const v = queue[q]!;
    for (const e of edgesOf(model, v)) {
      if (!members.has(e.to)) continue;
      if (e.to === start) {
        const path: { stage: number; position: number }[] = [{ stage: v, position: e.position }];
        let cur = v;
        while (cur !== start) {
          const p = parent.get(cur)!;
          path.unshift({ stage: p.from, position: p.position });
          cur = p.from;
        }
        return path;
      }
      if (!parent.has(e.to) && e.to !== start) {
        parent.set(e.to, { from: v, position: e.position });
        queue.push(e.to);
      }
    }
  }
  return [];
}

export const cycleRule: Rule = {
  id: 'pipeline/cycle',
  kinds: ['Pipeline'],
  defaultSeverity: 'error',
  description: 'Stages need each other in a loop, so none of them can start.',
  check(doc, ctx) {
    const model = pipelineModel(doc);
    for (const comp of components(model)) {
      const start = Math.min(...comp);
      const selfLoop = comp.length === 1 && edgesOf(model, start).some((e) => e.to === start);
      if (comp.length < 2 && !selfLoop) continue;
      const cycle = cycleThrough(model, start, new Set(comp));
      if (!cycle.length) continue;
      const name = (i: number): string => model.stages[i]!.id ?? `#${i + 1}`;
      const spelled = [...cycle.map((c) => name(c.stage)), name(start)].join(' -> ');
      const related: RelatedInfo[] = cycle.map((c, k) => ({
        range: doc.valueRange(['stages', c.stage, 'needs', c.position]),
        message: `"${name(c.stage)}" needs "${name(cycle[(k + 1) % cycle.length]!.stage)}"`,
      }));
      ctx.report({
        range: doc.valueRange(['stages', cycle[0]!.stage, 'needs', cycle[0]!.position]),
        message: `Dependency cycle: ${spelled}. No stage in it can ever start; remove one of these needs.`,
        related,
      });
    }
  },
};
