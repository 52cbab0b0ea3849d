// The band-cutoff control of the CAM view in real Chromium: with a family's output it switches to another
// member's maps and predictions at once (no kernel); with one model it offers the what-if, asks the host
// for it and labels it as such; without a host it says the what-if needs the kernel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { MIME, type CutoffRung } from '../../kernels/shared/outputTypes';
import { ARTIFACTS, openPage, render } from './harness';
import { browserPerFile } from './browserPerFile';
import { figureBox } from './pageHelpers';
import { COMPACT_LAYERS, makeCamOutput, withCutoffRungs } from './fixtures';

const browser = browserPerFile();

interface Seen { mode: string; model: string; cutoff: string; pending: string; label: string; title: string; overlay: number; removed: number; removedFill: string | null; slider: number }

async function seen(page: Page, id: string): Promise<Seen> {
  return page.evaluate((oid) => {
    const root = document.getElementById(oid)!;
    const d = (root.querySelector('.lc-cam') as HTMLElement).dataset;
    const c = root.querySelector('canvas.lc-cam-overlay') as HTMLCanvasElement;
    const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let hash = 0;
    for (let i = 0; i < px.length; i += 4) hash = (hash * 31 + px[i] * 7 + px[i + 1] * 3 + px[i + 2] + px[i + 3]) | 0;
    const veil = root.querySelector('.lc-removed rect');
    return {
      mode: d.cutoffMode!, model: d.cutoffModel!, cutoff: d.bandCutoffHz!, pending: d.cutoffPending!,
      label: root.querySelector('.lc-cutoff-mode')!.textContent!, title: root.querySelector('.lc-title')!.textContent!,
      overlay: hash, removed: root.querySelectorAll('.lc-removed rect').length, removedFill: veil?.getAttribute('fill') ?? null,
      slider: Number((root.querySelector('input[data-control="band-cutoff"]') as HTMLInputElement).value),
    };
  }, id);
}

/** Moves the band-cutoff slider by keyboard, as a user would, `steps` of 10 Hz (negative: down). */
async function moveCutoff(page: Page, id: string, steps: number): Promise<void> {
  await page.locator(`#${id} input[data-control="band-cutoff"]`).focus();
  for (let i = 0; i < Math.abs(steps); i++) await page.keyboard.press(steps < 0 ? 'ArrowLeft' : 'ArrowRight');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
}

test('with a family output the cutoff control switches to the member trained there: pixels, predictions and mode change, no kernel needed', async () => {
  const page = await openPage(browser(), 'dark');
  const output = withCutoffRungs(makeCamOutput({ durationSeconds: 20 }), [1000, 1500]);
  const { id } = await render(page, MIME.cam, output, { messaging: false });
  const full = await seen(page, id);
  assert.equal(full.mode, 'model');
  assert.equal(full.model, 'full');
  assert.equal(full.cutoff, 'full');
  assert.equal(full.slider, 2000, 'the slider opens at the full band');
  assert.match(full.label, /Model full, trained on the full band · predicts \w+ \(mean p 0\.\d\d\)/);
  assert.equal(full.removed, 0, 'nothing veiled on the full band');

  await moveCutoff(page, id, -100);
  const cut = await seen(page, id);
  await page.locator(`#${id}`).screenshot({ path: path.join(ARTIFACTS, 'cutoff-family-1000.png') });
  assert.equal(cut.slider, 1000);
  assert.equal(cut.pending, 'false', 'a rung of the output: no kernel asked');
  assert.equal(cut.mode, 'model');
  assert.equal(cut.model, 'cut1000');
  assert.equal(cut.cutoff, '1000');
  assert.match(cut.label, /^Model cut1000, trained without the bands above 1 kHz · predicts/);
  assert.notEqual(cut.overlay, full.overlay, 'another model\'s map is drawn');
  assert.notEqual(cut.title, full.title, 'the title\'s mean probability follows the model');
  assert.match(cut.title, /model cut1000/);
  assert.equal(cut.removed, 1, 'the removed bands are veiled');
  assert.equal(cut.removedFill, 'rgba(0, 0, 0, 0.55)');
  const posted = await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted.length);
  assert.equal(posted, 0);

  // Between rungs and without a kernel: the control says the what-if needs one and keeps the last model.
  await moveCutoff(page, id, 25);
  const between = await seen(page, id);
  assert.equal(between.slider, 1250);
  assert.equal(between.pending, 'true');
  assert.equal(between.model, 'cut1000', 'the last variant stays on screen');
  assert.match(between.label, /needs the kernel/);

  // Back up to the full band: the first picture again.
  await moveCutoff(page, id, 75);
  const back = await seen(page, id);
  assert.equal(back.model, 'full');
  assert.equal(back.overlay, full.overlay);
  await page.context().close();
});

test('the verdicts under the cycle lane follow the family member on screen: its own label for every cycle', async () => {
  const page = await openPage(browser(), 'light');
  const output = withCutoffRungs(makeCamOutput({ durationSeconds: 20, verdicts: true }), [1000, 1500]);
  const cycles = output.annotations!.cycles!;
  const { id } = await render(page, MIME.cam, output, { messaging: false });
  const verdicts = async () => page.evaluate((oid) => {
    const root = document.getElementById(oid)!;
    const line = root.querySelector('.lc-cam .lc-verdicts') as HTMLElement;
    return { text: line.textContent!, wrong: line.dataset.wrong! };
  }, id);
  // what hovering a cycle of the lane reads out
  const hover = async (i: number) => {
    const box = await figureBox(page, id);
    const c = cycles[i];
    await page.mouse.move(box.x + box.left + ((c.startSeconds + c.endSeconds) / 2 / 20) * box.plotWidth, box.y + 20);
    return page.locator(`#${id} .lc-readout`).textContent();
  };
  const full = await verdicts();
  const ownWrong = cycles.filter((c) => c.predicted!.label !== c.label).length;
  assert.ok(ownWrong > 0, 'the fixture\'s full-band model gets some cycles wrong');
  assert.equal(full.wrong, String(ownWrong));
  assert.match(full.text, new RegExp(`^${ownWrong} of ${cycles.length} cycles wrong`));

  await moveCutoff(page, id, -100); // cut1000: every cycle right
  const at1000 = await verdicts();
  await page.locator(`#${id}`).screenshot({ path: path.join(ARTIFACTS, 'cutoff-family-verdicts-1000.png') });
  assert.equal(at1000.text, `All ${cycles.length} cycles right.`);
  assert.equal(at1000.wrong, '0');
  const crackly = cycles.findIndex((c) => c.label !== 'normal');
  assert.match((await hover(crackly))!, /· predicted [\w+]+ \(p 0\.80\) · right$/, 'the hover reads cut1000\'s label');

  await moveCutoff(page, id, 50); // cut1500: every cycle called normal
  const at1500 = await verdicts();
  const notNormal = cycles.filter((c) => c.label !== 'normal').length;
  assert.equal(at1500.wrong, String(notNormal));
  assert.match(at1500.text, new RegExp(`^${notNormal} of ${cycles.length} cycles wrong: .*predicted normal`));
  assert.match((await hover(crackly))!, /· predicted normal \(p 0\.80\) · wrong$/, 'the hover reads cut1500\'s label');

  await moveCutoff(page, id, 50); // back to the full band
  assert.deepEqual(await verdicts(), full);
  await page.context().close();
});

test('with a single model the cutoff control offers the what-if: asks the host, then shows it labelled as a masked occlusion', async () => {
  const page = await openPage(browser(), 'light');
  const output = makeCamOutput({ durationSeconds: 20, requestId: 'req-w' });
  const { id } = await render(page, MIME.cam, output);
  const before = await seen(page, id);
  assert.equal(before.mode, 'model');
  assert.equal(before.slider, 2000, 'a full-band model opens at the full band');

  await moveCutoff(page, id, -80);
  const pending = await seen(page, id);
  assert.equal(pending.pending, 'true');
  assert.match(pending.label, /^What-if at 1\.2 kHz \(occlusion, not retrained\)/);
  // Once the slider rests at 1.2 kHz the view asks for that what-if (on a loaded machine a key step can
  // rest long enough to ask for one on the way too: the host cancels those, the view keeps whatever comes).
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string; bandCutoffHz?: number }[] }).__posted.some((m) => m.type === 'cutoffWhatIf' && m.bandCutoffHz === 1200));
  const asked = (await page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted)).filter((m) => m.type === 'cutoffWhatIf');
  assert.deepEqual(asked.at(-1), { type: 'cutoffWhatIf', requestId: 'req-w', bandCutoffHz: 1200, method: 'gradcam' });

  // The host's answer: the same model, bands above 1.2 kHz masked.
  const masked = makeCamOutput({ durationSeconds: 20, seed: 99, layers: COMPACT_LAYERS });
  const kept = output.axes.bandCentersHz.filter((c) => c <= 1200).length;
  const rung: CutoffRung = { bandCutoffHz: 1200, cutoffMode: 'masked', modelId: 'synthetic-fixture', bands: output.axes.bands, keptBands: kept, maskFill: 'floor', probabilities: masked.probabilities, maps: masked.maps };
  await page.evaluate((msg) => (window as unknown as { sendToRenderer: (m: unknown) => void }).sendToRenderer(msg), { type: 'cutoffWhatIf', requestId: 'req-w', rung });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(null)))));
  const whatIf = await seen(page, id);
  await page.locator(`#${id}`).screenshot({ path: path.join(ARTIFACTS, 'cutoff-what-if-1200.png') });
  assert.equal(whatIf.pending, 'false');
  assert.equal(whatIf.mode, 'masked');
  assert.match(whatIf.label, /^What-if \(occlusion\): model synthetic-fixture with the bands above 1\.2 kHz masked \(floor\), not retrained · predicts/);
  assert.notEqual(whatIf.overlay, before.overlay);
  assert.match(whatIf.removedFill ?? '', /^url\(#lc-hatch/, 'masked bands are hatched, the map shows through');
  const summary = await page.evaluate((oid) => new Promise<string>((r) => setTimeout(() => r(document.querySelector(`#${oid} .lc-summary`)!.textContent!), 400)), id);
  assert.match(summary, /What-if \(occlusion\)/);
  await page.context().close();
});
