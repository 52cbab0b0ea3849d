/**
 * The Grad-CAM figure as SVG (see shared/view/figure.ts): the dense plot area is an embedded PNG image (cells
 * are too many for vector rectangles), axes, labels, colour bar and event boxes are vector and text.
 */
import { colormapStops, DEFAULT_CAM_COLORMAP } from '../../shared/view/colormaps';
import { encodePng, textWidth } from './raster';
import { layout, plotRaster, type CamFigure, type Layout } from '../../shared/view/figure';
import { cycleHoverText } from '../../shared/view/cycleVerdicts';

/** Colour-bar gradient stops (linear between them, as close to the table as the eye can tell). */
const BAR_STOPS = 32;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The cycle lane (see figure.ts): annotated over predicted, each cycle's hover title, wrong cycles crossed. */
function laneSvg(L: Layout, fig: CamFigure): string[] {
  const [annotated, model] = L.laneRows;
  if (!annotated) return [];
  const out = [`<g class="cycle-lane">`];
  for (const item of L.legend) {
    if (item.colour) out.push(`<rect x="${item.x.toFixed(1)}" y="${item.y - 9}" width="10" height="10" fill="${item.colour}"/>`);
    out.push(`<text x="${(item.x + (item.colour ? 14 : 0)).toFixed(1)}" y="${item.y}">${esc(item.label)}</text>`);
  }
  for (const row of L.laneRows) out.push(`<text x="${L.plot.x - 6}" y="${row.y + row.h - 1}" text-anchor="end" font-size="10">${row.label}</text>`);
  L.laneCells.forEach((c, i) => {
    const cycle = fig.cycles![i];
    const title = esc(cycleHoverText(cycle, i, fig.classes ?? []));
    out.push(`<g class="cycle ${c.verdict}"><title>${title}</title>`);
    out.push(c.annotated
      ? `<rect x="${c.x.toFixed(1)}" y="${annotated.y}" width="${c.w.toFixed(1)}" height="${annotated.h}" fill="${c.annotated}"/>`
      : `<rect x="${c.x.toFixed(1)}" y="${annotated.y}" width="${c.w.toFixed(1)}" height="${annotated.h}" fill="none" stroke="#8c8c8c"/>`);
    if (c.predicted) out.push(`<rect x="${c.x.toFixed(1)}" y="${model.y}" width="${c.w.toFixed(1)}" height="${model.h}" fill="${c.predicted}"/>`);
    if (c.verdict === 'wrong') {
      const cx = c.x + c.w / 2;
      const top = annotated.y - 1.5;
      out.push(`<rect x="${(c.x - 1).toFixed(1)}" y="${top}" width="${(c.w + 2).toFixed(1)}" height="${model.y + model.h + 1.5 - top}" fill="none" stroke="#000" stroke-width="1.5"/>`);
      out.push(`<path d="M${(cx - 4).toFixed(1)} ${model.y + 1}L${(cx + 4).toFixed(1)} ${model.y + model.h - 1}M${(cx - 4).toFixed(1)} ${model.y + model.h - 1}L${(cx + 4).toFixed(1)} ${model.y + 1}" stroke="#fff" stroke-width="2"/>`);
    }
    out.push('</g>');
  });
  out.push('</g>');
  return out;
}

export function camFigureSvg(fig: CamFigure): string {
  const L = layout(fig, textWidth);
  const { plot, bar } = L;
  const image = encodePng(plot.w, plot.h, plotRaster(fig, plot.w, plot.h)).toString('base64');
  const stops = colormapStops(fig.colormap ?? DEFAULT_CAM_COLORMAP, BAR_STOPS).map((s) => `<stop offset="${s.offset.toFixed(4)}" stop-color="${s.color}"/>`).join('');
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${L.width}" height="${L.height}" viewBox="0 0 ${L.width} ${L.height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="11">`,
    `<title>${esc(fig.title)}</title>`,
    `<defs><linearGradient id="cam-bar" x1="0" y1="1" x2="0" y2="0">${stops}</linearGradient></defs>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...L.textLines.map((n) => `<text x="${plot.x}" y="${n.y}">${esc(n.text)}</text>`),
    ...laneSvg(L, fig),
    `<image x="${plot.x}" y="${plot.y}" width="${plot.w}" height="${plot.h}" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,${image}"/>`,
    ...L.eventBoxes.map((e) => `<rect class="event ${esc(e.type)}" x="${e.x.toFixed(1)}" y="${e.y.toFixed(1)}" width="${e.w.toFixed(1)}" height="${e.h.toFixed(1)}" fill="none" stroke="${e.type === 'wheeze' ? '#0ff' : '#50ff50'}" stroke-width="1"/>`),
    `<rect x="${plot.x - 0.5}" y="${plot.y - 0.5}" width="${plot.w + 1}" height="${plot.h + 1}" fill="none" stroke="#000"/>`,
    `<g class="axis time">`,
    ...L.timeTicks.map((t) => `<line x1="${t.at.toFixed(1)}" x2="${t.at.toFixed(1)}" y1="${plot.y + plot.h}" y2="${plot.y + plot.h + 4}" stroke="#000"/><text x="${t.at.toFixed(1)}" y="${plot.y + plot.h + 15}" text-anchor="middle">${t.label}</text>`),
    `<text x="${plot.x + plot.w / 2}" y="${plot.y + plot.h + 32}" text-anchor="middle">time (s)</text></g>`,
    `<g class="axis frequency">`,
    ...L.freqTicks.map((t) => `<line x1="${plot.x - 5}" x2="${plot.x - 1}" y1="${t.at.toFixed(1)}" y2="${t.at.toFixed(1)}" stroke="#000"/><text x="${plot.x - 7}" y="${(t.at + 4).toFixed(1)}" text-anchor="end">${t.label}</text>`),
    `<text transform="translate(14 ${plot.y + plot.h / 2}) rotate(-90)" text-anchor="middle">frequency (Hz)</text></g>`,
    `<g class="colorbar"><rect x="${bar.x}" y="${bar.y}" width="${bar.w}" height="${bar.h}" fill="url(#cam-bar)" stroke="#000"/>`,
    ...L.barTicks.map((t) => `<line x1="${bar.x + bar.w}" x2="${bar.x + bar.w + 3}" y1="${t.at.toFixed(1)}" y2="${t.at.toFixed(1)}" stroke="#000"/><text x="${bar.x + bar.w + 5}" y="${(t.at + 4).toFixed(1)}">${t.label}</text>`),
    `<text transform="translate(${L.width - 6} ${bar.y + bar.h / 2}) rotate(-90)" text-anchor="middle">${esc(fig.valueLabel)}</text></g>`,
    `</svg>`,
  ];
  return parts.join('\n') + '\n';
}
