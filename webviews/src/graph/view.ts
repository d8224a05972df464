/**
 * The pipeline graph: stages as a DAG, one column band per phase (left to right in life-cycle
 * order), coloured by the status of their checks. A stage is a focusable button: click or
 * Enter opens its YAML at the stage's line.
 */
import { PHASES, type DashboardData, type GraphStage, type Phase } from '../../../server/src/protocol/webview';
import { empty, section } from '../components/cards';
import { h, svg } from '../components/element';
import { renderTable } from '../components/table';
import type { ViewContext } from '../shell';
import { plural } from '../../../server/src/text/plural';

const PHASE_TITLES: Record<Phase, string> = { data_collection: 'Data collection', training: 'Training', evaluation: 'Evaluation', deployment: 'Deployment' };
const STATUS_TEXT: Record<GraphStage['status'], string> = { pass: 'checks pass', warn: 'checks warn', fail: 'checks fail', 'not-run': 'no checks run' };

const NODE_W = 168;
const NODE_H = 46;
const COL_GAP = 44;
const ROW_GAP = 18;
const BAND_PAD = 16;
const HEADER_H = 30;

interface Placed {
  stage: GraphStage;
  x: number;
  y: number;
}

/** Column within a phase = longest chain of needs inside that phase; rows in file order. */
function layout(stages: GraphStage[]): { placed: Placed[]; bands: { phase: Phase; x: number; width: number }[]; width: number; height: number } {
  const byId = new Map(stages.map((s) => [s.id, s]));
  const depth = new Map<string, number>();
  const depthOf = (s: GraphStage, seen: Set<string>): number => {
    const known = depth.get(s.id);
    if (known !== undefined) return known;
    if (seen.has(s.id)) return 0; // a cycle is reported by the linter; draw it flat rather than loop
    seen.add(s.id);
    let d = 0;
    for (const n of s.needs) {
      const dep = byId.get(n);
      if (dep && dep.phase === s.phase) d = Math.max(d, depthOf(dep, seen) + 1);
    }
    depth.set(s.id, d);
    return d;
  };
  const placed: Placed[] = [];
  const bands: { phase: Phase; x: number; width: number }[] = [];
  let x = 0;
  let maxRows = 0;
  for (const phase of PHASES) {
    const inPhase = stages.filter((s) => s.phase === phase);
    const cols = Math.max(1, ...inPhase.map((s) => depthOf(s, new Set()) + 1));
    const width = cols * NODE_W + (cols - 1) * COL_GAP + 2 * BAND_PAD;
    const rows = new Array<number>(cols).fill(0);
    for (const s of inPhase) {
      const c = depth.get(s.id) ?? 0;
      placed.push({ stage: s, x: x + BAND_PAD + c * (NODE_W + COL_GAP), y: HEADER_H + BAND_PAD + rows[c]! * (NODE_H + ROW_GAP) });
      rows[c]!++;
      maxRows = Math.max(maxRows, rows[c]!);
    }
    bands.push({ phase, x, width });
    x += width + 8;
  }
  return { placed, bands, width: x - 8, height: HEADER_H + 2 * BAND_PAD + Math.max(1, maxRows) * (NODE_H + ROW_GAP) - ROW_GAP };
}

export function renderGraph(data: DashboardData, ctx: ViewContext): HTMLElement {
  const g = data.graph;
  if (!g || g.stages.length === 0) return section('Pipeline', null, empty('No pipeline.', 'Open a *.pipeline.yaml file and run "RLHF Lens: Show Pipeline Graph".'));
  const { placed, bands, width, height } = layout(g.stages);
  const at = new Map(placed.map((p) => [p.stage.id, p]));
  const open = (s: GraphStage): void => ctx.host.post({ type: 'openFile', path: s.file, range: { line: s.line } });

  const edges = placed.flatMap((p) =>
    p.stage.needs.flatMap((n) => {
      const from = at.get(n);
      if (!from) return [];
      const x1 = from.x + NODE_W;
      const y1 = from.y + NODE_H / 2;
      const x2 = p.x;
      const y2 = p.y + NODE_H / 2;
      const mid = (x1 + x2) / 2;
      return [svg('path', { class: 'edge', d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`, 'marker-end': 'url(#arrow)' })];
    }),
  );
  const nodes = placed.map((p) => {
    const label = p.stage.name ?? p.stage.id;
    const node = svg(
      'g',
      { class: `stage ${p.stage.status}`, transform: `translate(${p.x},${p.y})`, tabindex: 0, role: 'button', 'aria-label': `${label} (${PHASE_TITLES[p.stage.phase]}): ${STATUS_TEXT[p.stage.status]}. Open its YAML.`, 'data-stage': p.stage.id },
      svg('title', {}, `${p.stage.id}: ${STATUS_TEXT[p.stage.status]}${p.stage.checks.map((c) => `\n${c.status}: ${c.name}${c.message ? ' — ' + c.message : ''}`).join('')}`),
      svg('rect', { width: NODE_W, height: NODE_H, rx: 6 }),
      svg('rect', { class: 'status-bar', width: 5, height: NODE_H, rx: 2 }),
      svg('text', { x: 14, y: 19, class: 'stage-name' }, label.length > 22 ? label.slice(0, 21) + '…' : label),
      svg('text', { x: 14, y: 36, class: 'stage-status' }, `${p.stage.id.length > 16 ? p.stage.id.slice(0, 15) + '…' : p.stage.id} · ${STATUS_TEXT[p.stage.status]}`),
    );
    node.addEventListener('click', () => open(p.stage));
    node.addEventListener('keydown', (e) => {
      const key = (e as KeyboardEvent).key;
      if (key === 'Enter' || key === ' ') {
        e.preventDefault();
        open(p.stage);
      }
    });
    return node;
  });
  const drawing = svg(
    'svg',
    { class: 'pipeline-graph', viewBox: `0 0 ${width} ${height}`, width, height, role: 'group', 'aria-label': `Pipeline with ${plural(g.stages.length, 'stage')}` },
    svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, svg('path', { d: 'M0,0 L10,5 L0,10 z', class: 'arrow' }))),
    ...bands.map((b) => svg('g', { class: 'band' }, svg('rect', { x: b.x, y: 0, width: b.width, height, rx: 8 }), svg('text', { x: b.x + BAND_PAD, y: 20, class: 'band-title' }, PHASE_TITLES[b.phase]))),
    ...edges,
    ...nodes,
  );
  const counts = { pass: 0, warn: 0, fail: 0, 'not-run': 0 };
  for (const s of g.stages) counts[s.status]++;
  return section(
    'Pipeline',
    `${g.file} · ${plural(g.stages.length, 'stage')} · ${counts.pass} pass, ${counts.warn} warn, ${counts.fail} fail, ${counts['not-run']} without checks`,
    h('div', { class: 'graph-scroll' }, drawing as unknown as HTMLElement),
    h(
      'details',
      { class: 'chart-data' },
      h('summary', {}, 'Stages as a table'),
      renderTable({ columns: ['stage', 'phase', 'needs', 'status', 'checks'], rows: g.stages.map((s) => [s.id, PHASE_TITLES[s.phase], s.needs.join(', '), s.status, s.checks.map((c) => `${c.status}: ${c.name}`).join('; ')]) }),
    ),
  );
}
