// The colour maps of every LungCAM picture, from d3-scale-chromatic: 256-entry tables indexed by the
// quantised bytes (one lookup a pixel on screen), and the same entries for the engine's figures and the
// fallback images, so an exported or saved picture has the colours the view shows.
import { interpolateInferno, interpolateViridis, interpolateGreys, interpolateMagma } from 'd3-scale-chromatic';
import { rgb } from 'd3-color';

export type ColormapName = 'viridis' | 'inferno' | 'magma' | 'jet' | 'greys';
/** Offered for the CAM overlay; perceptually uniform first (the default), jet for people used to it. */
export const CAM_COLORMAPS: ColormapName[] = ['viridis', 'inferno', 'magma', 'jet'];
export const DEFAULT_CAM_COLORMAP: ColormapName = 'viridis';

/** Classic MATLAB jet: blue → cyan → yellow → red, piecewise linear. */
export function interpolateJet(t: number): string {
  const clamp = (v: number) => Math.max(0, Math.min(1, v));
  const r = clamp(1.5 - Math.abs(4 * t - 3));
  const g = clamp(1.5 - Math.abs(4 * t - 2));
  const b = clamp(1.5 - Math.abs(4 * t - 1));
  return `rgb(${Math.round(r * 255)}, ${Math.round(g * 255)}, ${Math.round(b * 255)})`;
}

export function interpolator(name: ColormapName): (t: number) => string {
  switch (name) {
    case 'viridis': return interpolateViridis;
    case 'inferno': return interpolateInferno;
    case 'magma': return interpolateMagma;
    case 'jet': return interpolateJet;
    // Spectrogram background: dark = quiet, light = loud (reads well under a coloured overlay).
    case 'greys': return (t) => interpolateGreys(1 - t);
  }
}

const luts = new Map<ColormapName, Uint8ClampedArray>();

/** 256 × RGBA, entry i = colour of i/255. */
export function colormapLut(name: ColormapName): Uint8ClampedArray {
  let lut = luts.get(name);
  if (!lut) {
    const f = interpolator(name);
    lut = new Uint8ClampedArray(256 * 4);
    for (let i = 0; i < 256; i++) {
      const c = rgb(f(i / 255));
      lut[i * 4] = c.r;
      lut[i * 4 + 1] = c.g;
      lut[i * 4 + 2] = c.b;
      lut[i * 4 + 3] = 255;
    }
    luts.set(name, lut);
  }
  return lut;
}

/** Evenly spaced stops for an SVG/CSS gradient of the colour bar. */
export function colormapStops(name: ColormapName, count = 11): { offset: number; color: string }[] {
  const f = interpolator(name);
  return Array.from({ length: count }, (_, i) => ({ offset: i / (count - 1), color: rgb(f(i / (count - 1))).formatHex() }));
}

export type Rgb = [number, number, number];

/** The colour the screen shows for a value t in 0..1 (clamped; not a number counts as 0): table entry round(t · 255). */
export function colourAt(name: ColormapName, t: number): Rgb {
  const lut = colormapLut(name);
  const i = Math.round(Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * 255) * 4;
  return [lut[i], lut[i + 1], lut[i + 2]];
}

export const toHex = ([r, g, b]: Rgb): string => '#' + [r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('');

export function isColormapName(s: string): s is ColormapName {
  return (CAM_COLORMAPS as string[]).includes(s) || s === 'greys';
}
