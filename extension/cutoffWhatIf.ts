/**
 * The answer to a CAM view's `cutoffWhatIf` request: the output's model at a band cutoff no precomputed
 * rung answers, with the bands above masked — from the window's warm engine, or from the notebook's kernel
 * when it runs on a Jupyter Server (`lungcam view --cutoff HZ --only-cutoff` there) — sent back as one more
 * cutoff for the view, not saved into the notebook: it is a what-if of the view, not the cell's result.
 */
import type * as vscode from 'vscode';
import type { CutoffRung } from '../kernels/shared/outputTypes';
import { rungOf } from '../kernels/shared/cutoffRung';
import { cutoffWhatIf, type Computed, type ViewSource } from './recompute';
import type { CamRequest, CamResult } from './kernelRecompute';

export interface WhatIfRequest {
  requestId: string;
  bandCutoffHz: number;
  method?: string;
}

export async function answerCutoffWhatIf(
  source: ViewSource, request: WhatIfRequest, token: vscode.CancellationToken,
  onProgress: (step: string, done?: number) => void, inKernel?: (request: CamRequest) => Promise<CamResult>,
): Promise<Computed<CutoffRung>> {
  if (!inKernel) return cutoffWhatIf(source, { method: request.method, bandCutoffHz: request.bandCutoffHz, token, onProgress });
  const r = await inKernel(request);
  if (!r.ok) return r;
  const rung = rungOf(r.cam);
  return rung ? { ok: true, value: rung } : { ok: false, message: 'the kernel sent no band cutoff with its output', cancelled: false };
}
