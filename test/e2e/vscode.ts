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

/**
 * Right-clicks an explorer row and picks a context-menu entry, as a user would. Right after the window
 * opens the menu may not hold the extension's entries yet (extensions still being scanned): retried.
 */
export async function explorerMenu(page: Page, name: string, entry: string, shot?: (name: string) => Promise<unknown>): Promise<void> {
  const row = page.locator('.explorer-folders-view .monaco-list-row').filter({ hasText: new RegExp(`^${name.replace(/[.]/g, '\\.')}$`) }).first();
  await row.waitFor({ timeout: 30_000 });
  await page.keyboard.press('Escape'); // a menu or notification left open by a previous step
  const item = page.locator('.monaco-menu .action-item').filter({ hasText: entry }).first();
  let shown: string[] = [];
  for (let attempt = 1; attempt <= 4; attempt++) {
    await row.click({ button: 'right' });
    try {
      await item.waitFor({ timeout: 5_000 });
      // Menus act on mouse-up and ignore the first one right after opening: hover the entry, press Enter.
      await page.waitForTimeout(300);
      await item.hover();
      await page.keyboard.press('Enter');
      await page.locator('.monaco-menu').first().waitFor({ state: 'hidden', timeout: 5_000 });
      return;
    } catch {
      shown = await page.locator('.monaco-menu .action-label').allInnerTexts().catch(() => []);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(5_000);
    }
  }
  await shot?.(`menu-missing-${entry.replace(/\W+/g, '-')}`);
  throw new Error(`the context menu of ${name} has no "${entry}" (it shows: ${shown.join(' | ')})`);
}

/**
 * Switches the colour theme with the Color Theme picker, as a user does (the row clicked by its exact
 * title: the first row for this text is "Browse Color Themes in Marketplace"), and waits for the workbench.
 */
export async function chooseColorTheme(page: Page, theme: string): Promise<void> {
  await page.keyboard.press('F1');
  await page.locator('.quick-input-widget input').fill('>Preferences: Color Theme');
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: /^Preferences: Color Theme/ }).first().click({ timeout: 30_000 });
  // the picker itself (not the command palette still closing): its placeholder names color themes
  const input = page.locator('.quick-input-widget input[placeholder*="Color Theme"]');
  await input.waitFor({ timeout: 30_000 });
  await input.fill(theme);
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: theme }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
  await page.locator(`.monaco-workbench.${/dark/i.test(theme) ? 'vs-dark' : 'vs'}`).waitFor({ timeout: 60_000 });
  await page.waitForTimeout(2_000); // the webviews get the new theme variables
}
