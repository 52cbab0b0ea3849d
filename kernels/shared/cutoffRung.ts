/** A CAM output's own maps as a rung: what a view adds to its cutoffs when a what-if comes back. */
import type { CamOutput, CutoffRung } from './outputTypes';

export function rungOf(cam: CamOutput): CutoffRung | undefined {
  if (!cam.cutoff) return undefined;
  return { ...cam.cutoff, probabilities: cam.probabilities, maps: cam.maps, ...(cam.omittedLayers ? { omittedLayers: cam.omittedLayers } : {}) };
}
