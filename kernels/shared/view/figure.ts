/**
 * The heatmap figure every static picture draws (the engine's PNG and SVG writers, exports from a notebook
 * output, the fallback image of `lc.show`): the log-mel spectrogram in the views' greys with the CAM map over
 * it in the chosen colour map (the views' colours, colormaps.ts), time in seconds across, frequency in Hz up
 * (mel-spaced, as the model sees it), a colour bar, ground-truth event boxes when known, and — when the
 * recording is annotated — the cycle lane (each cycle's annotated class over the model's, wrong ones
 * crossed, a legend) under lines that say what the model predicts, how the cycles went and how the map is
 * normalised. This file holds the description, its geometry and the raster of the plot area.
 */
import type { Annotations, CamOutput, CycleAnnotation, EventAnnotation } from '../outputTypes';
import { colourAt, DEFAULT_CAM_COLORMAP, type ColormapName, type Rgb } from './colormaps';
import { mapOnFrames } from './maps';
import { dequantize } from './quantized';
import { argmax, recordingProbabilities } from './recordingLabel';
import { cycleSummary, verdictOf, type Verdict } from './cycleVerdicts';
import { classColour } from './classColours';
import { classWords, plural } from './words';
import { DEFAULT_NORMALISATION, normalisationInfo, outputScaling, type CamNormalisation } from './normalisation';

export interface Grid {
  data: Float32Array;
  frames: number;
  bands: number;
}

export interface CamFigure {
  title: string;
  logMel: Grid;
  /**
   * The log-mel's grid, or already the plot's columns (frames = plotWidth of the log-mel's frames: a long
   * recording's map gathered column by column as it is computed, PlotColumns).
   */
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
  /** Lines under the title (the cycle summary, what the colours mean). */
  notes?: string[];
  /** Annotated cycles with the model's verdict on each, and the model's classes (their colours). */
  cycles?: CycleAnnotation[];
  classes?: string[];
  /** A small figure (the outputs' PNG fallback): a narrower, lower plot. */
  compact?: boolean;
}

/** One cycle in the lane: its span in pixels, the annotated and predicted colours, right or wrong. */
export interface LaneCell {
  x: number;
  w: number;
  annotated: string | null;
  predicted: string | null;
  verdict: Verdict;
}

export interface LaneRow {
  label: string;
  y: number;
  h: number;
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
  /** The title and the notes under it, wrapped to the figure's width: each line's baseline and text. */
  textLines: { y: number; text: string }[];
  /** The cycle lane: rows "annotated" and "model" (empty without cycles) and a cell per cycle. */
  laneRows: LaneRow[];
  laneCells: LaneCell[];
  /** What the lane's colours mean: a swatch and a class name each (and the cross for a wrong cycle). */
  legend: { x: number; y: number; colour: string | null; label: string }[];
}

const LINE = 14;
const LANE_ROW = 10;

/** How wide a text is in pixels at the figures' 11 px: the PNG writer passes its font's exact widths. */
export type TextWidth = (text: string) => number;
const roughWidth: TextWidth = (text) => text.length * 6.2;

/** Words of `text` in lines at most `maxWidth` pixels wide (a longer word stands alone). */
export function wrapText(text: string, maxWidth: number, textWidth: TextWidth = roughWidth): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && textWidth(`${line} ${word}`) > maxWidth) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
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

/** The plot's width in pixels for a recording of `frames` frames: a column per frame, 480 to 1200 of them. */
export function plotWidth(frames: number, compact = false): number {
  return compact ? 400 : Math.max(480, Math.min(1200, frames));
}

export function layout(fig: CamFigure, textWidth: TextWidth = roughWidth): Layout {
  const plotW = plotWidth(fig.logMel.frames, fig.compact);
  const plotH = fig.compact ? 128 : Math.max(192, Math.min(320, fig.map.bands * 4));
  const textWidthMax = plotW + 16 + 14 + 56 - 8; // up to the figure's right edge
  const lines = [fig.title, ...(fig.notes ?? [])].flatMap((n) => wrapText(n, textWidthMax, textWidth));
  const textLines = lines.map((text, i) => ({ y: 18 + LINE * i, text }));
  const cycles = fig.cycles ?? [];
  const legendY = 28 + LINE * (lines.length - 1);
  const laneTop = legendY + (cycles.length ? LINE + 2 : 0);
  const laneRows: LaneRow[] = cycles.length
    ? [{ label: 'annotated', y: laneTop, h: LANE_ROW }, { label: 'model', y: laneTop + LANE_ROW + 2, h: LANE_ROW }]
    : [];
  const plot = { x: 64, y: laneRows.length ? laneTop + 2 * LANE_ROW + 8 : laneTop, w: plotW, h: plotH };
  const bar = { x: plot.x + plotW + 16, y: plot.y, w: 14, h: plotH };
  const width = bar.x + bar.w + 56;
  const height = plot.y + plotH + 42;
  const seconds = fig.logMel.frames * fig.hopSeconds;
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
  const classes = fig.classes ?? [];
  const laneCells: LaneCell[] = cycles.map((c) => {
    const x0 = plot.x + (Math.max(0, c.startSeconds) / seconds) * plotW;
    const x1 = plot.x + (Math.min(seconds, c.endSeconds) / seconds) * plotW;
    return {
      x: x0, w: Math.max(1, x1 - x0 - 1),
      annotated: c.label ? classColour(c.label, classes) : null,
      predicted: c.predicted && c.predicted.label !== 'none' ? classColour(c.predicted.label, classes) : null,
      verdict: verdictOf(c),
    };
  });
  const legend: Layout['legend'] = [];
  if (cycles.length) {
    const items = [...classes.map((c) => ({ colour: classColour(c, classes) as string | null, label: classWords(c) })), { colour: null, label: '× the model is wrong' }];
    let x = plot.x;
    for (const item of items) {
      legend.push({ ...item, x, y: legendY });
      x += (item.colour ? 14 : 0) + textWidth(item.label) + 12;
    }
  }
  return { width, height, plot, bar, timeTicks, freqTicks, barTicks, eventBoxes, textLines, laneRows, laneCells, legend };
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

/**
 * Each pixel column's mean over the frames it covers (a box filter when the plot is narrower than the
 * recording: no aliasing of 10 ms detail, and smoother, smaller images), [w, bands].
 */
function columnMeans(grid: Grid, w: number): Float32Array {
  const { frames, bands, data } = grid;
  if (frames === w) return data;
  const out = new Float32Array(w * bands);
  for (let x = 0; x < w; x++) {
    const [first, end] = columnFrames(x, w, frames);
    for (let f = first; f < end; f++) for (let b = 0; b < bands; b++) out[x * bands + b] += data[f * bands + b];
    for (let b = 0; b < bands; b++) out[x * bands + b] /= end - first;
  }
  return out;
}

/** The frames [first, end) pixel column x of w covers. */
function columnFrames(x: number, w: number, frames: number): [number, number] {
  const first = Math.min(frames - 1, Math.floor((x / w) * frames));
  return [first, Math.max(first + 1, Math.min(frames, Math.floor(((x + 1) / w) * frames)))];
}

/**
 * A map's plot columns gathered rows at a time, in frame order, as a long recording's CAM streams out:
 * the same values as columnMeans of the whole map, without ever holding it (92 MB for an hour). For
 * recordings longer than their plot is wide (frames > plotWidth), where each frame falls in one column.
 */
export class PlotColumns {
  readonly width: number;
  private readonly column: Int32Array;
  private readonly sums: Float32Array;
  private readonly counts: Int32Array;
  /** The largest value added (a raw map's colour-bar top). */
  max = 0;

  constructor(readonly frames: number, readonly bands: number) {
    this.width = plotWidth(frames);
    if (frames <= this.width) throw new RangeError(`PlotColumns: ${frames} frames fit the plot's ${this.width} columns`);
    this.column = new Int32Array(frames);
    for (let x = 0; x < this.width; x++) {
      const [first, end] = columnFrames(x, this.width, frames);
      this.column.fill(x, first, end);
    }
    this.sums = new Float32Array(this.width * bands);
    this.counts = new Int32Array(this.width);
  }

  /** Rows [rowStart, rowStart + rows.length / bands) of the map. */
  add(rowStart: number, rows: Float32Array): void {
    const { bands } = this;
    for (let r = 0; r < rows.length / bands; r++) {
      const x = this.column[rowStart + r];
      this.counts[x]++;
      for (let b = 0; b < bands; b++) {
        const v = rows[r * bands + b];
        this.sums[x * bands + b] += v;
        if (v > this.max) this.max = v;
      }
    }
  }

  /** The columns' means as the figure's map grid. */
  grid(): Grid {
    const data = Float32Array.from(this.sums, (v, i) => v / (this.counts[Math.floor(i / this.bands)] || 1));
    return { data, frames: this.width, bands: this.bands };
  }
}

/** RGB pixels of the plot area (w × h, top row = highest band): each column the mean of its frames. */
export function plotRaster(fig: CamFigure, w: number, h: number): Uint8Array {
  const { bands } = fig.map;
  const [lo, hi] = logMelRange(fig.logMel.data);
  const [vlo, vhi] = fig.valueRange;
  const a = fig.overlay ?? 0.6;
  const colormap = fig.colormap ?? DEFAULT_CAM_COLORMAP;
  const logMel = columnMeans(fig.logMel, w);
  const map = columnMeans(fig.map, w);
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    const band = Math.min(bands - 1, Math.floor(((h - 1 - y) / h) * bands));
    for (let x = 0; x < w; x++) {
      const i = x * bands + band;
      const g: Rgb = colourAt('greys', (logMel[i] - lo) / (hi - lo || 1));
      const c: Rgb = colourAt(colormap, (map[i] - vlo) / (vhi - vlo || 1));
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

/** [frames, covered] values as the low columns of a [frames, bands] grid (zeros above). */
function widenBands(low: Float32Array, frames: number, covered: number, bands: number): Float32Array {
  const out = new Float32Array(frames * bands);
  for (let f = 0; f < frames; f++) out.set(low.subarray(f * covered, (f + 1) * covered), f * bands);
  return out;
}

export interface FigureNotesInput {
  classes: readonly string[];
  /** The recording's probabilities (recordingLabel.ts) and the class the map explains. */
  recordingProbabilities: readonly number[];
  classIndex: number;
  patchCount: number;
  annotations?: Annotations;
  /** How the map is normalised, or 'raw'. */
  normalisation: CamNormalisation | 'raw';
}

/** Lines under a figure's title: what the model predicts, how the cycles went, what the brightness means. */
export function figureNotes(n: FigureNotesInput): string[] {
  const mean = n.recordingProbabilities;
  const top = argmax(mean);
  const patches = plural(n.patchCount, 'patch', 'patches');
  const cycles = n.annotations?.cycles;
  const info = n.normalisation === 'raw' ? null : normalisationInfo(n.normalisation);
  return [
    top === n.classIndex
      ? `The model predicts ${classWords(n.classes[top])} (p ${mean[top].toFixed(2)} over ${patches}).`
      : `The model predicts ${classWords(n.classes[top])} (p ${mean[top].toFixed(2)} over ${patches}); this map explains ${classWords(n.classes[n.classIndex])} (p ${(mean[n.classIndex] ?? 0).toFixed(2)}).`,
    ...(cycles?.length ? [cycleSummary(cycles, n.annotations?.source)] : []),
    info ? `Normalised ${info.label}: ${info.meaning}.` : 'Raw attention (not normalised): comparable between recordings made with this model.',
  ];
}

/**
 * The figure of one layer × class map of a CAM output on a normalisation, from its quantised values
 * (nothing recomputed): what the view shows, drawn as the CLI draws `lungcam gradcam` figures, with the
 * cycle lane. Null when the output left the map out.
 */
export function camOutputFigure(
  out: CamOutput, pick: LayerClass, colormap: ColormapName = DEFAULT_CAM_COLORMAP, normalisation: CamNormalisation = DEFAULT_NORMALISATION,
): { figure: CamFigure; grid: Float32Array } | null {
  const map = out.maps[pick.layer]?.[pick.className];
  if (!map) return null;
  const { frames, bands } = out.axes;
  // A model trained at a band cutoff has maps of its low bands only: the bands above stay at zero.
  const covered = Math.min(bands, out.cutoff?.bands ?? bands);
  const low = mapOnFrames(map, out.patches, frames, covered, outputScaling(out, pick.layer, pick.className, normalisation));
  const grid = covered === bands ? low : widenBands(low, frames, covered, bands);
  const cycles = out.annotations?.cycles;
  const figure: CamFigure = {
    title: `${out.source.fileName} — ${out.method} of model ${out.modelId}, layer ${pick.layer}, class ${classWords(pick.className)}`,
    logMel: { data: dequantize(out.logMel), frames, bands },
    map: { data: grid, frames, bands },
    hopSeconds: out.axes.hopSeconds,
    bandCentersHz: out.axes.bandCentersHz,
    valueRange: [0, 1],
    valueLabel: 'attention',
    events: out.annotations?.events,
    colormap,
    notes: figureNotes({
      classes: out.classes, recordingProbabilities: recordingProbabilities(out.probabilities, out.classes.length),
      classIndex: out.classes.indexOf(pick.className), patchCount: out.patches.startFrame.length, annotations: out.annotations, normalisation,
    }),
    ...(cycles?.length ? { cycles, classes: out.classes } : {}),
  };
  return { figure, grid };
}
