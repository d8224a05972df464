/**
 * What every view shares: connect to the host, validate and dispatch its messages, keep UI state
 * across hide/reload, show errors as a banner, and re-render when data or theme change.
 */
import type { DashboardData, HostMessage, ThemeKind, ViewName } from '../../server/src/protocol/webview';
import { charts, themeDefaults, type Exporter } from './components/chart';
import { h } from './components/element';
import { connect, type Host } from './vscode';

export interface ViewContext {
  host: Host;
  exporter: Exporter;
  /** Restored UI state (tab, bins, smoothing, axis...). */
  state: Record<string, unknown>;
  saveState(patch: Record<string, unknown>): void;
}

export interface ViewModule {
  render(data: DashboardData, ctx: ViewContext): HTMLElement;
  /** Live points for a running training job; views without a training chart ignore them. */
  trainingUpdate?(data: DashboardData, message: Extract<HostMessage, { type: 'trainingUpdate' }>): void;
}

/** Stands in for the host until connect() returns; only reached if a view posted during startup. */
const placeholderHost: Host = { interactive: false, post: () => undefined, state: () => ({}), saveState: () => undefined };

const THEME_CLASSES: Record<ThemeKind, string> = { light: 'vscode-light', dark: 'vscode-dark', 'high-contrast': 'vscode-high-contrast' };

export function startView(view: ViewName, module: ViewModule): void {
  const root = document.getElementById('root') ?? document.body.appendChild(h('main', { id: 'root' }));
  const banner = h('div', { class: 'banner error', role: 'alert', hidden: true });
  root.before(banner);
  let data: DashboardData | null = null;
  const showError = (message: string): void => {
    banner.textContent = message;
    banner.hidden = false;
  };
  const draw = (): void => {
    if (!data) return;
    for (const c of charts.values()) c.destroy();
    charts.clear();
    themeDefaults();
    root.replaceChildren(module.render(data, ctx));
    document.body.dataset['rendered'] = String(Number(document.body.dataset['rendered'] ?? 0) + 1);
  };
  const ctx: ViewContext = {
    get host() {
      return host;
    },
    exporter: {
      exportCsv: (name, csv) => host.post({ type: 'exportCsv', name, csv }),
      exportPng: (name, dataUrl) => host.post({ type: 'exportPng', name, dataUrl }),
    },
    state: {},
    saveState: (patch) => {
      Object.assign(ctx.state, patch);
      host.saveState(patch);
    },
  };
  // Assigned before any message arrives: a report page delivers its inline data synchronously.
  let host: Host = placeholderHost;
  host = connect(
    view,
    (message) => {
      switch (message.type) {
        case 'setData':
          data = message.data;
          if (message.focus) ctx.saveState({ tab: message.focus });
          // Kept for the host's serializer: after a reload VS Code hands this state back to it.
          if (message.restore) ctx.saveState({ restore: message.restore });
          banner.hidden = true;
          draw();
          break;
        case 'trainingUpdate':
          if (data && module.trainingUpdate) {
            module.trainingUpdate(data, message);
            draw();
          }
          break;
        case 'theme':
          document.body.classList.remove(...Object.values(THEME_CLASSES));
          document.body.classList.add(THEME_CLASSES[message.kind]);
          break;
        case 'error':
          showError(message.message);
          if (!data) root.replaceChildren(h('p', { class: 'subtitle' }, 'No results to show.'));
          break;
      }
    },
    (reason) => {
      console.warn(`RLHF Lens: rejected a message from the host: ${reason}`);
      showError(`The dashboard received data it cannot show (${reason}).`);
    },
    (restored) => Object.assign(ctx.state, restored),
  );
  // VS Code swaps body classes when the user changes theme; redraw so canvases pick up the colours.
  new MutationObserver(() => draw()).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
