/**
 * What the samples of a recording say about it, gathered while it is decoded, and the policy for
 * recordings that are nonsense as audio:
 *
 * - No audio at all (0 samples), or no complete 25 ms frame: nothing to compute; every command refuses.
 * - NaN or ±Infinity samples (float WAVs): the spectrum of every frame they touch is undefined; every
 *   command refuses, naming the first one.
 * - Digital silence (every sample 0) and clipping throughout (at least half the samples at full scale):
 *   the log-mel is well defined, so `features` computes it with a warning; a classification or a Grad-CAM
 *   map of it would describe the recording device, not breath sounds, so those refuse.
 * - Shorter than half a patch (48 frames, 0.48 s): the one patch a model sees would be mostly padding;
 *   classification and Grad-CAM refuse. From 0.48 s to one patch (0.96 s): processed, with a warning that
 *   the patch is padded with silence.
 */
import { LungcamInputError } from '../errors';
import { PATCH_FRAMES, type AudioStats, type LogMel } from '../types';

export type { AudioStats };

/**
 * Full scale as decoded, with room for the encodings whose largest code falls short of 1: 8-bit PCM
 * 127/128 ≈ 0.992, μ-law 32124/32768 ≈ 0.980 (−0.18 dBFS).
 */
export const CLIP_LEVEL = 0.98;
/** "Clipped throughout": at least this share of the samples at full scale. */
export const CLIPPED_THROUGHOUT = 0.5;
/** Shortest recording a model is asked about: half a patch (as the patch tail rule). */
export const MIN_MODEL_FRAMES = PATCH_FRAMES / 2;

export const noStats = (): AudioStats => ({ samples: 0, nonFinite: 0, firstNonFinite: -1, peak: 0, clipped: 0 });

/** Adds samples x (whose first one is sample `offset` of the recording) to `stats`. */
export function scanSamples(x: Float32Array, offset: number, stats: AudioStats): AudioStats {
  let peak = stats.peak;
  let clipped = 0;
  let nonFinite = 0;
  for (let i = 0; i < x.length; i++) {
    const a = Math.abs(x[i]);
    if (a < CLIP_LEVEL) {
      if (a > peak) peak = a;
      continue;
    }
    // NaN fails the compare above too
    if (a === Infinity || a !== a) {
      if (nonFinite++ === 0 && stats.firstNonFinite < 0) stats.firstNonFinite = offset + i;
      continue;
    }
    clipped++;
    if (a > peak) peak = a;
  }
  stats.samples += x.length;
  stats.nonFinite += nonFinite;
  stats.clipped += clipped;
  stats.peak = peak;
  return stats;
}

/** Stats of pieces scanned separately (threads, jobs), as one. */
export function mergeStats(parts: readonly AudioStats[]): AudioStats {
  const out = noStats();
  for (const p of parts) {
    out.samples += p.samples;
    out.nonFinite += p.nonFinite;
    out.clipped += p.clipped;
    out.peak = Math.max(out.peak, p.peak);
    if (p.firstNonFinite >= 0 && (out.firstNonFinite < 0 || p.firstNonFinite < out.firstNonFinite)) out.firstNonFinite = p.firstNonFinite;
  }
  return out;
}

const seconds = (samples: number, rate: number) => `${(samples / rate).toFixed(3)} s`;

/**
 * Refuses audio nothing can be computed from (no samples, NaN/Infinity); returns warnings for audio that
 * gives a well-defined log-mel but nothing a model should be asked about.
 */
export function checkAudio(stats: AudioStats, sampleRate: number, subject: string): string[] {
  if (stats.samples === 0) throw new LungcamInputError('the recording holds no audio (0 samples)', subject);
  if (stats.nonFinite > 0) {
    throw new LungcamInputError(
      `${stats.nonFinite} sample(s) are NaN or infinite (the first at ${seconds(stats.firstNonFinite, sampleRate)}): the file is damaged or was written from invalid data; re-export it`,
      subject,
    );
  }
  const warnings: string[] = [];
  const problem = audioProblem(stats);
  if (problem) warnings.push(`${subject}: ${problem}`);
  return warnings;
}

/** Silence or clipping throughout, in words; null for audio worth analysing. */
function audioProblem(stats: AudioStats): string | null {
  if (stats.samples > 0 && stats.peak === 0) return 'the recording is silent (every sample is 0)';
  if (stats.samples > 0 && stats.clipped >= CLIPPED_THROUGHOUT * stats.samples) {
    return `the recording is clipped throughout (${Math.round((100 * stats.clipped) / stats.samples)} % of the samples at full scale)`;
  }
  return null;
}

/**
 * Refuses a log-mel a model should not be asked about (see the policy above) with a one-line reason;
 * returns warnings for one it can answer with care. Log-mels made without audio stats are checked on
 * their values alone.
 */
export function checkModelInput(logMel: LogMel, subject = logMel.source?.fileName ?? 'the recording'): string[] {
  if (logMel.frames === 0) throw new LungcamInputError('the recording is shorter than one 25 ms frame: nothing to analyse', subject);
  for (let i = 0; i < logMel.data.length; i++) {
    if (!Number.isFinite(logMel.data[i])) throw new LungcamInputError(`the log-mel holds a NaN or infinite value (frame ${Math.floor(i / logMel.bands)}): its audio is damaged`, subject);
  }
  const problem = logMel.audio ? audioProblem(logMel.audio) : null;
  if (problem) throw new LungcamInputError(`${problem}: a model's answer about it would say nothing about breath sounds`, subject);
  const secondsLong = (logMel.frames / 100).toFixed(2);
  if (logMel.frames < MIN_MODEL_FRAMES) {
    throw new LungcamInputError(`the recording gives ${logMel.frames} frames (${secondsLong} s); a model needs at least ${MIN_MODEL_FRAMES} (0.48 s, half a 0.96 s patch)`, subject);
  }
  if (logMel.frames < PATCH_FRAMES) {
    return [`${subject}: the recording is ${secondsLong} s long, shorter than one 0.96 s patch: its one patch is padded with silence`];
  }
  return [];
}
