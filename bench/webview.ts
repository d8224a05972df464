/**
 * Time from a data message to a drawn chart, in real headless Chromium with the real training
 * bundle: the page builds a `setData` message holding one loss series of N points, posts it to
 * itself as the extension host would, and the clock stops when the view has rendered and the next
 * animation frame has painted the canvas (validation, smoothing, decimation and drawing included).
 *   node --import tsx bench/webview.ts      (or: npm run bench -- webview)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { browserUnavailable, instrument, launchBrowser, serveViews } from '../test/webview-harness';

const SIZES = [1_000, 100_000, 1_000_000];
const RUNS: Record<number, number> = { 1_000: 7, 100_000: 5, 1_000_000: 3 };

async function main(): Promise<void> {
  const skip = browserUnavailable();
  if (skip) {
    console.log(`skipped: ${skip}`);
    return;
  }
  const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'test', 'fixtures', 'webview', 'dashboard.json'), 'utf8')) as { training: unknown };
  const served = await serveViews();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = await instrument(page, { vscode: true });
    await page.goto(`${served.origin}/training.html`);
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    console.log('points      median ms   min ms   runs');
    for (const n of SIZES) {
      const times: number[] = [];
      for (let i = 0; i < RUNS[n]!; i++) {
        const ms = await page.evaluate(
          ({ n, training }) =>
            new Promise<number>((resolve) => {
              const series: [number, number][] = new Array(n);
              for (let s = 0; s < n; s++) series[s] = [s, 0.7 * Math.exp(-s / (n / 3)) + 0.25 + 0.02 * Math.sin(s)];
              const t = JSON.parse(JSON.stringify(training));
              t.result.series = { loss: series };
              t.result.smoothed = {};
              t.result.alerts = [];
              t.result.groups = {};
              t.result.steps = n;
              t.result.metrics = { loss: { count: n, first: series[0]![1], last: series[n - 1]![1], min: 0.25, min_step: n - 1, max: 0.95, max_step: 0 } };
              delete t.progress;
              delete t.step_times;
              const before = Number(document.body.dataset['rendered'] ?? 0);
              const observer = new MutationObserver(() => {
                if (Number(document.body.dataset['rendered'] ?? 0) > before) {
                  observer.disconnect();
                  requestAnimationFrame(() => resolve(performance.now() - t0));
                }
              });
              observer.observe(document.body, { attributes: true, attributeFilter: ['data-rendered'] });
              const t0 = performance.now();
              window.postMessage({ type: 'setData', view: 'training', data: { title: 'bench', generated_at: '2026-11-23T00:00:00Z', training: t } }, '*');
            }),
          { n, training: fixture.training },
        );
        const inked = await page.evaluate(() => {
          const c = document.querySelector<HTMLCanvasElement>('#chart-training-loss')!;
          const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          let k = 0;
          for (let j = 0; j < px.length; j += 4) if (px[j] !== px[0]) k++;
          return k;
        });
        if (inked < 500) throw new Error(`the ${n}-point chart did not draw`);
        times.push(ms);
      }
      times.sort((a, b) => a - b);
      console.log(`${String(n).padStart(9)}   ${times[Math.floor(times.length / 2)]!.toFixed(1).padStart(9)}   ${times[0]!.toFixed(1).padStart(6)}   ${times.length}`);
    }
    if (problems.errors.length) throw new Error(problems.errors.join('\n'));
  } finally {
    await browser.close();
    await served.close();
  }
}

void main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
