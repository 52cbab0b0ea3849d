/**
 * Two frequencies that are easy to confuse, declared once for the engine, the extension and the renderer:
 * - the band cutoff (`bandCutoffHz`): bands whose centre lies above it are removed from a model's input —
 *   by training a model without them (a family's rung, `cutoffMode: 'model'`) or, as an occlusion
 *   what-if, by replacing them with a neutral value for the same model (`cutoffMode: 'masked'`);
 * - the attention threshold (`attentionThresholdHz`): where the view draws its line and reports the share
 *   of the attention above it. It changes nothing the model sees.
 */

/** Bands whose centre lies above it are removed from the model's input; null = the full band. */
export type BandCutoffHz = number | null;

/** How the bands above a band cutoff were removed. */
export type CutoffMode = 'model' | 'masked';

/** The display threshold of the attention share, Hz (a view setting, not a model property). */
export type AttentionThresholdHz = number;

/** Where the attention threshold starts: the seed study's cutoff. */
export const DEFAULT_ATTENTION_THRESHOLD_HZ: AttentionThresholdHz = 1500;

/** Bands kept by a band cutoff: those whose centre lies at or below it (ascending centres: a prefix). */
export function bandsKept(bandCentersHz: ArrayLike<number>, bandCutoffHz: BandCutoffHz): number {
  if (bandCutoffHz === null) return bandCentersHz.length;
  let b = 0;
  while (b < bandCentersHz.length && bandCentersHz[b] <= bandCutoffHz) b++;
  return b;
}

/** "1.5 kHz", "800 Hz", "the full band". */
export function bandCutoffLabel(bandCutoffHz: BandCutoffHz): string {
  if (bandCutoffHz === null) return 'the full band';
  return bandCutoffHz >= 1000 ? `${+(bandCutoffHz / 1000).toFixed(3)} kHz` : `${Math.round(bandCutoffHz)} Hz`;
}
