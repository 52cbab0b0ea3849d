/** Feature parameters of the VGGish log-mel recipe (defaults: VGGish's 125–7500 Hz, 64 bands). */
export interface FeatureParams {
  fmin: number;
  fmax: number;
  bands: number;
  /** Drop bands whose centre lies above this frequency (the seed's pruning); null keeps all. */
  cutoffHz: number | null;
}

export const VGGISH_PARAMS: FeatureParams = { fmin: 125, fmax: 7500, bands: 64, cutoffHz: null };
/** The seed paper's base model: 100–2000 Hz, 64 bands. */
export const SEED_PARAMS: FeatureParams = { fmin: 100, fmax: 2000, bands: 64, cutoffHz: null };

export const SAMPLE_RATE = 16000;
export const WINDOW_SAMPLES = 400;
export const HOP_SAMPLES = 160;
export const FFT_SIZE = 512;
export const PATCH_FRAMES = 96;
