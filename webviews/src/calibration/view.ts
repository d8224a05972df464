/** The calibration explorer: reliability diagram, confidence histogram, scores with intervals, temperature scaling. */
import type { DashboardData } from '../../../server/src/protocol/webview';
import type { BootstrapInterval } from '../../../server/src/analysis/types';
import { stats, section, empty, grid } from '../components/cards';
import { renderChart } from '../components/chart';
import { h } from '../components/element';
import { fmt, pct, count } from '../components/format';
import { palette, withAlpha } from '../components/theme';
import { dropdown } from '../components/toolkit';
import type { ViewContext } from '../shell';
import { plural } from '../../../server/src/text/plural';

const BIN_CHOICES = [5, 10, 15, 20, 30, 50];

export function renderCalibration(data: DashboardData, ctx: ViewContext, idPrefix = 'calibration'): HTMLElement {
  const cal = data.calibration;
  if (!cal) return section('Calibration', null, empty('No calibration results.', 'Point a pipeline check `analysis: calibration` at a predictions file, or run "RLHF Lens: Show Calibration" on one.'));
  const r = cal.result;
  const p = palette();
  const bins = r.bins;
  const labels = bins.map((b) => `${b.lower.toFixed(2)}–${b.upper.toFixed(2)}`);
  const interval = (ci: BootstrapInterval | null): string | null => (ci ? `${Math.round(ci.level * 100)}% CI ${fmt(ci.low)}–${fmt(ci.high)}` : null);
  const ci = r.ece_ci ? `${interval(r.ece_ci)} (${count(r.ece_ci.iterations)} bootstrap)` : 'no bootstrap interval';
  const withInterval = (what: string, ci: BootstrapInterval | null): string => [what, interval(ci)].filter(Boolean).join(' · ');
  const t = r.temperature;

  const binControl = dropdown(
    'Bins',
    BIN_CHOICES.map((b) => ({ value: String(b), label: String(b) })),
    String(cal.bins),
    (v) => {
      ctx.saveState({ bins: Number(v) });
      ctx.host.post({ type: 'rerun', analysis: 'calibration', options: { bins: Number(v) } });
    },
  );
  if (!ctx.host.interactive) binControl.classList.add('disabled');

  const reliability = renderChart(
    {
      id: `${idPrefix}-reliability`,
      title: 'Reliability diagram',
      description: `Accuracy against mean confidence in ${plural(bins.length, 'bin')}; the diagonal is perfect calibration and red bars are the gaps.`,
      config: {
        type: 'bar',
        data: {
          labels,
          datasets: [
            { type: 'line', label: 'Perfect calibration', data: bins.map((b) => (b.lower + b.upper) / 2), borderColor: p.muted, borderDash: [5, 4], pointRadius: 0, borderWidth: 1.5, order: 0 },
            { label: 'Accuracy', data: bins.map((b) => b.accuracy), backgroundColor: withAlpha(p.series[0]!, 0.75), borderColor: p.series[0], borderWidth: 1, grouped: false, order: 2 },
            {
              label: 'Gap to confidence',
              data: bins.map((b) => (b.accuracy === null || b.mean_confidence === null ? null : [b.accuracy, b.mean_confidence])) as never,
              backgroundColor: withAlpha(p.bad, 0.35),
              borderColor: p.bad,
              borderWidth: 1,
              grouped: false,
              barPercentage: 0.5,
              order: 1,
            },
          ],
        },
        options: {
          scales: { y: { min: 0, max: 1, title: { display: true, text: 'Accuracy' } }, x: { title: { display: true, text: 'Confidence bin' } } },
          plugins: { tooltip: { callbacks: { footer: (items) => `n = ${count(bins[items[0]?.dataIndex ?? 0]?.count ?? 0)}` } } },
        },
      },
      table: {
        columns: ['bin lower', 'bin upper', 'count', 'mean confidence', 'accuracy', 'gap'],
        rows: bins.map((b) => [b.lower, b.upper, b.count, b.mean_confidence, b.accuracy, b.accuracy === null || b.mean_confidence === null ? null : Math.abs(b.accuracy - b.mean_confidence)]),
      },
    },
    ctx.exporter,
    { tall: true },
  );

  const histogram = renderChart(
    {
      id: `${idPrefix}-confidence`,
      title: 'Confidence histogram',
      description: `How many predictions fall in each confidence bin (n = ${r.n}).`,
      config: {
        type: 'bar',
        data: { labels, datasets: [{ label: 'Predictions', data: bins.map((b) => b.count), backgroundColor: withAlpha(p.series[1]!, 0.7), borderColor: p.series[1], borderWidth: 1 }] },
        options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, title: { display: true, text: 'Count' } }, x: { title: { display: true, text: 'Confidence bin' } } } },
      },
      table: { columns: ['bin lower', 'bin upper', 'count'], rows: bins.map((b) => [b.lower, b.upper, b.count]) },
    },
    ctx.exporter,
  );

  const scaling = t
    ? renderChart(
        {
          id: `${idPrefix}-temperature`,
          title: `Temperature scaling (T = ${fmt(t.value)})`,
          description: `ECE ${fmt(r.ece)} before and ${fmt(t.ece)} after; NLL ${fmt(r.nll)} before and ${fmt(t.nll)} after.`,
          config: {
            type: 'bar',
            data: {
              labels: ['Before', `After T = ${fmt(t.value)}`],
              datasets: [{ label: 'ECE', data: [r.ece, t.ece], backgroundColor: [withAlpha(p.series[4]!, 0.7), withAlpha(p.series[2]!, 0.7)] }],
            },
            options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, title: { display: true, text: 'ECE' } } } },
          },
          table: { columns: ['score', 'before', 'after temperature scaling'], rows: [['ECE', r.ece, t.ece], ['NLL', r.nll, t.nll]] },
        },
        ctx.exporter,
      )
    : h('p', { class: 'subtitle' }, 'Temperature scaling applies to logit or score inputs; this file has probabilities.');

  return section(
    'Calibration',
    `${cal.file} · ${count(r.n)} predictions`,
    h('div', { class: 'toolbar' }, binControl, ctx.host.interactive ? null : h('span', { class: 'subtitle' }, 'Re-binning needs the editor; this report uses the bins it was made with.')),
    stats([
      { label: 'Accuracy', value: pct(r.accuracy), detail: `mean confidence ${pct(r.mean_confidence)}` },
      { label: 'ECE', value: fmt(r.ece), detail: ci, tone: r.ece > 0.1 ? 'bad' : r.ece > 0.05 ? 'warn' : 'good', help: 'Expected calibration error: count-weighted mean |accuracy − confidence| over equal-width bins' },
      { label: 'MCE', value: fmt(r.mce), detail: withInterval('largest bin gap', r.mce_ci) },
      { label: 'Adaptive ECE', value: fmt(r.adaptive_ece), detail: withInterval('equal-count bins', r.adaptive_ece_ci) },
      { label: 'Brier', value: fmt(r.brier), detail: withInterval('', r.brier_ci) },
      { label: 'NLL', value: fmt(r.nll), detail: withInterval('', r.nll_ci) },
      ...(t ? [{ label: 'After temperature', value: fmt(t.ece), detail: `ECE at T = ${fmt(t.value)}; NLL ${fmt(r.nll)} → ${fmt(t.nll)}`, tone: t.ece < r.ece ? ('good' as const) : undefined }] : []),
    ]),
    grid(reliability, h('div', { class: 'stack' }, histogram, scaling)),
  );
}
