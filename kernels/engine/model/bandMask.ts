/**
 * The masking what-if of a band cutoff: "what would this model say without the bands above X?" answered
 * by replacing those bands of its input with a neutral value and running the same model, as opposed to a
 * model retrained without them (a family member). Three fills:
 * - 'floor': the log floor ln(0.01), i.e. silence above X (what a band-limited device records);
 * - 'band-mean': each masked band's mean over the recording (the band carries no event, only its level);
 * - 'noise': draws from each masked band's own mean and spread over the recording (seeded).
 * Which is neutral for a trained model is a measured question (the study's sweep compares them with
 * retraining); 'band-mean' is the default.
 */
import { LungcamInputError } from '../errors';
import { SILENCE_LOG_MEL } from '../audio/logMel';
import { Rng } from '../data/random';

export type MaskFill = 'floor' | 'band-mean' | 'noise';
export const MASK_FILLS: readonly MaskFill[] = ['floor', 'band-mean', 'noise'];
export const DEFAULT_MASK_FILL: MaskFill = 'band-mean';

/** Per-band mean and standard deviation of a [frames, bands] log-mel. */
export interface BandStatistics {
  mean: Float32Array;
  sd: Float32Array;
}

export function bandStatistics(data: Float32Array, frames: number, bands: number): BandStatistics {
  const mean = new Float32Array(bands);
  const sd = new Float32Array(bands);
  if (frames === 0) return { mean: mean.fill(SILENCE_LOG_MEL), sd };
  for (let b = 0; b < bands; b++) {
    let s = 0;
    let s2 = 0;
    for (let f = 0; f < frames; f++) {
      const v = data[f * bands + b];
      s += v;
      s2 += v * v;
    }
    mean[b] = s / frames;
    sd[b] = Math.sqrt(Math.max(0, s2 / frames - mean[b] * mean[b]));
  }
  return { mean, sd };
}

/**
 * Checks a cutoff against a model's bands: a number, above the lowest band centre (something must stay)
 * and below the highest (something must go). One line naming the valid range otherwise.
 */
export function checkCutoffHz(cutoffHz: unknown, bandCentersHz: readonly number[], subject = '--cutoff'): number {
  const lo = bandCentersHz[0];
  const hi = bandCentersHz[bandCentersHz.length - 1];
  const range = `between ${lo.toFixed(0)} Hz (the lowest band centre) and ${hi.toFixed(0)} Hz (the highest)`;
  if (typeof cutoffHz !== 'number' || !Number.isFinite(cutoffHz)) throw new LungcamInputError(`the cutoff must be a number of Hz ${range} (got ${String(cutoffHz)})`, subject);
  if (cutoffHz < lo || cutoffHz >= hi) throw new LungcamInputError(`the cutoff ${cutoffHz} Hz is outside the model's bands: choose one ${range}`, subject);
  return cutoffHz;
}

/** Index of the first band whose centre lies above `cutoffHz` (a band centred exactly on it stays). */
export function firstMaskedBand(bandCentersHz: readonly number[], cutoffHz: number): number {
  const i = bandCentersHz.findIndex((hz) => hz > cutoffHz);
  return i < 0 ? bandCentersHz.length : i;
}

/**
 * A copy of `patches` ([count, frames, bands] row-major, or a [frames, bands] log-mel with count 1) with
 * every band whose centre lies above `cutoffHz` replaced: by `fill` when a number (e.g. ln(0.01)), else
 * by the recording's band statistics (`stats`) as 'band-mean' or seeded 'noise'.
 */
export function maskBandsAbove(
  patches: Float32Array, bandCentersHz: readonly number[], cutoffHz: number, fill: number | MaskFill = DEFAULT_MASK_FILL,
  stats?: BandStatistics, seed = 0,
): Float32Array {
  const bands = bandCentersHz.length;
  if (patches.length % bands !== 0) throw new Error(`maskBandsAbove: ${patches.length} values are not rows of ${bands} bands`);
  const from = firstMaskedBand(bandCentersHz, cutoffHz);
  const out = patches.slice();
  if (from >= bands) return out;
  if (typeof fill !== 'number' && fill !== 'floor' && !stats) throw new Error(`maskBandsAbove: '${fill}' needs the recording's band statistics`);
  const rng = new Rng(`lungcam-mask/${seed}`);
  for (let row = 0; row < out.length; row += bands) {
    for (let b = from; b < bands; b++) {
      out[row + b] = typeof fill === 'number' ? fill
        : fill === 'floor' ? SILENCE_LOG_MEL
          : fill === 'band-mean' ? stats!.mean[b]
            : stats!.mean[b] + stats!.sd[b] * rng.normal();
    }
  }
  return out;
}
