/**
 * The answer to a CAM view's `cutoffWhatIf` request: the output's model at a band cutoff no precomputed
 * rung answers, with the bands above masked (`lungcam view --cutoff HZ --only-cutoff`, here or in a remote
 * kernel), sent back as one more cutoff for the view — not saved into the notebook: it is a what-if of the
 * view, not the cell's result.
 */
import type { CamOutput, CutoffRung, RendererReply } from '../kernels/shared/outputTypes';
import type { CamResult } from './kernelRecompute';

/** The CAM output's own maps as a rung (what the view adds to its cutoffs). */
export function rungOf(cam: CamOutput): CutoffRung | undefined {
  if (!cam.cutoff) return undefined;
  return { ...cam.cutoff, probabilities: cam.probabilities, maps: cam.maps, ...(cam.omittedLayers ? { omittedLayers: cam.omittedLayers } : {}) };
}

/** The reply to post (undefined: cancelled, nothing to say). */
export function whatIfReply(requestId: string, r: CamResult): RendererReply | undefined {
  if (!r.ok) return r.cancelled ? undefined : { type: 'error', requestId, message: r.message };
  const rung = rungOf(r.cam);
  return rung ? { type: 'cutoffWhatIf', requestId, rung } : { type: 'error', requestId, message: 'the engine sent no band cutoff with its output' };
}
