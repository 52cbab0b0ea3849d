/**
 * A view that tells the truth, in VS Code (code-server + Chromium), on real recordings read in place
 * (../shared/realdata, linked into the workspace): ICBHI 107 (7 of its 8 cycles annotated crackle+wheeze)
 * in Quick Analysis and in a notebook, and a SPRSound recording in Quick Analysis. Each shows the annotation
 * lane with the model's verdict on every cycle and the summary line; resting the mouse on a wrong cycle
 * reads out both labels; dropdown options are picked with the mouse. Screenshots in a light and a dark
 * theme: test-artifacts/e2e/truth-*.png.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { chooseColorTheme, explorerMenu, inWebviews, runCommand } from './vscode';
import { startSession, type Session } from './lib/session';
import { ICBHI_107, noRealData, sprsoundRecording } from '../lib/realdata';

const LIGHT = 'Default Light Modern';
const DARK = 'Default Dark Modern';
const NAME_107 = path.basename(ICBHI_107, '.wav');
const SPRSOUND = noRealData ? null : sprsoundRecording();
let session: Session;

/** The lane as the CAM view shows it: the summary line, its count of wrong cycles, the lane's row labels. */
async function laneOf(cam: Locator): Promise<{ summary: string; wrong: number; rows: string[] }> {
  const verdicts = cam.locator('.lc-verdicts');
  return {
    summary: (await verdicts.textContent()) ?? '',
    wrong: Number(await verdicts.getAttribute('data-wrong')),
    rows: await cam.locator('.lc-lane-label').allTextContents(),
  };
}

/**
 * Moves the mouse along the cycle lane's annotated row (the marks canvas: strip 12 px, gap 3, row 8) until
 * the read-out names a wrong cycle; returns that read-out.
 */
async function hoverWrongCycle(page: Page, cam: Locator): Promise<string> {
  await cam.locator('canvas.lc-marks').scrollIntoViewIfNeeded();
  // In a notebook the output's frame scrolls with the notebook, not by the call above: wheel the notebook
  // until the lane sits in the window, below the notebook's toolbar.
  let marks = (await cam.locator('canvas.lc-marks').boundingBox())!;
  const height = page.viewportSize()?.height ?? 1000;
  for (let i = 0; i < 12 && (marks.y < 160 || marks.y + 40 > height - 40); i++) {
    await page.mouse.move(page.viewportSize()!.width / 2, height / 2);
    await page.mouse.wheel(0, marks.y - height / 3);
    await page.waitForTimeout(500);
    marks = (await cam.locator('canvas.lc-marks').boundingBox())!;
  }
  const readout = cam.locator('.lc-readout');
  for (let step = 1; step < 80; step++) {
    await page.mouse.move(marks.x + (step / 80) * marks.width, marks.y + 19);
    const text = (await readout.textContent()) ?? '';
    if (/ · wrong$/.test(text)) return text;
  }
  throw new Error(`no wrong cycle under the mouse along the lane (read-out: ${await readout.textContent()})`);
}

/**
 * Picks an option of a CAM view dropdown with the mouse alone: the option must lie where it is clicked
 * (nothing of VS Code over it) and the view must show the choice.
 */
async function pickWithMouse(page: Page, cam: Locator, control: string, value: string): Promise<void> {
  const dd = cam.locator(`vscode-dropdown[data-control="${control}"]`);
  await dd.scrollIntoViewIfNeeded();
  const box = (await dd.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const option = dd.locator(`vscode-option[value="${value}"]`);
  await option.waitFor({ state: 'visible', timeout: 5_000 });
  const ob = (await option.boundingBox())!;
  const view = page.viewportSize()!;
  assert.ok(ob.y >= box.y + box.height - 1 && ob.y + ob.height <= view.height, `${control}: the ${value} option opens below the field, on screen (${ob.y}..${ob.y + ob.height})`);
  await page.mouse.click(ob.x + ob.width / 2, ob.y + ob.height / 2);
  await page.waitForTimeout(500); // one redraw
  assert.strictEqual(await dd.evaluate((e) => (e as HTMLElement & { value: string }).value), value, `a mouse click on ${value} picks it in the ${control} dropdown`);
}

/** The CAM view of `fileName` in whichever webview shows it (Quick Analysis panel or notebook output). */
function camOf(page: Page, fileName: string, timeoutMs: number): Promise<Locator> {
  return inWebviews(page, `.lungcam.lc-cam:has-text("${fileName}")`, timeoutMs);
}

describe('the annotation lane on real recordings in VS Code', { skip: noRealData }, () => {
  let page: Page;

  before(async () => {
    session = await startSession({
      name: 'e2e-truth',
      extension: 'dev',
      settings: { 'workbench.colorTheme': LIGHT },
      viewport: { width: 1400, height: 1000 },
      shotPrefix: 'truth-',
      prepare: (dir) => {
        // The real recordings are linked, not copied (they are not the project's to copy); the notebook
        // LungCAM writes beside the WAV lands in this workspace.
        const workspace = path.join(dir, 'workspace');
        mkdirSync(workspace, { recursive: true });
        for (const ext of ['.wav', '.txt']) symlinkSync(ICBHI_107.replace(/\.wav$/, ext), path.join(workspace, NAME_107 + ext));
        if (SPRSOUND) for (const ext of ['.wav', '.json']) symlinkSync(SPRSOUND.replace(/\.wav$/, ext), path.join(workspace, path.basename(SPRSOUND, '.wav') + ext));
        return workspace;
      },
    });
    ({ page } = session);
  });

  after(() => session?.close());

  it('Quick Analysis of ICBHI 107: the lane with the wrong cycles, both labels on hover, dropdowns by mouse, light and dark', async () => {
    await session.guard(async () => {
      await explorerMenu(page, `${NAME_107}.wav`, 'Quick Analysis of WAV File', (n) => session.shot(n));
      const cam = await camOf(page, `${NAME_107}.wav`, 300_000);
      const lane = await laneOf(cam);
      console.log(`# ${lane.summary}`);
      assert.deepStrictEqual(lane.rows, ['annotated', 'model'], 'the lane holds the annotated class over the model\'s');
      assert.match(lane.summary, /^\d+ of 8 cycles wrong: .*annotated crackle\+wheeze/, 'the summary counts the 8 annotated cycles and names the errors');
      assert.strictEqual(Number(lane.summary.split(' ')[0]), lane.wrong);
      const hovered = await hoverWrongCycle(page, cam);
      console.log(`# ${hovered}`);
      assert.match(hovered, /^Cycle \d+, [\d.]+–[\d.]+ s · annotated [\w+]+ · predicted [\w+]+ \(p [\d.]+\) · wrong$/);
      // The panel's predictions view draws the same lane and summary.
      const predictions = await inWebviews(page, `.lungcam.lc-predictions:has-text("${NAME_107}.wav")`, 30_000);
      assert.strictEqual(await predictions.locator('.lc-verdicts').textContent(), lane.summary);
      assert.strictEqual(await predictions.locator('g.lc-cycle.wrong').count(), lane.wrong, 'the same cycles marked wrong');

      await pickWithMouse(page, cam, 'layer', 'conv1');
      assert.strictEqual(await cam.getAttribute('data-layer'), 'conv1', 'the view shows the layer picked by mouse');
      await pickWithMouse(page, cam, 'normalisation', 'patch');
      assert.match((await cam.locator('.lc-scale').textContent()) ?? '', /^Normalised per patch/, 'the label says how the map is normalised');
      await cam.locator('.lc-title').scrollIntoViewIfNeeded();
      await session.shot('quick-107-light');
      await chooseColorTheme(page, DARK);
      assert.deepStrictEqual((await laneOf(cam)).rows, ['annotated', 'model'], 'the lane stays after the theme change');
      await cam.locator('.lc-title').scrollIntoViewIfNeeded();
      await session.shot('quick-107-dark');
    });
  });

  it('Quick Analysis of a SPRSound recording: its events as the lane', { skip: !SPRSOUND && 'no SPRSound recording with events' }, async () => {
    await session.guard(async () => {
      const name = path.basename(SPRSOUND!);
      await explorerMenu(page, name, 'Quick Analysis of WAV File', (n) => session.shot(n));
      const cam = await camOf(page, name, 300_000);
      const lane = await laneOf(cam);
      console.log(`# ${lane.summary}`);
      assert.deepStrictEqual(lane.rows, ['annotated', 'model']);
      assert.match(lane.summary, /^(\d+ of \d+ events wrong: |All \d+ events right|The event is right)/, 'SPRSound annotates events, and the summary says so');
      await cam.locator('.lc-title').scrollIntoViewIfNeeded();
      await session.shot('quick-sprsound-dark');
      await chooseColorTheme(page, LIGHT);
      await cam.locator('.lc-title').scrollIntoViewIfNeeded();
      await session.shot('quick-sprsound-light');
    });
  });

  it('ICBHI 107 opened in a notebook: the Grad-CAM output carries the same lane', async () => {
    await session.guard(async () => {
      await runCommand(page, 'View: Close All Editors'); // the Quick Analysis panels: only the notebook shows a CAM view
      await explorerMenu(page, `${NAME_107}.wav`, 'Open WAV File in Notebook', (n) => session.shot(n));
      await page.locator('.tabs-container .tab.active').filter({ hasText: `${NAME_107}.lungnb` }).waitFor({ timeout: 60_000 });
      // The notebook list is virtual: scroll down while the cells run until the Grad-CAM output is drawn.
      const list = page.locator('.notebookOverlay:visible .cell-list-container').first();
      const deadline = Date.now() + 420_000;
      let cam: Locator | undefined;
      while (!cam && Date.now() < deadline) {
        cam = await camOf(page, `${NAME_107}.wav`, 2_000).catch(() => undefined);
        if (!cam) {
          await list.hover().catch(() => {});
          await page.mouse.wheel(0, 600);
        }
      }
      if (!cam) {
        // What the cells left (saved by VS Code's serializer), to say why there is no view.
        await runCommand(page, 'File: Save').catch(() => {});
        await page.waitForTimeout(2_000);
        const nb = JSON.parse(readFileSync(path.join(session.workspace, `${NAME_107}.lungnb`), 'utf8')) as { cells: { cell_type: string; outputs?: { output_type: string; ename?: string; evalue?: string; data?: Record<string, unknown> }[] }[] };
        for (const c of nb.cells.filter((c) => c.cell_type === 'code')) {
          console.log(`# cell: ${(c.outputs ?? []).map((o) => (o.output_type === 'error' ? `error ${o.ename}: ${o.evalue}` : o.data ? Object.keys(o.data).join('+') : o.output_type)).join(' | ')}`);
        }
      }
      assert.ok(cam, 'the notebook\'s Grad-CAM view is drawn after its cells ran');
      const lane = await laneOf(cam!);
      console.log(`# notebook: ${lane.summary}`);
      assert.deepStrictEqual(lane.rows, ['annotated', 'model']);
      assert.match(lane.summary, /^\d+ of 8 cycles wrong: /);
      await hoverWrongCycle(page, cam!);
      await session.shot('notebook-107-light');
    });
  });
});
