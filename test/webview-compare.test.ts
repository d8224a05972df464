/**
 * The run comparison: its server requests over the real protocol (rlhfLens/listRuns, rlhfLens/compareRuns,
 * trust and workspace guards), and its webview in real headless Chromium fed with what the engine
 * computes for the example workspace's two reward-model runs: overlaid curves drawn, the
 * hyperparameter diff, links that open the config line, the step control, message validation.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { compareView } from '../server/src/engine/runs';
import { CompareMethods, CompareSection, ListRunsResult } from '../server/src/protocol/compare';
import { parseViewMessage } from '../server/src/protocol/webview';
import { LspClient } from './support/lsp';
import { browserUnavailable, canvasInk, cspViolations, instrument, launchBrowser, posted, rendered, sendToView, serveViews, type Served } from './webview-harness';

const WS = path.resolve(__dirname, '..', 'examples', 'workspace');
const RUNS = [path.join(WS, 'runs', 'rm-llama8b-lora'), path.join(WS, 'runs', 'rm-llama8b-lora-r32')];

test('rlhfLens/listRuns and rlhfLens/compareRuns over the protocol; untrusted and outside-workspace requests are refused', async () => {
  const client = await LspClient.start({ rootPath: WS, initializationOptions: { trusted: true } });
  try {
    const list = ListRunsResult(await client.request(CompareMethods.listRuns, {}));
    const byName = Object.fromEntries(list.runs.map((r) => [r.name, r]));
    assert.deepEqual(Object.keys(byName).sort(), ['rm-llama8b-lora', 'rm-llama8b-lora-r32']);
    const first = byName['rm-llama8b-lora']!;
    assert.equal(first.group, 'runs');
    assert.equal(first.status, 'finished');
    assert.equal(first.last_step, 600);
    assert.equal(first.max_steps, 600);
    assert.equal(first.headline['eval_loss'], 0.398);
    const section = CompareSection(await client.request(CompareMethods.compareRuns, { paths: RUNS, step: 300 }));
    assert.deepEqual(section, JSON.parse(JSON.stringify(await compareView(RUNS, { step: 300 }))), 'the server answers what the engine computes');
    await assert.rejects(client.request(CompareMethods.compareRuns, { paths: ['/etc'] }), /outside the workspace folders/);
    await assert.rejects(client.request(CompareMethods.compareRuns, { paths: [] }), /at least one run/);
  } finally {
    await client.stop();
  }
  const untrusted = await LspClient.start({ rootPath: WS, initializationOptions: { trusted: false } });
  try {
    await assert.rejects(untrusted.request(CompareMethods.listRuns, {}), /not trusted/);
  } finally {
    await untrusted.stop();
  }
});

test('compareOptions from a view is validated by the host', () => {
  assert.deepEqual(parseViewMessage({ type: 'compareOptions', step: 300, smoothing: 0.6 }), { type: 'compareOptions', step: 300, smoothing: 0.6 });
  assert.throws(() => parseViewMessage({ type: 'compareOptions', step: 300, smoothing: 1.5 }), /smoothing must be in \[0, 1\)/);
  assert.throws(() => parseViewMessage({ type: 'compareOptions', step: '300', smoothing: 0.5 }), /step/);
});

const skip = browserUnavailable();
describe('run comparison webview in Chromium', { skip: skip ?? false }, () => {
  let browser: Browser;
  let served: Served;
  let data: { title: string; generated_at: string; compare: CompareSection };
  before(async () => {
    [browser, served] = await Promise.all([launchBrowser(), serveViews()]);
    data = { title: 'Run comparison', generated_at: '2026-12-01T00:00:00.000Z', compare: JSON.parse(JSON.stringify(await compareView(RUNS, { step: 300 }))) };
  });
  after(async () => {
    await browser?.close();
    await served?.close();
  });

  async function open(): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    const problems = await instrument(page, { vscode: true });
    await page.goto(`${served.origin}/compare.html`);
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    assert.deepEqual((await posted(page))[0], { type: 'ready', view: 'compare' });
    await sendToView(page, { type: 'setData', view: 'compare', data });
    await rendered(page);
    return { page, errors: problems.errors };
  }

  test('overlays of both runs are drawn per metric, with the figures at the last, best and picked step', async () => {
    const { page, errors } = await open();
    const ink = await canvasInk(page);
    for (const id of ['chart-compare-loss', 'chart-compare-eval-loss', 'chart-compare-rewards-margins']) {
      const c = ink.find((x) => x.id === id);
      assert.ok(c && c.inked > 500, `${id} drawn (${c?.inked} inked pixels)`);
    }
    const label = await page.locator('#chart-compare-eval-loss').getAttribute('aria-label');
    assert.match(label ?? '', /rm-llama8b-lora last 0\.398 at step 600; rm-llama8b-lora-r32 last 0\.403 at step 600/);
    // The chart holds one dataset per run plus its faint raw curve: two runs, two colours.
    const datasets = await page.evaluate(() => {
      const canvas = document.querySelector('#chart-compare-eval-loss') as HTMLCanvasElement & { $chartjs?: unknown };
      const chart = (window as unknown as { Chart?: { getChart(c: HTMLCanvasElement): { data: { datasets: { label: string }[] } } } }).Chart?.getChart(canvas);
      return chart ? chart.data.datasets.map((d) => d.label) : null;
    });
    if (datasets) assert.deepEqual(datasets, ['rm-llama8b-lora', 'rm-llama8b-lora (raw)', 'rm-llama8b-lora-r32', 'rm-llama8b-lora-r32 (raw)']);
    const figures = await page.locator('#compare-figures').innerText();
    assert.match(figures, /eval_loss\trm-llama8b-lora\t0\.398\t600\t0\.398\t600\t0\.5545\t300/);
    assert.match(figures, /eval_loss\trm-llama8b-lora-r32\t0\.4029\t600\t0\.4018\t550\t0\.5663\t300/);
    assert.deepEqual(errors, []);
    assert.deepEqual(await cspViolations(page), []);
    await page.close();
  });

  test('the hyperparameter diff lists exactly what differs, and a value opens its config line', async () => {
    const { page, errors } = await open();
    const rows = await page.locator('#compare-hyperparameters tbody tr').allInnerTexts();
    assert.deepEqual(rows, ['learning_rate\t0.00001\t0.00002', 'lora_alpha\t32\t64', 'per_device_train_batch_size\t8\t16', 'r\t16\t32', 'train_batch_size\t8\t16']);
    await page.locator('#compare-hyperparameters tbody tr', { hasText: 'lora_alpha' }).locator('a').nth(1).click();
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'openFile'));
    const opened = (await posted(page)).find((m) => m.type === 'openFile');
    // adapter_config.json line 3 is `"lora_alpha": 64,`: 0-based line 2.
    assert.deepEqual(opened, { type: 'openFile', path: path.join(RUNS[1]!, 'adapter_config.json'), range: { line: 2 } });
    assert.deepEqual(errors, []);
    await page.close();
  });

  test('the step control asks the host for the figures at another step; a bad section is refused with a banner', async () => {
    const { page, errors } = await open();
    await page.locator('#compare-step').fill('450');
    await page.locator('#compare-step').press('Enter');
    await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'compareOptions'));
    assert.deepEqual((await posted(page)).find((m) => m.type === 'compareOptions'), { type: 'compareOptions', step: 450, smoothing: 0.6 });
    const bad = JSON.parse(JSON.stringify(data));
    delete bad.compare.runs[0].metrics.loss.best;
    await sendToView(page, { type: 'setData', view: 'compare', data: bad });
    await page.waitForSelector('.banner.error:not([hidden])');
    assert.match(await page.locator('.banner.error').innerText(), /best/);
    assert.equal(errors.filter((e) => !e.includes('rejected a message')).length, 0);
    await page.close();
  });
});
