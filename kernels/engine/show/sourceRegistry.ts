/**
 * What sources.ts remembers about a cell's objects (WeakMaps: nothing is kept alive), kept apart from
 * the wrappers so show.ts can read it without loading TensorFlow.js.
 */
import type { RecordingCam } from '../cam/explain';
import type { ViewSource } from '../../shared/requestId';

/** log-mel object → absolute path of the WAV it was read from. */
export const wavOf = new WeakMap<object, string>();
/** tf.LayersModel → absolute path of the model folder it was loaded from. */
export const modelDirOf = new WeakMap<object, string>();
/** RecordingCam → the tf.LayersModel it was computed with. */
export const camModelOf = new WeakMap<object, object>();

/** The recording and model folder a RecordingCam was computed from, when both are known. */
export function camSource(rc: RecordingCam): ViewSource | undefined {
  const wav = wavOf.get(rc.logMel);
  const model = camModelOf.get(rc);
  const dir = model ? modelDirOf.get(model) : undefined;
  return wav && dir ? { wav, model: dir } : undefined;
}
