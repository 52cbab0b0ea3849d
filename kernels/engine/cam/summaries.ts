/**
 * What a map says in the user's words: attention by band (Hz) and by time (s), the share of attention above
 * a cutoff frequency, and the top regions. Maps are [frames, bands] row-major, low band first.
 */
import type { FeatureAxes } from '../../shared/outputTypes';

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
  if (max <= 0) return [];
  const label = new Int32Array(frames * bands).fill(-1);
  const regions: Region[] = [];
  const stack: number[] = [];
  for (let start = 0; start < data.length; start++) {
    if (label[start] !== -1 || data[start] < threshold * max) continue;
    const id = regions.length;
    let f0 = Infinity, f1 = -1, b0 = Infinity, b1 = -1, sum = 0, peak = -1, peakAt = start, cells = 0;
    label[start] = id;
    stack.push(start);
    while (stack.length) {
      const i = stack.pop()!;
      const f = Math.floor(i / bands);
      const b = i % bands;
      f0 = Math.min(f0, f); f1 = Math.max(f1, f); b0 = Math.min(b0, b); b1 = Math.max(b1, b);
      sum += data[i];
      cells++;
      if (data[i] > peak) { peak = data[i]; peakAt = i; }
      const near = [f > 0 ? i - bands : -1, f < frames - 1 ? i + bands : -1, b > 0 ? i - 1 : -1, b < bands - 1 ? i + 1 : -1];
      for (const j of near) {
        if (j >= 0 && label[j] === -1 && data[j] >= threshold * max) {
          label[j] = id;
          stack.push(j);
        }
      }
    }
    regions.push({
      startSeconds: f0 * axes.hopSeconds, endSeconds: (f1 + 1) * axes.hopSeconds,
      lowHz: axes.bandEdgesHz[b0], highHz: axes.bandEdgesHz[b1 + 2],
      peak, peakSeconds: Math.floor(peakAt / bands) * axes.hopSeconds, peakHz: axes.bandCentersHz[peakAt % bands],
      attentionShare: total > 0 ? sum / total : 0, cells,
    });
  }
  return regions.sort((x, y) => y.attentionShare - x.attentionShare).slice(0, count);
}
