/**
 * Every dashboard view in real headless Chromium, loading the real bundles through the production
 * HTML (strict CSP with a nonce) and a stand-in acquireVsCodeApi: views render from fixture
 * results, charts put ink on their canvases, controls post the right messages, state survives a
 * reload, bad messages are rejected, and nothing logs an error or violates the CSP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import * as path from 'node:path';
import { runCli } from './support/cli';
import {
  ROOT,
  browserUnavailable,
  canvasInk,
  cspViolations,
  fixture,
  instrument,
  launchBrowser,
  posted,
  rendered,
  sendToView,
  serveViews,
  type PageProblems,
  type Served,
} from './webview-harness';

const skip = browserUnavailable();
if (skip) console.log(`# ${skip}`);

interface Opened {
  page: Page;
  problems: PageProblems;
}

describe('dashboard webviews in Chromium', { skip: skip ?? false }, () => {
  let browser: Browser;
  let served: Served;
  before(async () => {
    [browser, served] = await Promise.all([launchBrowser(), serveViews()]);
  });
  after(async () => {
    await browser?.close();
    await served?.close();
  });

  async function open(view: string, data: unknown = fixture()): Promise<Opened> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems = await instrument(page, { vscode: true });
    await page.goto(`${served.origin}/${view}.html`);
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    assert.deepEqual((await posted(page))[0], { type: 'ready', view }, 'the view announces itself before anything else');
    await sendToView(page, { type: 'setData', view, data });
    await rendered(page);
    return { page, problems };
  }

  async function assertClean(o: Opened): Promise<void> {
    assert.deepEqual(o.problems.errors, []);
    assert.deepEqual(await cspViolations(o.page), []);
  }

  async function inked(page: Page, prefix: string): Promise<string[]> {
    const all = await canvasInk(page);
    const mine = all.filter((c) => c.id.startsWith(`chart-${prefix}`));
    assert.ok(mine.length > 0, `no charts with prefix ${prefix}`);
    for (const c of mine) assert.ok(c.inked > 500, `${c.id} looks empty (${c.inked} inked pixels)`);
    return mine.map((c) => c.id);
  }

  test('calibration: reliability diagram, histogram and temperature draw; bins control asks to re-run', async () => {
    const o = await open('calibration');
    const ids = await inked(o.page, 'calibration');
    assert.deepEqual(ids.sort(), ['chart-calibration-confidence', 'chart-calibration-reliability', 'chart-calibration-temperature']);
    const text = await o.page.locator('main').innerText();
    assert.match(text, /ECE\s+0\.0471/);
    assert.match(text, /95% CI 0\.0368–0\.0589/);
    // The toolkit dropdown, by keyboard: from 15 bins one step down is 20.
    await o.page.locator('vscode-dropdown').focus();
    await o.page.keyboard.press('ArrowDown');
    await o.page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'rerun'));
    const rerun = (await posted(o.page)).find((m) => m.type === 'rerun');
    assert.deepEqual(rerun, { type: 'rerun', analysis: 'calibration', options: { bins: 20 } });
    // The text alternative holds the numbers of the chart.
    await o.page.locator('figure[data-chart="calibration-reliability"] summary').click();
    // The table is built when the details element opens (its toggle event comes after the click).
    await o.page.waitForSelector('figure[data-chart="calibration-reliability"] tbody tr');
    const rows = await o.page.locator('figure[data-chart="calibration-reliability"] tbody tr').count();
    assert.equal(rows, 15);
    await assertClean(o);
    await o.page.close();
  });

  test('A/B: decision, forest plot, sample sizes; SRM banner appears on mismatch', async () => {
    const data = fixture() as { ab: { result: { srm: { mismatch: boolean; p_value: number } } } };
    const o = await open('ab');
    await inked(o.page, 'ab');
    const text = await o.page.locator('main').innerText();
    assert.match(text, /Ship treatment\./);
    assert.doesNotMatch(text, /Sample ratio mismatch/);
    data.ab.result.srm.mismatch = true;
    data.ab.result.srm.p_value = 1e-6;
    await sendToView(o.page, { type: 'setData', view: 'ab', data });
    await rendered(o.page, 2);
    assert.match(await o.page.locator('main').innerText(), /Sample ratio mismatch\./);
    await assertClean(o);
    await o.page.close();
  });

  test('training: curves with alerts; smoothing slider and axis persist across a reload', async () => {
    const o = await open('training');
    const ids = await inked(o.page, 'training');
    assert.ok(ids.includes('chart-training-loss') && ids.includes('chart-training-rewards') && ids.includes('chart-training-learning-rate'));
    assert.match(await o.page.locator('main').innerText(), /Spike · step 1840/);
    assert.match(await o.page.locator('main').innerText(), /Step 3,000 of 4,000 \(75\.0%\) · ETA 45m 10s/);
    const lossPoints = () => o.page.evaluate(() => document.querySelector('#chart-training-loss') !== null);
    assert.ok(await lossPoints());
    await o.page.locator('input[type=range]').fill('0.9');
    await o.page.waitForFunction(() => sessionStorage.getItem('vscode-state')?.includes('"smoothing":0.9'));
    await o.page.reload();
    await o.page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    await sendToView(o.page, { type: 'setData', view: 'training', data: fixture() });
    await rendered(o.page);
    assert.equal(await o.page.locator('input[type=range]').inputValue(), '0.9');
    // Live: new points extend the series and move the progress line.
    await sendToView(o.page, { type: 'trainingUpdate', points: { loss: [[3010, 0.31], [3020, 0.3]] }, progress: { step: 3020, max_steps: 4000, running: true, eta_seconds: 2600 } });
    await rendered(o.page, 2);
    assert.match(await o.page.locator('main').innerText(), /Step 3,020 of 4,000/);
    await assertClean(o);
    await o.page.close();
  });

  test('graph: stages drawn by phase; click and keyboard open the stage YAML', async () => {
    const o = await open('graph');
    const stages = o.page.locator('g.stage');
    assert.equal(await stages.count(), 9);
    assert.equal(await o.page.locator('g.stage.fail').count(), 1);
    await o.page.locator('g.stage[data-stage="train-rm"]').click();
    await o.page.locator('g.stage[data-stage="eval-rm"]').focus();
    await o.page.keyboard.press('Enter');
    const opens = (await posted(o.page)).filter((m) => m.type === 'openFile');
    assert.deepEqual(opens, [
      { type: 'openFile', path: 'pipelines/reward-model-refresh.pipeline.yaml', range: { line: 54 } },
      { type: 'openFile', path: 'pipelines/reward-model-refresh.pipeline.yaml', range: { line: 76 } },
    ]);
    await assertClean(o);
    await o.page.close();
  });

  test('phases: four tabs; every tab draws; tab and exports go through the host', async () => {
    const o = await open('phases');
    const tabs = o.page.locator('vscode-panel-tab');
    assert.deepEqual(await tabs.allInnerTexts(), ['Data collection', 'Training', 'Evaluation', 'Deployment']);
    for (const [label, prefix] of [['Training', 'training'], ['Evaluation', 'calibration'], ['Deployment', 'ab'], ['Data collection', 'agreement']] as const) {
      await tabs.filter({ hasText: label }).click();
      await o.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      assert.ok(await o.page.locator(`figure[data-chart^="${prefix}"]`).first().isVisible(), `${label} tab shows its charts`);
      await inked(o.page, prefix);
    }
    await tabs.filter({ hasText: 'Deployment' }).click();
    assert.match(await o.page.evaluate(() => sessionStorage.getItem('vscode-state') ?? ''), /"tab":"deployment"/);
    await o.page.locator('figure[data-chart="ab-forest-success"] vscode-button', { hasText: 'CSV' }).click();
    await o.page.locator('figure[data-chart="ab-forest-success"] vscode-button', { hasText: 'PNG' }).click();
    const exports = (await posted(o.page)).filter((m) => m.type.startsWith('export'));
    assert.equal(exports.length, 2);
    assert.equal(exports[0]!['name'], 'ab-forest-success');
    assert.equal(String(exports[0]!['csv']), 'variant,difference,ci low,ci high,relative lift,p,adjusted p\r\ntreatment,0.0271,0.0096,0.0446,0.0385,0.0024,0.0024\r\n');
    assert.match(String(exports[1]!['dataUrl']), /^data:image\/png;base64,/);
    await assertClean(o);
    await o.page.close();
  });

  test('data collection: data-quality issues link to their lines in the data and eval files; histograms and clusters draw', async () => {
    // The example workspace's real result (the CLI's JSON), as the dashboard gets it.
    const ws = path.join(ROOT, 'examples', 'workspace', 'data');
    const cli = runCli(['analyze', 'data-quality', path.join(ws, 'prefs_train.jsonl'), '--against', path.join(ws, 'prefs_eval.jsonl'), '--format', 'json']);
    assert.equal(cli.code, 0, cli.stderr);
    const { skipped: _skipped, ...result } = JSON.parse(cli.stdout) as Record<string, unknown>;
    const data = fixture() as Record<string, unknown>;
    const train = '/ws/data/prefs_train.jsonl';
    const evalFile = '/ws/data/prefs_eval.jsonl';
    data['data_quality'] = [{ name: 'data/prefs_train.jsonl', file: train, against: evalFile, against_name: 'data/prefs_eval.jsonl', result }];
    const o = await open('phases', data);
    const section = o.page.locator('section', { hasText: 'Data quality: data/prefs_train.jsonl' });
    assert.ok(await section.isVisible());
    const issues = section.locator('li.dq-issue');
    const ids = await issues.evaluateAll((els) => els.map((e) => e.getAttribute('data-issue')));
    assert.deepEqual(ids, (result['issues'] as { id: string }[]).map((i) => i.id));
    await section.locator('li[data-issue="exact_duplicate_rows"] button.line-link', { hasText: '2991' }).click();
    await section.locator('li[data-issue="leaked_prompts"] button.line-link', { hasText: '101' }).click();
    const opens = (await posted(o.page)).filter((m) => m.type === 'openFile');
    assert.deepEqual(opens, [
      { type: 'openFile', path: train, range: { line: 2990 } },
      { type: 'openFile', path: evalFile, range: { line: 100 } },
    ]);
    assert.match(await section.innerText(), /Quality score\s+94\.2/);
    await inked(o.page, 'dq-0-length');
    assert.ok((await section.locator('ol.dq-clusters li').count()) > 0, 'near-duplicate clusters listed');
    await assertClean(o);
    await o.page.close();
  });

  test('keyboard moves between tabs; a theme change redraws the charts in the new colours', async () => {
    const o = await open('phases');
    await o.page.locator('vscode-panel-tab', { hasText: 'Data collection' }).focus();
    await o.page.keyboard.press('ArrowRight');
    await o.page.waitForFunction(() => document.querySelector('vscode-panels')?.getAttribute('activeid') === 'tab-training');
    assert.ok(await o.page.locator('figure[data-chart="training-loss"]').isVisible());
    const background = () => o.page.evaluate(() => {
      const c = document.querySelector<HTMLCanvasElement>('#chart-training-loss')!;
      return Array.from(c.getContext('2d')!.getImageData(1, 1, 1, 1).data.slice(0, 3));
    });
    const light = await background();
    await sendToView(o.page, { type: 'theme', kind: 'dark' });
    await rendered(o.page, 2);
    const dark = await background();
    assert.ok(light[0]! > 200 && dark[0]! < 60, `canvas background follows the theme: ${light} then ${dark}`);
    await sendToView(o.page, { type: 'theme', kind: 'high-contrast' });
    await rendered(o.page, 3);
    assert.deepEqual(await background(), [0, 0, 0]);
    await inked(o.page, 'training');
    // The "Open in dashboard" lens of an evaluation stage opens on the Evaluation tab.
    await sendToView(o.page, { type: 'setData', view: 'phases', data: fixture(), focus: 'evaluation' });
    await rendered(o.page, 4);
    assert.equal(await o.page.evaluate(() => document.querySelector('vscode-panels')?.getAttribute('activeid')), 'tab-evaluation');
    await assertClean(o);
    await o.page.close();
  });

  test('an error before any data shows as a banner in place of the loading line', async () => {
    const page = await browser.newPage();
    const problems = await instrument(page, { vscode: true });
    await page.goto(`${served.origin}/calibration.html`);
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length > 0);
    await sendToView(page, { type: 'error', message: 'workspace is not trusted: RLHF Lens runs no analyses in untrusted workspaces' });
    await page.waitForSelector('.banner.error:not([hidden])');
    assert.match(await page.locator('.banner.error').innerText(), /not trusted/);
    assert.equal(await page.locator('main').innerText(), 'No results to show.');
    await assertClean({ page, problems });
    await page.close();
  });

  test('a message that breaks the contract is rejected with a banner, not half-drawn', async () => {
    const o = await open('calibration');
    const warnings: string[] = [];
    o.page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    const bad = fixture() as { calibration: { result: { ece: unknown } } };
    bad.calibration.result.ece = 'high';
    await sendToView(o.page, { type: 'setData', view: 'calibration', data: bad });
    await o.page.waitForSelector('.banner.error:not([hidden])');
    assert.match(await o.page.locator('.banner.error').innerText(), /calibration\.result\.ece: expected finite number, got string/);
    assert.match(await o.page.locator('main').innerText(), /ECE\s+0\.0471/, 'the last good data stays on screen');
    assert.equal(warnings.length, 1);
    await assertClean(o);
    await o.page.close();
  });
});
