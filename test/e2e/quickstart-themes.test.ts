/**
 * The quickstart in VS Code, as a user runs it: code-server with LungCAM under development, a copy of
 * samples/notebooks/quickstart.lungnb without its outputs (the sample itself is never touched), "Notebook: Run All", then:
 * the view starts with the `lungcam.colormap` setting and follows a change of it; the layer and class
 * dropdowns in the Grad-CAM output are switched with the mouse and the view must change; the method
 * dropdown asks for gradcam++, which is recomputed and replaces the output in the notebook (saved in the
 * .lungnb). Screenshots in a light and a dark colour theme: test-artifacts/e2e/quickstart-light.png,
 * quickstart-dark.png, and quickstart-gradcam++.png after the method change.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { chooseColorTheme, inWebviews, quickOpen, runCommand } from './vscode';
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
    const title = el.querySelector('.lc-title')?.textContent ?? '';
    return { layer: el.dataset.layer, className: el.dataset.className, colormap: el.dataset.colormap, title, hash, background: bg, text: getComputedStyle(el).color };
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

/**
 * Picks an option in a dropdown of the CAM view with the mouse only, as a user does: click the dropdown,
 * wait for its list, click the option (another one than `current`, or `wanted`). No keyboard fallback: a
 * list that closes before the option is clicked fails the test.
 */
async function chooseWithMouse(page: Page, list: Locator, cam: Locator, control: 'layer' | 'class' | 'method', current: string, wanted?: string): Promise<string> {
  const dd = cam.locator(`vscode-dropdown[data-control="${control}"]`);
  const values = await dd.locator('vscode-option').evaluateAll((os) => os.map((o) => o.getAttribute('value') ?? ''));
  const next = wanted ?? values.find((v) => v !== current);
  assert.ok(next && values.includes(next), `the ${control} dropdown offers ${wanted ?? `more than ${current}`} (${values.join(', ')})`);
  const option = dd.locator(`vscode-option[value="${next}"]`);
  const at = await bringOnScreen(page, list, dd);
  await page.mouse.click(at.x, at.y);
  await option.waitFor({ state: 'visible', timeout: 5_000 });
  const ob = (await option.boundingBox())!;
  await page.mouse.click(ob.x + ob.width / 2, ob.y + ob.height / 2);
  await page.waitForTimeout(500); // one redraw
  assert.strictEqual(await dd.evaluate((e) => (e as HTMLElement & { value: string }).value), next, `a mouse click on ${next} picks it in the ${control} dropdown`);
  return next!;
}

/** The CAM output saved in the notebook file: its method and requestId. */
function savedCam(file: string): { method: string; requestId?: string } {
  const nb = JSON.parse(readFileSync(file, 'utf8')) as { cells: { outputs?: { data?: Record<string, unknown> }[] }[] };
  const cams = nb.cells.flatMap((c) => c.outputs ?? []).map((o) => o.data?.['application/vnd.lungcam.cam+json'] as { method: string; requestId?: string } | undefined).filter((c) => !!c);
  assert.strictEqual(cams.length, 1, 'one CAM output in the saved notebook');
  return cams[0]!;
}

describe('the quickstart notebook in VS Code: run all, colour map setting, layer, class and method with the mouse, light and dark theme', () => {
  let page: Page;
  let runDir: string;

  before(async () => {
    session = await startSession({
      name: 'e2e-quickstart',
      extension: 'dev',
      settings: { 'workbench.colorTheme': LIGHT, 'lungcam.colormap': 'inferno' },
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
        // The sample ships with its outputs: the copy starts without them, so every view on screen is drawn by this run.
        const nb = JSON.parse(readFileSync(path.join(root, 'samples', 'notebooks', 'quickstart.lungnb'), 'utf8')) as { cells: { cell_type: string; outputs?: unknown[]; execution_count?: number | null }[] };
        for (const c of nb.cells.filter((c) => c.cell_type === 'code')) Object.assign(c, { outputs: [], execution_count: null });
        writeFileSync(path.join(workspace, 'notebooks', 'quickstart.lungnb'), JSON.stringify(nb, null, 1));
        return workspace;
      },
    });
    ({ page, runDir } = session);
  });

  after(() => session?.close());

  it('runs every cell; colour map from the settings; mouse switches layer, class and method (recomputed, saved); light and dark theme', async () => {
    await session.guard(async () => {
      assert.ok(await page.locator('.monaco-workbench.vs').count() === 1, 'the workbench starts in the light theme');
      await quickOpen(page, 'quickstart.lungnb');
      await page.locator('.tabs-container .tab.active').filter({ hasText: 'quickstart.lungnb' }).waitFor({ timeout: 60_000 });
      await page.locator('.notebookOverlay:visible .cell.code .view-lines').filter({ hasText: /lc\.readWav/ }).first().waitFor({ timeout: 60_000 });
      await runCommand(page, 'Notebook: Run All');

      // Outputs are drawn when their cell is near the viewport: scroll down while the cells run
      // (the kernel starts tslab and TensorFlow.js first) until the last cell's Grad-CAM view is there.
      const list = page.locator('.notebookOverlay:visible .cell-list-container').first();
      // An output that arrives while its cell is scrolled past is drawn only when the cell comes back into
      // view: every few steps go to the last cell and three up (past "Next" and "Your own recording", to the
      // Grad-CAM cell), as a keyboard user would.
      const deadline = Date.now() + 360_000;
      let cam: Locator | undefined;
      for (let step = 1; !cam && Date.now() < deadline; step++) {
        cam = await inWebviews(page, '.lungcam.lc-cam', 2_000).catch(() => undefined);
        if (cam) break;
        if (await page.locator('.notebookOverlay:visible .codicon-notebook-state-error').count()) break;
        if (step % 4 === 0) {
          await page.keyboard.press('Escape');
          await page.keyboard.press('Control+End');
          for (let up = 0; up < 3; up++) await page.keyboard.press('ArrowUp');
          await page.waitForTimeout(500);
        } else {
          await list.hover().catch(() => {});
          await page.mouse.wheel(0, 600);
        }
      }
      if (!cam) {
        await shot(page, 'failed');
        // What the cells left (saved by VS Code's serializer), to say why there is no view.
        await runCommand(page, 'File: Save').catch(() => {});
        await page.waitForTimeout(2_000);
        const nb = JSON.parse(readFileSync(path.join(session.workspace, 'notebooks', 'quickstart.lungnb'), 'utf8')) as { cells: { cell_type: string; execution_count?: number | null; outputs?: { output_type: string; data?: Record<string, unknown>; ename?: string; evalue?: string; text?: string | string[] }[] }[] };
        for (const c of nb.cells.filter((c) => c.cell_type === 'code')) {
          console.log(`# cell [${c.execution_count ?? ' '}]: ${(c.outputs ?? []).map((o) => o.output_type === 'error' ? `error ${o.ename}: ${o.evalue}` : o.data ? Object.keys(o.data).join('+') : `${o.output_type} ${String(o.text ?? '').slice(0, 200)}`).join(' | ')}`);
        }
      }
      assert.ok(cam, 'the Grad-CAM view is drawn after Run All');
      assert.strictEqual(await page.locator('.notebookOverlay:visible .codicon-notebook-state-error').count(), 0, 'no cell failed');
      for (let i = 0; i < 3; i++) await page.mouse.wheel(0, 500); // the whole view on screen
      await page.waitForTimeout(1_000);

      const start = await camState(cam!);
      const settingsFile = path.join(runDir, 'user-data', 'User', 'settings.json');
      assert.strictEqual(start.colormap, 'inferno', 'a new CAM view starts with the lungcam.colormap setting (inferno here)');
      console.log(`# CAM view: layer ${start.layer}, class ${start.className}, colour map ${start.colormap}`);
      assert.ok(start.layer && start.className, 'the view names its layer and class');

      const layer = await chooseWithMouse(page, list, cam!, 'layer', start.layer!);
      const afterLayer = await camState(cam!);
      assert.strictEqual(afterLayer.layer, layer, 'the view shows the chosen layer');
      assert.notStrictEqual(afterLayer.hash, start.hash, 'a layer switch redraws the overlay');
      const cls = await chooseWithMouse(page, list, cam!, 'class', start.className!);
      const afterClass = await camState(cam!);
      assert.strictEqual(afterClass.className, cls, 'the view shows the chosen class');
      assert.strictEqual(afterClass.layer, layer);
      assert.notStrictEqual(afterClass.hash, afterLayer.hash, 'a class switch redraws the overlay');
      console.log(`# switched to layer ${layer}, class ${cls}; light: background ${afterClass.background}, text ${afterClass.text}`);
      await scrollToTop(page, list, cam!);
      await shot(page, 'light');
      assert.ok(luminance(afterClass.background) > 0.8, `light theme: a light background behind the view (${afterClass.background})`);
      assert.ok(luminance(afterClass.text) < 0.5, `light theme: dark text (${afterClass.text})`);

      // Method: gradcam++ is recomputed through renderer messaging and replaces the output in the notebook.
      const notebookFile = path.join(session.workspace, 'notebooks', 'quickstart.lungnb');
      assert.match(afterClass.title, /gradcam(?!\+)/, 'the view starts with gradcam');
      await chooseWithMouse(page, list, cam!, 'method', 'gradcam', 'gradcam++');
      const recomputed = Date.now();
      await cam!.locator('.lc-title').filter({ hasText: 'gradcam++' }).waitFor({ timeout: 180_000 });
      await page.waitForTimeout(1_000);
      const plus = await camState(cam!);
      console.log(`# gradcam++ after ${((Date.now() - recomputed) / 1000).toFixed(1)} s: ${plus.title}`);
      assert.match(plus.title, /gradcam\+\+/, 'the view names the new method');
      assert.deepStrictEqual([plus.layer, plus.className, plus.colormap], [layer, cls, 'inferno'], 'the recomputed view keeps the layer, class and colour map');
      assert.notStrictEqual(plus.hash, afterClass.hash, 'the overlay shows the gradcam++ map');
      await scrollToTop(page, list, cam!);
      await shot(page, 'gradcam++');

      // The user switches to the dark theme with the Color Theme picker.
      await chooseColorTheme(page, DARK);
      const dark = await camState(cam!);
      const userSettings = JSON.parse(readFileSync(settingsFile, 'utf8'));
      assert.strictEqual(userSettings['workbench.colorTheme'], DARK, 'the picker saved the dark theme in the user settings');
      console.log(`# dark: background ${dark.background}, text ${dark.text}`);
      await scrollToTop(page, list, cam!);
      await shot(page, 'dark');
      assert.strictEqual(dark.layer, layer, 'the theme change keeps the chosen layer');
      assert.strictEqual(dark.className, cls, 'the theme change keeps the chosen class');
      assert.ok(luminance(dark.background) < 0.25, `dark theme: a dark background behind the view (${dark.background})`);
      assert.ok(luminance(dark.text) > 0.6, `dark theme: light text (${dark.text})`);

      // The user changes lungcam.colormap in the Settings editor (beside the notebook): the open view follows.
      await runCommand(page, 'View: Split Editor Right');
      await page.waitForTimeout(2_000);
      await runCommand(page, 'Preferences: Open User Settings');
      await page.locator('.settings-editor .suggest-input-container.synthetic-focus').waitFor({ timeout: 30_000 });
      await page.keyboard.type('lungcam.colormap');
      const setting = page.locator('.settings-editor select[aria-label="lungcam.colormap"]');
      await setting.waitFor({ timeout: 30_000 });
      await setting.selectOption('jet');
      let jet = await camState(cam!);
      for (let i = 0; i < 60 && jet.colormap !== 'jet'; i++) {
        await page.waitForTimeout(500);
        jet = await camState(cam!);
      }
      await page.waitForTimeout(500); // the redraw lands on the next frame
      jet = await camState(cam!);
      assert.strictEqual(JSON.parse(readFileSync(settingsFile, 'utf8'))['lungcam.colormap'], 'jet', 'the Settings editor saved the colour map');
      assert.strictEqual(jet.colormap, 'jet', 'the open CAM view switched to the new lungcam.colormap');
      assert.notStrictEqual(jet.hash, dark.hash, 'and redrew its overlay in the new colours');
      assert.deepStrictEqual([jet.layer, jet.className], [layer, cls], 'keeping its layer and class');
      await shot(page, 'colormap-setting');

      // Saved, the .lungnb holds the recomputed output.
      await runCommand(page, 'File: Save All');
      let saved: { method: string } | undefined;
      for (let i = 0; i < 40 && saved?.method !== 'gradcam++'; i++) {
        await page.waitForTimeout(250);
        saved = savedCam(notebookFile);
      }
      assert.strictEqual(saved!.method, 'gradcam++', 'the saved .lungnb holds the recomputed output');
    });
  });
});
