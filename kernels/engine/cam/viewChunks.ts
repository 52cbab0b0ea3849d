/**
 * The view's CAM output (every layer × class, maps at each layer's native resolution quantised to 8 bits)
 * of a recording of any length: the layers that fit the output's size budget are chosen from their sizes
 * before any work (fitLayerSizes: the same choice camOutput makes afterwards), only those are computed,
 * chunk by chunk (chunks.ts), and each chunk's maps are quantised into the output's bytes at once. What
 * is left out is listed in `omittedLayers`; the view fetches such a layer from the engine when picked
 * (viewLayerMaps). The result equals camOutput of the whole-recording pipeline.
 */
import * as tf from '@tensorflow/tfjs';
import type { Annotations, CamMap, CamOutput } from '../../shared/outputTypes';
import { SILENCE_LOG_MEL } from '../audio/logMel';
import { forwardWithActivations } from './graph';
import type { LogMel } from '../types';
import { PATCH_FRAMES } from '../types';
import { patchLayout } from '../audio/patches';
import { camChunks, type ChunkOptions, type PatchPlacement } from './chunks';
import type { CamModel } from './explain';
import { activationLayerFor } from './layers';
import { assembleCamOutput, CAM_OUTPUT_MAX_BYTES, fitLayerSizes, mapBytes, significant5 } from './output';
import { quantizeUnitInto, unitMatrix } from '../../shared/view/quantized';
import type { LayerClassCam } from './cam';

export interface ViewCamOptions extends Pick<ChunkOptions, 'method' | 'batchSize' | 'signal' | 'chunkPatches'> {
  annotations?: Annotations;
  requestId?: string;
  /** Size budget of the output, bytes (default CAM_OUTPUT_MAX_BYTES). */
  maxBytes?: number;
  /** The class the view opens on (default: the predicted one). */
  defaultClass?: string;
  /** Called after each chunk with the share of patches done (0..1). */
  onProgress?: (done: number) => void;
}

/**
 * Time × band steps of each conv layer's map for inputs of `bands` bands (its activation layer's output
 * size: models take any band count, so it is found by one forward pass of a silent patch).
 */
export function layerMapSizes(cm: CamModel, bands: number): Map<string, [number, number]> {
  const shapes = tf.tidy(() => {
    const x = tf.fill([1, PATCH_FRAMES, bands, 1], SILENCE_LOG_MEL);
    return forwardWithActivations(cm.model, x, cm.convLayers.map((l) => activationLayerFor(cm.model, l))).activations.map((a) => a.shape);
  });
  return new Map(cm.convLayers.map((l, i) => [l, [shapes[i][1], shapes[i][2]]]));
}

/** Every layer × class's native maps of the recording for `layers`, quantised chunk by chunk. */
async function quantisedMaps(cm: CamModel, logMel: LogMel, layers: string[], opts: ViewCamOptions) {
  const placement = patchLayout(logMel.frames);
  const count = placement.startFrame.length;
  const sizes = layerMapSizes(cm, logMel.bands);
  const k = cm.classes.length;
  const probabilities = new Float32Array(count * k);
  const acc = new Map<string, { bytes: Uint8Array; rawMin: Float32Array; rawMax: Float32Array; zero: number[]; t: number; b: number }>();
  for (const layer of layers) {
    const [t, b] = sizes.get(layer)!;
    for (const c of cm.classes) acc.set(`${layer}\u0000${c}`, { bytes: new Uint8Array(count * t * b), rawMin: new Float32Array(count), rawMax: new Float32Array(count), zero: [], t, b });
  }
  let method = '';
  for await (const { first, result } of camChunks(cm, logMel, placement, { ...opts, layers, classes: 'all' })) {
    method = result.method;
    probabilities.set(result.probabilities, first * k);
    for (const m of result.maps) quantiseInto(acc.get(`${m.layer}\u0000${m.className}`)!, m, first);
    opts.onProgress?.((first + result.patchCount) / count);
  }
  const maps: Record<string, Record<string, CamMap>> = {};
  for (const layer of layers) {
    for (const c of cm.classes) {
      const a = acc.get(`${layer}\u0000${c}`)!;
      (maps[layer] ??= {})[c] = {
        timeSteps: a.t, bandSteps: a.b,
        map: unitMatrix(a.bytes, count * a.t, a.b),
        rawMin: Array.from(a.rawMin, significant5), rawMax: Array.from(a.rawMax, significant5), zeroPatches: a.zero,
      };
    }
  }
  return { placement, maps, probabilities, method };
}

/** camMap's quantisation (against the fixed 0..1 range), written at the chunk's place. */
function quantiseInto(a: { bytes: Uint8Array; rawMin: Float32Array; rawMax: Float32Array; zero: number[] }, m: LayerClassCam, firstPatch: number): void {
  quantizeUnitInto(a.bytes, firstPatch * m.timeSteps * m.bandSteps, m.normalised);
  a.rawMin.set(m.rawMin, firstPatch);
  a.rawMax.set(m.rawMax, firstPatch);
  a.zero.push(...m.zeroPatches.map((p) => p + firstPatch));
}

/** Bytes the maps of every layer × class of a recording of `count` patches take in an output, by layer (8 bits a value). */
function layerSizes(cm: CamModel, bands: number, count: number): Array<{ layer: string; bytes: number }> {
  return [...layerMapSizes(cm, bands)].map(([layer, [t, b]]) => ({ layer, bytes: cm.classes.length * mapBytes(count * t * b, count) }));
}

export interface FittedMaps {
  placement: PatchPlacement;
  /** maps[layer][className] of the layers that fit. */
  maps: Record<string, Record<string, CamMap>>;
  /** [patches, classes] softmax probabilities. */
  probabilities: Float32Array;
  method: string;
  /** Layers left out (before any work) to stay within the budget. */
  omitted: string[];
}

/**
 * Every layer × class's maps of `input` that fit in `budget` bytes (the default layer always stays), chunk
 * by chunk: the layers to leave out are chosen from their sizes before any work, as fitLayers would.
 */
export async function camMapsThatFit(cm: CamModel, input: LogMel, budget: number, opts: ViewCamOptions = {}): Promise<FittedMaps> {
  const count = patchLayout(input.frames).startFrame.length;
  const defaultLayer = cm.convLayers[cm.convLayers.length - 1];
  const omitted = fitLayerSizes(layerSizes(cm, input.bands, count), budget, defaultLayer);
  const { placement, maps, probabilities, method } = await quantisedMaps(cm, input, cm.convLayers.filter((l) => !omitted.includes(l)), opts);
  return { placement, maps, probabilities, method, omitted };
}

/**
 * The view's CamOutput of a recording (see the file comment): the CAM of `input`, shown over `opts.shown`
 * (the recording's full-band log-mel when the model reads fewer bands of it; default: `input`).
 */
export async function viewCamOutput(cm: CamModel, input: LogMel, opts: ViewCamOptions & { shown?: LogMel } = {}): Promise<CamOutput> {
  const shown = opts.shown ?? input;
  const count = patchLayout(input.frames).startFrame.length;
  const logMelBytes = 4 * Math.ceil((shown.frames * shown.bands) / 3);
  const budget = (opts.maxBytes ?? CAM_OUTPUT_MAX_BYTES) * 0.95 - logMelBytes - count * cm.classes.length * 10;
  const { placement, maps, probabilities, method, omitted } = await camMapsThatFit(cm, input, budget, opts);
  return assembleCamOutput({
    logMel: shown, patches: { ...placement, frames: PATCH_FRAMES }, modelId: cm.id, maps, layers: cm.convLayers, classNames: cm.classes,
    method, probabilities, explained: cm.classes.map((_, i) => i), omitted, defaultLayer: cm.convLayers[cm.convLayers.length - 1],
    ...(opts.defaultClass ? { defaultClass: opts.defaultClass } : {}),
    ...(opts.annotations ? { annotations: opts.annotations } : {}),
    ...(opts.requestId ? { requestId: opts.requestId } : {}),
    maxBytes: opts.maxBytes,
  });
}

/** One layer's maps (every class) of a recording: what the view fetches for a layer left out of its output. */
export async function viewLayerMaps(cm: CamModel, logMel: LogMel, layer: string, opts: ViewCamOptions = {}): Promise<Record<string, CamMap>> {
  if (!cm.convLayers.includes(layer)) throw new Error(`unknown layer ${layer}`);
  const { maps } = await quantisedMaps(cm, logMel, [layer], opts);
  return maps[layer];
}
