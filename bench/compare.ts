/**
 * Comparing 50 runs of 10,000 steps each, from the request to the drawn overlay: generates 50
 * trainer_state.json files (loss and grad norm every step, learning rate, eval loss every 100 steps)
 * into bench/out/compare, then times (1) the engine answering rlhfLens/compareRuns (reading every
 * log, the metric table, the hyperparameter diff, downsampling and smoothing every series) in
 * this process, and (2) real headless Chromium drawing the comparison view from that answer
 * (validation, overlays of 50 runs per metric, tables), until the next animation frame.
 *   node --import tsx bench/compare.ts      (or: npm run bench -- compare)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareView } from '../server/src/engine/runs';
import { mulberry32 } from '../server/src/analysis/stats/random';
import { browserUnavailable, instrument, launchBrowser, serveViews } from '../test/webview-harness';

const RUNS = 50;
const STEPS = 10_000;
const OUT = path.join(__dirname, 'out', 'compare');

function writeRuns(): string[] {
  const paths: string[] = [];
  for (let k = 0; k < RUNS; k++) {
    const dir = path.join(OUT, `run-${String(k).padStart(2, '0')}`);
    paths.push(dir);
    if (fs.existsSync(path.join(dir, 'trainer_state.json'))) continue;
    fs.mkdirSync(dir, { recursive: true });
    const r = mulberry32(1000 + k);
    const lr = 1e-5 * (1 + (k % 5));
    const log: object[] = [];
    for (let s = 1; s <= STEPS; s++) {
      log.push({ epoch: s / STEPS, grad_norm: 1 + r(), learning_rate: lr * (1 - s / STEPS), loss: 0.7 * Math.exp(-s / 3000) + 0.2 + 0.03 * r() + k * 0.001, step: s });
      if (s % 100 === 0) log.push({ epoch: s / STEPS, eval_loss: 0.7 * Math.exp(-s / 2500) + 0.3 + 0.01 * r(), step: s });
    }
    fs.writeFileSync(path.join(dir, 'trainer_state.json'), JSON.stringify({ global_step: STEPS, max_steps: STEPS, train_batch_size: 8 * (1 + (k % 3)), log_history: log }, null, 2));
    fs.writeFileSync(path.join(dir, 'training_args.json'), JSON.stringify({ learning_rate: lr, seed: k }, null, 2));
  }
  return paths;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const paths = writeRuns();
  const engine: number[] = [];
  let section = await compareView(paths, { step: 5000 });
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    section = await compareView(paths, { step: 5000 });
    engine.push(performance.now() - t0);
  }
  const bytes = JSON.stringify(section).length;
  console.log(`engine (compareRuns answer): median ${median(engine).toFixed(0)} ms over ${engine.length} runs; ${RUNS} runs x ${STEPS} steps; answer ${(bytes / 1e6).toFixed(1)} MB JSON`);
  const skip = browserUnavailable();
  if (skip) {
    console.log(`view: skipped: ${skip}`);
    return;
  }
  const served = await serveViews();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = await instrument(page, { vscode: true });
    await page.goto(`${served.origin}/compare.html`);
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    const view: number[] = [];
    for (let i = 0; i < 3; i++) {
      const ms = await page.evaluate(
        (compare) =>
          new Promise<number>((resolve) => {
            const before = Number(document.body.dataset['rendered'] ?? 0);
            const observer = new MutationObserver(() => {
              if (Number(document.body.dataset['rendered'] ?? 0) > before) {
                observer.disconnect();
                // charts are created in a microtask after render and painted on the next frame
                requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - t0)));
              }
            });
            observer.observe(document.body, { attributes: true, attributeFilter: ['data-rendered'] });
            const t0 = performance.now();
            window.postMessage({ type: 'setData', view: 'compare', data: { title: 'bench', generated_at: '2026-12-01T00:00:00Z', compare } }, '*');
          }),
        section,
      );
      view.push(ms);
    }
    const inked = await page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('#chart-compare-loss')!;
      const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let k = 0;
      for (let j = 0; j < px.length; j += 4) if (px[j] !== px[0]) k++;
      return k;
    });
    if (inked < 500) throw new Error('the loss overlay did not draw');
    if (problems.errors.length) throw new Error(problems.errors.join('\n'));
    console.log(`view (setData to painted overlays): median ${median(view).toFixed(0)} ms over ${view.length} runs`);
    console.log(`request to drawn overlay: about ${(median(engine) + median(view)).toFixed(0)} ms (plus JSON-RPC transfer of the answer)`);
  } finally {
    await browser.close();
    await served.close();
  }
}

void main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exitCode = 1;
});
