/** Plain accessible tables: the text alternative of every chart and the small tables of figures. */
import { h } from './element';

export type Cell = string | number | null;

export interface TableData {
  columns: string[];
  rows: Cell[][];
}

/** Most rows put in the DOM; the CSV export always has every row. */
export const MAX_TABLE_ROWS = 500;

export function renderTable(data: TableData, caption?: string): HTMLTableElement {
  const shown = data.rows.slice(0, MAX_TABLE_ROWS);
  return h(
    'table',
    { class: 'figures' },
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, ...data.columns.map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      ...shown.map((r) => h('tr', {}, ...r.map((c) => h('td', { class: typeof c === 'number' ? 'num' : null }, c === null ? '–' : String(c))))),
      data.rows.length > shown.length
        ? h('tr', {}, h('td', { colspan: data.columns.length, class: 'note' }, `First ${MAX_TABLE_ROWS} of ${data.rows.length} rows; export CSV for all.`))
        : null,
    ),
  );
}

/** RFC 4180 CSV: fields with a comma, quote or line break are quoted. */
export function toCsv(data: TableData): string {
  const field = (c: Cell): string => {
    const s = c === null ? '' : String(c);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [data.columns, ...data.rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}
