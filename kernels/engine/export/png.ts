/** The Grad-CAM figure as a PNG (see shared/view/figure.ts): raster plot, axes, labels in a small embedded font. */
import { colourAt, DEFAULT_CAM_COLORMAP } from '../../shared/view/colormaps';
import { layout, plotRaster, type CamFigure, type Layout } from '../../shared/view/figure';
import { hexToRgb } from '../../shared/view/classColours';
import { encodePng, Raster, textWidth } from './raster';

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
  const L = layout(fig, textWidth);
  const r = new Raster(L.width, L.height);
  const { plot, bar } = L;
  r.put(plot.x, plot.y, plot.w, plot.h, plotRaster(fig, plot.w, plot.h));
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
  const colormap = fig.colormap ?? DEFAULT_CAM_COLORMAP;
  for (let j = 0; j < bar.h; j++) r.rect(bar.x, bar.y + bar.h - 1 - j, bar.w, 1, colourAt(colormap, j / (bar.h - 1)));
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
