/**
 * The reward-model section of the evaluation tab (the preference-eval analysis): accuracy with its
 * interval, RewardBench sections, length bias, the margin distribution, per-category accuracy of
 * every model (a radar when there are several), and the paired-comparison matrix of Holm-adjusted
 * exact McNemar p-values drawn as a heatmap table. Every figure comes from the engine.
 */
import type { DashboardData } from '../../../server/src/protocol/webview';
import { section, stats } from '../components/cards';
import { renderChart } from '../components/chart';
import { h } from '../components/element';
import { fmt, pct, pValue } from '../components/format';
import { renderTable } from '../components/table';
import { palette, withAlpha } from '../components/theme';
import type { ViewContext } from '../shell';
import { plural } from '../../../server/src/text/plural';

export function renderRewardModels(data: DashboardData, ctx: ViewContext): HTMLElement | null {
  const pe = data.preference;
  if (!pe) return null;
  const r = pe.result;
  const p = palette();
  const models = r.models;
  const figures = stats([
    { label: 'Pairwise accuracy', value: pct(r.accuracy), detail: `95% CI ${pct(r.accuracy_ci[0])}–${pct(r.accuracy_ci[1])} · ${plural(r.n, 'pair')}`, tone: r.accuracy >= 0.7 ? 'good' : 'warn', help: 'Wilson score interval' },
    ...(r.rewardbench_score !== null ? [{ label: 'RewardBench score', value: pct(r.rewardbench_score), detail: r.sections.map((s) => `${s.name} ${pct(s.accuracy)}`).join(' · ') }] : []),
    ...(r.longer_chosen_share !== null ? [{ label: 'Chosen is the longer one', value: pct(r.longer_chosen_share), detail: `"prefer longer" baseline ${pct(r.longer_baseline_accuracy)}` }] : []),
    ...(r.length_margin_spearman !== null ? [{ label: 'Margin vs length (Spearman)', value: fmt(r.length_margin_spearman), tone: Math.abs(r.length_margin_spearman) > 0.3 ? ('warn' as const) : undefined, help: 'Rank correlation of the score margin with the length difference: positive means longer responses score higher' }] : []),
    { label: 'ECE of sigmoid(margin)', value: fmt(r.calibration.ece) },
  ]);
  const margin = renderChart(
    {
      id: 'reward-margin',
      title: `Score margin (chosen - rejected), ${models[0]!.name}`,
      description: `Median margin ${fmt(r.margin.median)}, 5% to 95% from ${fmt(r.margin.q05)} to ${fmt(r.margin.q95)}.`,
      config: {
        type: 'bar',
        data: { labels: r.margin.histogram.map((b) => fmt((b.lower + b.upper) / 2)), datasets: [{ label: 'pairs', data: r.margin.histogram.map((b) => b.count), backgroundColor: r.margin.histogram.map((b) => (b.upper <= 0 ? p.bad : p.series[0]!)) }] },
        options: { plugins: { legend: { display: false } }, scales: { x: { title: { display: true, text: 'margin' } }, y: { title: { display: true, text: 'pairs' } } } },
      },
      table: { columns: ['lower', 'upper', 'pairs'], rows: r.margin.histogram.map((b) => [b.lower, b.upper, b.count]) },
    },
    ctx.exporter,
  );
  const names = [...new Set(models.flatMap((m) => m.categories.map((c) => c.name)))];
  const categories = names.length
    ? renderTable(
        { columns: ['category', 'pairs', ...models.map((m) => m.name)], rows: names.map((n) => [n, models[0]!.categories.find((c) => c.name === n)?.n ?? null, ...models.map((m) => { const c = m.categories.find((x) => x.name === n); return c ? Number(c.accuracy.toFixed(4)) : null; })]) },
        'Accuracy per category',
      )
    : null;
  const radar =
    models.length > 1 && names.length >= 3
      ? renderChart(
          {
            id: 'reward-categories',
            title: 'Accuracy per category',
            description: models.map((m) => `${m.name} ${pct(m.accuracy)}`).join('; ') + '.',
            config: {
              type: 'radar',
              data: { labels: names, datasets: models.map((m, i) => ({ label: m.name, data: names.map((n) => m.categories.find((c) => c.name === n)?.accuracy ?? null), borderColor: p.series[i % p.series.length], backgroundColor: withAlpha(p.series[i % p.series.length]!, 0.15) })) as never },
              options: { scales: { r: { min: 0, max: 1, ticks: { callback: (v) => pct(Number(v)) } } } },
            },
            table: { columns: ['category', ...models.map((m) => m.name)], rows: names.map((n) => [n, ...models.map((m) => m.categories.find((c) => c.name === n)?.accuracy ?? null)]) },
          },
          ctx.exporter,
        )
      : null;
  // The N x N matrix of paired comparisons: cell (a, b) is the Holm-adjusted exact McNemar p-value.
  const matrix =
    r.comparisons.length > 0
      ? h(
          'table',
          { class: 'figures heatmap', id: 'reward-comparisons' },
          h('caption', {}, 'Paired comparisons: accuracy difference (row - column) and Holm-adjusted exact McNemar p'),
          h('thead', {}, h('tr', {}, h('th', {}, ''), ...models.map((m) => h('th', { scope: 'col' }, m.name)))),
          h(
            'tbody',
            {},
            ...models.map((a) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, a.name),
                ...models.map((b) => {
                  if (a.name === b.name) return h('td', { class: 'diag' }, '–');
                  const c = r.comparisons.find((x) => (x.a === a.name && x.b === b.name) || (x.a === b.name && x.b === a.name))!;
                  const diff = c.a === a.name ? c.accuracy_difference : -c.accuracy_difference;
                  const tone = c.significant ? (diff > 0 ? 'good' : 'bad') : 'neutral';
                  return h('td', { class: `cell ${tone}`, title: `${plural(c.only_a_correct + c.only_b_correct, 'discordant pair')}; raw p ${pValue(c.mcnemar_p_value)}` }, `${diff >= 0 ? '+' : ''}${pct(diff)} · p ${pValue(c.p_value_adjusted)}`);
                }),
              ),
            ),
          ),
        )
      : null;
  return section('Reward models', `${pe.file} · ${plural(models.length, 'model')} on ${plural(r.n, 'pair')}`, figures, h('div', { class: 'grid' }, margin, radar), categories, matrix);
}
