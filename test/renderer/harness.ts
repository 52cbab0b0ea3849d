// Shared setup for the renderer tests and benchmark: Debian's Chromium through playwright-core, a static
// page served from memory at http://lungcam.test/ (no port, no server process), the built renderer bundle.
import { chromium, type Browser, type Page } from 'playwright-core';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const BUNDLE = path.join(ROOT, 'dist', 'webview', 'renderer.js');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'renderer');
export const CHROMIUM = process.env.LUNGCAM_CHROMIUM ?? '/usr/bin/chromium';
const ORIGIN = 'http://lungcam.test';

export async function launch(): Promise<Browser> {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build first`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export type Theme = 'light' | 'dark' | 'high-contrast';

/** A page with the renderer loaded; `files` are extra in-memory responses (e.g. fixture JSON). */
export async function openPage(browser: Browser, theme: Theme = 'light', files: Record<string, string> = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 1000 }, acceptDownloads: true, deviceScaleFactor: 1 });
  const page = await context.newPage();
  // tsx (esbuild keepNames) wraps named functions in __name(...): functions passed to page.evaluate need it too.
  await page.addInitScript('window.__name = (f) => f;');
  await page.route(`${ORIGIN}/**`, async (route) => {
    const url = new URL(route.request().url());
    const p = url.pathname;
    if (p === '/page.html') return route.fulfill({ body: readFileSync(path.join(__dirname, 'page.html')), contentType: 'text/html' });
    if (p === '/renderer.js') return route.fulfill({ body: readFileSync(BUNDLE), contentType: 'text/javascript' });
    if (p in files) return route.fulfill({ body: files[p], contentType: 'application/json' });
    return route.fulfill({ status: 404, body: 'not found' });
  });
  page.on('dialog', (d) => {
    void page.evaluate(() => { (window as unknown as { __alerts: number }).__alerts++; }).catch(() => {});
    void d.dismiss();
  });
  await page.goto(`${ORIGIN}/page.html?theme=${theme}`);
  await page.waitForFunction(() => (window as unknown as { rendererReady?: boolean }).rendererReady === true);
  return page;
}

export interface RenderResult {
  id: string;
  renderMs: number;
  paintMs: number;
}

export async function render(page: Page, mime: string, output: unknown, options: { trusted?: boolean; messaging?: boolean } = {}): Promise<RenderResult> {
  return page.evaluate(([m, text, o]) => (window as unknown as { renderOutput: (...a: unknown[]) => Promise<RenderResult> }).renderOutput(m, text, o), [mime, JSON.stringify(output), options] as const);
}
