// The CAM view and its host (the extension, through renderer messaging) in real Chromium: controls that
// reach the host, the lungcam.colormap setting it sends, recomputed outputs that keep the user's choices,
// and maps a large output left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { MIME } from '../../kernels/shared/outputTypes';
import { openPage, render } from './harness';
import { browserPerFile } from './browserPerFile';
import { canvasDigest, chooseOption, nextFrame, send } from './pageHelpers';
import { makeCamOutput } from './fixtures';

const browser = browserPerFile();

test('kernel controls: disabled with a visible reason without a kernel, hidden when untrusted, posted when available', async () => {
  const page = await openPage(browser(), 'light');
  const noKernel = await render(page, MIME.cam, makeCamOutput({ durationSeconds: 8 }), { messaging: false });
  const state = await page.evaluate((oid) => {
    const root = document.getElementById(oid)!;
    const method = root.querySelector('vscode-dropdown[data-control="method"]')!;
    return {
      disabled: method.hasAttribute('disabled'),
      rerun: root.querySelector('[data-control="rerun"]')!.hasAttribute('disabled'),
      text: root.textContent,
    };
  }, noKernel.id);
  assert.ok(state.disabled && state.rerun);
  assert.ok(state.text!.includes('No kernel: re-run the cell to compute other methods'));

  const untrusted = await render(page, MIME.cam, makeCamOutput({ durationSeconds: 8, requestId: 'req-1' }), { trusted: false });
  const u = await page.evaluate((oid) => {
    const root = document.getElementById(oid)!;
    return {
      method: root.querySelectorAll('[data-control="method"], [data-control="rerun"]').length,
      layer: root.querySelectorAll('[data-control="layer"]').length,
      text: root.textContent,
    };
  }, untrusted.id);
  assert.equal(u.method, 0, 'no control that reaches the kernel');
  assert.equal(u.layer, 1, 'local controls stay');
  assert.ok(u.text!.includes('Untrusted workspace'));

  const live = await render(page, MIME.cam, makeCamOutput({ durationSeconds: 8, requestId: 'req-2' }));
  await chooseOption(page, live.id, 'method', 'gradcam++');
  await page.locator(`#${live.id} [data-control="rerun"]`).click();
  const posted = (await page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted)).filter(
    (m) => m.type !== 'ready',
  );
  assert.deepEqual(posted[0], { type: 'recompute', requestId: 'req-2', method: 'gradcam++' });
  assert.deepEqual(posted[1], { type: 'recompute', requestId: 'req-2', layer: 'conv3', className: 'crackle' });
  // The kernel's answer replaces the view in place.
  const updated = makeCamOutput({ durationSeconds: 8, requestId: 'req-3', method: 'gradcam++', seed: 11 });
  await page.evaluate((msg) => (window as unknown as { sendToRenderer: (m: unknown) => void }).sendToRenderer(msg), {
    type: 'output',
    requestId: 'req-2',
    output: updated,
  });
  const title = await page.locator(`#${live.id} .lc-title`).textContent();
  assert.match(title!, /gradcam\+\+/);
  await page.evaluate(() =>
    (window as unknown as { sendToRenderer: (m: unknown) => void }).sendToRenderer({
      type: 'error',
      requestId: 'req-3',
      message: 'out of memory',
    }),
  );
  assert.match((await page.locator(`#${live.id} .lc-status`).textContent())!, /out of memory/);
  await page.context().close();
});

test('a layer left out of a large output says so instead of drawing a stale map', async () => {
  const output = makeCamOutput({ durationSeconds: 8, requestId: 'req-9' });
  delete (output.maps as Record<string, unknown>).conv1;
  const page = await openPage(browser(), 'light');
  const { id } = await render(page, MIME.cam, output);
  await chooseOption(page, id, 'layer', 'conv1');
  const state = await page.evaluate((oid) => {
    const root = document.getElementById(oid)!;
    const c = root.querySelector('canvas.lc-cam-overlay') as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let opaque = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) opaque++;
    return { status: root.querySelector('.lc-status')!.textContent, opaque };
  }, id);
  assert.match(state.status!, /No crackle map for layer conv1 in this output/);
  assert.equal(state.opaque, 0, 'no overlay drawn');
  await page.locator(`#${id} [data-control="rerun"]`).click();
  const posted = await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
  assert.deepEqual(posted.at(-1), { type: 'recompute', requestId: 'req-9', layer: 'conv1', className: 'crackle' });
  await page.context().close();
});

/** The colour map a view shows: its dropdown, its data attribute and a digest of its overlay. */
async function colormapOf(page: Page, outputId: string): Promise<{ dropdown: string; shown: string; hash: number }> {
  const d = await canvasDigest(page, outputId, 'canvas.lc-cam-overlay');
  const v = await page.evaluate(
    (id) => ({
      dropdown: (document.querySelector(`#${id} vscode-dropdown[data-control="colormap"]`) as HTMLElement & { value: string }).value,
      shown: (document.querySelector(`#${id} .lc-cam`) as HTMLElement).dataset.colormap!,
    }),
    outputId,
  );
  return { ...v, hash: d.hash };
}

test('the lungcam.colormap setting: asked for at start, the default of new views, and open views follow a change', async () => {
  const page = await openPage(browser(), 'light');
  const before = await render(page, MIME.cam, makeCamOutput({ durationSeconds: 8 }));
  const posted = await page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted);
  assert.deepEqual(posted[0], { type: 'ready' }, 'the renderer asks the extension for its settings');
  const viridis = await colormapOf(page, before.id);
  assert.equal(viridis.dropdown, 'viridis', 'no setting yet: viridis');

  await send(page, { type: 'settings', colormap: 'jet' });
  await nextFrame(page);
  const switched = await colormapOf(page, before.id);
  const valueAxes = await page.evaluate(
    (id) => [...document.querySelectorAll(`#${id} .lc-colorbars > g`)].map((g) => g.querySelectorAll('.lc-axis-value').length),
    before.id,
  );
  assert.deepEqual(valueAxes, [1, 1], 'each colour bar keeps one value axis when it is redrawn');
  assert.equal(switched.dropdown, 'jet', 'an open view switches its dropdown');
  assert.equal(switched.shown, 'jet');
  assert.notEqual(switched.hash, viridis.hash, 'and redraws its overlay in the new colours');

  const fresh = await render(page, MIME.cam, makeCamOutput({ durationSeconds: 8 }));
  const freshMap = await colormapOf(page, fresh.id);
  assert.equal(freshMap.dropdown, 'jet', 'a new view starts with the setting');
  assert.equal(freshMap.hash, switched.hash, 'same output, same colours');

  await send(page, { type: 'settings', colormap: '<b>nope</b>' });
  assert.equal((await colormapOf(page, fresh.id)).dropdown, 'jet', 'an unknown colour map name is ignored');
  await page.context().close();
});

test('a recomputed output drawn again (same requestId) keeps the layer, class and colour map the user chose', async () => {
  const page = await openPage(browser(), 'light');
  const first = await render(page, MIME.cam, makeCamOutput({ durationSeconds: 8, requestId: 'req-keep' }));
  await chooseOption(page, first.id, 'layer', 'conv1');
  await chooseOption(page, first.id, 'class', 'wheeze');
  await chooseOption(page, first.id, 'colormap', 'magma');
  // VS Code (code-server 1.100) renders the replacement (a new output item) before it disposes the old one.
  const again = await render(page, MIME.cam, makeCamOutput({ durationSeconds: 8, requestId: 'req-keep', method: 'gradcam++', seed: 3 }));
  await page.evaluate((id) => document.getElementById(id)!.remove(), first.id);
  await page.evaluate((id) => (window as unknown as { disposeOutput: (id: string) => void }).disposeOutput(id), first.id);
  const state = await page.evaluate((id) => {
    const d = (document.querySelector(`#${id} .lc-cam`) as HTMLElement).dataset;
    return { layer: d.layer, className: d.className, colormap: d.colormap, title: document.querySelector(`#${id} .lc-title`)!.textContent };
  }, again.id);
  assert.deepEqual(
    { layer: state.layer, className: state.className, colormap: state.colormap },
    { layer: 'conv1', className: 'wheeze', colormap: 'magma' },
  );
  assert.match(state.title!, /gradcam\+\+/);
  // Scrolled away and back: disposed first, drawn again later.
  await page.evaluate((id) => (window as unknown as { disposeOutput: (id: string) => void }).disposeOutput(id), again.id);
  await page.evaluate((id) => document.getElementById(id)!.remove(), again.id);
  const back = await render(page, MIME.cam, makeCamOutput({ durationSeconds: 8, requestId: 'req-keep', method: 'gradcam++', seed: 3 }));
  const b = await page.evaluate((id) => ({ ...(document.querySelector(`#${id} .lc-cam`) as HTMLElement).dataset }), back.id);
  assert.deepEqual([b.layer, b.className, b.colormap], ['conv1', 'wheeze', 'magma'], 'a view drawn again after its dispose');
  const other = await render(page, MIME.cam, makeCamOutput({ durationSeconds: 8, requestId: 'req-other' }));
  const o = await page.evaluate((id) => (document.querySelector(`#${id} .lc-cam`) as HTMLElement).dataset.layer, other.id);
  assert.equal(o, 'conv3', 'another output opens on its own default layer');
  await page.context().close();
});
