/**
 * Attention of a model over a set of patches, by band: Grad-CAM of the last conv layer for the class the
 * model predicts for each patch (the seed's "samples classified by the model"), at the patch size,
 * averaged over frames and patches.
 */
import * as tf from '@tensorflow/tfjs';
import { gradCam, patchMaps } from '../cam/cam';
import type { StudySet } from './data';
import { PATCH_FRAMES } from '../types';

export interface BandAttention {
  layer: string;
  /** Mean attention (0..1) of each band over all patches. */
  byBand: number[];
  bandCentersHz: number[];
  patches: number;
  /** Predicted class per patch. */
  predicted: number[];
  /** Mean (over patches) of the per-patch maps: [96, bands], for the average heatmap figure. */
  meanMap: Float32Array;
}

export async function bandAttention(model: tf.LayersModel, set: StudySet, layer: string, classNames: string[], bandCentersHz: number[], signal?: AbortSignal): Promise<BandAttention> {
  const r = await gradCam(model, { data: set.x, count: set.count, frames: PATCH_FRAMES, bands: set.bands }, { layers: [layer], classes: 'all', classNames, signal });
  const k = classNames.length;
  const predicted = Array.from({ length: set.count }, (_, p) => {
    let best = 0;
    for (let c = 1; c < k; c++) if (r.probabilities[p * k + c] > r.probabilities[p * k + best]) best = c;
    return best;
  });
  const size = PATCH_FRAMES * set.bands;
  const meanMap = new Float32Array(size);
  const maps = classNames.map((_, c) => patchMaps(r, c));
  for (let p = 0; p < set.count; p++) {
    const m = maps[predicted[p]];
    for (let i = 0; i < size; i++) meanMap[i] += m[p * size + i] / set.count;
  }
  const byBand = Array.from({ length: set.bands }, (_, b) => {
    let s = 0;
    for (let f = 0; f < PATCH_FRAMES; f++) s += meanMap[f * set.bands + b];
    return s / PATCH_FRAMES;
  });
  return { layer, byBand, bandCentersHz, patches: set.count, predicted, meanMap };
}

/** Share of the attention in bands whose centre lies in [loHz, hiHz]. */
export function attentionShare(a: BandAttention, loHz: number, hiHz: number): number {
  let total = 0;
  let inside = 0;
  a.byBand.forEach((v, b) => {
    total += v;
    if (a.bandCentersHz[b] >= loHz && a.bandCentersHz[b] <= hiHz) inside += v;
  });
  return total > 0 ? inside / total : 0;
}
