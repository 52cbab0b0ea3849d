/** Feature parameters of the VGGish log-mel recipe (defaults: VGGish's 125–7500 Hz, 64 bands). */
export interface FeatureParams {
  fmin: number;
  fmax: number;
  bands: number;
  /** Drop bands whose centre lies above this frequency (the seed's pruning); null keeps all. */
  bandCutoffHz: number | null;
}

export const VGGISH_PARAMS: FeatureParams = { fmin: 125, fmax: 7500, bands: 64, bandCutoffHz: null };
/** The seed paper's base model: 100–2000 Hz, 64 bands. */
export const SEED_PARAMS: FeatureParams = { fmin: 100, fmax: 2000, bands: 64, bandCutoffHz: null };

/**
 * TensorFlow.js backends LungCAM can run on: tfjs-node (native), WebAssembly, plain JavaScript, or the
 * first of those that loads. Chosen by `--backend`, else by env LUNGCAM_BACKEND (which the VS Code
 * extension sets from the `lungcam.backend` setting for every engine process it starts), else auto.
 */
export const BACKEND_PREFERENCES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendPreference = (typeof BACKEND_PREFERENCES)[number];

export const SAMPLE_RATE = 16000;
export const WINDOW_SAMPLES = 400;
export const HOP_SAMPLES = 160;
export const FFT_SIZE = 512;
export const PATCH_FRAMES = 96;

import type { FeatureAxes, SourceInfo } from '../shared/outputTypes';

/** What the samples of a recording were like (audio/audioCheck.ts gathers them while decoding). */
export interface AudioStats {
  /** Samples looked at (mono, after averaging channels). */
  samples: number;
  /** NaN or ±Infinity samples, and the index of the first one (−1: none). */
  nonFinite: number;
  firstNonFinite: number;
  /** Largest |sample| among the finite ones. */
  peak: number;
  /** Samples at full scale or beyond. */
  clipped: number;
}

/** Decoded audio, channels averaged to mono, at its original rate. */
export interface DecodedAudio {
  sampleRate: number;
  channels: number;
  /** Mono samples (mean over channels), floats in about −1..1. */
  samples: Float32Array;
  durationSeconds: number;
  /** Non-fatal problems (e.g. a truncated data chunk read to the end of the file). */
  warnings: string[];
  /** What the samples were like (silence, clipping); set by the WAV readers. */
  audio?: AudioStats;
}

/** A log-mel spectrogram: [frames, bands] row-major, ln(mel + 0.01), low band first. */
export interface LogMel {
  data: Float32Array;
  frames: number;
  bands: number;
  axes: FeatureAxes;
  params: FeatureParams;
  source?: SourceInfo;
  /** What the samples it was computed from were like, when known (models refuse silence and clipping). */
  audio?: AudioStats;
}

/** Log-mel cut into model inputs: [count, 96, bands] row-major. */
export interface Patches {
  data: Float32Array;
  count: number;
  frames: number; // 96
  bands: number;
  hopFrames: number;
  startFrame: number[];
  /** True where a patch was padded (the tail, or a recording shorter than 0.96 s). */
  padded: boolean[];
}
