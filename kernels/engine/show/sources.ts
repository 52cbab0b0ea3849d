/**
 * Where a notebook's Grad-CAM came from, so `lc.show(cam)` can give its view a requestId (the recording
 * and model folder) without the cell saying so: the `lungcam` module hands cells these thin wrappers of
 * logMelFromFile, loadModel and recordingCam, which remember (in WeakMaps, so nothing is kept alive)
 * which WAV file a log-mel was read from, which folder a model was loaded from, and which model a
 * RecordingCam was computed with (sourceRegistry.ts). The engine's own callers (CLI, study) use the originals.
 */
import { resolve } from 'node:path';
import { logMelFromFile as logMelFromFileOriginal } from '../audio/features';
import { loadModel as loadModelOriginal, type LoadedModel } from '../model/modelIO';
import { recordingCam as recordingCamOriginal, type CamModel, type RecordingCam, type RecordingCamOptions } from '../cam/explain';
import type { LogMel } from '../types';
import { camModelOf, modelDirOf, wavOf } from './sourceRegistry';

/** Log-mel of a WAV file (the engine's logMelFromFile; the file is noted for `show`). */
export const logMelFromFile: typeof logMelFromFileOriginal = async (path, params, opts) => {
  const logMel = await logMelFromFileOriginal(path, params, opts);
  wavOf.set(logMel, resolve(path));
  return logMel;
};

/** Loads a LungCAM model by folder or portable name (the engine's loadModel; the folder is noted for `show`). */
export async function loadModel(ref: string): Promise<LoadedModel> {
  const loaded = await loadModelOriginal(ref);
  modelDirOf.set(loaded.model, resolve(loaded.dir));
  return loaded;
}

/** Grad-CAM of a whole recording (the engine's recordingCam; the model is noted for `show`). */
export async function recordingCam(model: CamModel | LoadedModel, logMel: LogMel, opts: RecordingCamOptions = {}): Promise<RecordingCam> {
  const rc = await recordingCamOriginal(model, logMel, opts);
  camModelOf.set(rc, model.model);
  return rc;
}
