// What the chosen layer × class gives the view: its map (when the output carries it) and the profiles
// drawn beside and under the map. Recomputed only when one of MAP_INPUTS changes.
import type { CamMap, CamOutput } from '../../../kernels/shared/outputTypes';
import { bandProfile, timeProfile } from '../../../kernels/shared/view/summaries';
import type { CamViewState, StateKey } from './state';

export interface MapSelection {
  /** Undefined when the output left this layer × class out (to stay small): the host can send it. */
  map: CamMap | undefined;
  /** Mean attention per mel band (length = bands; zeros without a map). */
  bandProfile: Float64Array;
  /** Mean attention per native time step, patch after patch. */
  timeProfile: Float64Array;
  timeProfileMax: number;
  /** Mel bands the map covers, low bands first (a model trained at a cutoff sees only those). */
  bands: number;
}

/** The choices a selection depends on (with the output itself). */
export const MAP_INPUTS: readonly StateKey[] = ['layer', 'className', 'bandCutoffHz'];

export function selectMap(output: CamOutput, state: Pick<CamViewState, 'layer' | 'className'>): MapSelection {
  const map = output.maps[state.layer]?.[state.className];
  const bands = Math.min(output.axes.bands, output.cutoff?.bands ?? output.axes.bands);
  const profile = new Float64Array(output.axes.bands);
  if (!map) return { map, bandProfile: profile, timeProfile: new Float64Array(0), timeProfileMax: 1, bands };
  const time = timeProfile(map);
  // Bands above those the map covers hold no attention (the model never saw them).
  profile.set(bandProfile(map, bands));
  return { map, bandProfile: profile, timeProfile: time, timeProfileMax: time.reduce((m, v) => Math.max(m, v), 1e-9), bands };
}
