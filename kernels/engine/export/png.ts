/** The Grad-CAM figure as a PNG (see shared/view/figure.ts): raster plot, axes, labels in a small embedded font. */
import { colourAt, DEFAULT_CAM_COLORMAP } from '../../shared/view/colormaps';
import { layout, plotRaster, type CamFigure } from '../../shared/view/figure';
import { encodePng, Raster } from './raster';

export function camFigurePng(fig: CamFigure): Buffer {
  const L = layout(fig);
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
  r.text(fig.title, plot.x, 18);
  return encodePng(L.width, L.height, r.rgb);
}
