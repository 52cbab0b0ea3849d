/**
 * Builds the renderer's CamOutput (kernels/shared/outputTypes.ts) from a Grad-CAM result over all layers ×
 * all classes: maps stay at each layer's native resolution (the renderer resizes them), quantised to 8 bits,
 * stitched over patches in time, with each patch's raw range so unnormalised values can be recovered.
 */
import type { Annotations, CamMap, CamOutput } from '../../shared/outputTypes';
import type { LogMel, Patches } from '../types';
import { quantize, quantizeUnit } from '../../shared/view/quantized';
import { argmax, recordingProbabilities } from '../../shared/view/recordingLabel';
import type { GradCamResult, LayerClassCam } from './cam';

export interface CamOutputInput {
  result: GradCamResult;
  logMel: LogMel;
  patches: Pick<Patches, 'startFrame' | 'padded' | 'frames'>;
  modelId: string;
  defaultLayer?: string;
  defaultClass?: string;
  annotations?: Annotations;
  requestId?: string;
  /** Size budget for the whole output, bytes (default 10 MB). Layers that would not fit are left out
   * (largest maps first, never the default layer) and listed in `omittedLayers`: the renderer fetches
   * them from the kernel on demand. */
  maxBytes?: number;
}

export const CAM_OUTPUT_MAX_BYTES = 10 * 1024 * 1024;

export function camMap(m: LayerClassCam, patchCount: number): CamMap {
  return {
    timeSteps: m.timeSteps,
    bandSteps: m.bandSteps,
    map: quantizeUnit(m.normalised, patchCount * m.timeSteps, m.bandSteps),
    rawMin: Array.from(m.rawMin, significant5),
    rawMax: Array.from(m.rawMax, significant5),
    zeroPatches: m.zeroPatches,
  };
}

/** Display ranges: 5 significant digits are far finer than the 8-bit values they scale. */
export const significant5 = (v: number) => Number(v.toPrecision(5));

/** The recording's predicted class: the one rule of shared/view/recordingLabel.ts (mean over every patch). */
export function recordingClass(result: Pick<GradCamResult, 'classNames' | 'probabilities'>): number {
  return argmax(recordingProbabilities(result.probabilities, result.classNames.length));
}

/** Base64 bytes of one layer's maps (all classes): what dominates a long recording's output. */
function layerBytes(layerMaps: Record<string, CamMap>): number {
  return Object.values(layerMaps).reduce((n, m) => n + m.map.u8.length + 24 * (m.rawMin.length + m.rawMax.length), 0);
}

/**
 * At most what one map of `values` bytes over `patches` patches adds to the output (its base64 before
 * compression, and raw ranges): the sizes layers are left out by before they are computed.
 */
export const mapBytes = (values: number, patches: number) => 4 * Math.ceil(values / 3) + 24 * 2 * patches;

/**
 * Drops whole layers, finest resolution first, until the maps fit in `budget` bytes; the default layer
 * always stays. Returns the names left out.
 */
export function fitLayers(maps: Record<string, Record<string, CamMap>>, budget: number, keep: string): string[] {
  const omitted = fitLayerSizes(Object.entries(maps).map(([layer, m]) => ({ layer, bytes: layerBytes(m) })), budget, keep);
  for (const layer of omitted) delete maps[layer];
  return omitted;
}

/** fitLayers on the layers' sizes alone (known before the maps are computed): the layers to leave out. */
export function fitLayerSizes(sizes: Array<{ layer: string; bytes: number }>, budget: number, keep: string): string[] {
  let total = sizes.reduce((n, s) => n + s.bytes, 0);
  const omitted: string[] = [];
  for (const { layer, bytes } of [...sizes].sort((a, b) => b.bytes - a.bytes)) {
    if (total <= budget) break;
    if (layer === keep) continue;
    omitted.push(layer);
    total -= bytes;
  }
  return omitted;
}

export function camOutput(input: CamOutputInput): CamOutput {
  const { result } = input;
  const maps: Record<string, Record<string, CamMap>> = {};
  for (const m of result.maps) {
    (maps[m.layer] ??= {})[m.className] = camMap(m, result.patchCount);
  }
  return assembleCamOutput({ ...input, maps, layers: result.layers, classNames: result.classNames, method: result.method, probabilities: result.probabilities, explained: result.classIndices });
}

export interface CamOutputParts extends Omit<CamOutputInput, 'result'> {
  /** maps[layer][className], every explained class of the layers computed. */
  maps: Record<string, Record<string, CamMap>>;
  /** Every conv layer the view offers, input side first. */
  layers: string[];
  classNames: string[];
  method: string;
  /** [patches, classes] softmax probabilities. */
  probabilities: Float32Array;
  /** Indices of the classes whose maps are there. */
  explained: number[];
  /** Layers left out before computing (viewChunks.ts), listed with those fitLayers leaves out. */
  omitted?: string[];
}

/** The CamOutput of maps already made (camOutput, or chunk by chunk: viewChunks.ts). */
export function assembleCamOutput(input: CamOutputParts): CamOutput {
  const { logMel, patches, maps } = input;
  const defaultLayer = input.defaultLayer ?? input.layers[input.layers.length - 1];
  const logMelMatrix = quantize(logMel.data, logMel.frames, logMel.bands);
  const patchCount = patches.startFrame.length;
  const c = input.classNames.length;
  // The log-mel, probabilities and axes take the rest of the budget; keep ~5% slack for the JSON around it.
  const mapBudget = (input.maxBytes ?? CAM_OUTPUT_MAX_BYTES) * 0.95 - logMelMatrix.u8.length - patchCount * c * 10;
  const dropped = fitLayers(maps, mapBudget, defaultLayer);
  const omittedLayers = [...(input.omitted ?? []), ...dropped];
  const probabilities = Array.from({ length: patchCount }, (_, p) =>
    Array.from(input.probabilities.subarray(p * c, (p + 1) * c), (v) => Math.round(v * 1e6) / 1e6));
  const explained = input.explained.map((i) => input.classNames[i]);
  const predicted = input.classNames[recordingClass(input)];
  return {
    kind: 'cam',
    version: 1,
    source: logMel.source ?? { fileName: 'recording', durationSeconds: logMel.frames * logMel.axes.hopSeconds, originalSampleRate: 16000, channels: 1 },
    axes: logMel.axes,
    logMel: logMelMatrix,
    modelId: input.modelId,
    classes: input.classNames,
    method: input.method,
    layers: input.layers,
    defaultLayer,
    defaultClass: input.defaultClass ?? (explained.includes(predicted) ? predicted : explained[0]),
    patches: { startFrame: patches.startFrame, frames: patches.frames, padded: patches.padded },
    probabilities,
    maps,
    ...(omittedLayers.length ? { omittedLayers } : {}),
    ...(input.annotations ? { annotations: input.annotations } : {}),
    ...(input.requestId ? { requestId: input.requestId } : {}),
  };
}
