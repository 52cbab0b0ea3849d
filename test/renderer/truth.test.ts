// A view that tells the truth, in real Chromium: the cycle lane (annotated over predicted, wrong cycles
// framed and crossed, the summary, both labels on hover), the normalisation control (pixels and label
// change; a rejected class stays dark), the header following the chosen class, exports that say what they
// show, and dropdowns whose options a mouse can pick when the output sits low or high in the page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { MIME, type CamOutput } from '../../kernels/shared/outputTypes';
import { cycleHoverText, cycleSummary, verdictOf } from '../../kernels/shared/view/cycleVerdicts';
import { normalisationInfo } from '../../kernels/shared/view/normalisation';
import { ARTIFACTS, openPage, render } from './harness';
import { browserPerFile } from './browserPerFile';
import { makeCamOutput, makePredictionsOutput } from './fixtures';
import { chooseOption, figureBox, nextFrame, openOptionByMouse } from './pageHelpers';

const browser = browserPerFile();

/**
 * RGBA of the brightest pixel of the marks canvas within a pixel of CSS point (x, y) of the plot (a thin
 * antialiased line may miss the one pixel under its centre).
 */
async function marksPixel(page: Page, id: string, x: number, y: number): Promise<number[]> {
  return page.evaluate(([oid, px, py]) => {
    const c = document.querySelector(`#${oid} canvas.lc-marks`) as HTMLCanvasElement;
    const dpr = c.width / parseFloat(c.style.width);
    const r = Math.ceil(dpr);
    const d = c.getContext('2d')!.getImageData(Math.round(px * dpr) - r, Math.round(py * dpr) - r, 2 * r + 1, 2 * r + 1).data;
    let best = [0, 0, 0, 0];
    for (let i = 0; i < d.length; i += 4) if (Math.min(d[i], d[i + 1], d[i + 2]) > Math.min(best[0], best[1], best[2])) best = [d[i], d[i + 1], d[i + 2], d[i + 3]];
    return best;
  }, [id, x, y] as const);
}

test('the cycle lane: annotated class over the model\'s, wrong cycles framed and crossed, the summary, both labels on hover', async () => {
  const output = makeCamOutput({ durationSeconds: 20, verdicts: true });
  const cycles = output.annotations!.cycles!;
  const wrong = cycles.map((c, i) => [c, i] as const).filter(([c]) => verdictOf(c) === 'wrong');
  const right = cycles.map((c, i) => [c, i] as const).filter(([c]) => verdictOf(c) === 'right');
  assert.ok(wrong.length > 0 && right.length > 0, 'the fixture has right and wrong cycles');
  for (const theme of ['light', 'dark'] as const) {
    const page = await openPage(browser(), theme);
    const { id } = await render(page, MIME.cam, output);
    const verdicts = page.locator(`#${id} .lc-verdicts`);
    assert.equal(await verdicts.textContent(), cycleSummary(cycles, output.annotations!.source));
    assert.equal(await verdicts.getAttribute('data-wrong'), String(wrong.length));
    assert.deepEqual(await page.locator(`#${id} .lc-lane-label`).allTextContents(), ['annotated', 'model']);
    const box = await figureBox(page, id);
    const x = (s: number) => ((s / 20) * box.plotWidth);
    // The model row of a wrong cycle: the frame on its left edge, the white cross at its middle.
    const [w] = wrong[0];
    const midX = x((w.startSeconds + w.endSeconds) / 2);
    const modelRowMid = 15 + 8 + 2 + 4; // strip 12 + gap 3, annotated row 8, gap 2, half the model row
    const cross = await marksPixel(page, id, midX, modelRowMid);
    assert.ok(cross[0] > 200 && cross[1] > 200 && cross[2] > 200, `a white cross at the wrong cycle's middle (${cross})`);
    const [r] = right[0];
    const plain = await marksPixel(page, id, x((r.startSeconds + r.endSeconds) / 2), modelRowMid);
    assert.ok(!(plain[0] > 200 && plain[1] > 200 && plain[2] > 200), `no cross on a right cycle (${plain})`);
    // Hovering a cycle reads out both labels.
    const [c, i] = wrong[0];
    await page.mouse.move(box.x + box.left + x((c.startSeconds + c.endSeconds) / 2), box.y + 20);
    const readout = page.locator(`#${id} .lc-readout`);
    assert.equal(await readout.textContent(), cycleHoverText(c, i, output.classes, output.annotations!.source));
    assert.match((await readout.textContent())!, /annotated [\w+]+ · predicted [\w+]+ \(p 0\.70\) · wrong$/);
    await page.locator(`#${id} .lc-cam`).screenshot({ path: path.join(ARTIFACTS, `truth-lane-${theme}.png`) });
    await page.context().close();
  }
});

test('the predictions view draws the same lane with both labels on hover, and its summary', async () => {
  const output = makePredictionsOutput({ durationSeconds: 20, verdicts: true });
  const page = await openPage(browser(), 'light');
  const { id } = await render(page, MIME.predictions, output);
  const cycles = output.annotations!.cycles!;
  assert.equal(await page.locator(`#${id} .lc-verdicts`).textContent(), cycleSummary(cycles, output.annotations!.source));
  const cells = page.locator(`#${id} g.lc-cycle`);
  assert.equal(await cells.count(), cycles.length);
  assert.equal(await page.locator(`#${id} g.lc-cycle.wrong path.lc-cross`).count(), cycles.filter((c) => verdictOf(c) === 'wrong').length);
  await cells.nth(2).hover();
  assert.equal(await page.locator(`#${id} .lc-readout`).textContent(), cycleHoverText(cycles[2], 2, output.classes, output.annotations!.source));
  await page.context().close();
});

/** Mean brightness of the CAM overlay canvas (0..255). */
async function overlayBrightness(page: Page, id: string): Promise<{ mean: number; hash: number }> {
  return page.evaluate((oid) => {
    const c = document.querySelector(`#${oid} canvas.lc-cam-overlay`) as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let sum = 0;
    let hash = 0;
    for (let i = 0; i < d.length; i += 4) {
      sum += (d[i] + d[i + 1] + d[i + 2]) / 3;
      hash = (hash * 31 + d[i] * 7 + d[i + 1] * 3 + d[i + 2]) | 0;
    }
    return { mean: sum / (d.length / 4), hash };
  }, id);
}

async function pick(page: Page, id: string, control: string, value: string): Promise<void> {
  await chooseOption(page, id, control, value);
  await nextFrame(page);
}

/** A fixture where the model gives `rejected` almost no probability anywhere. */
function withRejectedClass(rejected: string): CamOutput {
  const output = makeCamOutput({ durationSeconds: 12 });
  const k = output.classes.indexOf(rejected);
  output.probabilities = output.probabilities.map((p) => {
    const q = p.map((v, c) => (c === k ? 0.01 : v));
    const s = q.reduce((a, b) => a + b, 0);
    return q.map((v, c) => (c === k ? 0.01 : (v / (s - 0.01)) * 0.99));
  });
  return output;
}

test('the normalisation switch changes the pixels and the label; on the default a class the model rejects stays dark', async () => {
  const output = withRejectedClass('wheeze');
  const page = await openPage(browser(), 'dark');
  const { id } = await render(page, MIME.cam, output);
  const label = page.locator(`#${id} .lc-scale`);
  const shown = () => page.evaluate((oid) => (document.querySelector(`#${oid} .lc-cam`) as HTMLElement).dataset.normalisation, id);
  assert.equal(await shown(), 'classes', 'the default: across classes × probability');
  assert.equal(await label.textContent(), `Normalised ${normalisationInfo('classes').label}: ${normalisationInfo('classes').meaning}.`);
  await pick(page, id, 'class', 'wheeze');
  const dark = await overlayBrightness(page, id);
  await pick(page, id, 'normalisation', 'patch');
  assert.equal(await shown(), 'patch');
  assert.equal(await label.textContent(), `Normalised ${normalisationInfo('patch').label}: ${normalisationInfo('patch').meaning}.`);
  const perPatch = await overlayBrightness(page, id);
  assert.notEqual(perPatch.hash, dark.hash, 'the pixels change');
  assert.ok(perPatch.mean > dark.mean + 20, `per patch the rejected class glows (${perPatch.mean.toFixed(1)}), across classes it stays dark (${dark.mean.toFixed(1)})`);
  await pick(page, id, 'normalisation', 'recording');
  assert.equal(await label.textContent(), `Normalised ${normalisationInfo('recording').label}: ${normalisationInfo('recording').meaning}.`);
  assert.notEqual((await overlayBrightness(page, id)).hash, perPatch.hash);
  // The export names the normalisation too.
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`#${id} vscode-button[data-control="export-svg"]`).click()]);
  const svgPath = path.join(ARTIFACTS, 'truth-export.svg');
  await download.saveAs(svgPath);
  const svg = readFileSync(svgPath, 'utf8');
  assert.ok(svg.includes(`Normalised ${normalisationInfo('recording').label}`), 'the exported SVG says how the map is normalised');
  await page.context().close();
});

test('the header gives the model\'s prediction and follows the class the map explains', async () => {
  const output = makeCamOutput({ durationSeconds: 12, verdicts: true });
  const page = await openPage(browser(), 'light');
  const { id } = await render(page, MIME.cam, output);
  const meta = page.locator(`#${id} .lc-title .lc-meta`);
  const mean = output.classes.map((_, c) => output.probabilities.reduce((s, p) => s + p[c], 0) / output.probabilities.length);
  const top = mean.indexOf(Math.max(...mean));
  const predicted = `predicted ${output.classes[top] === 'both' ? 'crackle+wheeze' : output.classes[top]} (p ${mean[top].toFixed(2)}, ${output.probabilities.length} patches)`;
  assert.ok((await meta.textContent())!.includes(predicted), await meta.textContent() ?? '');
  const other = output.classes.find((_, c) => c !== top)!;
  await pick(page, id, 'class', other);
  const k = output.classes.indexOf(other);
  assert.ok((await meta.textContent())!.endsWith(`map of ${other === 'both' ? 'crackle+wheeze' : other} (p ${mean[k].toFixed(2)})`), await meta.textContent() ?? '');
  assert.ok((await meta.textContent())!.includes(predicted), 'the prediction stays what the model predicts');
  await page.context().close();
});

/**
 * Opens a dropdown and picks an option by mouse alone, checking the option lies inside the output and on
 * screen where it is clicked (VS Code draws the cells around an output over it: a list outside the output
 * is hidden, and a click there lands on another cell).
 */
async function pickByMouse(page: Page, id: string, control: string, value: string): Promise<void> {
  const { dropdown: dd, box, optionBox: ob } = await openOptionByMouse(page, id, control, value);
  const out = (await page.locator(`#${id} .lungcam`).boundingBox())!;
  const viewport = page.viewportSize()!;
  assert.equal(await dd.getAttribute('position'), 'below', `${control}: the list opens downwards, into the view`);
  assert.ok(ob.y >= box.y + box.height - 1, `${control}: the option is below the field (${ob.y} vs ${box.y + box.height})`);
  assert.ok(ob.y >= out.y && ob.y + ob.height <= out.y + out.height, `${control}: the option lies inside the output`);
  assert.ok(ob.y >= 0 && ob.y + ob.height <= viewport.height, `${control}: the option is on screen (${ob.y}..${ob.y + ob.height} of ${viewport.height})`);
  const x = ob.x + ob.width / 2;
  const y = ob.y + ob.height / 2;
  const hit = await page.evaluate(([px, py, v]) => {
    const e = document.elementFromPoint(px, py);
    return !!e && (e as HTMLElement).closest?.(`vscode-option[value="${v}"]`) !== null;
  }, [x, y, value] as const);
  assert.ok(hit, `${control}: nothing covers the option where the mouse clicks`);
  await page.mouse.click(x, y);
  await nextFrame(page);
  assert.equal(await dd.evaluate((e) => (e as HTMLElement & { value: string }).value), value, `${control}: the mouse picked ${value}`);
}

test('dropdown options are picked by mouse when the output sits low and high in the page', async () => {
  const output = makeCamOutput({ durationSeconds: 12, requestId: 'lungcam-view:fixture' });
  for (const where of ['low', 'high'] as const) {
    const page = await openPage(browser(), where === 'low' ? 'light' : 'dark');
    const { id } = await render(page, MIME.cam, output);
    const viewport = page.viewportSize()!;
    // Low: a notebook scrolled so only the top of the output (its controls) is on screen, as the first
    // options of an upward list used to hide under the cell above. High: the output's top at the top.
    await page.evaluate(([oid, lowest, top]) => {
      const out = document.getElementById(oid)!;
      const spacer = document.createElement('div');
      spacer.style.height = `${lowest}px`;
      out.parentElement!.insertBefore(spacer, out);
      const end = document.createElement('div');
      end.style.height = '2000px';
      out.parentElement!.appendChild(end);
      window.scrollTo(0, out.getBoundingClientRect().top + window.scrollY - top);
    }, [id, viewport.height, where === 'low' ? viewport.height - 260 : 0] as const);
    await nextFrame(page);
    await pickByMouse(page, id, 'layer', 'conv1');
    await pickByMouse(page, id, 'normalisation', 'recording');
    await pickByMouse(page, id, 'method', 'layercam');
    const shown = await page.evaluate((oid) => ({ ...(document.querySelector(`#${oid} .lc-cam`) as HTMLElement).dataset }), id);
    assert.deepEqual([shown.layer, shown.normalisation], ['conv1', 'recording'], `${where}: the view shows what was picked`);
    await page.screenshot({ path: path.join(ARTIFACTS, `truth-dropdown-${where}.png`) });
    await page.context().close();
  }
});
