/**
 * The one CAM pipeline (pytorch-grad-cam's base_cam.py shape): forward to the chosen conv layers'
 * activations A and the logits, gradients of each target class's raw logit with respect to A, a method's
 * weighting (methods.ts), ReLU, per-patch normalisation. Resizing to the patch, multi-layer combination
 * and stitching to [frames, bands] are in maps.ts and `camImage` below.
 * Batched over patches, every class at once, tidy (no tensors left behind), cancellable between batches.
 */
import * as tf from '@tensorflow/tfjs';
import { forwardWithActivations, headFrom, headWithProbes, layerOutput, runGraph } from './graph';
import { chainGradients, supportedChain } from './backward';
import { gradCamMeans } from './meanGradients';
import { camProduct } from '../accel';
import { METHODS } from './methods';
import type { CamMethodName } from '../../shared/view/methods';
import { activationLayerFor, camLayerNames, resolveClasses, resolveLayers, resolveMethod } from './layers';
import { combineLayerMaps, meanOfLayers, normalisePerPatch, resizeMaps, stitchPatches } from '../../shared/view/maps';
import { SILENCE_LOG_MEL } from '../audio/logMel';
import { applyPatchScaling, patchScaling, type CamNormalisation } from '../../shared/view/normalisation';

/** Model inputs: [count, frames, bands] row-major (the `Patches` of types.ts fit). */
export interface PatchBatch {
  data: Float32Array;
  count: number;
  frames: number;
  bands: number;
}

export interface GradCamOptions {
  /** Conv layer names (default: the last conv layer). */
  layers?: string[];
  /** Class names or indices, or 'all' (default). */
  classes?: (string | number)[] | 'all';
  method?: CamMethodName | string;
  /** Patches per forward/backward pass (default 32). */
  batchSize?: number;
  signal?: AbortSignal;
  /** Names of the model's classes (default class0, class1, …). */
  classNames?: string[];
  /** The model's conv layers, input side first (default: found by layer type). */
  convLayers?: string[];
  /**
   * Score-CAM masks the input towards this value. Inputs are log-mel, so the default is silence,
   * ln(0.01); pytorch-grad-cam multiplies by the mask (a baseline of 0), which in log-mel means "loud".
   */
  scoreCamBaseline?: number;
  /** Masked inputs per forward pass for Score-CAM (default 64). */
  scoreCamBatchSize?: number;
}

/** One layer × class: maps at the layer's native resolution for every patch. */
export interface LayerClassCam {
  layer: string;
  classIndex: number;
  className: string;
  /** Native map size: time steps × band steps of the layer's output. */
  timeSteps: number;
  bandSteps: number;
  /** [patches, timeSteps, bandSteps] after ReLU, before normalisation (comparable across recordings). */
  raw: Float32Array;
  /** [patches, timeSteps, bandSteps], per patch (x − min)/(max − min + 1e-7). */
  normalised: Float32Array;
  rawMin: Float32Array;
  rawMax: Float32Array;
  /** Patches whose map is all zero (reported instead of NaN). */
  zeroPatches: number[];
}

export interface GradCamResult {
  method: CamMethodName;
  layers: string[];
  /** For each layer, the layer whose output was used as A (the conv block's last bn/activation layer). */
  activationLayers: string[];
  /** Every class of the model, and the indices explained. */
  classNames: string[];
  classIndices: number[];
  patchCount: number;
  patchFrames: number;
  bands: number;
  /** [patches, classes] raw logits and softmax probabilities. */
  logits: Float32Array;
  probabilities: Float32Array;
  /** Layer-major: maps[layers.indexOf(l) * classIndices.length + j]. */
  maps: LayerClassCam[];
}


function abortError(): Error {
  const e = new Error('Grad-CAM was cancelled');
  e.name = 'AbortError';
  return e;
}

/** Lets an AbortSignal (a kernel interrupt, a timer) arrive between batches. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function gradCam(model: tf.LayersModel, patches: PatchBatch, options: GradCamOptions = {}): Promise<GradCamResult> {
  const method = METHODS[resolveMethod(options.method)];
  const convLayers = options.convLayers ?? camLayerNames(model);
  const layers = resolveLayers(model, options.layers, convLayers);
  const outputUnits = (model.outputs[0].shape as number[])[1];
  const classNames = options.classNames ?? Array.from({ length: outputUnits }, (_, i) => `class${i}`);
  const classIndices = resolveClasses(options.classes, classNames);
  // A is taken at the end of each conv block (after its batch-norm and ReLU layers, when it has them).
  const activationLayers = layers.map((l) => activationLayerFor(model, l));
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 32));
  const { count, frames, bands } = patches;
  const patchSize = frames * bands;

  const logits = new Float32Array(count * classNames.length);
  const raws: Float32Array[] = [];
  const shapes: [number, number][] = [];

  for (let start = 0; start < count; start += batchSize) {
    if (options.signal?.aborted) throw abortError();
    const n = Math.min(batchSize, count - start);
    const x = tf.tensor4d(patches.data.subarray(start * patchSize, (start + n) * patchSize), [n, frames, bands, 1]);
    try {
      // Every intermediate value is kept: the hand-written backward pass reuses them (no second forward pass).
      const recorded = new Map<number, tf.Tensor>();
      const forward = tf.tidy(() => {
        const f = forwardWithActivations(model, x, activationLayers, method.gradients !== 'none' ? recorded : undefined);
        recorded.forEach((t) => tf.keep(t));
        return { logits: tf.keep(f.logits), activations: f.activations.map((a) => tf.keep(a)) };
      });
      logits.set(forward.logits.dataSync(), start * classNames.length);
      // Gradients for every layer and class: with several layers on one chain, one backward pass per class
      // from the earliest layer (probes on the others); otherwise one per layer and class.
      let grads: tf.Tensor[][] | null = null;
      try {
        // A method that needs only the gradients' spatial means gets them from the fast route where it can
        // (the earliest layer's never built per class: see chainGradients), and from full gradients elsewhere.
        grads = method.gradients === 'none'
          ? null
          : layerGradientsOrMeans(model, x, activationLayers, forward.activations, classIndices, recorded, method.gradients === 'spatialMeans');
        // Spatial means for every layer, so every layer's maps for all classes come from one product below.
        if (grads && method.gradients === 'spatialMeans') {
          grads = grads.map((perLayer) => perLayer.map((g) => {
            if (g.rank === 2) return g;
            const mean = tf.mean(g, [1, 2]);
            g.dispose();
            return mean;
          }));
        }
      } finally {
        recorded.forEach((t) => { if (t !== x && !forward.activations.includes(t as tf.Tensor4D)) t.dispose(); });
        forward.logits.dispose();
      }
      try {
        for (let li = 0; li < layers.length; li++) {
          const a = forward.activations[li];
          const [, h, w] = a.shape;
          if (start === 0) shapes[li] = [h, w];
          const scores = method.needsMaskedScores
            ? await maskedScores(model, x, a, options.scoreCamBaseline ?? SILENCE_LOG_MEL, options.scoreCamBatchSize ?? 64, options.signal)
            : null;
          try {
            if (grads && method.gradients === 'spatialMeans') {
              // The gradients' spatial means are the channel weights: every class's map in one product.
              const hw = h * w;
              const a3 = tf.reshape(a, [n, hw, a.shape[3]]) as tf.Tensor3D;
              const values = camProduct(a3, grads.map((g) => g[li] as tf.Tensor2D)); // [classes, n, hw], ReLU'd
              a3.dispose();
              const classes = classIndices.length;
              classIndices.forEach((_, j) => {
                const k = li * classes + j;
                if (start === 0) raws[k] = new Float32Array(count * hw);
                raws[k].set(values.subarray(j * n * hw, (j + 1) * n * hw), start * hw);
              });
              continue;
            }
            classIndices.forEach((c, j) => {
              const g = grads ? grads[j][li] : null;
              const cam = tf.tidy(() => tf.relu(method.camImage({ activations: a, gradients: g as tf.Tensor4D | null, classIndex: c, maskedScores: () => scores! })));
              const k = li * classIndices.length + j;
              if (start === 0) raws[k] = new Float32Array(count * h * w);
              raws[k].set(cam.dataSync(), start * h * w);
              cam.dispose();
            });
          } finally {
            scores?.dispose();
          }
        }
      } finally {
        grads?.forEach((perLayer) => tf.dispose(perLayer));
      }
      forward.activations.forEach((a) => a.dispose());
    } finally {
      x.dispose();
    }
    await yieldToEventLoop();
  }

  const maps: LayerClassCam[] = [];
  layers.forEach((layer, li) => {
    const [h, w] = shapes[li] ?? [0, 0];
    classIndices.forEach((c, j) => {
      const raw = raws[li * classIndices.length + j] ?? new Float32Array(0);
      const { normalised, min, max, zeroPatches } = normalisePerPatch(raw, count, h * w);
      maps.push({ layer, classIndex: c, className: classNames[c], timeSteps: h, bandSteps: w, raw, normalised, rawMin: min, rawMax: max, zeroPatches });
    });
  });
  return {
    method: method.name, layers, activationLayers, classNames, classIndices, patchCount: count, patchFrames: frames, bands,
    logits, probabilities: softmaxRows(logits, classNames.length), maps,
  };
}

/**
 * d logit_c / dA for each class (outer) and layer (inner, in `activationLayers` order), every patch of the
 * batch. The caller disposes the tensors.
 */
export function layerGradients(
  model: tf.LayersModel, x: tf.Tensor4D, activationLayers: string[], activations: tf.Tensor4D[], classIndices: number[],
  forwardValues?: Map<number, tf.Tensor>,
): tf.Tensor4D[][] {
  return layerGradientsOrMeans(model, x, activationLayers, activations, classIndices, forwardValues, false) as tf.Tensor4D[][];
}

/**
 * layerGradients, but with `earliestAsMeans` the earliest layer's entries may be the spatial means of its
 * gradients, [N, K] (all Grad-CAM needs; see chainGradients), when the fast chain path allows it.
 */
function layerGradientsOrMeans(
  model: tf.LayersModel, x: tf.Tensor4D, activationLayers: string[], activations: tf.Tensor4D[], classIndices: number[],
  forwardValues: Map<number, tf.Tensor> | undefined, earliestAsMeans: boolean,
): tf.Tensor[][] {
  const order = activationLayers.map((_, i) => i).sort((i, j) => layerIndex(model, activationLayers[i]) - layerIndex(model, activationLayers[j]));
  const fast = chainPath(model, x, activationLayers, activations, classIndices, order[0], forwardValues, earliestAsMeans);
  if (fast) return fast;
  const probed = activationLayers.length > 1 ? headWithProbes(model, order.map((i) => activationLayers[i]), x) : null;
  if (probed) {
    const first = activations[order[0]];
    const zeros = order.slice(1).map((i) => tf.zerosLike(activations[i]));
    try {
      return classIndices.map((c) => {
        const g = tf.grads((a: tf.Tensor, ...p: tf.Tensor[]) => {
          const logits = probed(a, p);
          return tf.sum(tf.slice(logits, [0, c], [logits.shape[0], 1]));
        })([first, ...zeros]) as tf.Tensor4D[];
        const byLayer: tf.Tensor4D[] = new Array(activationLayers.length);
        order.forEach((li, k) => { byLayer[li] = g[k]; });
        return byLayer;
      });
    } finally {
      tf.dispose(zeros);
    }
  }
  const heads = activationLayers.map((l) => headFrom(model, l, x));
  return classIndices.map((c) => activationLayers.map((_, li) => logitGradient(heads[li], activations[li], c)));
}

/**
 * The fast path (backward.ts): when everything above the earliest layer is a plain supported chain, one
 * forward pass of that chain (skipped when `forwardValues` already holds every chain layer's output) and
 * one backward pass for all classes together.
 */
function chainPath(
  model: tf.LayersModel, x: tf.Tensor4D, activationLayers: string[], activations: tf.Tensor4D[], classIndices: number[], first: number,
  forwardValues?: Map<number, tf.Tensor>, earliestAsMeans = false,
): tf.Tensor[][] | null {
  const fromLayer = activationLayers[first];
  const chain = supportedChain(model, fromLayer);
  if (!chain || !activationLayers.every((l) => l === fromLayer || chain.some((c) => c.name === l))) return null;
  const node = (l: tf.layers.Layer) => (l as unknown as { inboundNodes: { inputTensors: tf.SymbolicTensor[]; outputTensors: tf.SymbolicTensor[] }[] }).inboundNodes[0];
  const from = layerOutput(model, fromLayer);
  return tf.tidy(() => {
    const chainOutputs = chain.map((l) => node(l).outputTensors[0]);
    const outputs = forwardValues && chainOutputs.every((t) => forwardValues.has(t.id))
      ? chainOutputs.map((t) => forwardValues.get(t.id)!)
      : runGraph(new Map<number, tf.Tensor>([[model.inputs[0].id, x], [from.id, activations[first]]]), chainOutputs);
    const values = new Map<number, tf.Tensor>([[from.id, activations[first]]]);
    chain.forEach((l, i) => values.set(node(l).outputTensors[0].id, outputs[i]));
    const inputOf = (l: tf.layers.Layer) => values.get(node(l).inputTensors[0].id)!;
    const outputOf = (l: tf.layers.Layer) => values.get(node(l).outputTensors[0].id)!;
    // Grad-CAM needs only the gradients' spatial means: every layer's, without per-class gradient maps where possible.
    const grads = (earliestAsMeans ? gradCamMeans(chain as never, inputOf, outputOf, fromLayer, activationLayers, classIndices, x.shape[0]) : null)
      ?? chainGradients(chain as never, inputOf, outputOf, fromLayer, activationLayers, classIndices, x.shape[0], earliestAsMeans);
    return grads.map((perLayer) => perLayer.map((g) => tf.keep(g)));
  });
}

function layerIndex(model: tf.LayersModel, name: string): number {
  return model.layers.findIndex((l) => l.name === name);
}

/** d logit_c / dA for every patch of the batch (patches are independent, so the gradient of the sum is per patch). */
export function logitGradient(head: (a: tf.Tensor) => tf.Tensor2D, a: tf.Tensor4D, classIndex: number): tf.Tensor4D {
  return tf.grad((act: tf.Tensor) => {
    const logits = head(act);
    return tf.sum(tf.slice(logits, [0, classIndex], [logits.shape[0], 1]));
  })(a) as tf.Tensor4D;
}

export function softmaxRows(logits: Float32Array, classes: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let r = 0; r < logits.length / classes; r++) {
    let hi = -Infinity;
    for (let c = 0; c < classes; c++) hi = Math.max(hi, logits[r * classes + c]);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += out[r * classes + c] = Math.exp(logits[r * classes + c] - hi);
    for (let c = 0; c < classes; c++) out[r * classes + c] /= sum;
  }
  return out;
}

/**
 * Score-CAM's scores: for each patch and channel k, the logits of the input masked by A^k (upsampled
 * with align_corners as the reference does, min–max scaled to 0..1): baseline + (x − baseline)·mask.
 * Returns [N, K, classes]; yields between batches so a cancel can arrive.
 */
async function maskedScores(
  model: tf.LayersModel, x: tf.Tensor4D, a: tf.Tensor4D, baseline: number, batchSize: number, signal?: AbortSignal,
): Promise<tf.Tensor3D> {
  const [n, frames, bands] = x.shape;
  const k = a.shape[3];
  const masks = tf.tidy(() => {
    const perChannel = tf.reshape(tf.transpose(a, [0, 3, 1, 2]), [n * k, a.shape[1], a.shape[2], 1]) as tf.Tensor4D;
    const up = tf.image.resizeBilinear(perChannel, [frames, bands], true, false);
    const lo = tf.min(up, [1, 2, 3], true);
    const hi = tf.max(up, [1, 2, 3], true);
    return tf.div(tf.sub(up, lo), tf.add(tf.sub(hi, lo), 1e-8)) as tf.Tensor4D; // [n*k, frames, bands, 1]
  });
  const rows: tf.Tensor2D[] = [];
  try {
    for (let s = 0; s < n * k; s += batchSize) {
      if (signal?.aborted) throw abortError();
      const m = Math.min(batchSize, n * k - s);
      rows.push(tf.tidy(() => {
        const mask = tf.slice(masks, [s, 0, 0, 0], [m, frames, bands, 1]);
        const patchIndex = tf.tensor1d(Array.from({ length: m }, (_, i) => Math.floor((s + i) / k)), 'int32');
        const inputs = tf.gather(x, patchIndex);
        const masked = tf.add(tf.mul(tf.sub(inputs, baseline), mask), baseline);
        return model.predict(masked) as tf.Tensor2D;
      }));
      await yieldToEventLoop();
    }
    return tf.tidy(() => tf.reshape(tf.concat(rows, 0), [n, k, -1]) as tf.Tensor3D);
  } finally {
    masks.dispose();
    rows.forEach((r) => r.dispose());
  }
}

/** Find one layer × class in a result. */
export function findCam(result: GradCamResult, layer: string, classIndex: number): LayerClassCam {
  const m = result.maps.find((x) => x.layer === layer && x.classIndex === classIndex);
  if (!m) throw new Error(`no map for layer ${layer}, class ${classIndex}`);
  return m;
}

/**
 * The map a user looks at, per patch at the patch size [patches, patchFrames, bands]: each layer's map on
 * the chosen normalisation (shared/view/normalisation.ts; default per patch, pytorch-grad-cam's), resized
 * (half-pixel bilinear). Several layers per patch are combined as the reference does (ReLU, average,
 * renormalise); on the other normalisations they are averaged as they are (each already on one scale).
 * `raw: true` resizes the unnormalised maps instead (and averages them).
 */
export function patchMaps(result: GradCamResult, classIndex: number, opts: PatchMapOptions = {}): Float32Array {
  const layers = opts.layers ?? result.layers;
  const normalisation = opts.normalisation ?? 'patch';
  const { patchCount: count, patchFrames, bands } = result;
  const resized = layers.map((l) => {
    const m = findCam(result, l, classIndex);
    const values = opts.raw || normalisation === 'patch' ? (opts.raw ? m.raw : m.normalised) : normalisedAs(result, m, normalisation);
    return resizeMaps(values, count, m.timeSteps, m.bandSteps, patchFrames, bands);
  });
  if (resized.length === 1) return resized[0]; // already a fresh array (resizeMaps copies even at the same size)
  if (!opts.raw && normalisation === 'patch') return combineLayerMaps(resized, count, patchFrames * bands);
  return meanOfLayers(resized);
}

export interface PatchMapOptions {
  layers?: string[];
  raw?: boolean;
  /** How the map is normalised (ignored with `raw`); default 'patch'. */
  normalisation?: CamNormalisation;
}

/** One layer × class map on a recording-wide normalisation (a fresh array). */
function normalisedAs(result: GradCamResult, m: LayerClassCam, normalisation: CamNormalisation): Float32Array {
  const k = result.classNames.length;
  const probabilities = Array.from({ length: result.patchCount }, (_, p) => Array.from(result.probabilities.subarray(p * k, (p + 1) * k)));
  const allClasses: (LayerClassCam | undefined)[] = result.classNames.map((_, c) => result.maps.find((x) => x.layer === m.layer && x.classIndex === c));
  const scaling = patchScaling({ normalisation, classIndex: m.classIndex, ranges: m, allClasses, probabilities });
  const size = m.timeSteps * m.bandSteps;
  return applyPatchScaling(m.normalised.slice(), result.patchCount, size, scaling);
}

/** The map stitched onto the recording: [frames, bands], aligned frame for frame with the log-mel. */
export function camImage(
  result: GradCamResult,
  classIndex: number,
  placement: { startFrame: number[]; frames: number },
  opts: PatchMapOptions = {},
): Float32Array {
  return stitchPatches(patchMaps(result, classIndex, opts), placement.startFrame, result.patchFrames, result.bands, placement.frames);
}

