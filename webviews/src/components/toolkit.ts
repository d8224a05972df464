/**
 * Wrappers around @vscode/webview-ui-toolkit: the ONLY module that imports it (the toolkit is
 * unmaintained upstream, so replacing it must touch this file alone). Views use these functions,
 * never the `vscode-*` tags directly.
 */
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeDataGrid,
  vsCodeDataGridCell,
  vsCodeDataGridRow,
  vsCodeDropdown,
  vsCodeOption,
  vsCodePanels,
  vsCodePanelTab,
  vsCodePanelView,
  vsCodeProgressRing,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';
import { h } from './element';

let registered = false;
function register(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeButton(),
    vsCodeDataGrid(),
    vsCodeDataGridCell(),
    vsCodeDataGridRow(),
    vsCodeDropdown(),
    vsCodeOption(),
    vsCodePanels(),
    vsCodePanelTab(),
    vsCodePanelView(),
    vsCodeProgressRing(),
    vsCodeTextField(),
  );
}

export interface Tab {
  id: string;
  label: string;
  content: HTMLElement;
}

/** Tabs (keyboard: arrow keys move between tabs). `onChange` gets the id of the shown tab. */
export function tabs(items: Tab[], active: string | undefined, onChange: (id: string) => void): HTMLElement {
  register();
  const panels = document.createElement('vscode-panels');
  panels.setAttribute('aria-label', 'Dashboard sections');
  for (const t of items) panels.append(h('vscode-panel-tab' as 'div', { id: `tab-${t.id}` }, t.label));
  for (const t of items) panels.append(h('vscode-panel-view' as 'div', { id: `view-${t.id}`, class: 'tab-view' }, t.content));
  if (active && items.some((t) => t.id === active)) panels.setAttribute('activeid', `tab-${active}`);
  panels.addEventListener('change', (e) => {
    const tab = (e as CustomEvent<HTMLElement | undefined>).detail;
    if (tab?.id?.startsWith('tab-')) onChange(tab.id.slice(4));
  });
  return panels;
}

export function button(label: string, onClick: () => void, options: { appearance?: 'primary' | 'secondary' | 'icon'; title?: string } = {}): HTMLElement {
  register();
  const b = h('vscode-button' as 'button', { appearance: options.appearance ?? 'secondary', title: options.title, 'aria-label': options.title ?? label }, label);
  b.addEventListener('click', onClick);
  return b;
}

export function dropdown(label: string, values: { value: string; label: string }[], selected: string, onChange: (value: string) => void): HTMLElement {
  register();
  const id = `dd-${Math.random().toString(36).slice(2, 8)}`;
  const dd = h('vscode-dropdown' as 'select', { id, 'aria-label': label });
  for (const v of values) dd.append(h('vscode-option' as 'option', { value: v.value, selected: v.value === selected }, v.label));
  dd.addEventListener('change', () => onChange((dd as unknown as { value: string }).value));
  return h('label', { class: 'control', for: id }, h('span', {}, label), dd);
}

/** A sortable-looking grid of rows; `columns` maps a title to a cell formatter. */
export function dataGrid<R>(caption: string, rows: R[], columns: { title: string; cell: (row: R) => string; numeric?: boolean }[]): HTMLElement {
  register();
  const grid = h('vscode-data-grid' as 'div', { 'aria-label': caption, 'grid-template-columns': columns.map(() => '1fr').join(' ') });
  const header = h('vscode-data-grid-row' as 'div', { 'row-type': 'header' });
  columns.forEach((c, i) => header.append(h('vscode-data-grid-cell' as 'div', { 'cell-type': 'columnheader', 'grid-column': i + 1 }, c.title)));
  grid.append(header);
  for (const r of rows) {
    const row = h('vscode-data-grid-row' as 'div', {});
    columns.forEach((c, i) => row.append(h('vscode-data-grid-cell' as 'div', { 'grid-column': i + 1, class: c.numeric ? 'num' : null }, c.cell(r))));
    grid.append(row);
  }
  return grid;
}

export function progressRing(): HTMLElement {
  register();
  return h('vscode-progress-ring' as 'div', { 'aria-label': 'Working' });
}

/** A labelled text field; `onInput` gets the text on every change. */
export function textField(label: string, value: string, onInput: (value: string) => void, options: { name?: string; size?: number } = {}): HTMLElement {
  register();
  const f = h('vscode-text-field' as 'input', { value, 'aria-label': label, name: options.name ?? null, size: options.size ?? 30 }, label);
  f.addEventListener('input', () => onInput((f as unknown as { value: string }).value));
  return f;
}
