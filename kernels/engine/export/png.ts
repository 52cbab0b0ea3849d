/** The Grad-CAM figure as a PNG (see figure.ts): raster plot, axes, labels in a small embedded font. */
import { encodePng } from '../show/png';
import { inferno, type Rgb } from './colormaps';
import { FONT_ASCENT, FONT_HEIGHT, GLYPHS } from './font';
import { layout, plotRaster, textWidth, type CamFigure, type Layout } from './figure';
import { hexToRgb } from '../../shared/view/classColours';

/** An RGB raster with alpha blending, rectangles, lines and text in the embedded font. */
export class Raster {
  readonly rgb: Uint8Array;
  constructor(readonly width: number, readonly height: number) {
    this.rgb = new Uint8Array(width * height * 3).fill(255);
  }
  blend(x: number, y: number, c: Rgb, alpha = 1): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = (y * this.width + x) * 3;
    for (let k = 0; k < 3; k++) this.rgb[o + k] = Math.round(this.rgb[o + k] * (1 - alpha) + c[k] * alpha);
  }
  rect(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let j = Math.round(y); j < Math.round(y + h); j++) for (let i = Math.round(x); i < Math.round(x + w); i++) this.blend(i, j, c);
  }
  outline(x: number, y: number, w: number, h: number, c: Rgb): void {
    this.rect(x, y, w, 1, c);
    this.rect(x, y + h - 1, w, 1, c);
    this.rect(x, y, 1, h, c);
    this.rect(x + w - 1, y, 1, h, c);
  }
  /** A straight line, `width` px thick (DDA, no anti-aliasing). */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, width = 1): void {
    const n = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    for (let i = 0; i <= n; i++) {
      const x = x0 + ((x1 - x0) * i) / n;
      const y = y0 + ((y1 - y0) * i) / n;
      this.rect(x - width / 2, y - width / 2, width, width, c);
    }
  }
  png(): Buffer {
    return encodePng(this.width, this.height, this.rgb);
  }
  textWidth(s: string): number {
    return textWidth(s);
  }
  /** Text with its baseline at y; anchor start | middle | end. */
  text(s: string, x: number, y: number, anchor: 'start' | 'middle' | 'end' = 'start', c: Rgb = [0, 0, 0]): void {
    let cx = Math.round(anchor === 'start' ? x : anchor === 'middle' ? x - this.textWidth(s) / 2 : x - this.textWidth(s));
    const top = Math.round(y - FONT_ASCENT);
    for (const ch of s) {
      const g = GLYPHS[ch];
      if (!g) { cx += 6; continue; }
      const [w, b64] = g;
      const bytes = Buffer.from(b64, 'base64');
      for (let i = 0; i < w * FONT_HEIGHT; i++) {
        const v = (bytes[i >> 1] >> (i % 2 === 0 ? 4 : 0)) & 15;
        if (v) this.blend(cx + (i % w), top + Math.floor(i / w), c, v / 15);
      }
      cx += w;
    }
  }
  /** Text rotated a quarter turn anticlockwise (reads bottom to top), centred on (x, y). */
  verticalText(s: string, x: number, y: number): void {
    const tmp = new Raster(this.textWidth(s) + 2, FONT_HEIGHT);
    tmp.text(s, 0, FONT_ASCENT);
    for (let j = 0; j < tmp.height; j++) {
      for (let i = 0; i < tmp.width; i++) {
        const darkness = 1 - tmp.rgb[(j * tmp.width + i) * 3] / 255;
        if (darkness > 0) this.blend(x - tmp.height / 2 + j, y + tmp.width / 2 - i, [0, 0, 0], darkness);
      }
    }
  }
}

/** The cycle lane: annotated class over the model's, a cross through the model's cell where they differ. */
function drawLane(r: Raster, L: Layout): void {
  const [annotated, model] = L.laneRows;
  if (!annotated) return;
  for (const item of L.legend) {
    if (item.colour) r.rect(item.x, item.y - 9, 10, 10, hexToRgb(item.colour));
    r.text(item.label, item.x + (item.colour ? 14 : 0), item.y);
  }
  for (const row of L.laneRows) r.text(row.label, L.plot.x - 6, row.y + row.h - 1, 'end');
  for (const c of L.laneCells) {
    if (c.annotated) r.rect(c.x, annotated.y, c.w, annotated.h, hexToRgb(c.annotated));
    else r.outline(c.x, annotated.y, c.w, annotated.h, [140, 140, 140]);
    if (c.predicted) r.rect(c.x, model.y, c.w, model.h, hexToRgb(c.predicted));
    if (c.verdict === 'wrong') {
      const cx = c.x + c.w / 2;
      const top = annotated.y - 1;
      const bottom = model.y + model.h;
      r.outline(c.x - 1, top, c.w + 2, bottom - top + 1, [0, 0, 0]);
      r.line(cx - 4, model.y + 1, cx + 4, model.y + model.h - 2, [255, 255, 255], 2);
      r.line(cx - 4, model.y + model.h - 2, cx + 4, model.y + 1, [255, 255, 255], 2);
    }
  }
}

export function camFigurePng(fig: CamFigure): Buffer {
  const L = layout(fig);
  const r = new Raster(L.width, L.height);
  const { plot, bar } = L;
  const pixels = plotRaster(fig, plot.w, plot.h);
  for (let y = 0; y < plot.h; y++) r.rgb.set(pixels.subarray(y * plot.w * 3, (y + 1) * plot.w * 3), ((plot.y + y) * L.width + plot.x) * 3);
  for (const e of L.eventBoxes) r.outline(e.x, e.y, e.w, e.h, e.type === 'wheeze' ? [0, 255, 255] : [80, 255, 80]);
  r.outline(plot.x - 1, plot.y - 1, plot.w + 2, plot.h + 2, [0, 0, 0]);
  for (const t of L.timeTicks) {
    r.rect(t.at, plot.y + plot.h, 1, 4, [0, 0, 0]);
    r.text(t.label, t.at, plot.y + plot.h + 15, 'middle');
  }
  r.text('time (s)', plot.x + plot.w / 2, plot.y + plot.h + 32, 'middle');
  for (const t of L.freqTicks) {
    r.rect(plot.x - 5, t.at, 4, 1, [0, 0, 0]);
    r.text(t.label, plot.x - 7, t.at + 4, 'end');
  }
  r.verticalText('frequency (Hz)', 12, plot.y + plot.h / 2);
  for (let j = 0; j < bar.h; j++) r.rect(bar.x, bar.y + bar.h - 1 - j, bar.w, 1, inferno(j / (bar.h - 1)));
  r.outline(bar.x - 1, bar.y - 1, bar.w + 2, bar.h + 2, [0, 0, 0]);
  for (const t of L.barTicks) {
    r.rect(bar.x + bar.w, t.at, 3, 1, [0, 0, 0]);
    r.text(t.label, bar.x + bar.w + 5, t.at + 4);
  }
  r.verticalText(fig.valueLabel, L.width - 8, bar.y + bar.h / 2);
  for (const line of L.textLines) r.text(line.text, plot.x, line.y);
  drawLane(r, L);
  return encodePng(L.width, L.height, r.rgb);
}
