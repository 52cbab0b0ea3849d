/** Playwright helpers for driving VS Code (code-server) in Chromium. */
import type { Page } from 'playwright-core';

/** Waits until the workbench is up and the explorer shows the workspace. */
export async function waitForWorkbench(page: Page): Promise<void> {
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor({ timeout: 60_000 });
}

/** Opens a workspace file with Quick Open (Ctrl+P), as a user would. */
export async function quickOpen(page: Page, fileName: string, shownAs = fileName): Promise<void> {
  await page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 }, force: true }).catch(() => {});
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(fileName);
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: shownAs }).first().waitFor();
  await page.keyboard.press('Enter');
}

/** Runs a command palette entry by its title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}
