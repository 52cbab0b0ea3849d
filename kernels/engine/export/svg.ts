/**
 * The Grad-CAM figure as SVG (see shared/view/figure.ts): the dense plot area is an embedded PNG image (cells
 * are too many for vector rectangles), axes, labels, colour bar and event boxes are vector and text.
 */
import { colormapStops, DEFAULT_CAM_COLORMAP } from '../../shared/view/colormaps';
import { encodePng } from './raster';
import { layout, plotRaster, type CamFigure } from '../../shared/view/figure';

/** Colour-bar gradient stops (linear between them, as close to the table as the eye can tell). */
const BAR_STOPS = 32;

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function camFigureSvg(fig: CamFigure): string {
  const L = layout(fig);
  const { plot, bar } = L;
  const image = encodePng(plot.w, plot.h, plotRaster(fig, plot.w, plot.h)).toString('base64');
  const stops = colormapStops(fig.colormap ?? DEFAULT_CAM_COLORMAP, BAR_STOPS).map((s) => `<stop offset="${s.offset.toFixed(4)}" stop-color="${s.color}"/>`).join('');
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${L.width}" height="${L.height}" viewBox="0 0 ${L.width} ${L.height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="11">`,
    `<title>${esc(fig.title)}</title>`,
    `<defs><linearGradient id="cam-bar" x1="0" y1="1" x2="0" y2="0">${stops}</linearGradient></defs>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${plot.x}" y="18">${esc(fig.title)}</text>`,
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
