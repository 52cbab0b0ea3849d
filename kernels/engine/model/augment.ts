/**
 * Training-time augmentation of log-mel patches that respects audio: everything here is something a
 * recording could really do (be shifted in time, louder or quieter, noisier, band-limited by another
 * device, partly masked). No time reversal: crackles and breath phases have a direction in time.
 * Patches are [96 frames, bands] row-major in ln(mel + 0.01); transforms act in the mel-magnitude domain
 * where they are physical (gain multiplies magnitude, noise adds to it), then return to the log.
 */
import { PATCH_FRAMES } from '../types';

const LOG_OFFSET = 0.01;

/** mulberry32: small, fast, seeded; enough for shuffling and augmentation draws. */
export function makeRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface AugmentOptions {
  /** Largest circular time shift, frames (0 disables). */
  maxShiftFrames: number;
  /** Gain range, dB (±). */
  gainDb: number;
  /** Probability of additive noise; its level is drawn from noiseDb relative to the patch's median magnitude. */
  noiseProbability: number;
  noiseDb: [number, number];
  /** Probability of a device-like low-pass (bands above a random edge fade toward silence). */
  lowpassProbability: number;
  /** SpecAugment: number of time / frequency masks and their largest widths. */
  timeMasks: number;
  maxTimeMaskFrames: number;
  bandMasks: number;
  maxBandMaskBands: number;
}

export const DEFAULT_AUGMENT: AugmentOptions = {
  maxShiftFrames: 24,
  gainDb: 12,
  noiseProbability: 0.5,
  noiseDb: [-35, -10],
  lowpassProbability: 0.25,
  timeMasks: 1,
  maxTimeMaskFrames: 12,
  bandMasks: 1,
  maxBandMaskBands: 6,
};

/** Augments one patch in place (`patch` is a view of [96, bands]). */
export function augmentPatch(patch: Float32Array, bands: number, rand: () => number, o: AugmentOptions = DEFAULT_AUGMENT): void {
  const n = PATCH_FRAMES * bands;
  if (o.maxShiftFrames > 0) {
    const shift = Math.round((rand() * 2 - 1) * o.maxShiftFrames);
    if (shift !== 0) {
      const copy = patch.slice(0, n);
      const s = ((shift % PATCH_FRAMES) + PATCH_FRAMES) % PATCH_FRAMES;
      patch.set(copy.subarray((PATCH_FRAMES - s) * bands), 0);
      patch.set(copy.subarray(0, (PATCH_FRAMES - s) * bands), s * bands);
    }
  }
  const gain = Math.pow(10, ((rand() * 2 - 1) * o.gainDb) / 20);
  const noisy = rand() < o.noiseProbability;
  const lowpass = rand() < o.lowpassProbability;
  // To magnitude, apply gain (+ noise, + low-pass), back to the log.
  const mag = new Float32Array(n);
  for (let i = 0; i < n; i++) mag[i] = Math.max(0, Math.exp(patch[i]) - LOG_OFFSET) * gain;
  if (noisy) {
    // Median of a strided sample of cells: cheap and robust to a few loud clicks.
    const sample = new Float32Array(Math.ceil(n / 23));
    for (let i = 0, j = 0; i < n; i += 23, j++) sample[j] = mag[i];
    sample.sort();
    const median = sample[sample.length >> 1] || 1e-3;
    const db = o.noiseDb[0] + rand() * (o.noiseDb[1] - o.noiseDb[0]);
    const level = median * Math.pow(10, db / 20) * 4;
    // Noise magnitude per cell: Rayleigh-like spread around `level`, coloured slightly toward low bands.
    for (let t = 0; t < PATCH_FRAMES; t++) {
      for (let b = 0; b < bands; b++) {
        const u = Math.max(1e-7, rand());
        const r = Math.sqrt(-2 * Math.log(u)) * 0.5;
        mag[t * bands + b] += level * r * (1.3 - 0.6 * (b / bands));
      }
    }
  }
  if (lowpass) {
    const edge = Math.floor(bands * (0.5 + 0.45 * rand()));
    const slope = 0.15 + 0.35 * rand(); // attenuation per band above the edge (natural log units)
    for (let b = edge; b < bands; b++) {
      const att = Math.exp(-slope * (b - edge + 1) * 2);
      for (let t = 0; t < PATCH_FRAMES; t++) mag[t * bands + b] *= att;
    }
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    patch[i] = Math.log(mag[i] + LOG_OFFSET);
    sum += patch[i];
  }
  // SpecAugment masks, filled with the patch mean (a neutral value for this patch).
  const mean = sum / n;
  for (let m = 0; m < o.timeMasks; m++) {
    const w = Math.floor(rand() * (o.maxTimeMaskFrames + 1));
    const t0 = Math.floor(rand() * (PATCH_FRAMES - w + 1));
    patch.fill(mean, t0 * bands, (t0 + w) * bands);
  }
  for (let m = 0; m < o.bandMasks; m++) {
    const w = Math.min(bands - 1, Math.floor(rand() * (o.maxBandMaskBands + 1)));
    const b0 = Math.floor(rand() * (bands - w + 1));
    for (let t = 0; t < PATCH_FRAMES; t++) patch.fill(mean, t * bands + b0, t * bands + b0 + w);
  }
}
