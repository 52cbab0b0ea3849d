/**
 * The heatmap figure every static picture draws (the engine's PNG and SVG writers, exports from a notebook
 * output, the fallback image of `lc.show`): the log-mel spectrogram in the views' greys with the CAM map over
 * it in the chosen colour map (the views' colours, colormaps.ts), time in seconds across, frequency in Hz up
 * (mel-spaced, as the model sees it), a colour bar, and ground-truth event boxes when known. This file holds
 * the description, its geometry and the raster of the plot area.
 */
import type { CamOutput, EventAnnotation } from '../outputTypes';
import { colourAt, DEFAULT_CAM_COLORMAP, type ColormapName, type Rgb } from './colormaps';
import { mapOnFrames } from './maps';
import { dequantize } from './quantized';
import { recordingProbabilities } from './summaries';

export interface Grid {
  data: Float32Array;
  frames: number;
  bands: number;
}

export interface CamFigure {
  title: string;
  logMel: Grid;
  /** Same grid as logMel. */
  map: Grid;
  hopSeconds: number;
  bandCentersHz: number[];
  /** Colour-bar range and label (normalised maps: 0..1). */
  valueRange: [number, number];
  valueLabel: string;
  events?: EventAnnotation[];
  /** Weight of the map over the spectrogram (default 0.6, as the views open). */
  overlay?: number;
  /** Colour map of the CAM (default: the views' default, viridis). */
  colormap?: ColormapName;
}

export interface Tick {
  at: number;
  label: string;
}

export interface Layout {
  width: number;
  height: number;
  plot: { x: number; y: number; w: number; h: number };
  bar: { x: number; y: number; w: number; h: number };
  timeTicks: Tick[];
  freqTicks: Tick[];
  barTicks: Tick[];
  eventBoxes: { x: number; y: number; w: number; h: number; type: string }[];
}

const niceSteps = [0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600];

function fmt(v: number): string {
  return Number(v.toFixed(3)).toString();
}

/** Fractional band index of a frequency (linear between band centres), for mel-spaced axes. */
export function bandPosition(hz: number, centres: number[]): number {
  if (hz <= centres[0]) return 0;
  for (let b = 1; b < centres.length; b++) {
    if (hz <= centres[b]) return b - 1 + (hz - centres[b - 1]) / (centres[b] - centres[b - 1]);
  }
  return centres.length - 1;
}

export function layout(fig: CamFigure): Layout {
  const plotW = Math.max(480, Math.min(1200, fig.map.frames));
  const plotH = Math.max(192, Math.min(320, fig.map.bands * 4));
  const plot = { x: 64, y: 28, w: plotW, h: plotH };
  const bar = { x: plot.x + plotW + 16, y: plot.y, w: 14, h: plotH };
  const width = bar.x + bar.w + 56;
  const height = plot.y + plotH + 42;
  const seconds = fig.map.frames * fig.hopSeconds;
  const step = niceSteps.find((s) => seconds / s <= 10) ?? 600;
  const timeTicks: Tick[] = [];
  for (let t = 0; t <= seconds + 1e-9; t += step) timeTicks.push({ at: plot.x + (t / seconds) * plotW, label: fmt(t) });
  const centres = fig.bandCentersHz;
  const yOfHz = (hz: number) => plot.y + plotH - ((bandPosition(hz, centres) + 0.5) / centres.length) * plotH;
  const freqTicks: Tick[] = [];
  for (const hz of [50, 100, 125, 200, 250, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 4000, 5000, 6000, 7000, 7500]) {
    if (hz < centres[0] || hz > centres[centres.length - 1]) continue;
    const y = yOfHz(hz);
    if (freqTicks.length && Math.abs(freqTicks[freqTicks.length - 1].at - y) < 16) continue;
    freqTicks.push({ at: y, label: String(hz) });
  }
  const [lo, hi] = fig.valueRange;
  const barTicks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ at: bar.y + bar.h - f * bar.h, label: fmt(lo + f * (hi - lo)) }));
  const eventBoxes = (fig.events ?? []).map((e) => {
    const x0 = plot.x + (e.startSeconds / seconds) * plotW;
    const x1 = plot.x + (e.endSeconds / seconds) * plotW;
    const yTop = yOfHz(Math.min(e.highHz, centres[centres.length - 1]));
    const yBottom = yOfHz(Math.max(e.lowHz, centres[0]));
    return { x: x0, y: yTop, w: Math.max(1, x1 - x0), h: Math.max(1, yBottom - yTop), type: e.type };
  });
  return { width, height, plot, bar, timeTicks, freqTicks, barTicks, eventBoxes };
}

/** Display range of a log-mel: its maximum down 10 nats (quiet floors stay dark, not mid-grey). */
function logMelRange(data: Float32Array): [number, number] {
  let hi = -Infinity;
  let lo = Infinity;
  for (const v of data) {
    if (v > hi) hi = v;
    if (v < lo) lo = v;
  }
  return [Math.max(lo, hi - 10), hi];
}

/** RGB pixels of the plot area (w × h, top row = highest band), nearest cell per pixel. */
export function plotRaster(fig: CamFigure, w: number, h: number): Uint8Array {
  const { frames, bands } = fig.map;
  const [lo, hi] = logMelRange(fig.logMel.data);
  const [vlo, vhi] = fig.valueRange;
  const a = fig.overlay ?? 0.6;
  const colormap = fig.colormap ?? DEFAULT_CAM_COLORMAP;
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const band = Math.min(bands - 1, Math.floor(((h - 1 - y) / h) * bands));
    for (let x = 0; x < w; x++) {
      const frame = Math.min(frames - 1, Math.floor((x / w) * frames));
      const i = frame * bands + band;
      const g: Rgb = colourAt('greys', (fig.logMel.data[i] - lo) / (hi - lo || 1));
      const c: Rgb = colourAt(colormap, (fig.map.data[i] - vlo) / (vhi - vlo || 1));
      const o = (y * w + x) * 3;
      for (let k = 0; k < 3; k++) out[o + k] = Math.round((1 - a) * g[k] + a * c[k]);
    }
  }
  return out;
}

/** A map an output carries: one layer × class. */
export interface LayerClass {
  layer: string;
  className: string;
}

/**
 * The figure of one layer × class map of a CAM output, from its quantised values (nothing recomputed):
 * what the view shows, drawn as the CLI draws `lungcam gradcam` figures. Null when the output left it out.
 */
/** [frames, covered] values as the low columns of a [frames, bands] grid (zeros above). */
function widenBands(low: Float32Array, frames: number, covered: number, bands: number): Float32Array {
  const out = new Float32Array(frames * bands);
  for (let f = 0; f < frames; f++) out.set(low.subarray(f * covered, (f + 1) * covered), f * bands);
  return out;
}

export function camOutputFigure(out: CamOutput, pick: LayerClass, colormap: ColormapName = DEFAULT_CAM_COLORMAP): { figure: CamFigure; grid: Float32Array } | null {
  const map = out.maps[pick.layer]?.[pick.className];
  if (!map) return null;
  const { frames, bands } = out.axes;
  // A model trained at a band cutoff has maps of its low bands only: the bands above stay at zero.
  const covered = Math.min(bands, out.cutoff?.bands ?? bands);
  const low = mapOnFrames(map, out.patches, frames, covered);
  const grid = covered === bands ? low : widenBands(low, frames, covered, bands);
  const p = recordingProbabilities(out.probabilities, out.patches.padded)[out.classes.indexOf(pick.className)] ?? 0;
  const figure: CamFigure = {
    title: `${out.source.fileName} — ${out.method}, ${pick.layer}, class ${pick.className} (p ${p.toFixed(2)}), model ${out.modelId}`,
    logMel: { data: dequantize(out.logMel), frames, bands },
    map: { data: grid, frames, bands },
    hopSeconds: out.axes.hopSeconds,
    bandCentersHz: out.axes.bandCentersHz,
    valueRange: [0, 1],
    valueLabel: 'attention (per patch)',
    events: out.annotations?.events,
    colormap,
  };
  return { figure, grid };
}
