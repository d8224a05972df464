/**
 * Drives the real webview bundles in real headless Chromium (Debian's /usr/bin/chromium through
 * playwright-core). Pages are the production HTML (server/src/report/html.ts) served from
 * dist/webviews by a local HTTP server, with a stand-in `acquireVsCodeApi` that records what the
 * view posts and keeps its state in sessionStorage (as VS Code keeps it across reloads).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildDashboardHtml } from '../server/src/report/html';
import type { ViewName } from '../server/src/protocol/webview';

export const ROOT = path.resolve(__dirname, '..');
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
export const DIST = path.join(ROOT, 'dist', 'webviews');

/** Why the browser tests cannot run here, or null when they can. */
export function browserUnavailable(): string | null {
  if (!fs.existsSync(CHROMIUM)) return `${CHROMIUM} is absent (apt-get install chromium); browser tests skipped`;
  if (!fs.existsSync(path.join(DIST, 'phases.js'))) return 'dist/webviews is not built (npm run build); browser tests skipped';
  return null;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}

export function fixture(): unknown {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'fixtures', 'webview', 'dashboard.json'), 'utf8'));
}

export interface Served {
  origin: string;
  close(): Promise<void>;
}

/** Serves /<view>.html (the panel's HTML) and the built bundles; nothing else. */
export async function serveViews(): Promise<Served> {
  const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };
  let origin = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const page = /^\/(\w+)\.html$/.exec(url.pathname);
    if (page) {
      const html = buildDashboardHtml({
        view: page[1] as ViewName,
        title: `RLHF Lens ${page[1]}`,
        nonce: 'dGVzdC1ub25jZS0xMjM0NTY3OA',
        assets: { kind: 'linked', scriptUri: `${origin}/dist/${page[1]}.js`, styleUri: `${origin}/dist/styles.css`, cspSource: origin },
      });
      res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      return;
    }
    const file = /^\/dist\/([\w.-]+)$/.exec(url.pathname);
    const full = file ? path.join(DIST, file[1]!) : '';
    if (file && fs.existsSync(full)) {
      res.writeHead(200, { 'content-type': types[path.extname(full)] ?? 'application/octet-stream' }).end(fs.readFileSync(full));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Console errors, page errors and CSP violations a page produced. */
export interface PageProblems {
  errors: string[];
}

/** Installs the stand-in VS Code API (with its theme) and problem recorders; call before page.goto. */
export async function instrument(page: Page, options: { vscode: boolean; theme?: 'light' | 'dark' }): Promise<PageProblems> {
  const problems: PageProblems = { errors: [] };
  page.on('console', (m) => {
    // Chromium reports the missing favicon of a served page; VS Code webviews never ask for one.
    if (m.type() === 'error' && !m.text().includes('404 (Not Found)')) problems.errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.errors.push(`pageerror: ${e.message}`));
  page.on('requestfailed', (r) => problems.errors.push(`request failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.errors.push(`HTTP ${r.status()}: ${r.url()}`);
  });
  // A string, not a function: tsx would wrap a function's inner helpers in its own __name().
  await page.addInitScript({
    content: `
      window.__name = (f) => f;
      ${
        // VS Code gives a webview its theme as --vscode-* variables and a body class; the stand-in
        // uses the same variables the report page defines (html.standalone in styles.css).
        options.vscode
          ? `document.addEventListener('DOMContentLoaded', () => {
        document.documentElement.classList.add('standalone');
        document.body.classList.add('vscode-${options.theme ?? 'light'}');
      });`
          : ''
      }
      window.__posted = [];
      window.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
      ${
        options.vscode
          ? `window.acquireVsCodeApi = () => ({
        postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
        getState: () => JSON.parse(sessionStorage.getItem('vscode-state') || 'null'),
        setState: (s) => sessionStorage.setItem('vscode-state', JSON.stringify(s)),
      });`
          : ''
      }`,
  });
  return problems;
}

/** Sends a message as the extension host would (window.postMessage into the webview). */
export async function sendToView(page: Page, message: unknown): Promise<void> {
  await page.evaluate((m) => window.postMessage(m, '*'), message);
}

export async function posted(page: Page): Promise<{ type: string; [k: string]: unknown }[]> {
  return page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted);
}

export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
}

/** For each canvas on the page: its id and how many of its pixels differ from its top-left pixel. */
export async function canvasInk(page: Page): Promise<{ id: string; width: number; inked: number }[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('canvas')].map((c) => {
      const ctx = c.getContext('2d')!;
      const { width, height } = c;
      if (!width || !height) return { id: c.id, width, inked: 0 };
      const px = ctx.getImageData(0, 0, width, height).data;
      let inked = 0;
      for (let i = 0; i < px.length; i += 4) {
        if (px[i] !== px[0] || px[i + 1] !== px[1] || px[i + 2] !== px[2]) inked++;
      }
      return { id: c.id, width, inked };
    }),
  );
}

/** Resolves once the view has rendered `count` times (body[data-rendered]). */
export async function rendered(page: Page, count = 1): Promise<void> {
  await page.waitForFunction((n) => Number(document.body.dataset['rendered'] ?? 0) >= n, count, { timeout: 10_000 });
  // chart.js creates charts in a microtask after render, then draws on the next frame
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}
