/**
 * Map post-processing shared by every CAM method (pytorch-grad-cam's scale_cam_image and
 * aggregate_multi_layers): per-patch min–max normalisation, half-pixel-centre bilinear resizing,
 * multi-layer averaging, and stitching patch maps back onto the recording's [frames, bands] grid.
 */
import type { CamMap, PatchInfo } from '../outputTypes';
import { dequantize } from './quantized';
import { applyPatchScaling, type PatchScaling } from './normalisation';

export const NORMALISE_EPS = 1e-7;

export interface PatchRange {
  min: Float32Array;
  max: Float32Array;
  /** Patches whose map is all zero (after ReLU): nothing in them raises the class logit. */
  zeroPatches: number[];
}

/** Per-patch (x − min)/(max − min + 1e-7) of `count` maps of `size` values each; non-finite values become 0. */
export function normalisePerPatch(raw: Float32Array, count: number, size: number): { normalised: Float32Array } & PatchRange {
  const normalised = new Float32Array(raw.length);
  const min = new Float32Array(count);
  const max = new Float32Array(count);
  const zeroPatches: number[] = [];
  for (let p = 0; p < count; p++) {
    const off = p * size;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = off; i < off + size; i++) {
      if (!Number.isFinite(raw[i])) raw[i] = 0;
      if (raw[i] < lo) lo = raw[i];
      if (raw[i] > hi) hi = raw[i];
    }
    if (size === 0) lo = hi = 0;
    min[p] = lo;
    max[p] = hi;
    if (hi === 0 && lo === 0) zeroPatches.push(p);
    const scale = 1 / (hi - lo + NORMALISE_EPS);
    for (let i = off; i < off + size; i++) normalised[i] = (raw[i] - lo) * scale;
  }
  return { normalised, min, max, zeroPatches };
}

/**
 * Resize `count` maps [h, w] to [outH, outW], bilinear with half-pixel centres (OpenCV's and PyTorch's
 * align_corners=False), the arithmetic of tf.image.resizeBilinear(x, size, false, true) on tfjs's cpu backend.
 * In plain JS: a map is small, and a tensor round trip (upload, kernel, read back) cost more than the resize.
 */
export function resizeMaps(maps: Float32Array, count: number, h: number, w: number, outH: number, outW: number): Float32Array {
  if (h === outH && w === outW) return maps.slice();
  const out = new Float32Array(count * outH * outW);
  const taps = (inSize: number, outSize: number) => {
    const lo = new Int32Array(outSize), hi = new Int32Array(outSize), frac = new Float64Array(outSize);
    const ratio = inSize / outSize;
    for (let i = 0; i < outSize; i++) {
      const source = ratio * (i + 0.5) - 0.5;
      lo[i] = Math.max(0, Math.floor(source));
      hi[i] = Math.min(inSize - 1, Math.ceil(source));
      frac[i] = source - lo[i];
    }
    return { lo, hi, frac };
  };
  const rows = taps(h, outH);
  const cols = taps(w, outW);
  // Separable: each input row resized along the columns once (in doubles, so values are the same as
  // interpolating the four neighbours per pixel), then the output rows blend two of those.
  const across = new Float64Array(h * outW);
  for (let p = 0, o = 0; p < count; p++) {
    const base = p * h * w;
    for (let r = 0, t = 0; r < h; r++) {
      const row = base + r * w;
      for (let c = 0; c < outW; c++, t++) {
        const l = maps[row + cols.lo[c]];
        across[t] = l + (maps[row + cols.hi[c]] - l) * cols.frac[c];
      }
    }
    for (let r = 0; r < outH; r++) {
      const top = rows.lo[r] * outW, bottom = rows.hi[r] * outW, rowFrac = rows.frac[r];
      for (let c = 0; c < outW; c++, o++) {
        const t = across[top + c];
        out[o] = t + (across[bottom + c] - t) * rowFrac;
      }
    }
  }
  return out;
}

/** Several layers' normalised maps (already at the patch size): ReLU, average, renormalise per patch. */
export function combineLayerMaps(maps: Float32Array[], count: number, size: number): Float32Array {
  if (maps.length === 1) return maps[0].slice();
  const mean = new Float32Array(count * size);
  for (const m of maps) for (let i = 0; i < mean.length; i++) mean[i] += Math.max(0, m[i]) / maps.length;
  return normalisePerPatch(mean, count, size).normalised;
}

/**
 * Patch maps [patches, patchFrames, bands] → [frames, bands]: patch p covers frames startFrame[p] ..
 * startFrame[p] + patchFrames − 1; rows past the end of the recording (the padded tail) are dropped,
 * overlapping patches are averaged, frames no patch covers stay 0.
 */
export function stitchPatches(
  maps: Float32Array,
  startFrame: number[],
  patchFrames: number,
  bands: number,
  frames: number,
): Float32Array {
  const out = new Float32Array(frames * bands);
  const cover = new Uint16Array(frames);
  startFrame.forEach((start, p) => {
    for (let r = 0; r < patchFrames; r++) {
      const f = start + r;
      if (f < 0 || f >= frames) continue;
      cover[f]++;
      const src = (p * patchFrames + r) * bands;
      for (let b = 0; b < bands; b++) out[f * bands + b] += maps[src + b];
    }
  });
  for (let f = 0; f < frames; f++) {
    if (cover[f] > 1) for (let b = 0; b < bands; b++) out[f * bands + b] /= cover[f];
  }
  return out;
}

/**
 * An output's quantised native map (CamMap: patches × timeSteps rows, bandSteps columns) on the recording's
 * [frames, bands] grid: each patch resized to patchFrames × bands, then stitched — the engine's own steps,
 * so a map exported from a notebook output lines up with `lungcam gradcam` (within its 8-bit quantisation).
 * With `scaling` (normalisation.ts), each patch on the chosen normalisation first.
 */
export function mapOnFrames(map: CamMap, patches: PatchInfo, frames: number, bands: number, scaling?: PatchScaling): Float32Array {
  const count = patches.startFrame.length;
  const native = scaling ? applyPatchScaling(dequantize(map.map), count, map.timeSteps * map.bandSteps, scaling) : dequantize(map.map);
  const resized = resizeMaps(native, count, map.timeSteps, map.bandSteps, patches.frames, bands);
  return stitchPatches(resized, patches.startFrame, patches.frames, bands, frames);
}

/** Several layers' maps at the patch size averaged as they are (raw, or each already on one recording-wide scale). */
export function meanOfLayers(resized: Float32Array[]): Float32Array {
  if (resized.length === 1) return resized[0];
  const mean = new Float32Array(resized[0].length);
  for (const r of resized) for (let i = 0; i < mean.length; i++) mean[i] += r[i] / resized.length;
  return mean;
}
