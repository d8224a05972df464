/**
 * One chart on the page: a chart.js canvas with a caption, its numbers as a table (the text
 * alternative), and PNG/CSV export. Series arrive already downsampled by the engine; chart.js's
 * decimation plugin thins anything still denser than the canvas. Animations are off: dashboards
 * redraw on every data message and must keep up with live training runs.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Decimation,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  RadarController,
  RadialLinearScale,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
  type Plugin,
} from 'chart.js';
import { h } from './element';
import { renderTable, toCsv, type TableData } from './table';
import { palette } from './theme';
import { button } from './toolkit';

Chart.register(BarController, BarElement, CategoryScale, Decimation, Filler, Legend, LinearScale, LineController, LineElement, PointElement, RadarController, RadialLinearScale, ScatterController, Tooltip);

export interface ChartSpec {
  /** File-name friendly id, used for exports and as the DOM id. */
  id: string;
  title: string;
  /** One sentence a screen reader reads for the canvas. */
  description: string;
  config: ChartConfiguration;
  /** The chart's numbers; a function when building them costs (long series): called on first use. */
  table: TableData | (() => TableData);
}

export interface Exporter {
  exportCsv(name: string, csv: string): void;
  exportPng(name: string, dataUrl: string): void;
}

/** Paints the theme background under the chart so exported PNGs are not transparent. */
const background: Plugin = {
  id: 'rlBackground',
  beforeDraw(chart) {
    const { ctx, width, height } = chart;
    ctx.save();
    ctx.fillStyle = palette().background;
    ctx.fillRect(0, 0, width, height);
    ctx.restore();
  },
};

/** Every chart drawn on the page, by id: tests and the benchmark read them from here. */
export const charts = new Map<string, Chart>();

export function themeDefaults(): void {
  const p = palette();
  Chart.defaults.color = p.foreground;
  Chart.defaults.borderColor = p.grid;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily || 'sans-serif';
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
}

export function renderChart(spec: ChartSpec, exporter: Exporter, options: { tall?: boolean } = {}): HTMLElement {
  let table: TableData | undefined;
  const numbers = (): TableData => (table ??= typeof spec.table === 'function' ? spec.table() : spec.table);
  const canvas = h('canvas', { role: 'img', 'aria-label': `${spec.title}. ${spec.description}`, id: `chart-${spec.id}` });
  const tableSlot = h('div', { class: 'table-slot' });
  const details = h('details', { class: 'chart-data' }, h('summary', {}, 'Data table'), tableSlot);
  // The table is built when first opened: a 100k-point series should not cost 100k DOM rows up front.
  details.addEventListener('toggle', () => {
    if (details.open && !tableSlot.firstChild) tableSlot.append(renderTable(numbers(), spec.title));
  });
  const figure = h(
    'figure',
    { class: 'chart', 'data-chart': spec.id },
    h(
      'figcaption',
      {},
      h('span', { class: 'chart-title' }, spec.title),
      h(
        'span',
        { class: 'chart-actions' },
        button('PNG', () => exporter.exportPng(spec.id, (charts.get(spec.id)?.toBase64Image('image/png') ?? '')), { title: `Export ${spec.title} as PNG` }),
        button('CSV', () => exporter.exportCsv(spec.id, toCsv(numbers())), { title: `Export ${spec.title} as CSV` }),
      ),
    ),
    h('div', { class: options.tall ? 'canvas-wrap tall' : 'canvas-wrap' }, canvas),
    details,
  );
  charts.get(spec.id)?.destroy();
  const config = { ...spec.config, plugins: [...(spec.config.plugins ?? []), background] } as ChartConfiguration;
  // chart.js measures its parent, so it is created once the figure is in the document.
  queueMicrotask(() => {
    charts.get(spec.id)?.destroy();
    charts.set(spec.id, new Chart(canvas, config));
  });
  return figure;
}
