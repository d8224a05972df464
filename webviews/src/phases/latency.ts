/** Serving health per adapter: latency percentiles, success rate over time, anomalies. */
import type { DashboardData } from '../../../server/src/protocol/webview';
import { empty, grid, section, stats } from '../components/cards';
import { renderChart } from '../components/chart';
import { count, fmt, pct } from '../components/format';
import { palette, withAlpha } from '../components/theme';
import type { ViewContext } from '../shell';

function shorten(s: string, max: number): string {
  return s.length > max ? `…${s.slice(s.length - max + 1)}` : s;
}

const timeLabel = (ms: number): string => new Date(ms).toISOString().slice(5, 16).replace('T', ' ');

export function renderLatency(data: DashboardData, ctx: ViewContext): HTMLElement {
  const lat = data.latency;
  if (!lat) return section('Serving', null, empty('No serving logs.', 'Add a check `analysis: latency` on a serving log ({timestamp, adapter_id, latency_ms, success}).'));
  const r = lat.result;
  const p = palette();
  const w = r.windows;
  const t0 = w[0]?.start ?? 0;
  const hours = (ms: number): number => (ms - t0) / 3_600_000;
  return section(
    'Serving',
    `${lat.file} · ${count(r.overall.count)} requests · ${r.groups.length} adapters · ${r.anomalies.length} anomalies`,
    stats([
      { label: 'Success rate', value: pct(r.overall.success_rate, 2), tone: r.overall.success_rate >= 0.99 ? 'good' : r.overall.success_rate >= 0.95 ? 'warn' : 'bad' },
      { label: 'p50', value: `${fmt(r.overall.p50)} ms` },
      { label: 'p95', value: `${fmt(r.overall.p95)} ms` },
      { label: 'p99', value: `${fmt(r.overall.p99)} ms` },
      { label: 'Anomalies', value: String(r.anomalies.length), tone: r.anomalies.length ? 'warn' : 'good' },
    ]),
    grid(
      renderChart(
        {
          id: 'latency-adapters',
          title: 'Latency percentiles per adapter',
          description: r.groups.map((g) => `${g.key}: p50 ${fmt(g.p50)}, p95 ${fmt(g.p95)}, p99 ${fmt(g.p99)} ms`).join('; '),
          config: {
            type: 'bar',
            data: {
              labels: r.groups.map((g) => g.key),
              datasets: (['p50', 'p95', 'p99'] as const).map((k, i) => ({ label: k, data: r.groups.map((g) => g[k]), backgroundColor: withAlpha(p.series[i]!, 0.75) })),
            },
            options: {
              indexAxis: 'y',
              scales: {
                x: { beginAtZero: true, title: { display: true, text: 'ms' } },
                // Adapter keys get long (industry_retail+task_planning_v2); the full key is in the table and tooltip.
                y: { ticks: { callback: (_v, i) => shorten(r.groups[i]?.key ?? '', 22) } },
              },
            },
          },
          table: { columns: ['adapter', 'requests', 'success rate', 'mean', 'p50', 'p95', 'p99', 'max'], rows: r.groups.map((g) => [g.key, g.count, g.success_rate, g.mean, g.p50, g.p95, g.p99, g.max]) },
        },
        ctx.exporter,
      ),
      renderChart(
        {
          id: 'latency-windows',
          title: 'Latency over time',
          description: `p50, p95 and p99 per window; triangles mark the ${r.anomalies.length} anomalous requests.`,
          config: {
            type: 'line',
            data: {
              datasets: [
                ...(['p50', 'p95', 'p99'] as const).map((k, i) => ({ label: k, data: w.map((x) => ({ x: hours(x.start), y: x[k] })), borderColor: p.series[i], backgroundColor: p.series[i], pointRadius: 0, borderWidth: 1.5 })),
                { type: 'scatter' as const, label: 'Anomaly', data: r.anomalies.flatMap((a) => (a.timestamp === null ? [] : [{ x: hours(a.timestamp), y: a.latency }])), backgroundColor: p.bad, pointStyle: 'triangle' as const, pointRadius: 6 },
              ],
            },
            options: { scales: { x: { type: 'linear', title: { display: true, text: `Hours since ${timeLabel(t0)} UTC` } }, y: { title: { display: true, text: 'ms' } } } },
          },
          table: { columns: ['window start', 'requests', 'p50', 'p95', 'p99', 'success rate'], rows: w.map((x) => [new Date(x.start).toISOString(), x.count, x.p50, x.p95, x.p99, x.success_rate]) },
        },
        ctx.exporter,
      ),
      renderChart(
        {
          id: 'latency-success',
          title: 'Success rate over time',
          description: `Share of successful requests per window; overall ${pct(r.overall.success_rate, 2)}.`,
          config: {
            type: 'line',
            data: { datasets: [{ label: 'Success rate', data: w.map((x) => ({ x: hours(x.start), y: x.success_rate })), borderColor: p.good, backgroundColor: withAlpha(p.good, 0.15), fill: true, pointRadius: 0 }] },
            options: { plugins: { legend: { display: false } }, scales: { x: { type: 'linear', title: { display: true, text: 'Hours' } }, y: { max: 1 } } },
          },
          table: { columns: ['window start', 'success rate'], rows: w.map((x) => [new Date(x.start).toISOString(), x.success_rate]) },
        },
        ctx.exporter,
      ),
    ),
  );
}
