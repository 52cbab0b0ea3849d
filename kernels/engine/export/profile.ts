/**
 * Band profiles: mean attention per band (y) against frequency (x, mel-spaced like the model's input,
 * labelled in Hz), one line per model, with the cutoff marked. The study's "where does attention go" figure.
 */
import { Raster } from './raster';
import { bandPosition } from '../../shared/view/figure';
import { toHex, type Rgb } from '../../shared/view/colormaps';

export interface ProfileSeries {
  label: string;
  bandCentersHz: number[];
  values: number[];
  colour: Rgb;
}

export interface ProfileFigure {
  title: string;
  /** The x axis covers these band centres (the widest series). */
  axisCentersHz: number[];
  series: ProfileSeries[];
  cutoffHz?: number;
  yLabel: string;
}

const W = 640;
const H = 300;
const M = { l: 56, r: 16, t: 28, b: 44 };

function geometry(fig: ProfileFigure) {
  const pw = W - M.l - M.r;
  const ph = H - M.t - M.b;
  const n = fig.axisCentersHz.length;
  const xOfHz = (hz: number) => M.l + ((bandPosition(hz, fig.axisCentersHz) + 0.5) / n) * pw;
  const yMax = Math.max(1e-9, ...fig.series.flatMap((s) => s.values)) * 1.1;
  const yOf = (v: number) => M.t + ph - (v / yMax) * ph;
  const xTicks = [100, 200, 300, 500, 750, 1000, 1500, 2000, 4000, 7500].filter((hz) => hz >= fig.axisCentersHz[0] && hz <= fig.axisCentersHz[n - 1]);
  const yTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => f * yMax / 1.1);
  return { pw, ph, xOfHz, yOf, xTicks, yTicks };
}

const fmt = (v: number) => Number(v.toPrecision(2)).toString();

export function profileSvg(fig: ProfileFigure): string {
  const g = geometry(fig);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/><text x="${M.l}" y="18">${fig.title.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</text>`,
    `<rect x="${M.l}" y="${M.t}" width="${g.pw}" height="${g.ph}" fill="none" stroke="#000"/>`,
    ...g.xTicks.map((hz) => `<line x1="${g.xOfHz(hz).toFixed(1)}" x2="${g.xOfHz(hz).toFixed(1)}" y1="${M.t + g.ph}" y2="${M.t + g.ph + 4}" stroke="#000"/><text x="${g.xOfHz(hz).toFixed(1)}" y="${M.t + g.ph + 15}" text-anchor="middle">${hz}</text>`),
    `<text x="${M.l + g.pw / 2}" y="${H - 8}" text-anchor="middle">frequency (Hz, mel-spaced)</text>`,
    ...g.yTicks.map((v) => `<line x1="${M.l - 4}" x2="${M.l}" y1="${g.yOf(v).toFixed(1)}" y2="${g.yOf(v).toFixed(1)}" stroke="#000"/><text x="${M.l - 6}" y="${(g.yOf(v) + 4).toFixed(1)}" text-anchor="end">${fmt(v)}</text>`),
    `<text transform="translate(14 ${M.t + g.ph / 2}) rotate(-90)" text-anchor="middle">${fig.yLabel}</text>`,
  ];
  if (fig.cutoffHz) {
    const x = g.xOfHz(fig.cutoffHz).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${M.t}" y2="${M.t + g.ph}" stroke="#888" stroke-dasharray="4 3"/><text x="${x}" y="${M.t + 12}" text-anchor="end" fill="#555">cutoff ${fig.cutoffHz} Hz </text>`);
  }
  fig.series.forEach((s, i) => {
    const d = s.values.map((v, b) => `${b ? 'L' : 'M'}${g.xOfHz(s.bandCentersHz[b]).toFixed(1)},${g.yOf(v).toFixed(1)}`).join('');
    out.push(`<path d="${d}" fill="none" stroke="${toHex(s.colour)}" stroke-width="2"/>`);
    out.push(`<line x1="${M.l + 10}" x2="${M.l + 30}" y1="${M.t + 14 + i * 14}" y2="${M.t + 14 + i * 14}" stroke="${toHex(s.colour)}" stroke-width="2"/><text x="${M.l + 34}" y="${M.t + 18 + i * 14}">${s.label}</text>`);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

export function profilePng(fig: ProfileFigure): Buffer {
  const g = geometry(fig);
  const r = new Raster(W, H);
  r.text(fig.title, M.l, 18);
  r.outline(M.l, M.t, g.pw, g.ph, [0, 0, 0]);
  for (const hz of g.xTicks) {
    r.rect(g.xOfHz(hz), M.t + g.ph, 1, 4, [0, 0, 0]);
    r.text(String(hz), g.xOfHz(hz), M.t + g.ph + 15, 'middle');
  }
  r.text('frequency (Hz, mel-spaced)', M.l + g.pw / 2, H - 8, 'middle');
  for (const v of g.yTicks) {
    r.rect(M.l - 4, g.yOf(v), 4, 1, [0, 0, 0]);
    r.text(fmt(v), M.l - 6, g.yOf(v) + 4, 'end');
  }
  r.verticalText(fig.yLabel, 14, M.t + g.ph / 2);
  if (fig.cutoffHz) {
    const x = g.xOfHz(fig.cutoffHz);
    for (let y = M.t; y < M.t + g.ph; y += 7) r.rect(x, y, 1, 4, [136, 136, 136]);
    r.text(`cutoff ${fig.cutoffHz} Hz `, x, M.t + 12, 'end', [85, 85, 85]);
  }
  fig.series.forEach((s, i) => {
    for (let b = 1; b < s.values.length; b++) {
      r.line(g.xOfHz(s.bandCentersHz[b - 1]), g.yOf(s.values[b - 1]), g.xOfHz(s.bandCentersHz[b]), g.yOf(s.values[b]), s.colour, 2);
    }
    r.line(M.l + 10, M.t + 14 + i * 14, M.l + 30, M.t + 14 + i * 14, s.colour, 2);
    r.text(s.label, M.l + 34, M.t + 18 + i * 14);
  });
  return r.png();
}
