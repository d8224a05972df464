/**
 * The view's side of the host connection. Inside VS Code it wraps `acquireVsCodeApi()` (which tests
 * stand in for); in a `rlhf-lens report` page, where there is no host, it reads the data inlined in
 * the page and turns exports into downloads. Every incoming message is validated against the
 * contract before any view code sees it; the view announces itself with `ready` first.
 */
import { INLINE_DATA_ID } from '../../server/src/report/html';
import { parseHostMessage, type HostMessage, type ViewMessage, type ViewName } from '../../server/src/protocol/webview';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export interface Host {
  /** True inside an editor (files can be opened, analyses re-run). */
  readonly interactive: boolean;
  post(message: ViewMessage): void;
  state<T extends object>(): Partial<T>;
  saveState(patch: object): void;
}


export function connect(
  view: ViewName,
  onMessage: (message: HostMessage) => void,
  onInvalid: (reason: string) => void,
  onState: (restored: Record<string, unknown>) => void,
): Host {
  const api = typeof acquireVsCodeApi === 'function' ? acquireVsCodeApi() : null;
  let memoryState: object = {};
  const host: Host = {
    interactive: api !== null,
    post: (message) => (api ? api.postMessage(message) : download(message)),
    state: <T extends object>() => ((api ? api.getState() : memoryState) ?? {}) as Partial<T>,
    saveState: (patch) => {
      const next = { ...(host.state() as object), ...patch };
      if (api) api.setState(next);
      else memoryState = next;
    },
  };
  onState(host.state<Record<string, unknown>>());
  const receive = (raw: unknown): void => {
    let message: HostMessage;
    try {
      message = parseHostMessage(raw);
    } catch (err) {
      onInvalid((err as Error).message);
      return;
    }
    onMessage(message);
  };
  if (api) {
    window.addEventListener('message', (event: MessageEvent) => receive(event.data));
    api.postMessage({ type: 'ready', view } satisfies ViewMessage);
  } else {
    const block = document.getElementById(INLINE_DATA_ID);
    if (block?.textContent) receive(JSON.parse(block.textContent));
  }
  return host;
}

/** Standalone pages save exports as downloads; opening files needs an editor, so it is a no-op there. */
function download(message: ViewMessage): void {
  if (message.type !== 'exportCsv' && message.type !== 'exportPng') return;
  const a = document.createElement('a');
  if (message.type === 'exportCsv') {
    a.href = URL.createObjectURL(new Blob([message.csv], { type: 'text/csv' }));
    a.download = `${message.name}.csv`;
  } else {
    a.href = message.dataUrl;
    a.download = `${message.name}.png`;
  }
  a.click();
}
