/**
 * The quickstart in VS Code, as a user runs it: code-server with LungCAM under development, a copy of
 * samples/notebooks/quickstart.lungnb (the sample itself is never touched), "Notebook: Run All", then the
 * layer and class dropdowns in the Grad-CAM output are switched and the view must change. Screenshots
 * in a light and a dark colour theme: test-artifacts/e2e/quickstart-light.png and quickstart-dark.png.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { inWebviews, quickOpen, runCommand } from './vscode';
import { root, startSession, type Session } from './lib/session';

const SAMPLE = 'S003_1b1_Lr_sc_SYNTH';
const LIGHT = 'Default Light Modern';
const DARK = 'Default Dark Modern';
let session: Session;
const shot = (page: Page, name: string) => session.shot(name, page);

/** What the CAM view shows: its layer × class, a digest of the overlay's pixels, and its colours. */
function camState(cam: Locator) {
  return cam.evaluate((el: HTMLElement) => {
    const c = el.querySelector('canvas.lc-cam-overlay') as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let hash = 0;
    for (let i = 0; i < d.length; i += 4) hash = (hash * 31 + d[i] * 7 + d[i + 1] * 3 + d[i + 2]) | 0;
    // The colour behind the view: the first ancestor with an opaque background.
    let bg = 'rgba(0, 0, 0, 0)';
    for (let n: HTMLElement | null = el; n; n = n.parentElement) {
      const b = getComputedStyle(n).backgroundColor;
      if (b && b !== 'transparent' && !/rgba\(.*, 0\)$/.test(b)) { bg = b; break; }
    }
    // Transparent all the way up: the output shows the editor behind it (the colour the theme gives it).
    if (bg === 'rgba(0, 0, 0, 0)') {
      const probe = document.createElement('div');
      probe.style.backgroundColor = 'var(--vscode-editor-background)';
      document.body.append(probe);
      bg = getComputedStyle(probe).backgroundColor;
      probe.remove();
    }
    return { layer: el.dataset.layer, className: el.dataset.className, hash, background: bg, text: getComputedStyle(el).color };
  });
}

/** Relative luminance 0..1 of a CSS rgb()/rgba() colour. */
function luminance(css: string): number {
  const m = css.match(/[\d.]+/g);
  assert.ok(m && m.length >= 3, `a colour: ${css}`);
  const [r, g, b] = m.slice(0, 3).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}

/**
 * Scrolls the notebook (mouse wheel over the cell list, as a user would) until `target` sits in its upper
 * part with room below for an opened dropdown list. The output webview is positioned by the notebook,
 * so scrolling inside the webview (Playwright's own scroll-into-view) would not bring it on screen.
 */
async function bringOnScreen(page: Page, list: Locator, target: Locator): Promise<{ x: number; y: number }> {
  const area = (await list.boundingBox())!;
  for (let i = 0; i < 20; i++) {
    const b = await target.boundingBox();
    assert.ok(b, 'the control has a size');
    const wanted = area.y + area.height * 0.3;
    if (b!.y >= area.y + 20 && b!.y + b!.height <= area.y + area.height - 250) return { x: b!.x + b!.width / 2, y: b!.y + b!.height / 2 };
    await page.mouse.move(area.x + area.width / 2, area.y + area.height / 2);
    await page.mouse.wheel(0, b!.y - wanted);
    await page.waitForTimeout(400);
  }
  throw new Error('could not scroll the control on screen');
}

/** Scrolls the notebook so the top of `target` sits at the top of the cell list (the whole view on screen for a screenshot). */
async function scrollToTop(page: Page, list: Locator, target: Locator): Promise<void> {
  const area = (await list.boundingBox())!;
  for (let i = 0; i < 8; i++) {
    const b = (await target.boundingBox())!;
    const delta = b.y - (area.y + 10);
    if (Math.abs(delta) < 20) return;
    await page.mouse.move(area.x + area.width / 2, area.y + area.height / 2);
    await page.mouse.wheel(0, delta);
    await page.waitForTimeout(400);
  }
}

/** Picks another option in a dropdown of the CAM view: the mouse first (open, click the option), else the arrow keys. */
async function chooseOther(page: Page, list: Locator, cam: Locator, control: 'layer' | 'class', current: string): Promise<string> {
  const dd = cam.locator(`vscode-dropdown[data-control="${control}"]`);
  const values = await dd.locator('vscode-option').evaluateAll((os) => os.map((o) => o.getAttribute('value') ?? ''));
  const next = values.find((v) => v !== current);
  assert.ok(next, `the ${control} dropdown offers more than ${current} (${values.join(', ')})`);
  const valueNow = () => dd.evaluate((e) => (e as HTMLElement & { value: string }).value);
  const option = dd.locator(`vscode-option[value="${next}"]`);
  const at = await bringOnScreen(page, list, dd);
  await page.mouse.click(at.x, at.y);
  const opened = await option.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
  if (opened) {
    const ob = (await option.boundingBox())!;
    await page.mouse.click(ob.x + ob.width / 2, ob.y + ob.height / 2);
    await page.waitForTimeout(500); // one redraw
    if ((await valueNow()) === next) return next!;
  }
  // In code-server the click into the output hands the focus back to the notebook, which closes the
  // list before the option is clicked: pick with the keyboard instead (focus the dropdown, arrow keys).
  console.log(`# ${control}: the mouse did not pick ${next} (list shown: ${opened}); using the arrow keys`);
  await page.keyboard.press('Escape');
  const steps = values.indexOf(next!) - values.indexOf(current);
  for (let i = 0; i < Math.abs(steps); i++) await dd.press(steps > 0 ? 'ArrowDown' : 'ArrowUp');
  await page.waitForTimeout(500);
  if ((await valueNow()) === next) return next!;
  throw new Error(`could not pick ${next} in the ${control} dropdown`);
}

describe('the quickstart notebook in VS Code: run all, switch layer and class, light and dark theme', () => {
  let page: Page;
  let runDir: string;

  before(async () => {
    session = await startSession({
      name: 'e2e-quickstart',
      extension: 'dev',
      settings: { 'workbench.colorTheme': LIGHT },
      viewport: { width: 1400, height: 1000 },
      shotPrefix: 'quickstart-',
      prepare: (dir) => {
        // The quickstart's relative paths (../wav, ../models) resolved in a workspace of its own: the
        // recording copied, the shipped models linked (only read).
        const workspace = path.join(dir, 'workspace');
        mkdirSync(path.join(workspace, 'notebooks'), { recursive: true });
        mkdirSync(path.join(workspace, 'wav'));
        for (const f of readdirSync(path.join(root, 'samples', 'wav')).filter((f) => f.startsWith(SAMPLE))) {
          copyFileSync(path.join(root, 'samples', 'wav', f), path.join(workspace, 'wav', f));
        }
        symlinkSync(path.join(root, 'samples', 'models'), path.join(workspace, 'models'), 'dir');
        copyFileSync(path.join(root, 'samples', 'notebooks', 'quickstart.lungnb'), path.join(workspace, 'notebooks', 'quickstart.lungnb'));
        return workspace;
      },
    });
    ({ page, runDir } = session);
  });

  after(() => session?.close());

  it('runs every cell; switching layer and class redraws the CAM view; it follows the light and the dark theme', async () => {
    await session.guard(async () => {
      assert.ok(await page.locator('.monaco-workbench.vs').count() === 1, 'the workbench starts in the light theme');
      await quickOpen(page, 'quickstart.lungnb');
      await page.locator('.tabs-container .tab.active').filter({ hasText: 'quickstart.lungnb' }).waitFor({ timeout: 60_000 });
      await page.locator('.notebookOverlay:visible .cell.code .view-lines').filter({ hasText: /lc\.readWav/ }).first().waitFor({ timeout: 60_000 });
      await runCommand(page, 'Notebook: Run All');

      // Outputs are drawn when their cell is near the viewport: scroll down while the cells run
      // (the kernel starts tslab and TensorFlow.js first) until the last cell's Grad-CAM view is there.
      const list = page.locator('.notebookOverlay:visible .cell-list-container').first();
      const deadline = Date.now() + 360_000;
      let cam: Locator | undefined;
      while (!cam && Date.now() < deadline) {
        cam = await inWebviews(page, '.lungcam.lc-cam', 2_000).catch(() => undefined);
        if (!cam) {
          if (await page.locator('.notebookOverlay:visible .codicon-notebook-state-error').count()) break;
          await list.hover().catch(() => {});
          await page.mouse.wheel(0, 600);
        }
      }
      if (!cam) await shot(page, 'failed');
      assert.ok(cam, 'the Grad-CAM view is drawn after Run All');
      assert.strictEqual(await page.locator('.notebookOverlay:visible .codicon-notebook-state-error').count(), 0, 'no cell failed');
      for (let i = 0; i < 3; i++) await page.mouse.wheel(0, 500); // the whole view on screen
      await page.waitForTimeout(1_000);

      const start = await camState(cam!);
      console.log(`# CAM view: layer ${start.layer}, class ${start.className}`);
      assert.ok(start.layer && start.className, 'the view names its layer and class');
      const layer = await chooseOther(page, list, cam!, 'layer', start.layer!);
      const afterLayer = await camState(cam!);
      assert.strictEqual(afterLayer.layer, layer, 'the view shows the chosen layer');
      assert.notStrictEqual(afterLayer.hash, start.hash, 'a layer switch redraws the overlay');
      const cls = await chooseOther(page, list, cam!, 'class', start.className!);
      const afterClass = await camState(cam!);
      assert.strictEqual(afterClass.className, cls, 'the view shows the chosen class');
      assert.strictEqual(afterClass.layer, layer);
      assert.notStrictEqual(afterClass.hash, afterLayer.hash, 'a class switch redraws the overlay');
      console.log(`# switched to layer ${layer}, class ${cls}; light: background ${afterClass.background}, text ${afterClass.text}`);
      await scrollToTop(page, list, cam!);
      await shot(page, 'light');
      assert.ok(luminance(afterClass.background) > 0.8, `light theme: a light background behind the view (${afterClass.background})`);
      assert.ok(luminance(afterClass.text) < 0.5, `light theme: dark text (${afterClass.text})`);

      // The user switches to the dark theme with the Color Theme picker.
      // (clicked by its exact title: the first row for this text is "Browse Color Themes in Marketplace")
      await page.keyboard.press('F1');
      await page.locator('.quick-input-widget input').fill('>Preferences: Color Theme');
      await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: /^Preferences: Color Theme/ }).first().click({ timeout: 30_000 });
      // the picker itself (not the command palette still closing): its placeholder names color themes
      const input = page.locator('.quick-input-widget input[placeholder*="Color Theme"]');
      await input.waitFor({ timeout: 30_000 });
      await input.fill(DARK);
      const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: DARK }).first();
      await row.waitFor({ timeout: 30_000 });
      await row.click();
      await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 60_000 });
      await page.waitForTimeout(2_000); // the webview gets the new theme variables
      const dark = await camState(cam!);
      const saved = JSON.parse(readFileSync(path.join(runDir, 'user-data', 'User', 'settings.json'), 'utf8'));
      assert.strictEqual(saved['workbench.colorTheme'], DARK, 'the picker saved the dark theme in the user settings');
      console.log(`# dark: background ${dark.background}, text ${dark.text}`);
      await scrollToTop(page, list, cam!);
      await shot(page, 'dark');
      assert.strictEqual(dark.layer, layer, 'the theme change keeps the chosen layer');
      assert.strictEqual(dark.className, cls, 'the theme change keeps the chosen class');
      assert.ok(luminance(dark.background) < 0.25, `dark theme: a dark background behind the view (${dark.background})`);
      assert.ok(luminance(dark.text) > 0.6, `dark theme: light text (${dark.text})`);
    });
  });
});
