/**
 * Regenerates docs/images/: every dashboard view in light and dark, drawn in headless Chromium by
 * the real bundles from the real results of examples/workspace (computed by the engine in-process).
 *   node --import tsx test/webview-screenshots.ts
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseRunOptions } from '../server/src/engine/options';
import { runAnalysis } from '../server/src/engine/run';
import { buildDashboardData } from '../server/src/report/dashboard-data';
import { countLabels } from '../server/src/cli/report';
import { compareView, siblingComparison } from '../server/src/engine/runs';
import { browserUnavailable, instrument, launchBrowser, rendered, ROOT, sendToView, serveViews } from './webview-harness';

const OUT = path.join(ROOT, 'docs', 'images');
const TABS = [
  ['data_collection', 'Data collection'],
  ['training', 'Training'],
  ['evaluation', 'Evaluation'],
  ['deployment', 'Deployment'],
] as const;

async function main(): Promise<void> {
  const skip = browserUnavailable();
  if (skip) throw new Error(skip);
  const workspace = path.join(ROOT, 'examples', 'workspace');
  const data = await buildDashboardData(path.join(workspace, 'pipelines', 'reward-model-refresh.pipeline.yaml'), {
    run: (analysis, file, options) => runAnalysis(analysis, file, parseRunOptions(options, path.dirname(file))),
    countLabels,
    displayRoot: workspace,
    compareRuns: (log) => siblingComparison(log),
  });
  // The run comparison view: the two reward-model runs, with the figures at step 300.
  const compare = await compareView([path.join(workspace, 'runs', 'rm-llama8b-lora'), path.join(workspace, 'runs', 'rm-llama8b-lora-r32')], { step: 300 });
  fs.mkdirSync(OUT, { recursive: true });
  const served = await serveViews();
  const browser = await launchBrowser();
  const written: string[] = [];
  try {
    for (const theme of ['light', 'dark'] as const) {
      for (const view of ['phases', 'calibration', 'ab', 'training', 'graph', 'compare'] as const) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        const problems = await instrument(page, { vscode: true, theme });
        await page.goto(`${served.origin}/${view}.html`);
        await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
        await sendToView(page, { type: 'setData', view, data: view === 'compare' ? { ...data, compare: JSON.parse(JSON.stringify(compare)) } : data });
        await rendered(page);
        const shoot = async (name: string): Promise<void> => {
          const file = path.join(OUT, `${name}-${theme}.png`);
          await page.screenshot({ path: file, fullPage: true });
          written.push(path.relative(ROOT, file));
        };
        if (view === 'phases') {
          for (const [id, label] of TABS) {
            await page.locator('vscode-panel-tab', { hasText: label }).click();
            await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
            await shoot(`dashboard-${id.replace('_', '-')}`);
          }
        } else await shoot(view === 'ab' ? 'ab-results' : view === 'graph' ? 'pipeline-graph' : view === 'compare' ? 'run-comparison' : view);
        if (problems.errors.length) throw new Error(`${view} (${theme}): ${problems.errors.join('; ')}`);
        await page.close();
      }
    }
  } finally {
    await browser.close();
    await served.close();
  }
  console.log(written.join('\n'));
}

void main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
