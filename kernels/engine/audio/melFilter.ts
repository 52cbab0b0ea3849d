/**
 * The VGGish/HTK mel filterbank, its parameters and its axes.
 * mel(f) = 1127 ln(1 + f/700); bands + 2 edges evenly spaced in mel from fmin to fmax; band i is a
 * triangle linear in mel over edges i..i+2 (peak 1 at edge i+1, no area normalisation); the DC bin has
 * weight 0. Stored sparse: each band keeps only its non-zero bin range.
 *
 * Band cutoff rule (the seed paper's pruning): with `bandCutoffHz` set, the filterbank is built with all
 * `bands` bands over fmin..fmax and then every band whose centre frequency lies above bandCutoffHz is
 * dropped (a band centred exactly on the cutoff is kept). The kept bands are unchanged, so a cut
 * spectrogram equals the low columns of the uncut one.
 */
import { LungcamInputError } from '../errors';
import type { FeatureAxes } from '../../shared/outputTypes';
import {
  FFT_SIZE, HOP_SAMPLES, SAMPLE_RATE, VGGISH_PARAMS, WINDOW_SAMPLES, type FeatureParams,
} from '../types';

export const hzToMel = (hz: number) => 1127 * Math.log(1 + hz / 700);
export const melToHz = (mel: number) => 700 * (Math.exp(mel / 1127) - 1);

const NYQUIST_HZ = SAMPLE_RATE / 2;
const MAX_BANDS = 256;

/** Fills defaults and checks feature parameters; a bad value is the user's input (LungcamInputError). */
export function resolveFeatureParams(params: Partial<FeatureParams> = {}): FeatureParams {
  const p: FeatureParams = {
    fmin: params.fmin ?? VGGISH_PARAMS.fmin,
    fmax: params.fmax ?? VGGISH_PARAMS.fmax,
    bands: params.bands ?? VGGISH_PARAMS.bands,
    bandCutoffHz: params.bandCutoffHz ?? null,
  };
  if (!Number.isFinite(p.fmin) || p.fmin < 0) throw new LungcamInputError(`fmin must be 0 Hz or more (got ${p.fmin})`, '--fmin');
  if (!Number.isFinite(p.fmax) || p.fmax > NYQUIST_HZ) {
    throw new LungcamInputError(`fmax ${p.fmax} Hz is above the ${NYQUIST_HZ} Hz Nyquist frequency of 16 kHz audio`, '--fmax');
  }
  if (p.fmax <= p.fmin) throw new LungcamInputError(`fmax (${p.fmax} Hz) must be above fmin (${p.fmin} Hz)`, '--fmax');
  if (!Number.isInteger(p.bands) || p.bands < 1 || p.bands > MAX_BANDS) {
    throw new LungcamInputError(`bands must be a whole number from 1 to ${MAX_BANDS} (got ${p.bands})`, '--bands');
  }
  if (p.bandCutoffHz !== null) {
    if (!Number.isFinite(p.bandCutoffHz)) throw new LungcamInputError(`cutoff must be a frequency in Hz (got ${p.bandCutoffHz})`, '--cutoff');
    const lowestCentre = bandEdgesHzAll(p)[1];
    if (p.bandCutoffHz < lowestCentre) {
      throw new LungcamInputError(`cutoff ${p.bandCutoffHz} Hz is below the lowest band centre (${lowestCentre.toFixed(1)} Hz): no band would be left`, '--cutoff');
    }
  }
  return p;
}

/** All bands + 2 edges in Hz (before any cutoff). */
export function bandEdgesHzAll(p: FeatureParams): number[] {
  const lo = hzToMel(p.fmin);
  const hi = hzToMel(p.fmax);
  const edges: number[] = [];
  for (let i = 0; i < p.bands + 2; i++) edges.push(melToHz(lo + ((hi - lo) * i) / (p.bands + 1)));
  return edges;
}

/** How many bands survive the cutoff (bands are ascending, so it is a prefix). */
export function keptBands(p: FeatureParams): number {
  if (p.bandCutoffHz === null) return p.bands;
  const edges = bandEdgesHzAll(p);
  let kept = 0;
  while (kept < p.bands && edges[kept + 1] <= p.bandCutoffHz) kept++;
  return kept;
}

/** Number of whole frames in `samples` 16 kHz samples (no padding, partial frames dropped). */
export function frameCount(samples: number): number {
  return samples < WINDOW_SAMPLES ? 0 : 1 + Math.floor((samples - WINDOW_SAMPLES) / HOP_SAMPLES);
}

/** Time and frequency axes for a [frames, bands] log-mel array made with these parameters. */
export function melAxes(params: FeatureParams, frames: number): FeatureAxes {
  const p = resolveFeatureParams(params);
  const kept = keptBands(p);
  const edges = bandEdgesHzAll(p).slice(0, kept + 2);
  return {
    sampleRate: SAMPLE_RATE,
    fmin: p.fmin,
    fmax: p.fmax,
    melBands: p.bands,
    bands: kept,
    bandCutoffHz: p.bandCutoffHz,
    frames,
    hopSeconds: HOP_SAMPLES / SAMPLE_RATE,
    windowSeconds: WINDOW_SAMPLES / SAMPLE_RATE,
    bandCentersHz: edges.slice(1, kept + 1),
    bandEdgesHz: edges,
  };
}

/** A sparse mel filterbank: band b weights bins firstBin[b] .. firstBin[b] + length[b] − 1. */
export interface MelFilterbank {
  bands: number;
  firstBin: Int32Array;
  length: Int32Array;
  /** Weights of all bands back to back; band b starts at offset[b]. */
  weights: Float64Array;
  offset: Int32Array;
}

/** The kept bands' filters over the |rfft 512| bins of 16 kHz audio. */
export function melFilterbank(params: FeatureParams): MelFilterbank {
  const p = resolveFeatureParams(params);
  const kept = keptBands(p);
  const bins = FFT_SIZE / 2 + 1;
  const binMel = new Float64Array(bins);
  for (let k = 0; k < bins; k++) binMel[k] = hzToMel((k * NYQUIST_HZ) / (bins - 1));
  const lo = hzToMel(p.fmin);
  const hi = hzToMel(p.fmax);
  const edgeMel = new Float64Array(p.bands + 2);
  for (let i = 0; i < p.bands + 2; i++) edgeMel[i] = lo + ((hi - lo) * i) / (p.bands + 1);
  const firstBin = new Int32Array(kept);
  const length = new Int32Array(kept);
  const offset = new Int32Array(kept);
  const all: number[] = [];
  // A band's weight is positive exactly on the bins strictly inside its lower and upper edge (in mel), so
  // only those are visited (bins ascend in mel, and so do the edges): a start-up cost of ≈ 600 bin visits
  // instead of bands × 256.
  let from = 1; // k = 0 (DC) has weight 0
  for (let b = 0; b < kept; b++) {
    const l = edgeMel[b];
    const c = edgeMel[b + 1];
    const u = edgeMel[b + 2];
    while (from < bins && binMel[from] <= l) from++;
    offset[b] = all.length;
    let k = from;
    for (; k < bins && binMel[k] < u; k++) all.push(Math.min((binMel[k] - l) / (c - l), (u - binMel[k]) / (u - c)));
    firstBin[b] = k > from ? from : 0;
    length[b] = k - from;
  }
  return { bands: kept, firstBin, length, weights: Float64Array.from(all), offset };
}
