/**
 * `rlhf-lens report`: the dashboards as one offline HTML file. The CLI runs as a process on the
 * example workspace (real analyses on real files); the file then opens in Chromium with every
 * network request refused, and must draw every chart of every tab without an error or a CSP
 * violation. Also: hostile strings in the data stay text, and usage errors say what is wrong.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { buildDashboardHtml } from '../server/src/report/html';
import { runCli } from './support/cli';
import { browserUnavailable, canvasInk, cspViolations, DIST, fixture, instrument, launchBrowser } from './webview-harness';

const skip = browserUnavailable();
if (skip) console.log(`# ${skip}`);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rlhf-report-'));

describe('rlhf-lens report', () => {
  test('usage errors name the problem', () => {
    const noOut = runCli(['report', 'examples/workspace']);
    assert.equal(noOut.code, 2);
    assert.match(noOut.stderr, /--out FILE\.html is required/);
    const missing = runCli(['report', 'no/such/place', '--out', path.join(tmp, 'x.html')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no\/such\/place: no such file or folder/);
    const bins = runCli(['report', 'examples/workspace', '--out', path.join(tmp, 'x.html'), '--bins', '1']);
    assert.equal(bins.code, 2);
    assert.match(bins.stderr, /--bins must be a whole number from 2 to 100/);
  });

  describe('in Chromium, offline', { skip: skip ?? false }, () => {
    let browser: Browser;
    const out = path.join(tmp, 'report.html');
    before(async () => {
      browser = await launchBrowser();
    });
    after(async () => {
      await browser?.close();
    });

    test('the example workspace report draws every chart of every tab with no network', async () => {
      const r = runCli(['report', 'examples/workspace', '--out', out, '--theme', 'dark']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /8 stages, sections data_quality, agreement, drift, training, calibration, ab, latency/);
      const html = fs.readFileSync(out, 'utf8');
      const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
      assert.match(csp, /default-src 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);

      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, offline: true });
      const requests: string[] = [];
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith('file://')) return route.continue();
        requests.push(url);
        return route.abort();
      });
      const page = await context.newPage();
      const problems = await instrument(page, { vscode: false });
      await page.goto(`file://${out}`);
      await page.waitForSelector('vscode-panel-tab');
      const seen = new Set<string>();
      for (const tab of ['Data collection', 'Training', 'Evaluation', 'Deployment']) {
        await page.locator('vscode-panel-tab', { hasText: tab }).click();
        await page.evaluate(() => new Promise((res) => requestAnimationFrame(() => requestAnimationFrame(res))));
        for (const c of await canvasInk(page)) {
          if (c.inked > 500) seen.add(c.id);
        }
      }
      const all = (await canvasInk(page)).map((c) => c.id);
      assert.ok(all.length >= 15, `expected the full dashboard, got ${all.length} charts`);
      assert.deepEqual(all.filter((id) => !seen.has(id)), [], 'every chart drew');
      for (const id of ['chart-calibration-reliability', 'chart-agreement-annotators', 'chart-training-loss', 'chart-latency-windows']) assert.ok(seen.has(id), id);
      assert.equal(await page.locator('g.stage').count(), 8);
      assert.deepEqual(requests, []);
      assert.deepEqual(problems.errors, []);
      assert.deepEqual(await cspViolations(page), []);
      await context.close();
    });

    test('hostile strings in the data stay text and run nothing', { skip: fs.existsSync(path.join(DIST, 'phases.js')) ? false : 'not built' }, async () => {
      const data = fixture() as { title: string; graph: { stages: { name: string }[] } };
      data.title = '</script><script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
      data.graph.stages[0]!.name = '<b onmouseover="window.__pwned = 3">stage</b>';
      const file = path.join(tmp, 'hostile.html');
      fs.writeFileSync(
        file,
        buildDashboardHtml({
          view: 'phases',
          title: data.title,
          nonce: 'aG9zdGlsZS10ZXN0LW5vbmNl',
          assets: { kind: 'inline', script: fs.readFileSync(path.join(DIST, 'phases.js'), 'utf8'), style: fs.readFileSync(path.join(DIST, 'styles.css'), 'utf8'), data: { type: 'setData', view: 'phases', data: data as never }, theme: 'light' },
        }),
      );
      const page = await browser.newPage();
      await instrument(page, { vscode: false });
      await page.goto(`file://${file}`);
      await page.waitForSelector('h1');
      assert.equal(await page.locator('h1').innerText(), data.title);
      await page.locator('g.stage').first().hover();
      assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
      assert.equal(await page.locator('img').count(), 0);
      await page.close();
    });
  });
});

process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));
