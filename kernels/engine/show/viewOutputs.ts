/**
 * Everything one view of a recording needs — `{ spectrogram, predictions, cam }` (kernels/shared/
 * outputTypes.ts), the CAM for every layer × class that fits the output — from its log-mel and a loaded
 * model. `lungcam view` writes it to a file; the warm engine process (kernels/engineServer) answers Quick
 * Analysis and the view's recomputations with it.
 */
import { basename } from 'node:path';
import type { CamOutput, PredictionsOutput, SpectrogramOutput } from '../../shared/outputTypes';
import type { ViewOutputs } from '../../shared/engineProtocol';
import type { LogMel } from '../types';
import type { LoadedModel, ModelMetadata } from '../model/modelIO';
import { LungcamInputError } from '../errors';
import { classifyLogMel } from '../model/classify';
import { readEvents, type CamModel } from '../cam/explain';
import { viewCamOutput } from '../cam/viewChunks';
import { predictionsOutput, spectrogramOutput } from './toOutput';
import { CAM_METHODS } from '../../shared/view/methods';


export type { ViewOutputs };

export interface ViewOptions {
  method: string;
  requestId?: string;
  signal?: AbortSignal;
  /** Steps as the user reads them ("classifying"), and the share of the CAM done. */
  onProgress?: (step: string, done?: number) => void;
}

/**
 * A view shows the model as trained: a cutoff other than the model's is refused with what to do instead
 * (train a model with that cutoff and select it).
 */
export function checkViewCutoff(meta: ModelMetadata, cutoffHz: number | undefined): void {
  if (cutoffHz === undefined || cutoffHz === (meta.featureParams.cutoffHz ?? null)) return;
  throw new LungcamInputError(
    `model ${meta.name} was trained ${meta.featureParams.cutoffHz === null ? 'on the full band' : `with a cutoff at ${meta.featureParams.cutoffHz} Hz`}; to compare a cutoff at ${cutoffHz} Hz, train a model with --cutoff ${cutoffHz} and select it`,
    '--cutoff',
  );
}

export const camModelOf = (loaded: LoadedModel): CamModel => ({ model: loaded.model, id: loaded.meta.name, classes: loaded.meta.classes, convLayers: loaded.meta.convLayers });

export function sourceOf(logMel: LogMel, wav: string) {
  return logMel.source ?? { fileName: basename(wav), durationSeconds: logMel.frames / 100, originalSampleRate: 16000, channels: 1 };
}

/** The CAM view of a recording (every layer × class that fits), for `wav`'s annotations and requestId. */
export async function viewCam(loaded: LoadedModel, logMel: LogMel, wav: string, opts: ViewOptions): Promise<CamOutput> {
  const events = readEvents(wav);
  opts.onProgress?.('computing Grad-CAM for every layer and class', 0);
  const cam = await viewCamOutput(camModelOf(loaded), { ...logMel, source: sourceOf(logMel, wav) }, {
    method: opts.method, signal: opts.signal,
    ...(events ? { annotations: { events } } : {}),
    ...(opts.requestId ? { requestId: opts.requestId } : {}),
    onProgress: (done) => opts.onProgress?.('computing Grad-CAM for every layer and class', done),
  });
  // The methods the view's dropdown offers: every one the engine computes.
  return { ...cam, methods: [...CAM_METHODS] };
}

export async function viewOutputs(loaded: LoadedModel, logMel: LogMel, wav: string, opts: ViewOptions): Promise<ViewOutputs> {
  const fileName = basename(wav);
  opts.onProgress?.('classifying');
  const prediction = classifyLogMel(loaded, logMel);
  const cam = await viewCam(loaded, logMel, wav, opts);
  return {
    spectrogram: spectrogramOutput(logMel, { fileName }, cam.logMel) as SpectrogramOutput,
    predictions: predictionsOutput({ ...prediction, file: wav }, { fileName, modelId: loaded.meta.name }) as PredictionsOutput,
    cam,
  };
}
