/**
 * What a Grad-CAM map says in the user's words, for every surface (CLI, notebook, views, exports): attention
 * by band and by time, the share above a cutoff, the strongest regions, the recording's probabilities.
 * Maps come in two forms: on the recording's [frames, bands] grid (`RecordingMap`, row-major, low band
 * first), or as an output's quantised map at the layer's native resolution (`CamMap`, what the views hold;
 * rows = patches × timeSteps, cols = bandSteps, normalised per patch).
 */
import type { CamMap, FeatureAxes, PatchInfo } from '../outputTypes';
import { resizeMaps } from './maps';
import { decodeMatrix, type ByteMatrix } from './quantized';

// ---- maps on the recording's grid

export interface RecordingMap {
  data: Float32Array;
  frames: number;
  bands: number;
}

/** Mean attention of each band over frames (length = bands). */
export function attentionByBand(map: RecordingMap): Float64Array {
  const out = new Float64Array(map.bands);
  for (let f = 0; f < map.frames; f++) for (let b = 0; b < map.bands; b++) out[b] += map.data[f * map.bands + b];
  if (map.frames > 0) for (let b = 0; b < map.bands; b++) out[b] /= map.frames;
  return out;
}

/** Mean attention of each frame over bands (length = frames). */
export function attentionByTime(map: RecordingMap): Float64Array {
  const out = new Float64Array(map.frames);
  for (let f = 0; f < map.frames; f++) {
    let s = 0;
    for (let b = 0; b < map.bands; b++) s += map.data[f * map.bands + b];
    out[f] = map.bands > 0 ? s / map.bands : 0;
  }
  return out;
}

export interface Region {
  startSeconds: number;
  endSeconds: number;
  lowHz: number;
  highHz: number;
  peak: number;
  peakSeconds: number;
  peakHz: number;
  /** Share of the map's total attention inside the region. */
  attentionShare: number;
  cells: number;
}

/**
 * The `count` strongest connected regions (4-neighbour) of cells at or above `threshold` × the map's maximum,
 * ranked by the attention they hold. Frequencies are band edges (a band spans edges[b]..edges[b + 2]).
 */
export function topRegions(map: RecordingMap, axes: Pick<FeatureAxes, 'hopSeconds' | 'bandCentersHz' | 'bandEdgesHz'>, count = 3, threshold = 0.5): Region[] {
  const { data, frames, bands } = map;
  let max = 0;
  let total = 0;
  for (const v of data) {
    if (v > max) max = v;
    total += v;
  }
  const finder = new RegionFinder(bands, threshold * max);
  for (let f = 0; f < frames; f++) finder.addRow(data.subarray(f * bands, (f + 1) * bands));
  return finder.regions(axes, total, count);
}

interface Component {
  parent: Component | null;
  f0: number; f1: number; b0: number; b1: number;
  sum: number; peak: number; peakAt: number; cells: number;
  /** The first cell in row order: regions found first rank first among equals. */
  firstAt: number;
}

const root = (c: Component): Component => {
  while (c.parent) c = c.parent;
  return c;
};

/**
 * topRegions row by row, holding two rows of labels (union–find over the components the last row
 * touches), so a long recording's map can be scanned as it streams: cells at or above `cutoff` (threshold
 * × the whole map's maximum, known beforehand) joined left–right and up–down.
 */
export class RegionFinder {
  private previous: Array<Component | null>;
  private row = 0;
  private readonly finished: Component[] = [];

  constructor(private readonly bands: number, private readonly cutoff: number) {
    this.previous = new Array(bands).fill(null);
  }

  addRow(values: ArrayLike<number>): void {
    const { bands, row } = this;
    const current: Array<Component | null> = new Array(bands).fill(null);
    if (this.cutoff > 0) {
      for (let b = 0; b < bands; b++) {
        const v = values[b];
        if (!(v >= this.cutoff)) continue;
        const at = row * bands + b;
        const left = b > 0 && current[b - 1] ? root(current[b - 1]!) : null;
        const up = this.previous[b] ? root(this.previous[b]!) : null;
        let c = left ?? up;
        if (left && up && left !== up) c = merge(left, up);
        if (!c) c = { parent: null, f0: row, f1: row, b0: b, b1: b, sum: 0, peak: -1, peakAt: at, cells: 0, firstAt: at };
        c.f1 = row;
        c.b0 = Math.min(c.b0, b);
        c.b1 = Math.max(c.b1, b);
        c.sum += v;
        c.cells++;
        if (v > c.peak || (v === c.peak && at < c.peakAt)) {
          c.peak = v;
          c.peakAt = at;
        }
        current[b] = c;
      }
      for (let b = 0; b < bands; b++) if (current[b]) current[b] = root(current[b]!);
    }
    // Components of the last row that this row does not continue are complete.
    const live = new Set(current);
    for (const p of new Set(this.previous.map((c) => (c ? root(c) : null)))) if (p && !live.has(p)) this.finished.push(p);
    this.previous = current;
    this.row++;
  }

  regions(axes: Pick<FeatureAxes, 'hopSeconds' | 'bandCentersHz' | 'bandEdgesHz'>, total: number, count: number): Region[] {
    const all = [...this.finished, ...new Set(this.previous.filter((c): c is Component => c !== null))];
    const { bands } = this;
    return all
      .sort((x, y) => y.sum - x.sum || x.firstAt - y.firstAt)
      .slice(0, count)
      .map((c) => ({
        startSeconds: c.f0 * axes.hopSeconds, endSeconds: (c.f1 + 1) * axes.hopSeconds,
        lowHz: axes.bandEdgesHz[c.b0], highHz: axes.bandEdgesHz[c.b1 + 2],
        peak: c.peak, peakSeconds: Math.floor(c.peakAt / bands) * axes.hopSeconds, peakHz: axes.bandCentersHz[c.peakAt % bands],
        attentionShare: total > 0 ? c.sum / total : 0, cells: c.cells,
      }));
  }
}

/** Joins two components (the smaller one under the larger), their statistics combined. */
function merge(a: Component, b: Component): Component {
  const [big, small] = a.cells >= b.cells ? [a, b] : [b, a];
  small.parent = big;
  big.f0 = Math.min(big.f0, small.f0);
  big.f1 = Math.max(big.f1, small.f1);
  big.b0 = Math.min(big.b0, small.b0);
  big.b1 = Math.max(big.b1, small.b1);
  big.sum += small.sum;
  big.cells += small.cells;
  if (small.peak > big.peak || (small.peak === big.peak && small.peakAt < big.peakAt)) {
    big.peak = small.peak;
    big.peakAt = small.peakAt;
  }
  big.firstAt = Math.min(big.firstAt, small.firstAt);
  return big;
}

// ---- profiles (either form)

export interface CutoffShare {
  cutoffHz: number;
  /** Share of the map's total attention in bands whose centre lies above the cutoff (0..1). */
  attentionShare: number;
  /** Share of the bands above the cutoff: what attention spread evenly would give. */
  areaShare: number;
  bandsAbove: number;
}

/** How much of the attention lies above `cutoffHz` (band centres), against the area those bands cover. */
export function shareAboveCutoff(byBand: ArrayLike<number>, bandCentersHz: number[], cutoffHz: number): CutoffShare {
  let total = 0;
  let above = 0;
  let bandsAbove = 0;
  for (let b = 0; b < byBand.length; b++) {
    total += byBand[b];
    if (bandCentersHz[b] > cutoffHz) {
      above += byBand[b];
      bandsAbove++;
    }
  }
  return { cutoffHz, attentionShare: total > 0 ? above / total : 0, areaShare: byBand.length ? bandsAbove / byBand.length : 0, bandsAbove };
}

/** Shares of the band profile in consecutive Hz ranges (the summary's "band shares"). */
export function shareByRanges(profile: ArrayLike<number>, bandCentersHz: number[], boundariesHz: number[]): { lowHz: number; highHz: number; share: number }[] {
  const edges = [0, ...boundariesHz, Infinity];
  let total = 0;
  for (let b = 0; b < profile.length; b++) total += profile[b];
  const out = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    let s = 0;
    let any = false;
    for (let b = 0; b < profile.length; b++) {
      if (bandCentersHz[b] > edges[i] && bandCentersHz[b] <= edges[i + 1]) {
        s += profile[b];
        any = true;
      }
    }
    if (any) out.push({ lowHz: edges[i], highHz: edges[i + 1], share: total > 0 ? s / total : 0 });
  }
  return out;
}

/** Recording-level probabilities: the mean of each class over patches, over the unpadded ones when there are any. */
export function recordingProbabilities(rows: ArrayLike<ArrayLike<number>>, padded: readonly boolean[]): number[] {
  const use = padded.some((p) => !p) ? padded.map((p) => !p) : padded.map(() => true);
  const n = use.filter(Boolean).length || 1;
  const classes = rows.length ? rows[0].length : 0;
  return Array.from({ length: classes }, (_, k) => {
    let s = 0;
    for (let p = 0; p < rows.length; p++) if (use[p]) s += rows[p][k];
    return s / n;
  });
}

// ---- native quantised maps (the views)

/** Normalised CAM values 0..1 of a map, row-major [patches × timeSteps, bandSteps]. */
export function camValues(map: CamMap): { m: ByteMatrix; at: (row: number, col: number) => number } {
  const m = decodeMatrix(map.map);
  const scale = (m.max - m.min) / 255;
  return { m, at: (row, col) => m.min + m.bytes[row * m.cols + col] * scale };
}

/** Mean normalised attention per mel band over the whole recording (each patch counts equally). */
export function bandProfile(map: CamMap, bands: number): Float64Array {
  const { m, at } = camValues(map);
  const colMean = new Float64Array(m.cols);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) colMean[c] += at(r, c);
  for (let c = 0; c < m.cols; c++) colMean[c] /= Math.max(1, m.rows);
  return Float64Array.from(resizeMaps(Float32Array.from(colMean), 1, 1, m.cols, 1, bands));
}

/** Mean normalised attention over bands for every native time step (row). */
export function timeProfile(map: CamMap): Float64Array {
  const { m, at } = camValues(map);
  const out = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    let s = 0;
    for (let c = 0; c < m.cols; c++) s += at(r, c);
    out[r] = s / Math.max(1, m.cols);
  }
  return out;
}

/** Normalised CAM value (0..1, nearest native cell) at a frame and mel band, or null outside every patch. */
export function camAt(map: CamMap, patches: PatchInfo, patch: number, frame: number, band: number, bands: number): { normalised: number; raw: number } | null {
  if (patch < 0 || patch >= patches.startFrame.length) return null;
  const { at } = camValues(map);
  const t = Math.min(map.timeSteps - 1, Math.max(0, Math.floor(((frame - patches.startFrame[patch]) * map.timeSteps) / patches.frames)));
  const b = Math.min(map.bandSteps - 1, Math.max(0, Math.floor((band * map.bandSteps) / bands)));
  const normalised = at(patch * map.timeSteps + t, b);
  const raw = normalised * (map.rawMax[patch] - map.rawMin[patch]) + map.rawMin[patch];
  return { normalised, raw };
}

export interface PatchPeak {
  patch: number;
  startSeconds: number;
  endSeconds: number;
  lowHz: number;
  highHz: number;
  /** Unnormalised CAM value: comparable across patches, unlike the per-patch normalised one. */
  raw: number;
}

/** The strongest native cells by raw value, at most one per patch, strongest first (the views' summary). */
export function patchPeaks(map: CamMap, patches: PatchInfo, axes: FeatureAxes, count: number): PatchPeak[] {
  const { m, at } = camValues(map);
  const best: PatchPeak[] = [];
  const n = patches.startFrame.length;
  for (let p = 0; p < n; p++) {
    let bestRaw = -Infinity;
    let bt = 0;
    let bb = 0;
    for (let t = 0; t < map.timeSteps; t++) {
      // A padded patch's tail lies past the recording's end: nothing there to point at.
      if (patches.startFrame[p] + (t * patches.frames) / map.timeSteps >= axes.frames) break;
      for (let b = 0; b < m.cols; b++) {
        const v = at(p * map.timeSteps + t, b);
        if (v > bestRaw) {
          bestRaw = v;
          bt = t;
          bb = b;
        }
      }
    }
    const raw = bestRaw * (map.rawMax[p] - map.rawMin[p]) + map.rawMin[p];
    if (!(raw > 0)) continue;
    const framesPerStep = patches.frames / map.timeSteps;
    const start = (patches.startFrame[p] + bt * framesPerStep) * axes.hopSeconds;
    const bandsPerStep = axes.bands / map.bandSteps;
    const lowBand = Math.floor(bb * bandsPerStep);
    const highBand = Math.min(axes.bands - 1, Math.ceil((bb + 1) * bandsPerStep) - 1);
    best.push({
      patch: p,
      startSeconds: start,
      endSeconds: start + framesPerStep * axes.hopSeconds,
      lowHz: axes.bandEdgesHz[lowBand],
      highHz: axes.bandEdgesHz[highBand + 2],
      raw,
    });
  }
  return best.sort((a, b) => b.raw - a.raw).slice(0, count);
}
