/**
 * A cut model's features from the full band's: with the seed's pruning rule the filterbank is built over
 * the whole band and the bands above the cutoff are dropped, so a cut log-mel is exactly the low columns
 * of the uncut one. One log-mel of a recording serves every member of a family.
 */
import { keptBands, melAxes } from '../audio/melFilter';
import type { LogMel } from '../types';

/** The log-mel a model trained with `bandCutoffHz` sees (null: the full band, returned as it is). */
export function lowBandsOf(full: LogMel, bandCutoffHz: number | null): LogMel {
  if (full.params.bandCutoffHz !== null) throw new Error('lowBandsOf needs the full band log-mel');
  if (bandCutoffHz === null) return full;
  const params = { ...full.params, bandCutoffHz };
  const bands = keptBands(params);
  if (bands === full.bands) return { ...full, params, axes: { ...full.axes, bandCutoffHz } };
  const data = new Float32Array(full.frames * bands);
  for (let f = 0; f < full.frames; f++) data.set(full.data.subarray(f * full.bands, f * full.bands + bands), f * bands);
  return { ...full, data, bands, params, axes: melAxes(params, full.frames) };
}
