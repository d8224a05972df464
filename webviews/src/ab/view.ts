/** A/B results: decision, SRM banner, forest plot of effects with intervals, sample sizes and guardrails. */
import type { Plugin } from 'chart.js';
import type { AbSection, DashboardData } from '../../../server/src/protocol/webview';
import type { AbVariantResult } from '../../../server/src/analysis/types';
import { empty, grid, notice, section, stats } from '../components/cards';
import { renderChart } from '../components/chart';
import { h } from '../components/element';
import { count, fmt, pct, pEquals, pValue } from '../components/format';
import { palette, withAlpha } from '../components/theme';
import { dataGrid } from '../components/toolkit';
import type { ViewContext } from '../shell';

type GuardrailStatus = 'pass' | 'fail' | 'n/a';

/** The engine's verdict (judged on the interval bound on the bad side, see docs/analyses.md). */
function guardrailStatus(ab: AbSection, metric: string, r: AbVariantResult): GuardrailStatus {
  const g = ab.result.guardrails.find((x) => x.metric === metric && x.variant === r.variant);
  if (!g) return 'n/a';
  return g.passed ? 'pass' : 'fail';
}

/** Draws the "no effect" line at x = 0 behind the intervals. */
const zeroLine: Plugin = {
  id: 'rlZeroLine',
  beforeDatasetsDraw(chart) {
    const x = chart.scales['x'];
    if (!x) return;
    const px = x.getPixelForValue(0);
    const { top, bottom } = chart.chartArea;
    const ctx = chart.ctx;
    ctx.save();
    ctx.strokeStyle = palette().muted;
    ctx.setLineDash([4, 4]);
    ctx.beginPath();
    ctx.moveTo(px, top);
    ctx.lineTo(px, bottom);
    ctx.stroke();
    ctx.restore();
  },
};

export function renderAb(data: DashboardData, ctx: ViewContext, idPrefix = 'ab'): HTMLElement {
  const ab = data.ab;
  if (!ab) return section('A/B results', null, empty('No A/B results.', 'Open an Experiment file and run "RLHF Lens: Show A/B Results".'));
  const r = ab.result;
  const p = palette();
  // Which way is better is known for guardrail metrics (from the Experiment); others count increases as good.
  const harmful = (metric: string, v: AbVariantResult): boolean => v.significant && (ab.guardrails.find((g) => g.metric === metric)?.direction === 'decrease' ? v.abs_diff > 0 : v.abs_diff < 0);
  const rows = r.metrics.flatMap((m) => m.results.map((v) => ({ metric: m.name, type: m.type, ...v, guardrail: guardrailStatus(ab, m.name, v), harmful: harmful(m.name, v) })));
  const tone = (x: (typeof rows)[number]): string => (x.guardrail === 'fail' ? p.bad : x.harmful ? p.warn : x.significant ? p.good : p.muted);
  const srm = r.srm;
  const variants = Object.keys(srm.observed);
  const winner = r.decision.winner;
  const failedGuardrails = rows.filter((x) => x.guardrail === 'fail');
  const methodNote =
    r.method === 'sequential'
      ? 'Sequential test: always-valid p-values and intervals (mSPRT), so looking at the results early is safe.'
      : r.method === 'bayesian'
        ? 'Bayesian view: chance to beat control from Beta posteriors; intervals and p-values shown for reference.'
        : `Fixed-horizon test: read once the planned sample size is reached.`;

  // One forest plot per metric: effects of different metrics (points vs milliseconds) share no axis.
  const forests = r.metrics.map((m) => {
    const mine = rows.filter((x) => x.metric === m.name);
    const figure = renderChart(
      {
        id: `${idPrefix}-forest-${m.name.replace(/[^a-z0-9]+/gi, '-')}`,
        title: `${m.name}: effect vs ${r.control}`,
        description: `Difference in ${m.name} of each variant against ${r.control}, with its confidence interval; an interval that crosses zero is not significant.`,
        config: {
          type: 'bar',
          data: {
            labels: mine.map((x) => x.variant),
            datasets: [
              {
                label: 'Confidence interval',
                data: mine.map((x) => [x.ci_low, x.ci_high]) as never,
                backgroundColor: mine.map((x) => withAlpha(tone(x), 0.45)),
                borderColor: mine.map((x) => tone(x)),
                borderWidth: 1,
                barPercentage: 0.5,
                order: 2,
              },
              { type: 'scatter', label: 'Estimate', data: mine.map((x, i) => ({ x: x.abs_diff, y: i })) as never, backgroundColor: p.foreground, pointRadius: 5, pointStyle: 'rectRot', order: 1 },
            ],
          },
          options: {
            indexAxis: 'y',
            scales: { x: { suggestedMin: Math.min(0, ...mine.map((x) => x.ci_low)), suggestedMax: Math.max(0, ...mine.map((x) => x.ci_high)), title: { display: true, text: `${m.name} difference (${m.type === 'binomial' ? 'proportion' : 'units of the metric'})` } } },
          },
          plugins: [zeroLine],
        },
        table: {
          columns: ['variant', 'difference', 'ci low', 'ci high', 'relative lift', 'p', 'adjusted p'],
          rows: mine.map((x) => [x.variant, x.abs_diff, x.ci_low, x.ci_high, x.rel_lift, x.p_value, x.p_value_adjusted]),
        },
      },
      ctx.exporter,
    );
    figure.classList.add('compact');
    return figure;
  });

  const required = ab.required_sample_size;
  const samples = renderChart(
    {
      id: `${idPrefix}-samples`,
      title: 'Sample size',
      description: `Units per variant${required ? ` against the ${required} each needs` : ''}; expected shares ${variants.map((v) => `${v} ${pct(srm.expected_share[v])}`).join(', ')}.`,
      config: {
        type: 'bar',
        data: {
          labels: variants,
          datasets: [
            { label: 'Units', data: variants.map((v) => srm.observed[v] ?? 0), backgroundColor: variants.map((v) => withAlpha(required && (srm.observed[v] ?? 0) < required ? p.warn : p.series[0]!, 0.7)) },
            ...(required ? [{ type: 'line' as const, label: 'Required', data: variants.map(() => required), borderColor: p.bad, borderDash: [6, 4], pointRadius: 0 }] : []),
          ],
        },
        options: { scales: { y: { beginAtZero: true } } },
      },
      table: { columns: ['variant', 'units', 'expected share', 'required'], rows: variants.map((v) => [v, srm.observed[v] ?? 0, srm.expected_share[v] ?? null, required]) },
    },
    ctx.exporter,
  );

  return section(
    'A/B results',
    `${ab.name} · control ${r.control} · ${r.method}`,
    srm.mismatch
      ? notice('error', `Observed traffic (${variants.map((v) => `${v} ${count(srm.observed[v] ?? 0)}`).join(', ')}) does not match the configured split (χ² = ${fmt(srm.chi2)}, ${pEquals(srm.p_value)}). Fix assignment before trusting any result below.`, 'Sample ratio mismatch.')
      : null,
    notice(winner ? 'good' : 'info', r.decision.reason, winner ? `Ship ${winner}.` : 'No winner yet.'),
    failedGuardrails.length ? notice('warn', failedGuardrails.map((g) => `${g.metric} (${g.variant}) moved ${pct(g.rel_lift)}`).join('; '), 'Guardrail breached:') : null,
    h('p', { class: 'subtitle' }, `${methodNote}${srm.mismatch ? '' : ` Traffic matches the configured split (SRM ${pEquals(srm.p_value)}).`}`),
    stats(
      rows.map((x) => ({
        label: `${x.metric} · ${x.variant}`,
        value: x.rel_lift === null ? fmt(x.abs_diff) : `${x.rel_lift >= 0 ? '+' : ''}${pct(x.rel_lift)}`,
        detail: `${pEquals(x.p_value_adjusted)} adj.${x.chance_to_beat_control === null ? '' : ` · ${pct(x.chance_to_beat_control)} to beat control`}`,
        tone: x.guardrail === 'fail' ? ('bad' as const) : x.harmful ? ('warn' as const) : x.significant ? ('good' as const) : undefined,
      })),
    ),
    grid(h('div', { class: 'stack' }, ...forests), samples),
    dataGrid('Per metric and variant', rows, [
      { title: 'Metric', cell: (x) => x.metric },
      { title: 'Variant', cell: (x) => x.variant },
      { title: 'n / control n', cell: (x) => `${count(x.n)} / ${count(x.control_n)}${required && Math.min(x.n, x.control_n) < required ? ' (under required)' : ''}`, numeric: true },
      { title: 'Mean vs control', cell: (x) => `${fmt(x.mean, 4)} vs ${fmt(x.control_mean, 4)}`, numeric: true },
      { title: 'Effect [CI]', cell: (x) => `${fmt(x.abs_diff)} [${fmt(x.ci_low)}, ${fmt(x.ci_high)}]`, numeric: true },
      { title: 'p / adjusted', cell: (x) => `${pValue(x.p_value)} / ${pValue(x.p_value_adjusted)}`, numeric: true },
      { title: 'Chance to beat', cell: (x) => pct(x.chance_to_beat_control), numeric: true },
      { title: 'Guardrail', cell: (x) => (x.guardrail === 'n/a' ? '–' : x.harmful && x.guardrail === 'pass' ? 'pass (worse, within limit)' : x.guardrail) },
      { title: 'Significant', cell: (x) => (x.significant ? 'yes' : 'no') },
    ]),
  );
}
