/** Headline figures ("stat cards") and section headings, the same in every view. */
import { h } from './element';

export interface Stat {
  label: string;
  value: string;
  /** A second line: an interval, a comparison, a unit. */
  detail?: string;
  tone?: 'good' | 'bad' | 'warn';
  /** Explains the figure on hover and to screen readers. */
  help?: string;
}

export function stats(items: Stat[]): HTMLElement {
  return h(
    'dl',
    { class: 'stats' },
    ...items.map((s) =>
      h(
        'div',
        { class: `stat${s.tone ? ' ' + s.tone : ''}`, title: s.help },
        h('dt', {}, s.label),
        h('dd', {}, h('span', { class: 'value' }, s.value), s.detail ? h('span', { class: 'detail' }, s.detail) : null),
      ),
    ),
  );
}

export function section(title: string, subtitle: string | null, ...content: (HTMLElement | null)[]): HTMLElement {
  return h('section', { class: 'panel' }, h('h2', {}, title), subtitle ? h('p', { class: 'subtitle' }, subtitle) : null, ...content);
}

export function notice(kind: 'info' | 'warn' | 'error' | 'good', text: string, strong?: string): HTMLElement {
  return h('div', { class: `banner ${kind}`, role: kind === 'error' || kind === 'warn' ? 'alert' : 'status' }, strong ? h('strong', {}, strong + ' ') : null, text);
}

export function empty(what: string, hint: string): HTMLElement {
  return h('div', { class: 'empty' }, h('p', {}, what), h('p', { class: 'subtitle' }, hint));
}

export function grid(...children: (HTMLElement | null)[]): HTMLElement {
  return h('div', { class: 'grid' }, ...children);
}
