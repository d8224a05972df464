/**
 * The run comparison: every chosen run's curve overlaid per metric (aligned by step, epoch or
 * tokens seen), the engine's smoothing, a table of figures at the last, best and a picked step,
 * and the hyperparameters that differ, each value a link to the line of the file that recorded it.
 * The engine computes every figure (at-step values included); the view only draws and asks.
 */
import type { DashboardData } from '../../../server/src/protocol/webview';
import type { CompareSection } from '../../../server/src/protocol/compare';
import { empty, section, stats } from '../components/cards';
import { renderChart } from '../components/chart';
import { h } from '../components/element';
import { fmt } from '../components/format';
import { renderTable } from '../components/table';
import { palette, withAlpha } from '../components/theme';
import { button, dropdown } from '../components/toolkit';
import type { ViewContext } from '../shell';

type Axis = 'step' | 'epoch' | 'tokens';
const AXIS_TITLES: Record<Axis, string> = { step: 'Step', epoch: 'Epoch', tokens: 'Tokens seen' };
const TOKEN_METRICS = ['num_input_tokens_seen', 'train/num_tokens', 'tokens', 'num_tokens'];
/** What trainers log about themselves (throughput, FLOPs, the epoch counter), drawn last if at all. */
const BOOKKEEPING = /(^|\/)(epoch|total_flos|step|global_step)$|_runtime$|runtime$|_per_second$|^train_loss$|num_input_tokens_seen$/;

/** Maps a run's steps to the axis by interpolating the run's own epoch (or tokens) series. */
function axisMapper(c: CompareSection, run: string, axis: Axis): ((step: number) => number) | null {
  if (axis === 'step') return (s) => s;
  const series = c.series[run] ?? {};
  const pts = axis === 'epoch' ? series['epoch'] : TOKEN_METRICS.map((m) => series[m]).find((x) => x && x.length > 1);
  if (!pts || pts.length < 2) return null;
  const sorted = [...pts].sort((a, b) => a[0] - b[0]);
  return (s) => {
    let i = 1;
    while (i < sorted.length - 1 && sorted[i]![0] < s) i++;
    const [s0, v0] = sorted[i - 1]!;
    const [s1, v1] = sorted[i]!;
    return s1 === s0 ? v0 : v0 + ((s - s0) * (v1 - v0)) / (s1 - s0);
  };
}

function drawnMetrics(c: CompareSection): string[] {
  const curves = c.common_metrics.filter((m) => c.runs.some((r) => (c.series[r.name]?.[m]?.length ?? 0) > 1));
  return [...curves.filter((m) => !BOOKKEEPING.test(m)), ...curves.filter((m) => BOOKKEEPING.test(m) && m !== 'epoch')];
}

export function renderCompare(data: DashboardData, ctx: ViewContext, idPrefix = 'compare'): HTMLElement {
  const c = data.compare;
  if (!c) return section('Run comparison', null, empty('No runs to compare.', 'Select two or more runs in the RLHF Lens Runs view and choose Compare Runs.'));
  const p = palette();
  const axes: Axis[] = ['step', ...(c.runs.every((r) => axisMapper(c, r.name, 'epoch')) ? (['epoch'] as const) : []), ...(c.runs.every((r) => axisMapper(c, r.name, 'tokens')) ? (['tokens'] as const) : [])];
  const axis: Axis = axes.includes(ctx.state['axis'] as Axis) ? (ctx.state['axis'] as Axis) : 'step';
  const showSmoothed = ctx.state['smoothed'] !== false && c.smoothing > 0;
  const colorOf = (i: number) => p.series[i % p.series.length]!;
  const metrics = drawnMetrics(c);

  const charts = metrics.map((m) => {
    const datasets = c.runs.flatMap((r, i) => {
      const toX = axisMapper(c, r.name, axis) ?? ((s: number) => s);
      const raw = c.series[r.name]?.[m];
      if (!raw) return [];
      const smoothed = c.smoothed[r.name]?.[m];
      const color = colorOf(i);
      const xy = (pts: [number, number][]) => pts.map(([s, v]) => ({ x: toX(s), y: v }));
      return showSmoothed && smoothed
        ? [
            { label: r.name, data: xy(smoothed), borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 0, parsing: false as const, normalized: true },
            { label: `${r.name} (raw)`, data: xy(raw), borderColor: withAlpha(color, 0.25), borderWidth: 1, pointRadius: 0, parsing: false as const, normalized: true },
          ]
        : [{ label: r.name, data: xy(raw), borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 0, parsing: false as const, normalized: true }];
    });
    return renderChart(
      {
        id: `${idPrefix}-${m.replace(/[^a-z0-9]+/gi, '-')}`,
        title: m,
        description: c.runs.map((r) => (r.metrics[m] ? `${r.name} last ${fmt(r.metrics[m]!.last)} at step ${r.metrics[m]!.last_step}` : `${r.name} does not log it`)).join('; ') + '.',
        config: {
          type: 'line',
          data: { datasets: datasets as never },
          options: {
            parsing: false,
            normalized: true,
            interaction: { mode: 'nearest', intersect: false },
            scales: { x: { type: 'linear', title: { display: true, text: AXIS_TITLES[axis] } }, y: { type: 'linear', ticks: { callback: (v) => fmt(Number(v)) } } },
            plugins: { decimation: { enabled: true, algorithm: 'min-max' }, legend: { labels: { filter: (item) => !item.text.endsWith('(raw)') } } },
          },
        },
        table: () => ({ columns: ['run', 'metric', 'step', 'value'], rows: c.runs.flatMap((r) => (c.series[r.name]?.[m] ?? []).map(([s, v]) => [r.name, m, s, v])) }),
      },
      ctx.exporter,
    );
  });

  // Figures at the last, best and picked step: computed by the engine over the full series.
  const figureRows = c.common_metrics.flatMap((m) =>
    c.runs.map((r) => {
      const x = r.metrics[m];
      return [m, r.name, x?.last ?? null, x?.last_step ?? null, x?.best ?? null, x?.best_step ?? null, ...(c.step !== null ? [x?.at_step ?? null, x?.at_step_step ?? null] : [])];
    }),
  );
  const figureColumns = ['metric', 'run', 'last', 'last step', 'best', 'best step', ...(c.step !== null ? [`at step ${c.step}`, 'logged at'] : [])];
  const figures = renderTable({ columns: figureColumns, rows: figureRows.map((r) => r.map((v) => (typeof v === 'number' ? Number(v.toPrecision(6)) : v))) }, 'Metrics at the last, best and picked step');
  figures.id = `${idPrefix}-figures`;

  const hpNames = Object.keys(c.hyperparameters);
  const hpTable = hpNames.length
    ? h(
        'table',
        { class: 'figures', id: `${idPrefix}-hyperparameters` },
        h('caption', {}, 'Hyperparameters that differ (click a value to open the line that records it)'),
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'hyperparameter'), ...c.runs.map((r) => h('th', { scope: 'col' }, r.name)))),
        h(
          'tbody',
          {},
          ...hpNames.map((k) =>
            h(
              'tr',
              {},
              h('th', { scope: 'row' }, k),
              ...c.runs.map((r) => {
                const v = c.hyperparameters[k]?.[r.name] ?? null;
                const src = c.hyperparameter_sources[k]?.[r.name] ?? null;
                const text = v === null ? '–' : String(v);
                if (!src) return h('td', {}, text);
                const link = h('a', { href: '#', class: 'config-link', 'data-file': src.file, 'data-line': src.line ?? 1, title: `${src.file}${src.line ? `:${src.line}` : ''}` }, text);
                link.addEventListener('click', (e) => {
                  e.preventDefault();
                  ctx.host.post({ type: 'openFile', path: src.file, range: { line: Math.max(0, (src.line ?? 1) - 1) } });
                });
                return h('td', {}, link);
              }),
            ),
          ),
        ),
      )
    : h('p', { class: 'subtitle', id: `${idPrefix}-hyperparameters` }, 'No recorded hyperparameter differs between these runs.');

  const stepInput = h('input', { type: 'number', id: `${idPrefix}-step`, value: c.step ?? '', min: 0, step: 1, 'aria-label': 'Step to compare at', placeholder: 'step' });
  const smoothingInput = h('input', { type: 'range', id: `${idPrefix}-smoothing`, min: 0, max: 0.99, step: 0.01, value: c.smoothing, 'aria-label': 'Smoothing' });
  const smoothingValue = h('output', { for: `${idPrefix}-smoothing` }, c.smoothing.toFixed(2));
  const ask = () => {
    const raw = stepInput.value.trim();
    const step = raw === '' ? null : Number(raw);
    ctx.host.post({ type: 'compareOptions', step: step !== null && Number.isFinite(step) ? step : null, smoothing: Number(smoothingInput.value) });
  };
  smoothingInput.addEventListener('input', () => (smoothingValue.textContent = Number(smoothingInput.value).toFixed(2)));
  // The engine smooths over the full series: a new weight is a new request, sent when the slider is released.
  smoothingInput.addEventListener('change', ask);
  stepInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') ask();
  });
  const root = section(
    'Run comparison',
    `${c.runs.length} runs · ${c.runs.map((r) => r.name).join(', ')}`,
    h(
      'div',
      { class: 'toolbar' },
      dropdown('X axis', axes.map((a) => ({ value: a, label: AXIS_TITLES[a] })), axis, (v) => {
        ctx.saveState({ axis: v });
        root.replaceWith(renderCompare(data, ctx, idPrefix));
      }),
      h('label', { class: 'control' }, h('span', {}, 'Smoothing'), smoothingInput, smoothingValue),
      h(
        'label',
        { class: 'control' },
        (() => {
          const box = h('input', { type: 'checkbox', id: `${idPrefix}-show-smoothed`, checked: showSmoothed });
          box.addEventListener('change', () => {
            ctx.saveState({ smoothed: box.checked });
            root.replaceWith(renderCompare(data, ctx, idPrefix));
          });
          return box;
        })(),
        h('span', {}, 'Smoothed curves'),
      ),
      h('label', { class: 'control' }, h('span', {}, 'Compare at step'), stepInput, button('Apply', ask, { title: 'Show every metric at this step' })),
    ),
    stats(c.runs.map((r) => ({ label: r.name, value: `${r.steps} steps`, detail: r.format, help: r.source }))),
    h('div', { class: 'grid' }, ...charts),
    h('h3', {}, 'Metrics'),
    figures,
    h('h3', {}, 'Hyperparameters'),
    hpTable,
  );
  return root;
}
