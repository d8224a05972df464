/** The data collection tab: dataset sizes and label mixes, annotator agreement, items to adjudicate. */
import type { DashboardData } from '../../../server/src/protocol/webview';
import { empty, grid, notice, section, stats } from '../components/cards';
import { renderChart } from '../components/chart';
import { h } from '../components/element';
import { count, fmt, pct } from '../components/format';
import { palette, withAlpha } from '../components/theme';
import { dataGrid } from '../components/toolkit';
import type { ViewContext } from '../shell';
import { plural } from '../../../server/src/text/plural';

/** Landis & Koch's bands, the reading most annotation teams use. */
function agreementTone(alpha: number): 'good' | 'warn' | 'bad' {
  return alpha >= 0.667 ? 'good' : alpha >= 0.4 ? 'warn' : 'bad';
}

export function renderDatasets(data: DashboardData, ctx: ViewContext): HTMLElement | null {
  const sets = data.datasets ?? [];
  if (sets.length === 0) return null;
  const p = palette();
  const labelled = sets.filter((d) => Object.keys(d.labels).length > 0);
  const labelNames = [...new Set(labelled.flatMap((d) => Object.keys(d.labels)))];
  return section(
    'Datasets',
    `${plural(sets.length, 'file')} · ${plural(sets.reduce((a, d) => a + d.rows, 0), 'row', { format: count })}`,
    grid(
      renderChart(
        {
          id: 'datasets-sizes',
          title: 'Rows per dataset',
          description: sets.map((d) => `${d.name}: ${plural(d.rows, 'row')}, ${d.skipped} skipped`).join('; '),
          config: {
            type: 'bar',
            data: {
              labels: sets.map((d) => d.name),
              datasets: [
                { label: 'Rows', data: sets.map((d) => d.rows), backgroundColor: withAlpha(p.series[0]!, 0.7) },
                { label: 'Skipped', data: sets.map((d) => d.skipped), backgroundColor: withAlpha(p.bad, 0.7) },
              ],
            },
            options: { indexAxis: 'y', scales: { x: { stacked: true, beginAtZero: true }, y: { stacked: true } } },
          },
          table: { columns: ['dataset', 'file', 'rows', 'skipped'], rows: sets.map((d) => [d.name, d.file, d.rows, d.skipped]) },
        },
        ctx.exporter,
      ),
      labelNames.length
        ? renderChart(
            {
              id: 'datasets-labels',
              title: 'Label distribution',
              description: `Share of each label (or variant) per dataset: ${labelNames.join(', ')}.`,
              config: {
                type: 'bar',
                data: {
                  labels: labelled.map((d) => d.name),
                  datasets: labelNames.map((l, i) => {
                    return {
                      label: l,
                      data: labelled.map((d) => {
                        const total = Object.values(d.labels).reduce((a, b) => a + b, 0);
                        return total ? (d.labels[l] ?? 0) / total : 0;
                      }),
                      backgroundColor: withAlpha(p.series[i % p.series.length]!, 0.75),
                    };
                  }),
                },
                options: { indexAxis: 'y', scales: { x: { stacked: true, min: 0, max: 1 }, y: { stacked: true } } },
              },
              table: { columns: ['dataset', ...labelNames], rows: labelled.map((d) => [d.name, ...labelNames.map((l) => d.labels[l] ?? 0)]) },
            },
            ctx.exporter,
          )
        : null,
    ),
  );
}

export function renderAgreement(data: DashboardData, ctx: ViewContext): HTMLElement {
  const ag = data.agreement;
  if (!ag) return section('Annotation agreement', null, empty('No agreement results.', 'Add a check `analysis: agreement` on a labels file ({item_id, annotator, label}).'));
  const r = ag.result;
  const p = palette();
  const annotators = r.per_annotator;
  return section(
    'Annotation agreement',
    `${ag.file} · ${plural(r.n_items, 'item', { format: count })} · ${plural(r.n_annotators, 'annotator')} · ${plural(r.n_ratings, 'rating', { format: count })} · ${r.level} level`,
    r.krippendorff_alpha < 0.667 ? notice('warn', `Krippendorff's α = ${fmt(r.krippendorff_alpha)} is below 0.667, the usual floor for drawing tentative conclusions from labels.`, 'Low agreement.') : null,
    stats([
      { label: "Krippendorff's α", value: fmt(r.krippendorff_alpha), tone: agreementTone(r.krippendorff_alpha), detail: r.level },
      { label: "Fleiss' κ", value: fmt(r.fleiss_kappa), detail: r.fleiss_kappa_reason ?? undefined },
      { label: "Mean Cohen's κ", value: fmt(r.mean_cohen_kappa), detail: plural(r.cohen_kappa_pairs.length, 'pair') },
      { label: 'Percent agreement', value: pct(r.percent_agreement) },
    ]),
    grid(
      renderChart(
        {
          id: 'agreement-annotators',
          title: 'Per annotator',
          description: 'Agreement with the majority label and mean pairwise kappa for each annotator.',
          config: {
            type: 'bar',
            data: {
              labels: annotators.map((a) => a.annotator),
              datasets: [
                { label: 'Agreement with majority', data: annotators.map((a) => a.agreement_with_majority), backgroundColor: withAlpha(p.series[0]!, 0.7) },
                { label: "Mean Cohen's κ", data: annotators.map((a) => a.mean_kappa), backgroundColor: withAlpha(p.series[3]!, 0.7) },
              ],
            },
            options: { scales: { y: { min: Math.min(0, ...annotators.map((a) => a.mean_kappa ?? 0)), max: 1 } } },
          },
          table: { columns: ['annotator', 'ratings', 'agreement with majority', 'mean kappa'], rows: annotators.map((a) => [a.annotator, a.n, a.agreement_with_majority, a.mean_kappa]) },
        },
        ctx.exporter,
      ),
      h(
        'div',
        { class: 'stack' },
        h('h3', {}, 'Annotators'),
        dataGrid('Per-annotator agreement', annotators, [
          { title: 'Annotator', cell: (a) => a.annotator },
          { title: 'Ratings', cell: (a) => count(a.n), numeric: true },
          { title: 'With majority', cell: (a) => pct(a.agreement_with_majority), numeric: true },
          { title: "Mean κ", cell: (a) => fmt(a.mean_kappa), numeric: true },
        ]),
      ),
    ),
    h('h3', {}, 'Most in need of adjudication'),
    r.disagreements.length
      ? dataGrid('Items most in need of adjudication', r.disagreements, [
          { title: 'Item', cell: (d) => d.item },
          { title: 'Ratings', cell: (d) => String(d.n), numeric: true },
          { title: 'Agreement', cell: (d) => pct(d.agreement), numeric: true },
          { title: 'Labels', cell: (d) => Object.entries(d.labels).sort((a, b) => b[1] - a[1]).map(([l, n]) => `${l} ×${n}`).join(', ') },
        ])
      : h('p', { class: 'subtitle' }, 'Every item has full agreement.'),
  );
}
