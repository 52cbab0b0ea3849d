/**
 * The band cutoff in VS Code (code-server + Chromium), as a user would: Select Model… offers the shipped
 * model family trained on real recordings (samples/models/seed-cutoffs: baseline on the full band, cut1000,
 * cut1250, cut1500, cut1750) and selects it; Quick Analysis of a real recording (../shared/realdata, read in
 * place through a link) shows the family's view; the Band cutoff slider, moved with the mouse and the arrow keys
 * from the full band to 1000 Hz, switches to cut1000 at once (no recompute), and on to 1100 Hz, where no member
 * was trained, asks for the what-if and shows it labelled as a masked occlusion. Screenshots: test-artifacts/e2e/cutoff-*.png.
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { explorerMenu, inWebviews, runCommand } from './vscode';
import { root, startSession, type Session } from './lib/session';

const REAL = path.resolve(root, '..', 'shared', 'realdata');
const RECORDING = '107_2b3_Ar_mc_AKGC417L';
let session: Session;

/** What the CAM view says about the cutoff it shows (data-* attributes and the control's label). */
async function cutoffShown(cam: Locator): Promise<{ mode: string; model: string; cutoff: string; pending: string; label: string; slider: number }> {
  return cam.evaluate((el) => {
    const d = (el as HTMLElement).dataset;
    return {
      mode: d.cutoffMode ?? '', model: d.cutoffModel ?? '', cutoff: d.bandCutoffHz ?? '', pending: d.cutoffPending ?? '',
      label: el.querySelector('.lc-cutoff-mode')?.textContent ?? '',
      slider: Number((el.querySelector('input[data-control="band-cutoff"]') as HTMLInputElement).value),
    };
  });
}

/** Clicks the slider's track near `hz` with the mouse, then steps with the arrow keys onto it exactly. */
async function moveSliderTo(page: Page, slider: Locator, hz: number): Promise<void> {
  const [min, max] = await slider.evaluate((el) => [Number((el as HTMLInputElement).min), Number((el as HTMLInputElement).max)]);
  const box = (await slider.boundingBox())!;
  await page.mouse.click(box.x + 8 + ((hz - min) / (max - min)) * (box.width - 16), box.y + box.height / 2);
  for (let i = 0; i < 200; i++) {
    const v = Number(await slider.inputValue());
    if (v === hz) return;
    await slider.press(v > hz ? 'ArrowLeft' : 'ArrowRight');
  }
  throw new Error(`the slider did not reach ${hz} Hz`);
}

describe('band cutoff in Quick Analysis with a model family', { skip: !existsSync(path.join(REAL, `${RECORDING}.wav`)) && 'no real recordings at ../shared/realdata' }, () => {
  let page: Page;

  before(async () => {
    session = await startSession({
      name: 'e2e-cutoff',
      extension: 'dev',
      viewport: { width: 1400, height: 1000 },
      shotPrefix: 'cutoff-',
      prepare: (dir) => {
        // The real recording is linked, not copied (it is not the project's to copy).
        const workspace = path.join(dir, 'workspace');
        mkdirSync(workspace, { recursive: true });
        for (const ext of ['.wav', '.txt']) symlinkSync(path.join(REAL, RECORDING + ext), path.join(workspace, RECORDING + ext));
        return workspace;
      },
    });
    ({ page } = session);
  });

  after(() => session?.close());

  it('Select Model… offers the model family and selects it whole', async () => {
    await session.guard(async () => {
      // Right after the window opens the palette may not list the extension's commands yet: retried.
      for (let attempt = 1; ; attempt++) {
        try {
          await runCommand(page, 'LungCAM: Select Model');
          break;
        } catch (e) {
          if (attempt === 6) throw e;
          await page.keyboard.press('Escape');
          await page.waitForTimeout(5_000);
        }
      }
      const row = page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'seed-cutoffs' }).first();
      await row.waitFor({ timeout: 30_000 });
      assert.match(await row.innerText(), /shipped family · family of 5 models by band cutoff \(.*1000.*1750.*\), 100–2000 Hz/);
      await session.shot('select-model');
      await row.click();
      await page.locator('.notifications-toasts').filter({ hasText: 'model family seed-cutoffs selected' }).first().waitFor({ timeout: 30_000 });
    });
  });

  it('Quick Analysis: the cutoff moved from the full band to 1000 Hz (the member trained there) and 1100 Hz (the what-if)', async () => {
    await session.guard(async () => {
      await explorerMenu(page, `${RECORDING}.wav`, 'Quick Analysis of WAV File', (n) => session.shot(n));
      const slider = await inWebviews(page, 'input[data-control="band-cutoff"]', 300_000);
      const cam = slider.locator('xpath=ancestor::div[contains(@class, "lc-cam")]');
      await slider.scrollIntoViewIfNeeded();
      const full = await cutoffShown(cam);
      await session.shot('full-band');
      assert.deepStrictEqual([full.mode, full.model, full.cutoff, full.slider], ['model', 'baseline', 'full', 2000]);
      assert.match(full.label, /^Model baseline, trained on the full band · predicts/);

      await moveSliderTo(page, slider, 1000);
      const rung = await cutoffShown(cam);
      await session.shot('1000-member');
      assert.deepStrictEqual([rung.mode, rung.model, rung.cutoff, rung.pending], ['model', 'cut1000', '1000', 'false'], 'the family member, from the output itself');
      assert.match(rung.label, /^Model cut1000, trained without the bands above 1 kHz · predicts/);

      await moveSliderTo(page, slider, 1100);
      await cam.locator('.lc-cutoff-mode[data-mode="masked"]').waitFor({ timeout: 300_000 });
      const whatIf = await cutoffShown(cam);
      await session.shot('1100-what-if');
      assert.deepStrictEqual([whatIf.mode, whatIf.model, whatIf.cutoff, whatIf.pending], ['masked', 'cut1250', '1100', 'false']);
      assert.match(whatIf.label, /^What-if \(occlusion\): model cut1250 with the bands above 1\.1 kHz masked \(floor\), not retrained · predicts/);
      assert.strictEqual(await cam.locator('.lc-removed rect[fill^="url(#lc-hatch"]').count(), 1, 'the masked bands (1.1–1.25 kHz) are hatched');
      assert.strictEqual(await cam.locator('.lc-removed rect').count(), 2, 'and the bands cut1250 never saw (above 1.25 kHz) are darkened');
    });
  });
});
