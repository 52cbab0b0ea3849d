// Small page operations the CAM view tests share: a digest of a canvas, picking a dropdown option by
// mouse, a message from the host, waiting for the next animation frame, where the figure sits.
import type { Page } from 'playwright-core';

/** A digest of a canvas's pixels (to see whether a switch changed what is drawn). */
export async function canvasDigest(
  page: Page,
  outputId: string,
  selector: string,
): Promise<{ hash: number; opaque: number; total: number }> {
  return page.evaluate(
    ([id, sel]) => {
      const c = document.querySelector(`#${id} ${sel}`) as HTMLCanvasElement;
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let hash = 0;
      let opaque = 0;
      for (let i = 0; i < d.length; i += 4) {
        hash = (hash * 31 + d[i] * 7 + d[i + 1] * 3 + d[i + 2]) | 0;
        if (d[i + 3] > 200) opaque++;
      }
      return { hash, opaque, total: d.length / 4 };
    },
    [outputId, selector] as const,
  );
}

export async function chooseOption(page: Page, outputId: string, control: string, value: string): Promise<void> {
  const dd = page.locator(`#${outputId} vscode-dropdown[data-control="${control}"]`);
  await dd.click();
  await dd.locator(`vscode-option[value="${value}"]`).click();
  await page.waitForFunction(
    ([id, c, v]) => (document.querySelector(`#${id} vscode-dropdown[data-control="${c}"]`) as HTMLElement & { value: string }).value === v,
    [outputId, control, value] as const,
  );
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
}

/**
 * Opens a dropdown with a mouse click at its middle and waits for option `value` to show: the dropdown,
 * its box and the option's box (where a mouse would click it).
 */
export async function openOptionByMouse(page: Page, outputId: string, control: string, value: string) {
  const dropdown = page.locator(`#${outputId} vscode-dropdown[data-control="${control}"]`);
  const box = (await dropdown.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  const option = dropdown.locator(`vscode-option[value="${value}"]`);
  await option.waitFor({ state: 'visible', timeout: 2_000 });
  return { dropdown, box, optionBox: (await option.boundingBox())! };
}

export const send = (page: Page, message: unknown) =>
  page.evaluate((m) => (window as unknown as { sendToRenderer: (m: unknown) => void }).sendToRenderer(m), message);
export const nextFrame = (page: Page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));

/** The layout numbers of a rendered CAM view (the figure's box, the plot's left edge, the lane's rows). */
export async function figureBox(page: Page, id: string): Promise<{ x: number; y: number; left: number; laneTop: number; plotWidth: number }> {
  return page.evaluate((oid) => {
    const fig = document.querySelector(`#${oid} .lc-figure`) as HTMLElement;
    const r = fig.getBoundingClientRect();
    const marks = fig.querySelector('canvas.lc-marks') as HTMLCanvasElement;
    return { x: r.left, y: r.top, left: parseFloat(marks.style.left), laneTop: 15, plotWidth: parseFloat(marks.style.width) };
  }, id);
}
