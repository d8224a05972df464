/** The training monitor: loss, learning rate, grad norm and RLHF reward curves with alerts, smoothing, axes and live progress. */
import type { DashboardData, HostMessage, TrainingSection } from '../../../server/src/protocol/webview';
import { empty, notice, section, stats } from '../components/cards';
import { renderChart } from '../components/chart';
import { h } from '../components/element';
import { duration, fmt, count } from '../components/format';
import { palette, withAlpha } from '../components/theme';
import { dropdown } from '../components/toolkit';
import type { ViewContext } from '../shell';
import { smooth } from './smoothing';
import { plural } from '../../../server/src/text/plural';

type Axis = 'step' | 'epoch' | 'time';

/** Panels in drawing order; metrics not named here get a panel of their own after these. */
const PANELS: { id: string; title: string; match: (m: string) => boolean }[] = [
  { id: 'loss', title: 'Loss', match: (m) => m === 'loss' || m === 'train_loss' || m === 'eval_loss' || m === 'train/loss' || m === 'eval/loss' },
  { id: 'rewards', title: 'Rewards (chosen / rejected / margin)', match: (m) => /rewards\/(chosen|rejected|margins)$/.test(m) },
  { id: 'accuracy', title: 'Reward accuracy', match: (m) => /rewards\/accuracies$/.test(m) || m === 'eval_accuracy' },
  { id: 'kl', title: 'KL divergence', match: (m) => /(^|\/)kl$/.test(m) || m === 'objective/kl' },
  { id: 'learning-rate', title: 'Learning rate', match: (m) => m === 'learning_rate' || m === 'lr' },
  { id: 'grad-norm', title: 'Gradient norm', match: (m) => m === 'grad_norm' },
];

/** What trainers log about themselves (throughput, FLOPs, epoch counter), not about learning. */
const BOOKKEEPING = /(^|\/)(epoch|total_flos|step|global_step)$|_runtime$|runtime$|_per_second$/;

interface Panel {
  id: string;
  title: string;
  metrics: string[];
}

function panelsFor(section: TrainingSection): Panel[] {
  // A metric logged once (e.g. the final train_loss summary) is a figure, not a curve.
  const names = Object.keys(section.result.series).filter((m) => (section.result.series[m]?.length ?? 0) > 1);
  const used = new Set<string>();
  const out: Panel[] = [];
  for (const p of PANELS) {
    const ms = names.filter((m) => !used.has(m) && p.match(m));
    ms.forEach((m) => used.add(m));
    if (ms.length) out.push({ id: p.id, title: p.title, metrics: ms });
  }
  for (const m of names) if (!used.has(m) && !BOOKKEEPING.test(m)) out.push({ id: m.replace(/[^a-z0-9]+/gi, '-'), title: m, metrics: [m] });
  return out;
}

/** Maps a step to the chosen axis: epochs by steps per epoch, time by interpolating the logged wall-clock times. */
function axisMapper(section: TrainingSection, axis: Axis): (step: number) => number {
  if (axis === 'epoch' && section.steps_per_epoch) {
    const spe = section.steps_per_epoch;
    return (s) => s / spe;
  }
  const times = section.step_times;
  if (axis === 'time' && times && times.length > 1) {
    const t0 = times[0]![1];
    return (s) => {
      let i = 1;
      while (i < times.length - 1 && times[i]![0] < s) i++;
      const [s0, v0] = times[i - 1]!;
      const [s1, v1] = times[i]!;
      const v = s1 === s0 ? v0 : v0 + ((s - s0) * (v1 - v0)) / (s1 - s0);
      return (v - t0) / 60_000;
    };
  }
  return (s) => s;
}

const AXIS_TITLES: Record<Axis, string> = { step: 'Step', epoch: 'Epoch', time: 'Minutes since start' };

export function renderTraining(data: DashboardData, ctx: ViewContext, idPrefix = 'training'): HTMLElement {
  const tr = data.training;
  if (!tr) return section('Training', null, empty('No training run.', 'Point a pipeline check `analysis: training` at a trainer_state.json, metrics.csv or MLflow run.'));
  const r = tr.result;
  const p = palette();
  const axes: Axis[] = ['step', ...(tr.steps_per_epoch ? (['epoch'] as const) : []), ...(tr.step_times && tr.step_times.length > 1 ? (['time'] as const) : [])];
  const axis: Axis = axes.includes(ctx.state['axis'] as Axis) ? (ctx.state['axis'] as Axis) : 'step';
  const weight = typeof ctx.state['smoothing'] === 'number' ? (ctx.state['smoothing'] as number) : 0.6;
  const toX = axisMapper(tr, axis);
  const panels = panelsFor(tr);

  const chartsEl = h('div', { class: 'grid' });
  const drawCharts = (w: number): void => {
    chartsEl.replaceChildren(
      ...panels.map((panel) => {
        const datasets = panel.metrics.flatMap((m, i) => {
          const color = p.series[i % p.series.length]!;
          const raw = r.series[m] ?? [];
          const toXY = (pts: [number, number][]) => pts.map(([s, v]) => ({ x: toX(s), y: v }));
          const alerts = r.alerts.filter((a) => a.metric === m);
          const valueAt = (step: number): number => raw.reduce((best, pt) => (Math.abs(pt[0] - step) < Math.abs(best[0] - step) ? pt : best), raw[0] ?? [step, 0])[1];
          return [
            { label: m, data: toXY(smooth(raw, w)), borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 0, parsing: false as const, normalized: true },
            ...(w > 0 ? [{ label: `${m} (raw)`, data: toXY(raw), borderColor: withAlpha(color, 0.25), borderWidth: 1, pointRadius: 0, parsing: false as const, normalized: true }] : []),
            ...(alerts.length
              ? [{ type: 'scatter' as const, label: `${m} alerts`, data: alerts.map((a) => ({ x: toX(a.step), y: Number.isFinite(valueAt(a.step)) ? valueAt(a.step) : 0 })), backgroundColor: p.bad, borderColor: p.bad, pointStyle: 'triangle' as const, pointRadius: 7 }]
              : []),
          ];
        });
        const rows = () => panel.metrics.flatMap((m) => (r.series[m] ?? []).map(([s, v]) => [m, s, toX(s), v] as (string | number)[]));
        return renderChart(
          {
            id: `${idPrefix}-${panel.id}`,
            title: panel.title,
            description: panel.metrics.map((m) => { const s = r.metrics[m]; return s ? `${m} from ${fmt(s.first)} to ${fmt(s.last)} (min ${fmt(s.min)} at step ${s.min_step})` : m; }).join('; ') + '.',
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
            table: () => ({ columns: ['metric', 'step', AXIS_TITLES[axis].toLowerCase(), 'value'], rows: rows() }),
          },
          ctx.exporter,
        );
      }),
    );
  };
  drawCharts(weight);

  const slider = h('input', { type: 'range', min: 0, max: 0.99, step: 0.01, value: weight, id: `${idPrefix}-smoothing`, 'aria-label': 'Smoothing' });
  const sliderValue = h('output', { for: `${idPrefix}-smoothing` }, weight.toFixed(2));
  slider.addEventListener('input', () => {
    const w = Number(slider.value);
    sliderValue.textContent = w.toFixed(2);
    ctx.saveState({ smoothing: w });
    drawCharts(w);
  });
  const axisControl = dropdown('X axis', axes.map((a) => ({ value: a, label: AXIS_TITLES[a] })), axis, (v) => {
    ctx.saveState({ axis: v });
    const parent = root.parentElement;
    const next = renderTraining(data, ctx, idPrefix);
    if (parent) parent.replaceChild(next, root);
  });

  const prog = tr.progress;
  const progressEl = prog
    ? h(
        'div',
        { class: 'progress', role: 'status' },
        h('progress', { max: prog.max_steps ?? prog.step, value: prog.step, 'aria-label': 'Training progress' }),
        h('span', { class: 'progress-text', id: `${idPrefix}-progress` }, progressText(prog)),
      )
    : null;

  const alertNames: Record<string, string> = { nan: 'NaN/Inf', spike: 'Spike', overfit: 'Overfitting', stalled: 'Stalled' };
  const summary = ['loss', 'eval_loss', 'rewards/accuracies', 'rewards/margins'].filter((m) => r.metrics[m]);
  const root = section(
    'Training',
    `${r.run} · ${plural(r.steps, 'step', { format: count })}`,
    progressEl,
    h('div', { class: 'toolbar' }, h('label', { class: 'control' }, h('span', {}, 'Smoothing'), slider, sliderValue), axisControl),
    stats(summary.map((m) => ({ label: m, value: fmt(r.metrics[m]!.last), detail: `min ${fmt(r.metrics[m]!.min)} @ ${r.metrics[m]!.min_step}` }))),
    r.alerts.length
      ? h('ul', { class: 'alerts' }, ...r.alerts.map((a) => h('li', { class: `alert ${a.type}` }, h('strong', {}, `${alertNames[a.type]} · step ${a.step}`), ` ${a.message}`)))
      : notice('good', 'No NaNs, spikes, overfitting or stalls detected.'),
    chartsEl,
  );
  return root;
}

function progressText(prog: NonNullable<TrainingSection['progress']>): string {
  const of = prog.max_steps ? ` of ${count(prog.max_steps)} (${((100 * prog.step) / prog.max_steps).toFixed(1)}%)` : '';
  const eta = prog.running ? (prog.eta_seconds !== null ? ` · ETA ${duration(prog.eta_seconds)}` : ' · running') : ' · finished';
  return `Step ${count(prog.step)}${of}${eta}`;
}

/**
 * Appends a running job's new points to the section's data; the shell then redraws, so smoothing,
 * alerts and the chosen axis apply to the new points exactly as to the old.
 */
export function applyTrainingUpdate(data: DashboardData, message: Extract<HostMessage, { type: 'trainingUpdate' }>): void {
  const tr = data.training;
  if (!tr) return;
  for (const [metric, points] of Object.entries(message.points)) {
    const series = (tr.result.series[metric] ??= []);
    for (const pt of points) {
      series.push(pt);
      tr.result.steps = Math.max(tr.result.steps, pt[0]);
    }
    const last = series[series.length - 1]!;
    const summary = tr.result.metrics[metric];
    if (summary) summary.last = last[1];
  }
  if (message.progress) tr.progress = message.progress;
}
