/** Drift between two samples: PSI per bin, overlaid histograms, and the test statistics. */
import type { DashboardData } from '../../../server/src/protocol/webview';
import { grid, notice, section, stats } from '../components/cards';
import { renderChart } from '../components/chart';
import { h } from '../components/element';
import { count, fmt, pEquals } from '../components/format';
import { palette, withAlpha } from '../components/theme';
import type { ViewContext } from '../shell';

/** Each bin's term of the PSI sum, with the same 1e-4 share floor as the engine. */
function psiTerm(r: number, c: number): number {
  const rr = Math.max(r, 1e-4);
  const cc = Math.max(c, 1e-4);
  return (cc - rr) * Math.log(cc / rr);
}

function binLabel(b: { lower: number | null; upper: number | null; category?: string }): string {
  if (b.category !== undefined) return b.category;
  if (b.lower === null) return `≤ ${fmt(b.upper)}`;
  if (b.upper === null) return `> ${fmt(b.lower)}`;
  return `${fmt(b.lower)}–${fmt(b.upper)}`;
}

export function renderDrift(data: DashboardData, ctx: ViewContext, idPrefix: string, title: string): HTMLElement | null {
  const items = data.drift ?? [];
  if (items.length === 0) return null;
  const p = palette();
  return section(
    title,
    'Population stability between a reference and a current sample; PSI ≥ 0.2 is usually read as a real shift.',
    ...items.map((d, i) => {
      const r = d.result;
      const labels = r.bins.map(binLabel);
      const id = `${idPrefix}-${i}`;
      return h(
        'div',
        { class: 'subsection' },
        h('h3', {}, d.name),
        h('p', { class: 'subtitle' }, `${d.reference} (${count(r.n_reference)}) → ${d.current} (${count(r.n_current)})`),
        r.drifted ? notice('warn', `PSI ${fmt(r.psi)} is at or above the threshold ${fmt(r.threshold)}.`, 'Drift detected.') : null,
        stats([
          { label: 'PSI', value: fmt(r.psi), tone: r.drifted ? 'bad' : 'good', detail: `threshold ${fmt(r.threshold)}` },
          ...(r.kind === 'numeric'
            ? [
                { label: 'KS statistic', value: fmt(r.ks_statistic), detail: r.ks_p_value === null ? undefined : `${pEquals(r.ks_p_value)}` },
                { label: 'Wasserstein', value: fmt(r.wasserstein) },
              ]
            : [{ label: 'χ²', value: fmt(r.chi2), detail: r.chi2_p_value === null ? undefined : `${pEquals(r.chi2_p_value)}` }]),
          { label: 'JS distance', value: fmt(r.js_distance), detail: 'base 2' },
        ]),
        grid(
          renderChart(
            {
              id: `${id}-histogram`,
              title: 'Reference vs current',
              description: `Share of each sample per bin of ${d.name}.`,
              config: {
                type: 'bar',
                data: {
                  labels,
                  datasets: [
                    { label: 'Reference', data: r.bins.map((b) => b.reference_share), backgroundColor: withAlpha(p.series[0]!, 0.55), borderColor: p.series[0], borderWidth: 1, grouped: false, barPercentage: 0.95 },
                    { label: 'Current', data: r.bins.map((b) => b.current_share), backgroundColor: withAlpha(p.series[1]!, 0.45), borderColor: p.series[1], borderWidth: 1.5, grouped: false, barPercentage: 0.6 },
                  ],
                },
                options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'Share' } } } },
              },
              table: { columns: ['bin', 'reference share', 'current share'], rows: r.bins.map((b, j) => [labels[j]!, b.reference_share, b.current_share]) },
            },
            ctx.exporter,
          ),
          renderChart(
            {
              id: `${id}-psi`,
              title: 'PSI per bin',
              description: `Each bin's contribution to the PSI of ${fmt(r.psi)}.`,
              config: {
                type: 'bar',
                data: {
                  labels,
                  datasets: [{ label: 'PSI term', data: r.bins.map((b) => psiTerm(b.reference_share, b.current_share)), backgroundColor: r.bins.map((b) => withAlpha(b.current_share > b.reference_share ? p.warn : p.series[0]!, 0.7)) }],
                },
                options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
              },
              table: { columns: ['bin', 'psi term'], rows: r.bins.map((b, j) => [labels[j]!, psiTerm(b.reference_share, b.current_share)]) },
            },
            ctx.exporter,
          ),
        ),
      );
    }),
  );
}
