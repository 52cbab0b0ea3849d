/** A CAM output's own maps as a rung: what a view adds to its cutoffs when a what-if comes back. */
import type { CamOutput, CutoffRung } from './outputTypes';

export function rungOf(cam: CamOutput): CutoffRung | undefined {
  if (!cam.cutoff) return undefined;
  const cycles = cam.annotations?.cycles;
  return {
    ...cam.cutoff, probabilities: cam.probabilities, maps: cam.maps, ...(cam.omittedLayers ? { omittedLayers: cam.omittedLayers } : {}),
    ...(cycles?.some((c) => c.predicted) ? { cyclePredictions: cycles.map((c) => c.predicted ?? null) } : {}),
  };
}
