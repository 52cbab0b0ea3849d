// Numbers derived from a CAM map for profiles, the cutoff share, the readout and the text summary.
// Maps arrive at the layer's native resolution (rows = patches × timeSteps, cols = bandSteps,
// normalised per patch); here they are related to frames and mel bands without drawing anything.
import type { CamMap, FeatureAxes, PatchInfo } from '../outputTypes';
import { decodeMatrix, type ByteMatrix } from './quantized';

/** Normalised CAM values 0..1 of a map, row-major [patches × timeSteps, bandSteps]. */
export function camValues(map: CamMap): { m: ByteMatrix; at: (row: number, col: number) => number } {
  const m = decodeMatrix(map.map);
  const scale = (m.max - m.min) / 255;
  return { m, at: (row, col) => m.min + m.bytes[row * m.cols + col] * scale };
}

/**
 * Linear interpolation weights from `from` native cells to `to` output cells with half-pixel centres
 * (the convention of tf.image.resizeBilinear(halfPixelCenters) and OpenCV), edges clamped.
 */
export function upsampleWeights(from: number, to: number): { i0: Int32Array; i1: Int32Array; w1: Float32Array } {
  const i0 = new Int32Array(to);
  const i1 = new Int32Array(to);
  const w1 = new Float32Array(to);
  for (let i = 0; i < to; i++) {
    const u = Math.min(Math.max((i + 0.5) * (from / to) - 0.5, 0), from - 1);
    const lo = Math.floor(u);
    i0[i] = lo;
    i1[i] = Math.min(lo + 1, from - 1);
    w1[i] = u - lo;
  }
  return { i0, i1, w1 };
}

/** Mean normalised attention per mel band over the whole recording (each patch counts equally). */
export function bandProfile(map: CamMap, bands: number): Float64Array {
  const { m, at } = camValues(map);
  const colMean = new Float64Array(m.cols);
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.cols; c++) colMean[c] += at(r, c);
  for (let c = 0; c < m.cols; c++) colMean[c] /= Math.max(1, m.rows);
  const { i0, i1, w1 } = upsampleWeights(m.cols, bands);
  const out = new Float64Array(bands);
  for (let b = 0; b < bands; b++) out[b] = colMean[i0[b]] * (1 - w1[b]) + colMean[i1[b]] * w1[b];
  return out;
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

/** Fraction (0..1) of the band profile that lies in bands whose centre is above cutoffHz. */
export function shareAbove(profile: ArrayLike<number>, bandCentersHz: number[], cutoffHz: number): number {
  let total = 0;
  let above = 0;
  for (let b = 0; b < profile.length; b++) {
    total += profile[b];
    if (bandCentersHz[b] > cutoffHz) above += profile[b];
  }
  return total > 0 ? above / total : 0;
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

export interface Region {
  patch: number;
  startSeconds: number;
  endSeconds: number;
  lowHz: number;
  highHz: number;
  /** Unnormalised CAM value: comparable across patches, unlike the per-patch normalised one. */
  raw: number;
}

/** The strongest native cells by raw value, at most one per patch, strongest first. */
export function topRegions(map: CamMap, patches: PatchInfo, axes: FeatureAxes, count: number): Region[] {
  const { m, at } = camValues(map);
  const best: Region[] = [];
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
