/**
 * The data-quality section of the data-collection tab: per dataset, the quality score and the
 * issues, each with links that open the data file at an example line; length histograms; the
 * chosen-minus-rejected length difference; the largest near-duplicate clusters. Draws what the
 * engine computed (docs/analyses.md#data-quality).
 */
import type { DashboardData } from '../../../server/src/protocol/webview';
import type { DataQualityResult } from '../../../server/src/analysis/data-quality';
import { grid, section, stats } from '../components/cards';
import { renderChart } from '../components/chart';
import { h } from '../components/element';
import { count, fmt, pct } from '../components/format';
import { palette, withAlpha } from '../components/theme';
import type { ViewContext } from '../shell';
import { plural } from '../../../server/src/text/plural';

type Entry = NonNullable<DashboardData['data_quality']>[number];

function scoreTone(score: number): 'good' | 'warn' | 'bad' {
  return score >= 90 ? 'good' : score >= 70 ? 'warn' : 'bad';
}

/** A button that opens `file` at 1-based `line` in the editor. */
function lineLink(ctx: ViewContext, file: string, line: number, shown: string): HTMLElement {
  const b = h('button', { type: 'button', class: 'line-link', title: `Open ${shown} at line ${line}` }, String(line));
  b.addEventListener('click', () => ctx.host.post({ type: 'openFile', path: file, range: { line: line - 1 } }));
  return b;
}

function issues(e: Entry, ctx: ViewContext): HTMLElement {
  const r = e.result;
  if (r.issues.length === 0) return h('p', { class: 'subtitle' }, 'No issues found.');
  return h(
    'ul',
    { class: 'dq-issues', 'aria-label': 'Data-quality issues' },
    ...r.issues.map((i) => {
      const file = i.file === 'against' && e.against ? e.against : e.file;
      const shown = i.file === 'against' && e.against_name ? e.against_name : e.name;
      return h(
        'li',
        { class: `dq-issue ${i.severity}`, 'data-issue': i.id },
        h('span', { class: 'dq-severity' }, i.severity),
        h('strong', {}, i.id.replace(/_/g, ' ')),
        ` ${plural(i.count, i.unit.slice(0, -1), { format: count })} (${pct(i.share)}) · −${fmt(i.penalty, 2)} `,
        h('div', { class: 'dq-message' }, i.message),
        i.lines.length ? h('div', { class: 'dq-lines' }, `${shown} lines: `, ...i.lines.map((l) => lineLink(ctx, file, l, shown))) : null,
      );
    }),
  );
}

function histogramChart(e: Entry, ctx: ViewContext, role: string, index: number): HTMLElement | null {
  const l = e.result.lengths.find((x) => x.role === role && x.unit === 'tokens');
  if (!l) return null;
  const p = palette();
  const labels = l.histogram.counts.map((_, i) => `${fmt(l.histogram.edges[i]!, 4)}–${fmt(l.histogram.edges[i + 1]!, 4)}`);
  return renderChart(
    {
      id: `dq-${index}-length-${role}`,
      title: `${role} length (whitespace tokens)`,
      description: `Histogram of ${role} lengths in ${e.name}: median ${fmt(l.p50)}, 95th percentile ${fmt(l.p95)}, max ${fmt(l.max)} tokens.`,
      config: { type: 'bar', data: { labels, datasets: [{ label: 'rows', data: l.histogram.counts, backgroundColor: withAlpha(p.series[index % p.series.length]!, 0.7) }] }, options: { scales: { y: { beginAtZero: true } } } },
      table: { columns: ['from', 'to', 'rows'], rows: l.histogram.counts.map((c, i) => [l.histogram.edges[i]!, l.histogram.edges[i + 1]!, c]) },
    },
    ctx.exporter,
  );
}

function lengthDifference(e: Entry, ctx: ViewContext, index: number): HTMLElement | null {
  const d = e.result.length_difference.find((x) => x.unit === 'tokens');
  if (!d) return null;
  const p = palette();
  const labels = d.histogram.counts.map((_, i) => `${fmt(d.histogram.edges[i]!, 4)}–${fmt(d.histogram.edges[i + 1]!, 4)}`);
  return renderChart(
    {
      id: `dq-${index}-length-difference`,
      title: 'Chosen minus rejected length (tokens)',
      description: `Chosen is longer in ${pct(d.chosen_longer_share)} of pairs, shorter in ${pct(d.rejected_longer_share)}; median difference ${fmt(d.p50)} tokens.`,
      config: { type: 'bar', data: { labels, datasets: [{ label: 'pairs', data: d.histogram.counts, backgroundColor: withAlpha(p.series[2 % p.series.length]!, 0.7) }] }, options: { scales: { y: { beginAtZero: true } } } },
      table: { columns: ['from', 'to', 'pairs'], rows: d.histogram.counts.map((c, i) => [d.histogram.edges[i]!, d.histogram.edges[i + 1]!, c]) },
    },
    ctx.exporter,
  );
}

function clusters(e: Entry, ctx: ViewContext): HTMLElement | null {
  const c = e.result.near_duplicates.clusters;
  if (!c.length) return null;
  const nd = e.result.near_duplicates;
  return h(
    'div',
    { class: 'stack' },
    h('h3', {}, 'Near-duplicate prompt clusters'),
    h('p', { class: 'subtitle' }, `MinHash over ${nd.shingle_k}-word shingles, ${nd.num_perm} bins, ${nd.bands} bands × ${nd.rows_per_band}, estimated Jaccard ≥ ${nd.threshold}.`),
    h('ol', { class: 'dq-clusters' }, ...c.map((x) => h('li', {}, `${plural(x.size, 'prompt')}, ${plural(x.rows, 'row', { format: count })}: `, ...x.lines.map((l) => lineLink(ctx, e.file, l, e.name))))),
  );
}

function one(e: Entry, ctx: ViewContext, index: number): HTMLElement {
  const r: DataQualityResult = e.result;
  const errors = r.issues.filter((i) => i.severity === 'error').length;
  const figure = (label: string, v: number | null, detail?: string) => (v === null ? null : { label, value: count(v), ...(detail ? { detail } : {}), tone: v > 0 ? ('warn' as const) : undefined });
  const cards = [
    { label: 'Quality score', value: fmt(r.quality_score, 3), tone: scoreTone(r.quality_score), detail: `${r.issues.length} issues, ${errors} errors` },
    { label: 'Rows', value: count(r.rows), detail: r.shape },
    figure('Duplicate prompts', r.duplicate_prompts, r.near_duplicate_prompts !== null ? `+ ${count(r.near_duplicate_prompts)} near` : undefined),
    figure('Identical chosen/rejected', r.identical_chosen_rejected),
    figure('Leaked eval prompts', r.leaked_prompts, r.near_leaked_prompts !== null ? `+ ${count(r.near_leaked_prompts)} near` : undefined),
  ].filter((x): x is NonNullable<typeof x> => x !== null);
  const roles = r.lengths.filter((l) => l.unit === 'tokens').map((l) => l.role);
  return section(
    `Data quality: ${e.name}`,
    `${e.name}${e.against_name ? ` against ${e.against_name}` : ''} · ${r.shape} · columns ${Object.entries(r.columns).map(([k, v]) => (k === v ? k : `${k}=${v}`)).join(', ')}`,
    stats(cards),
    issues(e, ctx),
    roles.length ? grid(...roles.map((role) => histogramChart(e, ctx, role, index)), lengthDifference(e, ctx, index)) : null,
    clusters(e, ctx),
  );
}

export function renderDataQuality(data: DashboardData, ctx: ViewContext): HTMLElement | null {
  const list = data.data_quality ?? [];
  if (!list.length) return null;
  return h('div', { class: 'stack' }, ...list.map((e, i) => one(e, ctx, i)));
}
