/**
 * Computing the renderer's outputs for a WAV in the warm engine (engine.ts), which keeps the model (a
 * family's members) and the recording's features between requests. The requestId that lets a CAM view ask
 * for them again with another method or cutoff (`lungcam-view:` + base64url of { wav, model }, opaque to
 * the renderer) is shared with the engine, which gives notebook outputs one too. In an untrusted workspace
 * nothing is computed.
 */
import * as vscode from 'vscode';
import type { CamMap, CamOutput, CutoffRung } from '../kernels/shared/outputTypes';
import type { ViewOutputs } from '../kernels/shared/engineProtocol';
import type { BandCutoffHz } from '../kernels/shared/cutoff';
import { encodeRequestId, type ViewSource } from '../kernels/shared/requestId';
import { UNTRUSTED_CLI_MESSAGE } from './cliRunner';
import { abortSignalOf, engine } from './engine';
import { EngineError } from './engineClient';

export type { ViewOutputs };
export { encodeRequestId, decodeRequestId, type ViewSource } from '../kernels/shared/requestId';

export type Computed<T> = { ok: true; value: T } | { ok: false; message: string; cancelled: boolean };

export interface ComputeOptions {
  method?: string;
  token?: vscode.CancellationToken;
  /** Each step ("classifying"), and the share of the CAM done. */
  onProgress?: (step: string, done?: number) => void;
  requestId?: string;
}

async function ask<T>(work: () => Promise<T>): Promise<Computed<T>> {
  if (!vscode.workspace.isTrusted) return { ok: false, message: UNTRUSTED_CLI_MESSAGE, cancelled: false };
  try {
    return { ok: true, value: await work() };
  } catch (e) {
    const cancelled = e instanceof EngineError && e.kind === 'cancelled';
    return { ok: false, message: cancelled ? 'cancelled' : (e as Error).message, cancelled };
  }
}

const callOptions = (o: ComputeOptions) => ({ signal: abortSignalOf(o.token), onProgress: o.onProgress });

/** Quick Analysis: spectrogram, predictions and the CAM of every layer × class that fits (a family's every member). */
export function computeView(source: ViewSource, o: ComputeOptions = {}): Promise<Computed<ViewOutputs>> {
  return ask(() => engine().call('analyse', { ...source, method: o.method ?? 'gradcam', requestId: o.requestId ?? encodeRequestId(source) }, callOptions(o)));
}

/** The CAM view again with another method. */
export function recomputeCam(source: ViewSource, o: ComputeOptions & { requestId: string }): Promise<Computed<CamOutput>> {
  return ask(() => engine().call('recompute', { ...source, method: o.method ?? 'gradcam', requestId: o.requestId }, callOptions(o)));
}

/** The occlusion what-if at a band cutoff (the model with the bands above masked), as one more cutoff for the view. */
export function cutoffWhatIf(source: ViewSource, o: ComputeOptions & { bandCutoffHz: number }): Promise<Computed<CutoffRung>> {
  return ask(() => engine().call('cutoffWhatIf', { ...source, method: o.method ?? 'gradcam', bandCutoffHz: o.bandCutoffHz }, callOptions(o)));
}

/** One layer's maps that a view's output left out (at the output's own band cutoff). */
export function camLayer(source: ViewSource, o: ComputeOptions & { layer: string; bandCutoffHz?: BandCutoffHz }): Promise<Computed<Record<string, CamMap>>> {
  const cutoff = o.bandCutoffHz === undefined ? {} : { bandCutoffHz: o.bandCutoffHz };
  return ask(() => engine().call('camLayer', { ...source, method: o.method ?? 'gradcam', layer: o.layer, ...cutoff }, callOptions(o)));
}
