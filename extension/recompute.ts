/**
 * Computing the renderer's outputs for a WAV in the warm engine (engine.ts), which keeps the model and
 * the recording's features between requests. The requestId that lets a CAM view ask for them again with
 * another method (`lungcam-view:` + base64url of { wav, model }, opaque to the renderer) is shared with
 * the engine, which gives notebook outputs one too.
 */
import type * as vscode from 'vscode';
import type { CamMap, CamOutput } from '../kernels/shared/outputTypes';
import type { ViewOutputs } from '../kernels/shared/engineProtocol';
import { encodeRequestId, type ViewSource } from '../kernels/shared/requestId';
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
  try {
    return { ok: true, value: await work() };
  } catch (e) {
    const cancelled = e instanceof EngineError && e.kind === 'cancelled';
    return { ok: false, message: cancelled ? 'cancelled' : (e as Error).message, cancelled };
  }
}

/** Quick Analysis: spectrogram, predictions and the CAM of every layer × class that fits. */
export function computeView(source: ViewSource, o: ComputeOptions = {}): Promise<Computed<ViewOutputs>> {
  return ask(() => engine().call('analyse', { ...source, method: o.method ?? 'gradcam', requestId: o.requestId ?? encodeRequestId(source) }, { signal: abortSignalOf(o.token), onProgress: o.onProgress }));
}

/** The CAM view again with another method. */
export function recomputeCam(source: ViewSource, o: ComputeOptions & { requestId: string; cutoffHz?: number | null }): Promise<Computed<CamOutput>> {
  const cutoff = typeof o.cutoffHz === 'number' ? { cutoffHz: o.cutoffHz } : {};
  return ask(() => engine().call('recompute', { ...source, method: o.method ?? 'gradcam', requestId: o.requestId, ...cutoff }, { signal: abortSignalOf(o.token), onProgress: o.onProgress }));
}

/** One layer's maps that a view's output left out. */
export function camLayer(source: ViewSource, o: ComputeOptions & { layer: string }): Promise<Computed<Record<string, CamMap>>> {
  return ask(() => engine().call('camLayer', { ...source, method: o.method ?? 'gradcam', layer: o.layer }, { signal: abortSignalOf(o.token), onProgress: o.onProgress }));
}
