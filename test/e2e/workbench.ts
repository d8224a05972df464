/**
 * Drives the VS Code workbench in Debian's chromium the way a user does: command palette, quick
 * open, keyboard, the Problems panel, the explorer's context menu, webview frames. Every wait has a
 * deadline and fails with what the page showed instead.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

export class Workbench {
  constructor(
    readonly page: Page,
    private readonly shotsDir: string,
  ) {}

  static async open(browser: Browser, url: string, shotsDir: string): Promise<Workbench> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 60_000 });
    return new Workbench(page, shotsDir);
  }

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(this.shotsDir, { recursive: true });
    const file = path.join(this.shotsDir, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  private quickInput() {
    return this.page.locator('.quick-input-widget');
  }

  /** Runs a command by its palette title, e.g. "RLHF Lens: Open Dashboard". */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.quickInput().locator('input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    const row = this.quickInput().locator('.monaco-list-row', { hasText: title }).first();
    await row.waitFor({ timeout: 10_000 });
    await row.click();
  }

  /** Opens a workspace file through quick open; resolves when its editor tab is active. */
  async openFile(relativePath: string): Promise<void> {
    // Quick Open is driven by keystrokes; on a loaded machine a keystroke can land before the
    // workbench has moved focus back from a panel. One more attempt from a clean state covers that.
    for (let attempt = 1; ; attempt++) {
      try {
        await this.quickOpen(relativePath);
        return;
      } catch (err) {
        if (attempt >= 2) throw err;
        await this.page.keyboard.press('Escape');
        await this.page.locator('.monaco-editor').first().click({ position: { x: 5, y: 5 } }).catch(() => undefined);
      }
    }
  }

  private async quickOpen(relativePath: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.quickInput().locator('input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(relativePath);
    const name = path.basename(relativePath);
    // Wait until filtering has put the file first: before that, Enter opens the most recent file.
    await this.quickInput().locator('.monaco-list-row.focused', { hasText: name }).first().waitFor({ timeout: 15_000 });
    await this.page.keyboard.press('Enter');
    await this.page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 15_000 });
    await this.page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 15_000 });
  }

  /** Puts the cursor at a 1-based line and column of the active editor. */
  async goTo(line: number, column: number): Promise<void> {
    await this.page.keyboard.press('Control+G');
    const input = this.quickInput().locator('input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`:${line}:${column}`);
    await this.page.keyboard.press('Enter');
    await input.waitFor({ state: 'hidden', timeout: 10_000 });
  }

  /** Saves the active editor after an edit (which lands asynchronously; callers check the disk). */
  async save(): Promise<void> {
    await this.page.locator('.tab.active.dirty').waitFor({ timeout: 3_000 }).catch(() => undefined);
    await this.page.keyboard.press('Control+S');
    await this.page.locator('.tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 });
  }

  /** Shows the Problems panel and returns the text of each row once `ready` accepts them. */
  async problems(ready: (rows: string[]) => boolean, timeoutMs = 30_000): Promise<string[]> {
    if (!(await this.page.locator('.markers-panel').isVisible())) await this.page.keyboard.press('Control+Shift+M');
    await this.page.locator('.markers-panel').waitFor({ timeout: 10_000 });
    const deadline = Date.now() + timeoutMs;
    let rows: string[] = [];
    while (Date.now() < deadline) {
      rows = await this.page.locator('.markers-panel .monaco-list-row').allTextContents();
      if (ready(rows)) return rows;
      await this.page.waitForTimeout(250);
    }
    throw new Error(`Problems panel never showed what was expected; it showed:\n${rows.join('\n')}`);
  }

  /** Shows the hover at the cursor and returns its text. */
  async hoverAtCursor(): Promise<string> {
    // Ctrl+K Ctrl+I, "Show or Focus Hover"; through the palette the hover loses focus and closes.
    // Asked again until it shows: a language server that is still starting answers with nothing.
    const hover = this.page.locator('.monaco-hover:not(.hidden) .monaco-hover-content').first();
    const deadline = Date.now() + 30_000;
    for (;;) {
      await this.page.keyboard.press('Control+K');
      await this.page.keyboard.press('Control+I');
      const shown = await hover.waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false);
      if (shown) break;
      if (Date.now() > deadline) throw new Error('no hover appeared at the cursor within 30 s');
    }
    let text = '';
    do {
      text = (await hover.textContent()) ?? '';
      if (!text.includes('(loading...)')) break;
      await this.page.waitForTimeout(200);
    } while (Date.now() < deadline);
    return text;
  }

  /** Triggers completion at the cursor; returns the label of the focused suggestion. */
  async triggerSuggest(): Promise<string> {
    const focused = this.page.locator('.suggest-widget.visible .monaco-list-row.focused');
    await this.untilShown('completion list', () => this.page.keyboard.press('Control+Space'), focused, () => this.page.locator('.suggest-widget').allTextContents());
    return ((await focused.locator('.label-name').first().textContent()) ?? '').trim();
  }

  /** Opens the quick-fix menu at the cursor and applies the action with this title; returns the attempts. */
  async applyQuickFix(title: string): Promise<number> {
    const item = this.page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
    // Ctrl+. first; on later attempts the lightbulb, as a user would click it, when it shows.
    const lightbulb = this.page.locator('.editor-instance .lightBulbWidget').first();
    let presses = 0;
    const open = async () => {
      if (presses++ % 2 === 1 && (await lightbulb.isVisible())) await lightbulb.click();
      else await this.page.keyboard.press('Control+.');
    };
    const attempts = await this.untilShown(`quick fix "${title}"`, open, item, () => this.page.locator('.action-widget, .monaco-editor-overlaymessage').allTextContents());
    await item.click();
    return attempts;
  }

  /**
   * Presses `open` until `target` shows, closing what showed instead between attempts. One press can
   * be answered with nothing on a loaded machine: the request races the server's re-check of a file
   * just opened (VS Code then says "No code actions available"), or the key lands before focus has
   * come back to the editor. Returns the number of presses; the error names what the page showed.
   */
  private async untilShown(what: string, open: () => Promise<void>, target: Locator, shown: () => Promise<string[]>, timeoutMs = 45_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let seen: string[] = [];
    for (let attempt = 1; ; attempt++) {
      await open();
      if (await target.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false)) return attempt;
      seen = await shown().catch(() => []);
      if (Date.now() > deadline) throw new Error(`no ${what} appeared within ${timeoutMs / 1000} s; the page showed: ${seen.join(' | ').slice(0, 500) || '(nothing)'}`);
      await this.page.keyboard.press('Escape');
      await this.page.waitForTimeout(500);
    }
  }

  /** Right-clicks an explorer entry (its parent folders already expanded) and picks a menu item. */
  async explorerContextMenu(relativePath: string, item: string): Promise<void> {
    const parts = relativePath.split('/');
    for (let i = 0; i < parts.length; i++) {
      const row = this.page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${parts[i]}"], .explorer-folders-view .monaco-list-row:has(.label-name:text-is("${parts[i]}"))`).first();
      await row.waitFor({ timeout: 15_000 });
      if (i < parts.length - 1) {
        if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
      } else {
        await row.click({ button: 'right' });
      }
    }
    const menuItem = this.page.locator('.context-view .action-item .action-label', { hasText: item }).first();
    await menuItem.waitFor({ state: 'visible', timeout: 10_000 });
    await menuItem.click();
    // A click that lands while the menu is still settling only highlights the item; Enter runs it.
    const menu = this.page.locator('.context-view .monaco-menu');
    if (!(await menu.waitFor({ state: 'hidden', timeout: 3_000 }).then(() => true, () => false))) {
      await this.page.keyboard.press('Enter');
      await menu.waitFor({ state: 'hidden', timeout: 5_000 });
    }
  }

  /** Waits for a webview (not one of `existing`) whose document contains `selector`; returns its frame. */
  async webviewWith(selector: string, timeoutMs = 30_000, existing: ReadonlySet<Frame> = new Set()): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame() || existing.has(frame)) continue;
        try {
          if ((await frame.locator(selector).count()) > 0) return frame;
        } catch {
          // the frame navigated away while we looked
        }
      }
      await this.page.waitForTimeout(300);
    }
    throw new Error(`no webview showed ${selector} within ${timeoutMs} ms`);
  }

  /** Visible notification toasts' texts. */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notifications-toasts .notification-list-item-message').allTextContents();
  }
}

/** Polls `read` until `accept` takes its value; fails with the last value seen. */
export async function eventually<T>(what: string, read: () => T, accept: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = read();
  while (!accept(value)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
    value = read();
  }
  return value;
}

/** Counts the painted (non-transparent) pixels of every canvas in a frame. */
export async function paintedPixels(frame: Frame): Promise<number[]> {
  return frame.evaluate(() =>
    Array.from(document.querySelectorAll('canvas')).map((c) => {
      const ctx = c.getContext('2d');
      if (!ctx || c.width === 0 || c.height === 0) return 0;
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    }),
  );
}

/** The rows of a tree view in the side bar, by its title ("Configs"), as text. */
export async function viewRows(page: Page, title: string): Promise<string[]> {
  return page.locator(`.pane:has(.pane-header .title:text-is("${title}")) .monaco-list-row`).allTextContents();
}
