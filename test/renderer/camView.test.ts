// Acceptance tests of the CAM view in real Chromium (playwright-core + /usr/bin/chromium) against the
// static page that loads the built renderer bundle with fixture outputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MIME } from '../../kernels/shared/outputTypes';
import { ARTIFACTS, openPage, render } from './harness';
import { browserPerFile } from './browserPerFile';
import { canvasDigest, chooseOption, nextFrame, openOptionByMouse } from './pageHelpers';
import { makeCamOutput } from './fixtures';
import { bandProfile, camAt, shareAboveCutoff } from '../../kernels/shared/view/summaries';
import { DEFAULT_NORMALISATION, normalisedMap } from '../../kernels/shared/view/normalisation';

const browser = browserPerFile();

test('axes are labelled in s and Hz, with low frequencies at the bottom', async () => {
  const page = await openPage(browser(), 'light');
  const { id } = await render(page, MIME.cam, makeCamOutput({ durationSeconds: 20 }));
  const axes = await page.evaluate((oid) => {
    const root = document.getElementById(oid)!;
    const hz = [...root.querySelectorAll('.lc-axis-hz .tick')].map((t) => ({
      label: t.querySelector('text')!.textContent!,
      y: (t as SVGGElement).getBoundingClientRect().y,
    }));
    const time = [...root.querySelectorAll('.lc-axis-time .tick text')].map((t) => t.textContent!);
    const titles = [...root.querySelectorAll('.lc-axis-title')].map((t) => t.textContent);
    return { hz, time, titles };
  }, id);
  assert.ok(axes.titles.includes('Frequency (Hz)'), `titles: ${axes.titles.join(', ')}`);
  assert.ok(axes.titles.includes('Time (s)'), `titles: ${axes.titles.join(', ')}`);
  const hzValues = axes.hz.map((t) => Number(t.label));
  assert.ok(hzValues.length >= 4, `Hz ticks: ${hzValues.join(', ')}`);
  assert.ok(hzValues.every((v) => v >= 100 && v <= 2000), `Hz ticks within 100–2000: ${hzValues.join(', ')}`);
  // Higher frequency → higher on screen (smaller y).
  for (let i = 1; i < axes.hz.length; i++) assert.ok(axes.hz[i].y < axes.hz[i - 1].y, 'frequency grows upwards');
  const seconds = axes.time.map(Number);
  assert.ok(seconds.length >= 3 && seconds.every(Number.isFinite), `time ticks: ${axes.time.join(', ')}`);
  assert.equal(seconds[0], 0);
  assert.ok(Math.max(...seconds) >= 15 && Math.max(...seconds) <= 20, 'a 20 s recording is shown whole');
  await page.context().close();
});

test('the CAM overlay is drawn over the spectrogram and follows the opacity slider', async () => {
  const page = await openPage(browser(), 'light');
  const { id } = await render(page, MIME.cam, makeCamOutput({ durationSeconds: 20 }));
  const spec = await canvasDigest(page, id, 'canvas.lc-spec');
  const cam = await canvasDigest(page, id, 'canvas.lc-cam-overlay');
  assert.ok(spec.opaque / spec.total > 0.95, 'spectrogram fills its canvas');
  assert.ok(cam.opaque / cam.total > 0.95, `overlay covers the map (${cam.opaque}/${cam.total})`);
  const opacity = () => page.evaluate((oid) => getComputedStyle(document.querySelector(`#${oid} canvas.lc-cam-overlay`)!).opacity, id);
  assert.equal(await opacity(), '0.6');
  const slider = page.locator(`#${id} input[data-control="opacity"]`);
  await slider.focus();
  await page.keyboard.press('Home');
  assert.equal(await opacity(), '0');
  await page.keyboard.press('End');
  assert.equal(await opacity(), '1');
  await page.context().close();
});

test('switching class and layer changes the overlay pixels (no kernel needed)', async () => {
  const page = await openPage(browser(), 'light');
  const { id } = await render(page, MIME.cam, makeCamOutput({ durationSeconds: 20 }), { messaging: false });
  const start = await canvasDigest(page, id, 'canvas.lc-cam-overlay');
  await chooseOption(page, id, 'class', 'wheeze');
  const afterClass = await canvasDigest(page, id, 'canvas.lc-cam-overlay');
  assert.notEqual(afterClass.hash, start.hash, 'class switch redraws the overlay');
  await chooseOption(page, id, 'layer', 'conv1');
  const afterLayer = await canvasDigest(page, id, 'canvas.lc-cam-overlay');
  assert.notEqual(afterLayer.hash, afterClass.hash, 'layer switch redraws the overlay');
  const shown = await page.evaluate((oid) => ({ ...(document.querySelector(`#${oid} .lc-cam`) as HTMLElement).dataset }), id);
  assert.equal(shown.layer, 'conv1');
  assert.equal(shown.className, 'wheeze');
  // Back to the first choice: the very same picture (switching is from data, not recomputed).
  await chooseOption(page, id, 'class', 'crackle');
  await chooseOption(page, id, 'layer', 'conv3');
  assert.equal((await canvasDigest(page, id, 'canvas.lc-cam-overlay')).hash, start.hash);
  await page.context().close();
});

test('the attention-threshold slider moves the threshold line and updates the attention share above it', async () => {
  const output = makeCamOutput({ durationSeconds: 20 });
  const page = await openPage(browser(), 'light');
  const { id } = await render(page, MIME.cam, output);
  const read = () => page.evaluate((oid) => {
    const root = document.getElementById(oid)!;
    const input = root.querySelector('input[data-control="attention-threshold"]') as HTMLInputElement;
    return {
      text: root.querySelector('.lc-share')!.textContent!,
      cutoff: Number(input.value),
      lineY: Number(root.querySelector('.lc-cutoff line')!.getAttribute('y1')),
      share: Number((root.querySelector('.lc-cam') as HTMLElement).dataset.shareAbove),
    };
  }, id);
  const first = await read();
  assert.equal(first.cutoff, 1500);
  // The view opens on the default normalisation (across classes × probability): its band profile.
  const profile = bandProfile(normalisedMap(output, 'conv3', 'crackle', DEFAULT_NORMALISATION)!, output.axes.bands);
  const expected = (hz: number) => shareAboveCutoff(profile, output.axes.bandCentersHz, hz).attentionShare;
  assert.ok(Math.abs(first.share - expected(1500)) < 1e-4, `share ${first.share} vs ${expected(1500)}`);
  assert.match(first.text, new RegExp(`^${(expected(1500) * 100).toFixed(1)}% of attention above 1\\.5 kHz$`));
  // Keyboard only: focus the slider and step it down.
  await page.locator(`#${id} input[data-control="attention-threshold"]`).focus();
  for (let i = 0; i < 70; i++) await page.keyboard.press('ArrowLeft');
  const second = await read();
  assert.equal(second.cutoff, 800);
  assert.ok(second.share > first.share + 0.1, `more attention lies above 800 Hz (${second.share}) than above 1.5 kHz (${first.share})`);
  assert.ok(Math.abs(second.share - expected(800)) < 1e-4);
  assert.ok(second.lineY > first.lineY, 'a lower threshold draws the line lower');
  assert.match(second.text, /of attention above 800 Hz$/);
  await page.context().close();
});

test('export gives a valid PNG and a parseable SVG of the current view', async () => {
  const page = await openPage(browser(), 'dark');
  const { id } = await render(page, MIME.cam, makeCamOutput({ durationSeconds: 20 }));
  const [pngDownload] = await Promise.all([page.waitForEvent('download'), page.locator(`#${id} vscode-button[data-control="export-png"]`).click()]);
  const pngPath = path.join(ARTIFACTS, 'export.png');
  await pngDownload.saveAs(pngPath);
  assert.match(pngDownload.suggestedFilename(), /^synthetic_1b1_Al_sc_Meditron_conv3_crackle\.png$/);
  const png = readFileSync(pngPath);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  const decoded = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const bmp = await createImageBitmap(new Blob([bytes], { type: 'image/png' }));
    const c = document.createElement('canvas');
    c.width = bmp.width;
    c.height = bmp.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(bmp, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < d.length; i += 97 * 4) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return { width: bmp.width, height: bmp.height, colours: colours.size };
  }, png.toString('base64'));
  assert.ok(decoded.width >= 1000 && decoded.height >= 600, `PNG decodes to ${decoded.width}×${decoded.height}`);
  assert.ok(decoded.colours > 50, `PNG has the picture in it (${decoded.colours} colours sampled)`);

  const [svgDownload] = await Promise.all([page.waitForEvent('download'), page.locator(`#${id} vscode-button[data-control="export-svg"]`).click()]);
  const svgPath = path.join(ARTIFACTS, 'export.svg');
  await svgDownload.saveAs(svgPath);
  const svgText = readFileSync(svgPath, 'utf8');
  const parsed = await page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      root: doc.documentElement.nodeName,
      images: doc.querySelectorAll('image').length,
      texts: [...doc.querySelectorAll('text')].map((t) => t.textContent),
      hover: doc.querySelectorAll('.lc-hover, .lc-hit').length,
    };
  }, svgText);
  assert.equal(parsed.error, null);
  assert.equal(parsed.root, 'svg');
  assert.ok(parsed.images >= 2, 'spectrogram and overlay embedded');
  assert.ok(parsed.texts.includes('Frequency (Hz)') && parsed.texts.includes('Time (s)'), 'axes kept as vector text');
  assert.equal(parsed.hover, 0, 'interaction layers left out');
  await page.context().close();
});

test('a file named <img src=x onerror=alert(1)>.wav is shown as text in every view', async () => {
  const evil = '<img src=x onerror=alert(1)>.wav';
  const page = await openPage(browser(), 'light');
  const cam = makeCamOutput({ durationSeconds: 8, fileName: evil, classes: ['normal', '<b>crackle</b>'] });
  const ids = [
    (await render(page, MIME.cam, cam)).id,
    (await render(page, MIME.spectrogram, { kind: 'spectrogram', version: 1, source: cam.source, axes: cam.axes, logMel: cam.logMel })).id,
    (await render(page, MIME.predictions, {
      kind: 'predictions', version: 1, source: cam.source, modelId: '<script>x</script>', classes: cam.classes, patches: cam.patches,
      probabilities: cam.probabilities, label: cam.classes[1], recordingProbabilities: [0.4, 0.6],
    })).id,
    (await render(page, MIME.audio, { kind: 'audio', version: 1, source: cam.source, envelope: { bucketSeconds: 0.1, min: [-0.1, -0.2], max: [0.1, 0.2] }, wavDataUrl: 'javascript:alert(1)' })).id,
  ];
  await page.waitForTimeout(300);
  const found = await page.evaluate((all) => all.map((id) => {
    const root = document.getElementById(id)!;
    return { imgs: root.querySelectorAll('img, b, script').length, text: root.textContent ?? '', audio: root.querySelectorAll('audio').length };
  }), ids);
  for (const f of found) {
    assert.equal(f.imgs, 0, 'no element created from data');
    assert.ok(f.text.includes(evil), 'the file name is visible verbatim');
  }
  assert.ok(found[0].text.includes('<b>crackle</b>'), 'class names are text too');
  assert.equal(found[3].audio, 0, 'a non-WAV data URL never becomes a player source');
  assert.equal(await page.evaluate(() => (window as unknown as { __alerts: number }).__alerts), 0, 'no alert dialog');
  assert.equal(await page.evaluate(() => document.querySelectorAll('img').length), 0);
  await page.context().close();
});

test('a 10-minute recording opens on its first 30 s with an overview; keys and the brush pan and zoom', async () => {
  const page = await openPage(browser(), 'light');
  const { id } = await render(page, MIME.cam, makeCamOutput({ durationSeconds: 600 }));
  const win = () => page.evaluate((oid) => {
    const d = (document.querySelector(`#${oid} .lc-cam`) as HTMLElement).dataset;
    return [Number(d.windowStart), Number(d.windowEnd)];
  }, id);
  assert.deepEqual(await win(), [0, 30]);
  assert.equal(await page.locator(`#${id} .lc-overview-brush .selection`).count(), 1);
  await page.locator(`#${id} .lc-figure`).focus();
  await page.keyboard.press('ArrowRight');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  assert.deepEqual(await win(), [6, 36]);
  await page.keyboard.press('+');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  const [a, b] = await win();
  assert.ok(Math.abs(b - a - 15) < 1e-6, 'zoomed in to half the span');
  // Drag a new selection in the overview: the main view shows that time range.
  const box = (await page.locator(`#${id} canvas.lc-overview-spec`).boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 4 });
  await page.mouse.up();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  const [s, e] = await win();
  assert.ok(Math.abs(s - 300) < 3 && Math.abs(e - 360) < 3, `brushed 300–360 s, view shows ${s}–${e}`);
  const ticks = await page.locator(`#${id} .lc-axis-time .tick text`).allTextContents();
  assert.ok(ticks.map(Number).every((t) => t >= 299 && t <= 361), `time axis follows the window: ${ticks.join(', ')}`);
  await page.context().close();
});

test('toolkit controls take the VS Code theme inside the output (light, dark, high contrast): screenshots', async () => {
  const expected = { light: 'rgb(255, 255, 255)', dark: 'rgb(49, 49, 49)', 'high-contrast': 'rgb(0, 0, 0)' } as const;
  for (const theme of ['light', 'dark', 'high-contrast'] as const) {
    const page = await openPage(browser(), theme);
    const { id } = await render(page, MIME.cam, makeCamOutput({ durationSeconds: 40, requestId: 'r' }));
    const bg = await page.evaluate((oid) => {
      const dd = document.querySelector(`#${oid} vscode-dropdown[data-control="layer"]`)!;
      return getComputedStyle(dd).backgroundColor;
    }, id);
    assert.equal(bg, expected[theme], `${theme}: dropdown background follows --vscode-dropdown-background`);
    await page.locator(`#${id} .lc-figure`).hover({ position: { x: 400, y: 120 } });
    await page.screenshot({ path: path.join(ARTIFACTS, `cam-${theme}.png`), fullPage: true });
    await page.context().close();
  }
});

test('a pending recomputation shows its progress and a Cancel; a layer left out is fetched when picked and drawn', async () => {
  const output = makeCamOutput({ durationSeconds: 8, requestId: 'req-p' });
  const conv1 = output.maps.conv1;
  delete (output.maps as Record<string, unknown>).conv1;
  output.omittedLayers = ['conv1'];
  const page = await openPage(browser(), 'light');
  const { id } = await render(page, MIME.cam, output);
  const send = (msg: unknown) => page.evaluate((m) => (window as unknown as { sendToRenderer: (x: unknown) => void }).sendToRenderer(m), msg);
  const posted = async () => (await page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted)).filter((m) => m.type !== 'ready');
  const pending = page.locator(`#${id} .lc-pending`);
  assert.equal(await pending.isVisible(), false, 'nothing pending at first');

  await chooseOption(page, id, 'method', 'scorecam');
  assert.equal(await pending.isVisible(), true);
  await send({ type: 'progress', requestId: 'req-p', step: 'computing Grad-CAM for every layer and class', done: 0.5 });
  assert.match((await pending.textContent())!, /Computing Grad-CAM for every layer and class… \(50 %\)/);
  assert.equal(await page.locator(`#${id} .lc-pending-bar`).evaluate((b) => (b as HTMLProgressElement).value), 0.5);
  await page.locator(`#${id} [data-control="cancel-recompute"]`).click();
  assert.deepEqual((await posted()).at(-1), { type: 'cancel', requestId: 'req-p' });
  await send({ type: 'cancelled', requestId: 'req-p' });
  assert.equal(await pending.isVisible(), false, 'the bar goes when the engine says it stopped');
  assert.match((await page.locator(`#${id} .lc-status`).textContent())!, /Cancelled/);

  await chooseOption(page, id, 'layer', 'conv1');
  assert.deepEqual((await posted()).at(-1), { type: 'layer', requestId: 'req-p', layer: 'conv1', method: output.method });
  assert.equal(await pending.isVisible(), true);
  await send({ type: 'maps', requestId: 'req-p', layer: 'conv1', maps: conv1 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  const opaque = await page.evaluate((oid) => {
    const c = document.querySelector(`#${oid} canvas.lc-cam-overlay`) as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  }, id);
  assert.ok(opaque > 0, 'the fetched layer is drawn');
  assert.equal(await pending.isVisible(), false);
  await page.context().close();
});

test('every control has an accessible name and is reachable with Tab; the summary is a live region', async () => {
  const page = await openPage(browser(), 'light');
  const { id } = await render(page, MIME.cam, makeCamOutput({ durationSeconds: 20, requestId: 'r-a11y' }));
  const out = page.locator(`#${id}`);
  for (const [role, name] of [
    ['combobox', 'Layer'], ['combobox', 'Class'], ['combobox', 'Colour map'], ['combobox', 'Method'],
    ['slider', 'Overlay opacity'], ['slider', 'Attention threshold'], ['slider', 'Band cutoff'], ['checkbox', 'Patch boundaries'],
    ['button', 'Re-run'], ['button', 'Export PNG'], ['button', 'Export SVG'], ['button', 'Zoom in'],
  ] as const) {
    assert.equal(await out.getByRole(role, { name, exact: true }).count(), 1, `${role} "${name}"`);
  }
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const reached = new Set<string>();
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    const c = await page.evaluate(() => {
      const a = document.activeElement as HTMLElement | null;
      return a?.dataset.control ?? (a?.classList.contains('lc-figure') ? 'map' : '');
    });
    if (c) reached.add(c);
  }
  for (const c of ['layer', 'class', 'colormap', 'opacity', 'boundaries', 'attention-threshold', 'band-cutoff', 'method', 'rerun', 'zoom-in', 'export-png', 'export-svg', 'map']) {
    assert.ok(reached.has(c), `Tab reaches ${c} (reached: ${[...reached].join(', ')})`);
  }
  const live = await page.evaluate((oid) => {
    const s = document.querySelector(`#${oid} .lc-summary`)!;
    return { live: s.getAttribute('aria-live'), text: s.textContent };
  }, id);
  assert.equal(live.live, 'polite');
  assert.match(live.text!, /Strongest regions: .* Attention by band: .*% of the attention lies above 1\.5 kHz\./);
  await page.context().close();
});

test('keyboard cursor: Shift + arrows read out time, frequency, log-mel, CAM and the patch probabilities', async () => {
  const page = await openPage(browser(), 'light');
  const output = makeCamOutput({ durationSeconds: 20 });
  const { id } = await render(page, MIME.cam, output);
  await page.locator(`#${id} .lc-figure`).focus();
  await page.keyboard.press('Shift+ArrowUp');
  const first = await page.locator(`#${id} .lc-readout`).textContent();
  // Frame 999 (9.99 s) lies in patch index 10; band index 33: the same numbers computed from the output here.
  // The value as the default normalisation shows it; the raw value from the stored map.
  const shown = camAt(normalisedMap(output, 'conv3', 'crackle', DEFAULT_NORMALISATION)!, output.patches, 10, 999, 33, output.axes.bands)!;
  const stored = camAt(output.maps.conv3.crackle, output.patches, 10, 999, 33, output.axes.bands)!;
  assert.ok(first!.includes(`CAM ${shown.normalised.toFixed(2)} (raw ${stored.raw.toPrecision(3)})`), first!);
  assert.match(first!, /^9\.99 s · 812 Hz \(band 34\) · log-mel -?\d+\.\d\d · CAM \d\.\d\d \(raw [\d.e+-]+\) · patch 11: normal \d\.\d\d, crackle \d\.\d\d, wheeze \d\.\d\d, both \d\.\d\d$/);
  await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+ArrowDown');
  assert.match((await page.locator(`#${id} .lc-readout`).textContent())!, /\(band 32\)/);
  assert.equal(await page.locator(`#${id} .lc-readout`).getAttribute('aria-live'), 'polite');
  await page.context().close();
});

test('a mouse click picks a dropdown option even when the output document answers body clicks by taking the focus (VS Code notebook output)', async () => {
  const page = await openPage(browser(), 'light');
  const { id } = await render(page, MIME.cam, makeCamOutput({ durationSeconds: 8 }));
  // Stands in for VS Code's notebook webview: its preload listens for clicks on the body and reports
  // "output focused"; the workbench may then pull the keyboard focus out of the webview.
  await page.evaluate(() => {
    document.body.addEventListener('click', () => {
      (window as unknown as { __bodyClicks: number }).__bodyClicks = ((window as unknown as { __bodyClicks?: number }).__bodyClicks ?? 0) + 1;
      (document.activeElement as HTMLElement | null)?.blur();
    });
  });
  for (const [control, value] of [['layer', 'conv1'], ['class', 'both'], ['colormap', 'inferno']] as const) {
    const { dropdown: dd, optionBox: ob } = await openOptionByMouse(page, id, control, value);
    await page.mouse.click(ob.x + ob.width / 2, ob.y + ob.height / 2);
    await nextFrame(page);
    assert.equal(await dd.evaluate((e) => (e as HTMLElement & { value: string }).value), value, `the mouse picked ${value} in the ${control} dropdown`);
  }
  const shown = await page.evaluate((oid) => ({ ...(document.querySelector(`#${oid} .lc-cam`) as HTMLElement).dataset }), id);
  assert.deepEqual([shown.layer, shown.className, shown.colormap], ['conv1', 'both', 'inferno'], 'the view shows what was picked');
  await page.context().close();
});
