/**
 * Builds the renderer's CamOutput (kernels/shared/outputTypes.ts) from a Grad-CAM result over all layers ×
 * all classes: maps stay at each layer's native resolution (the renderer resizes them), quantised to 8 bits,
 * stitched over patches in time, with each patch's raw range so unnormalised values can be recovered.
 */
import type { Annotations, CamMap, CamOutput } from '../../shared/outputTypes';
import type { LogMel, Patches } from '../types';
import { quantize } from '../show/quantize';
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
}

export function camMap(m: LayerClassCam, patchCount: number): CamMap {
  return {
    timeSteps: m.timeSteps,
    bandSteps: m.bandSteps,
    // Quantised against the fixed 0..1 range of normalised maps, so byte 255 always means "the patch maximum".
    map: { rows: patchCount * m.timeSteps, cols: m.bandSteps, min: 0, max: 1, u8: quantizeUnit(m.normalised) },
    rawMin: Array.from(m.rawMin),
    rawMax: Array.from(m.rawMax),
    zeroPatches: m.zeroPatches,
  };
}

function quantizeUnit(values: Float32Array): string {
  const bytes = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) bytes[i] = Math.round(Math.min(1, Math.max(0, values[i] || 0)) * 255);
  return Buffer.from(bytes).toString('base64');
}

/** The class with the highest mean probability over (unpadded, if any) patches. */
export function recordingClass(result: GradCamResult, padded: boolean[]): number {
  const c = result.classNames.length;
  const use = padded.some((p) => !p) ? padded.map((p) => !p) : padded.map(() => true);
  const mean = new Float64Array(c);
  for (let p = 0; p < result.patchCount; p++) if (use[p]) for (let k = 0; k < c; k++) mean[k] += result.probabilities[p * c + k];
  let best = 0;
  for (let k = 1; k < c; k++) if (mean[k] > mean[best]) best = k;
  return best;
}

export function camOutput(input: CamOutputInput): CamOutput {
  const { result, logMel, patches } = input;
  const maps: Record<string, Record<string, CamMap>> = {};
  for (const m of result.maps) {
    (maps[m.layer] ??= {})[m.className] = camMap(m, result.patchCount);
  }
  const c = result.classNames.length;
  const probabilities = Array.from({ length: result.patchCount }, (_, p) =>
    Array.from(result.probabilities.subarray(p * c, (p + 1) * c), (v) => Math.round(v * 1e6) / 1e6));
  const explained = result.classIndices.map((i) => result.classNames[i]);
  const predicted = result.classNames[recordingClass(result, patches.padded)];
  return {
    kind: 'cam',
    version: 1,
    source: logMel.source ?? { fileName: 'recording', durationSeconds: logMel.frames * logMel.axes.hopSeconds, originalSampleRate: 16000, channels: 1 },
    axes: logMel.axes,
    logMel: quantize(logMel.data, logMel.frames, logMel.bands),
    modelId: input.modelId,
    classes: result.classNames,
    method: result.method,
    layers: result.layers,
    defaultLayer: input.defaultLayer ?? result.layers[result.layers.length - 1],
    defaultClass: input.defaultClass ?? (explained.includes(predicted) ? predicted : explained[0]),
    patches: { startFrame: patches.startFrame, frames: patches.frames, padded: patches.padded },
    probabilities,
    maps,
    ...(input.annotations ? { annotations: input.annotations } : {}),
    ...(input.requestId ? { requestId: input.requestId } : {}),
  };
}
