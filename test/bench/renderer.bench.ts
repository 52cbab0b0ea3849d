// Renderer benchmark (Chromium via playwright-core, /usr/bin/chromium, headless, no GPU):
//  - output size of a 10-minute recording's CamOutput for three layer pyramids (budget 10 MB);
//  - first paint of the 10-minute CAM view: renderOutputItem (JSON parse + decode + draw) until the next
//    animation frame, fresh page each run, median of 5 (target < 300 ms);
//  - frame time while panning with the mouse (drag on the map), for a 30 s and a 300 s window:
//    rAF intervals and the work done in each frame (target 60 fps: interval ≈ 16.7 ms, work < 16 ms).
// Run: npm run bench -- renderer   (needs `npm run build` first).
import { loadavg, cpus } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { launch, openPage } from '../renderer/harness';
import { ENGINE_LAYERS, makeCamOutput, outputBytes, type LayerShape } from '../renderer/fixtures';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const mb = (n: number) => (n / 1e6).toFixed(2);

const PYRAMIDS: { name: string; layers: LayerShape[] }[] = [
  { name: 'engine conv1..4 (96×64 … 12×8)', layers: ENGINE_LAYERS },
  { name: 'engine conv2..4 (48×32 … 12×8)', layers: ENGINE_LAYERS.slice(1) },
  { name: 'engine conv3..4 (24×16, 12×8)', layers: ENGINE_LAYERS.slice(2) },
];

/** Main-thread CPU time of the page (CDP Performance.ThreadTime, seconds → ms): not inflated by waiting for a core. */
async function threadMs(page: Page): Promise<() => Promise<number>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const read = async () => {
    const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] };
    return (metrics.find((m) => m.name === 'ThreadTime')?.value ?? NaN) * 1000;
  };
  const start = await read();
  return async () => (await read()) - start;
}

async function firstPaint(browser: Browser, json: string, runs: number): Promise<{ render: number[]; paint: number[]; cpu: number[] }> {
  const render: number[] = [];
  const paint: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const page = await openPage(browser, 'dark', { '/fixture.json': json });
    // Fetch first (the notebook already holds the output), then time only the renderer's work.
    await page.evaluate(async () => { (window as unknown as { __text: string }).__text = await (await fetch('/fixture.json')).text(); });
    const elapsed = await threadMs(page);
    const r = await page.evaluate(() => (window as unknown as { renderOutput: (m: string, t: string) => Promise<{ renderMs: number; paintMs: number }> }).renderOutput('application/vnd.lungcam.cam+json', (window as unknown as { __text: string }).__text));
    cpu.push(await elapsed());
    render.push(r.renderMs);
    paint.push(r.paintMs);
    await page.context().close();
  }
  return { render, paint, cpu };
}

/** Drags across the map with synthetic mouse events, one step per animation frame, and times each frame. */
async function panFrames(page: Page, frames: number, stepPx: number): Promise<{ intervals: number[]; work: number[] }> {
  return page.evaluate(([n, step]) => new Promise<{ intervals: number[]; work: number[] }>((resolve) => {
    const hit = document.querySelector('.lc-hit') as SVGRectElement;
    const box = hit.getBoundingClientRect();
    let x = box.left + box.width * 0.8;
    const y = box.top + box.height / 2;
    hit.dispatchEvent(new MouseEvent('mousedown', { clientX: x, clientY: y, bubbles: true, view: window, button: 0 }));
    const intervals: number[] = [];
    const work: number[] = [];
    let last = 0;
    let i = 0;
    let dir = -1;
    const tick = (ts: number) => {
      // Runs after the renderer's own frame callback (registered earlier): now − frame start = that frame's work.
      if (i > 0) {
        work.push(performance.now() - ts);
        intervals.push(ts - last);
      }
      last = ts;
      if (i++ >= n) {
        window.dispatchEvent(new MouseEvent('mouseup', { clientX: x, clientY: y, bubbles: true, view: window }));
        resolve({ intervals, work });
        return;
      }
      if (x < box.left + box.width * 0.2) dir = 1;
      if (x > box.left + box.width * 0.8) dir = -1;
      x += dir * step;
      window.dispatchEvent(new MouseEvent('mousemove', { clientX: x, clientY: y, bubbles: true, view: window, buttons: 1 }));
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }), [frames, stepPx] as const);
}

async function main() {
  console.log(`machine: ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (shared: compare runs side by side)`);
  console.log('\n10-minute recording (600 s, 60 000 frames × 64 bands, 625 patches, 4 classes), CamOutput JSON size:');
  const jsons: string[] = [];
  for (const p of PYRAMIDS) {
    const o = makeCamOutput({ durationSeconds: 600, layers: p.layers });
    const json = JSON.stringify(o);
    jsons.push(json);
    console.log(`  ${p.name.padEnd(34)} ${mb(outputBytes(o)).padStart(6)} MB (log-mel ${mb(JSON.stringify(o.logMel).length)} MB) ${outputBytes(o) < 10e6 ? 'under' : 'OVER'} the 10 MB budget`);
  }

  const browser = await launch();
  try {
    console.log('\nFirst paint of the 10-minute CAM view (renderOutputItem → next frame; median of 5, [min–max]):');
    for (const [i, p] of PYRAMIDS.entries()) {
      const { render, paint, cpu } = await firstPaint(browser, jsons[i], 5);
      console.log(`  ${p.name.padEnd(34)} render ${median(render).toFixed(0)} ms, first paint ${median(paint).toFixed(0)} ms [${Math.min(...paint).toFixed(0)}–${Math.max(...paint).toFixed(0)}], main-thread CPU ${median(cpu).toFixed(0)} ms (target < 300 ms)`);
    }

    console.log('\nPanning the 10-minute view (conv3..4), 120 frames, 6 px per frame:');
    const page = await openPage(browser, 'dark', { '/fixture.json': jsons[2] });
    await page.evaluate(async () => {
      const text = await (await fetch('/fixture.json')).text();
      await (window as unknown as { renderOutput: (m: string, t: string) => Promise<unknown> }).renderOutput('application/vnd.lungcam.cam+json', text);
    });
    for (const span of [30, 300]) {
      if (span !== 30) {
        await page.locator('.lc-figure').focus();
        await page.keyboard.press('0'); // whole recording …
        await page.keyboard.press('+'); // … then half of it
      }
      await page.waitForTimeout(200);
      const elapsed = await threadMs(page);
      const { intervals, work } = await panFrames(page, 120, 6);
      const cpuPerFrame = (await elapsed()) / 120;
      const fps = 1000 / median(intervals);
      console.log(`  ${String(span).padStart(3)} s window: frame interval median ${median(intervals).toFixed(1)} ms (${fps.toFixed(0)} fps), p95 ${pct(intervals, 0.95).toFixed(1)} ms; work per frame median ${median(work).toFixed(1)} ms, p95 ${pct(work, 0.95).toFixed(1)} ms; main-thread CPU ${cpuPerFrame.toFixed(1)} ms/frame`);
    }
    await page.context().close();
  } finally {
    await browser.close();
  }
  console.log('\nNo Python reference: rendering has no counterpart in /work/shared/bench.');
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
