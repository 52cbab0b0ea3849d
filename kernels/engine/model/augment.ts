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
  /**
   * Probability of a random device colouring: a spectral tilt and one or two resonances or dips, smooth
   * across bands (chest pieces and electronics colour the sound differently on every stethoscope).
   * 0 draws nothing, so training with it off is the same as before it existed.
   */
  deviceEqProbability?: number;
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
  deviceEqProbability: 0,
  timeMasks: 1,
  maxTimeMaskFrames: 12,
  bandMasks: 1,
  maxBandMaskBands: 6,
};

/** Largest tilt across the band range and largest resonance or dip of the device colouring, dB. */
const EQ_TILT_DB = 6;
const EQ_PEAK_DB = 9;

/**
 * Per-band gains of a random device colouring (dB): a linear tilt across the bands plus one or two
 * Gaussian resonances or dips 1.5–8 bands wide. A linear filter's smooth response multiplies each mel
 * band's magnitude by about its gain at the band's centre.
 */
export function deviceEqDb(bands: number, rand: () => number): Float32Array {
  const db = new Float32Array(bands);
  const tilt = (rand() * 2 - 1) * EQ_TILT_DB;
  const peaks = rand() < 0.5 ? 1 : 2;
  const shapes = Array.from({ length: peaks }, () => ({ centre: rand() * bands, width: 1.5 + 6.5 * rand(), gain: (rand() * 2 - 1) * EQ_PEAK_DB }));
  for (let b = 0; b < bands; b++) {
    db[b] = tilt * (b / Math.max(1, bands - 1) - 0.5);
    for (const p of shapes) db[b] += p.gain * Math.exp(-0.5 * ((b - p.centre) / p.width) ** 2);
  }
  return db;
}

function colourLikeADevice(mag: Float32Array, bands: number, rand: () => number): void {
  const gains = Array.from(deviceEqDb(bands, rand), (d) => Math.pow(10, d / 20));
  for (let i = 0; i < mag.length; i++) mag[i] *= gains[i % bands];
}

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
  if ((o.deviceEqProbability ?? 0) > 0 && rand() < (o.deviceEqProbability ?? 0)) colourLikeADevice(mag, bands, rand);
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
