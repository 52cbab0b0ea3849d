// What the chosen layer × class gives the view: its map on the chosen normalisation (when the output carries
// it) and the profiles drawn beside and under the map. Recomputed only when one of MAP_INPUTS changes.
import type { CamMap, CamOutput } from '../../../kernels/shared/outputTypes';
import { bandProfile, timeProfile } from '../../../kernels/shared/view/summaries';
import { normalisedMap } from '../../../kernels/shared/view/normalisation';
import type { CamViewState, StateKey } from './state';

export interface MapSelection {
  /**
   * The map as the chosen normalisation shows it (values 0..1, raw ranges kept); undefined when the output
   * left this layer × class out (to stay small): the host can send it.
   */
  map: CamMap | undefined;
  /** The map as the output stores it (per patch; its raw values are exact): the hover read-out's raw value. */
  stored: CamMap | undefined;
  /** Mean attention per mel band (length = bands; zeros without a map). */
  bandProfile: Float64Array;
  /** Mean attention per native time step, patch after patch. */
  timeProfile: Float64Array;
  timeProfileMax: number;
  /**
   * The band profile's full scale: its own maximum, or on 'classes' the largest of every class's at the
   * layer, so a class the model rejects draws small profiles as well as a dark map.
   */
  bandProfileMax: number;
  /** Mel bands the map covers, low bands first (a model trained at a cutoff sees only those). */
  bands: number;
}

/** The choices a selection depends on (with the output itself). */
export const MAP_INPUTS: readonly StateKey[] = ['layer', 'className', 'bandCutoffHz', 'normalisation'];

export function selectMap(output: CamOutput, state: Pick<CamViewState, 'layer' | 'className' | 'normalisation'>): MapSelection {
  const stored = output.maps[state.layer]?.[state.className];
  const map = normalisedMap(output, state.layer, state.className, state.normalisation);
  const bands = Math.min(output.axes.bands, output.cutoff?.bands ?? output.axes.bands);
  const profile = new Float64Array(output.axes.bands);
  if (!map) return { map, stored, bandProfile: profile, timeProfile: new Float64Array(0), timeProfileMax: 1, bandProfileMax: 1, bands };
  const time = timeProfile(map);
  // Bands above those the map covers hold no attention (the model never saw them).
  profile.set(bandProfile(map, bands));
  const scales = state.normalisation === 'classes'
    ? output.classes.map((c) => profileMaxima(normalisedMap(output, state.layer, c, 'classes'), bands))
    : [{ time: maxOf(time), band: maxOf(profile) }];
  return {
    map, stored, bandProfile: profile, timeProfile: time, bands,
    timeProfileMax: Math.max(1e-9, ...scales.map((m) => m.time)),
    bandProfileMax: Math.max(1e-9, ...scales.map((m) => m.band)),
  };
}

function maxOf(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > m) m = values[i];
  return m;
}

/** The largest values of a map's time and band profiles (0 without a map). */
function profileMaxima(map: CamMap | undefined, bands: number): { time: number; band: number } {
  return map ? { time: maxOf(timeProfile(map)), band: maxOf(bandProfile(map, bands)) } : { time: 0, band: 0 };
}
