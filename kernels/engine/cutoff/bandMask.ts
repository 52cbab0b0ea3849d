/**
 * The occlusion what-if of a band cutoff: "remove the band above X" from a model's input by replacing
 * those bands with a neutral value, so the same model can be asked what it makes of the recording without
 * them. Unlike a model trained at that cutoff (a family's rung), the model still has its inputs there: it
 * sees the neutral value, which is why the choice of value matters (README, "Band cutoff: rungs and
 * what-ifs", measures the three against models retrained at the cutoff).
 */
import { LungcamInputError } from '../errors';
import { SILENCE_LOG_MEL } from '../audio/logMel';
import { Rng } from '../data/random';
import { bandsKept } from '../../shared/cutoff';

/**
 * - `floor`: ln(0.01), the log-mel of silence (what a device that records nothing there gives);
 * - `bandMean`: each band's mean over the rows given (the band's level, with no change over time);
 * - `noise`: each band's mean plus Gaussian noise of the band's own standard deviation (seeded).
 */
export const MASK_FILLS = ['floor', 'bandMean', 'noise'] as const;
export type MaskFill = (typeof MASK_FILLS)[number];
export const DEFAULT_MASK_FILL: MaskFill = 'floor';

/** Rows × bands, row-major, low band first: a LogMel ([frames, bands]) or Patches ([count·96, bands]). */
export interface BandMatrix {
  data: Float32Array;
  bands: number;
}

export function isMaskFill(value: string): value is MaskFill {
  return (MASK_FILLS as readonly string[]).includes(value);
}

/** Mean and standard deviation of each band over the matrix's rows. */
function bandStats(x: BandMatrix): { mean: Float64Array; sd: Float64Array } {
  const { data, bands } = x;
  const rows = data.length / bands;
  const sum = new Float64Array(bands);
  const sq = new Float64Array(bands);
  for (let r = 0, i = 0; r < rows; r++) {
    for (let b = 0; b < bands; b++, i++) {
      sum[b] += data[i];
      sq[b] += data[i] * data[i];
    }
  }
  const mean = sum.map((s) => (rows ? s / rows : SILENCE_LOG_MEL));
  const sd = sq.map((s, b) => (rows ? Math.sqrt(Math.max(0, s / rows - mean[b] * mean[b])) : 0));
  return { mean, sd };
}

/**
 * A copy of `x` whose bands with centre above `bandCutoffHz` hold the neutral value `fill`; the bands at
 * or below it are unchanged (the rule of the band cutoff itself: a band centred on the cutoff is kept).
 */
export function maskBandsAbove<T extends BandMatrix>(x: T, bandCentersHz: ArrayLike<number>, bandCutoffHz: number, fill: MaskFill = DEFAULT_MASK_FILL, seed = 0): T {
  if (bandCentersHz.length !== x.bands) {
    throw new LungcamInputError(`the band centres list ${bandCentersHz.length} bands but the features have ${x.bands}`, 'maskBandsAbove');
  }
  if (!Number.isFinite(bandCutoffHz)) throw new LungcamInputError(`the band cutoff must be a frequency in Hz (got ${bandCutoffHz})`, 'maskBandsAbove');
  if (!isMaskFill(fill)) throw new LungcamInputError(`unknown mask fill "${String(fill)}": use ${MASK_FILLS.join(', ')}`, 'maskBandsAbove');
  const { bands } = x;
  const from = bandsKept(bandCentersHz, bandCutoffHz);
  const data = x.data.slice();
  if (from >= bands) return { ...x, data };
  const rows = data.length / bands;
  const stats = fill === 'floor' ? null : bandStats(x);
  const rng = fill === 'noise' ? new Rng(`mask:${seed}`) : null;
  for (let r = 0; r < rows; r++) {
    const row = r * bands;
    for (let b = from; b < bands; b++) {
      data[row + b] = !stats ? SILENCE_LOG_MEL : rng ? stats.mean[b] + stats.sd[b] * rng.normal() : stats.mean[b];
    }
  }
  return { ...x, data };
}
