/**
 * The one HTML page every dashboard is served in: by the VS Code panel host (bundle and stylesheet
 * linked from dist/webviews through the webview's resource URIs) and by `rlhf-lens report` (bundle,
 * stylesheet and data inlined into one offline file). Pure: it takes strings and returns a string.
 *
 * CSP: nothing loads from the network; scripts and inline styles run only with the page's nonce;
 * no 'unsafe-inline' and no 'unsafe-eval'. The toolkit (FAST) probes features with a <style> element
 * and reads the nonce from <meta property="csp-nonce">, so styles accept the nonce too. The data of a report sits in a JSON data block (never
 * executed) with `<` escaped so no value can close it.
 */
import type { DashboardData, ViewName } from '../protocol/webview';

export type PageTheme = 'light' | 'dark' | 'high-contrast' | 'auto';

export type PageAssets =
  /** Inside VS Code: URIs produced by webview.asWebviewUri and the webview's cspSource. */
  | { kind: 'linked'; scriptUri: string; styleUri: string; cspSource: string }
  /** A standalone report: the bundle, the stylesheet and the data, all inline. */
  | { kind: 'inline'; script: string; style: string; data: { type: 'setData'; view: ViewName; data: DashboardData }; theme: PageTheme };

export interface DashboardPage {
  view: ViewName;
  title: string;
  /** A fresh random value per page load (base64 or hex, at least 128 bits). */
  nonce: string;
  assets: PageAssets;
}

/** The id of the JSON block that carries a report's data (webviews/src/vscode.ts reads it). */
export const INLINE_DATA_ID = 'rlhf-lens-data';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** JSON that cannot end the block it sits in, nor start an HTML comment. */
export function jsonForScriptBlock(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

export function contentSecurityPolicy(page: DashboardPage): string {
  const nonce = `'nonce-${page.nonce}'`;
  if (page.assets.kind === 'linked') {
    const src = page.assets.cspSource;
    return `default-src 'none'; img-src ${src} data: blob:; style-src ${src} ${nonce}; font-src ${src}; script-src ${nonce}; connect-src 'none'; form-action 'none'; base-uri 'none'`;
  }
  return `default-src 'none'; img-src data: blob:; style-src ${nonce}; script-src ${nonce}; connect-src 'none'; form-action 'none'; base-uri 'none'`;
}

const THEME_CLASS: Record<PageTheme, string> = { light: 'vscode-light', dark: 'vscode-dark', 'high-contrast': 'vscode-high-contrast', auto: 'theme-auto' };

export function buildDashboardHtml(page: DashboardPage): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(page.nonce)) throw new Error('nonce must be at least 16 base64 or hex characters');
  const a = page.assets;
  const csp = contentSecurityPolicy(page);
  const head =
    a.kind === 'linked'
      ? `<link rel="stylesheet" href="${escapeHtml(a.styleUri)}">`
      : `<style nonce="${page.nonce}">\n${a.style.replace(/<\/style/gi, '<\\/style')}\n</style>`;
  const script =
    a.kind === 'linked'
      ? `<script nonce="${page.nonce}" src="${escapeHtml(a.scriptUri)}"></script>`
      : `<script type="application/json" id="${INLINE_DATA_ID}">${jsonForScriptBlock(a.data)}</script>\n<script nonce="${page.nonce}">\n${a.script.replace(/<\/script/gi, '<\\/script')}\n</script>`;
  const htmlClass = a.kind === 'inline' ? ' class="standalone"' : '';
  const bodyClass = a.kind === 'inline' ? ` class="${THEME_CLASS[a.theme]}"` : '';
  return `<!DOCTYPE html>
<html lang="en"${htmlClass}>
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="csp-nonce" content="${page.nonce}">
<title>${escapeHtml(page.title)}</title>
${head}
</head>
<body${bodyClass} data-view="${page.view}">
<main id="root" aria-live="polite"><p class="loading">Loading ${escapeHtml(page.title)}…</p></main>
${script}
</body>
</html>
`;
}
