/** Playwright helpers for driving VS Code (code-server) in Chromium. */
import type { Locator, Page } from 'playwright-core';

/** Waits until the workbench is up and the explorer shows the workspace. */
export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 60_000 });
}

/** Opens a workspace file with Quick Open (Ctrl+P), as a user would. */
/** Keyboard focus into the workbench (a fresh page has it nowhere, so shortcuts would go nowhere). */
async function focusWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 }, force: true }).catch(() => {});
}

export async function quickOpen(page: Page, fileName: string, shownAs = fileName): Promise<void> {
  await focusWorkbench(page);
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(fileName);
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: shownAs }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** Runs a command palette entry by its title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await focusWorkbench(page);
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

/**
 * A locator for `selector` inside whichever visible webview shows it: each open notebook has its own
 * webview iframe (outputs and rendered markdown live there), as do panels and custom editors, so this
 * polls all of them (frames of background tabs are hidden and skipped).
 */
async function onScreen(page: Page, el: Locator): Promise<boolean> {
  if (!(await el.isVisible().catch(() => false))) return false;
  const box = await el.boundingBox().catch(() => null);
  const view = page.viewportSize() ?? { width: 1400, height: 900 };
  return !!box && box.width > 0 && box.height > 0 && box.x < view.width && box.y < view.height && box.x + box.width > 0 && box.y + box.height > 0;
}

export async function inWebviews(page: Page, selector: string, timeoutMs = 60_000): Promise<Locator> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frames = page.locator('iframe.webview.ready');
    const count = await frames.count();
    for (let i = 0; i < count; i++) {
      // A webview of an editor in a background tab keeps its content but its frame is hidden or moved
      // off screen: only frames that overlap the window count.
      if (!(await onScreen(page, frames.nth(i)))) continue;
      const found = frames.nth(i).contentFrame().locator('#active-frame').contentFrame().locator(selector).first();
      if (await found.isVisible().catch(() => false)) return found;
    }
    if (Date.now() > deadline) throw new Error(`no notebook webview shows ${selector} after ${timeoutMs / 1000} s`);
    await page.waitForTimeout(250);
  }
}
