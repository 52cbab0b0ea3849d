/**
 * The answer to a CAM view's `cutoffWhatIf` request: the output's model at a band cutoff no precomputed
 * rung answers, with the bands above masked (`lungcam view --cutoff HZ --only-cutoff`), sent back as one
 * more cutoff for the view (not saved into the notebook: it is a what-if of the view, not the cell's result).
 */
import type * as vscode from 'vscode';
import type { CamOutput, CutoffRung, RendererReply, RendererRequest } from '../kernels/shared/outputTypes';
import { computeView, type ViewSource } from './recompute';

/** The CAM output's own maps as a rung (what the view adds to its cutoffs). */
export function rungOf(cam: CamOutput): CutoffRung | undefined {
  if (!cam.cutoff) return undefined;
  return { ...cam.cutoff, probabilities: cam.probabilities, maps: cam.maps, ...(cam.omittedLayers ? { omittedLayers: cam.omittedLayers } : {}) };
}

export async function cutoffWhatIf(source: ViewSource, request: Extract<RendererRequest, { type: 'cutoffWhatIf' }>, token: vscode.CancellationToken): Promise<RendererReply | undefined> {
  const { requestId, bandCutoffHz } = request;
  const r = await computeView(source, { method: request.method, bandCutoff: { hz: bandCutoffHz, only: true }, token, requestId });
  if (!r.ok) return r.cancelled ? undefined : { type: 'error', requestId, message: r.message };
  const rung = rungOf(r.outputs.cam);
  return rung ? { type: 'cutoffWhatIf', requestId, rung } : { type: 'error', requestId, message: 'the engine sent no cutoff with its output' };
}
