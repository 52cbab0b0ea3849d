/**
 * The model-randomisation sanity check (Adebayo et al. 2018): re-initialise the model's top layers (from the
 * logits down to the explained layer) and recompute the maps. A map that explains the model must change;
 * one that only reflects the input (an edge detector) would not. Reported as the Spearman rank correlation
 * between the trained and the randomised maps (near 1 = the map ignores the model: a failed check).
 */
import * as tf from '@tensorflow/tfjs';
import { gradCam, patchMaps, type GradCamOptions, type PatchBatch } from './cam';

export interface SanityResult {
  /** Layers whose weights were re-initialised, top first. */
  randomisedLayers: string[];
  /** Mean over patches and classes of the Spearman correlation, trained vs randomised map. */
  meanRankCorrelation: number;
  perClass: { className: string; rankCorrelation: number }[];
  /** True when the maps differ (mean rank correlation below `threshold`). */
  passed: boolean;
  threshold: number;
}

/** A copy of a model with its own weights (through the in-memory save/load round trip). */
export async function cloneModel(model: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return tf.loadLayersModel(tf.io.fromMemory(saved!));
}

/** Ranks (average ranks for ties). */
function ranks(v: ArrayLike<number>): Float64Array {
  const idx = Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[a] - v[b]);
  const r = new Float64Array(v.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && v[idx[j + 1]] === v[idx[i]]) j++;
    for (let k = i; k <= j; k++) r[idx[k]] = (i + j) / 2;
    i = j + 1;
  }
  return r;
}

/** Spearman rank correlation; 0 when either side is constant. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const ra = ranks(a);
  const rb = ranks(b);
  const n = ra.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += ra[i] / n; mb += rb[i] / n; }
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (ra[i] - ma) * (rb[i] - mb);
    saa += (ra[i] - ma) ** 2;
    sbb += (rb[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : 0;
}

/** Layers above `layer` (and it), top first, that hold weights. */
export function layersAbove(model: tf.LayersModel, layer: string): string[] {
  const names = model.layers.map((l) => l.name);
  const from = names.indexOf(layer);
  return model.layers.slice(from).filter((l) => l.getWeights().length > 0).map((l) => l.name).reverse();
}

/** Re-draws every weight of the named layers from a normal distribution with the weight's own std. */
export function randomiseLayers(model: tf.LayersModel, names: string[], seed = 1): void {
  for (const name of names) {
    const layer = model.getLayer(name);
    const fresh = layer.getWeights().map((w, i) => tf.tidy(() => {
      const std = Math.max(1e-3, tf.moments(w).variance.sqrt().dataSync()[0]);
      return tf.randomNormal(w.shape, 0, std, 'float32', seed * 131 + i);
    }));
    layer.setWeights(fresh);
    tf.dispose(fresh);
  }
}

/** Runs the check for one layer on some patches (all classes), with the same CAM options. */
export async function randomisationCheck(
  model: tf.LayersModel,
  patches: PatchBatch,
  options: GradCamOptions & { layer: string; seed?: number; threshold?: number },
): Promise<SanityResult> {
  const camOptions: GradCamOptions = { ...options, layers: [options.layer], classes: 'all' };
  const trained = await gradCam(model, patches, camOptions);
  const copy = await cloneModel(model);
  try {
    const randomisedLayers = layersAbove(copy, options.layer);
    randomiseLayers(copy, randomisedLayers, options.seed ?? 1);
    const random = await gradCam(copy, patches, camOptions);
    const size = patches.frames * patches.bands;
    const perClass = trained.classIndices.map((c) => {
      const a = patchMaps(trained, c);
      const b = patchMaps(random, c);
      let s = 0;
      for (let p = 0; p < patches.count; p++) s += spearman(a.subarray(p * size, (p + 1) * size), b.subarray(p * size, (p + 1) * size));
      return { className: trained.classNames[c], rankCorrelation: s / Math.max(1, patches.count) };
    });
    const mean = perClass.reduce((s, c) => s + c.rankCorrelation, 0) / Math.max(1, perClass.length);
    const threshold = options.threshold ?? 0.5;
    return { randomisedLayers, meanRankCorrelation: mean, perClass, passed: mean < threshold, threshold };
  } finally {
    copy.dispose();
  }
}
