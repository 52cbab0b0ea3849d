/**
 * A CAM view's recomputation in the notebook's kernel (one on a Jupyter Server, where the recording and
 * model paths in the request are): the kernel runs the engine's showRecomputedView and shows the new
 * CAM output into this execution, outside the cell queue.
 */
import { MIME, type CamOutput } from '../kernels/shared/outputTypes';
import { backendSetting } from './cliRunner';
import type { KernelSession } from './kernelSession';

/** What a CAM view asks to recompute: its output's requestId and what changes. */
export interface CamRequest {
  requestId: string;
  method?: string;
  /** The what-if at this band cutoff, alone (the view holds the rest of its output). */
  bandCutoffHz?: number;
}

/** A recomputed CAM output, or why there is none. */
export type CamResult = { ok: true; cam: CamOutput } | { ok: false; message: string; cancelled: boolean };

export async function camInKernel(session: KernelSession, request: CamRequest): Promise<CamResult> {
  const args = JSON.stringify({ ...request, backend: backendSetting() });
  let cam: CamOutput | undefined;
  try {
    const outcome = await session.executeQuietly(`await require("lungcam").showRecomputedView(${args});`, {
      onDisplay: (_, message) => (cam = (message.data[MIME.cam] as CamOutput | undefined) ?? cam),
    });
    if (outcome.status !== 'ok') return { ok: false, message: outcome.error?.evalue || 'the kernel could not recompute the view', cancelled: false };
  } catch (e) {
    return { ok: false, message: (e as Error).message, cancelled: false };
  }
  return cam ? { ok: true, cam } : { ok: false, message: 'the kernel sent no Grad-CAM output', cancelled: false };
}
