/**
 * Everything one view of a recording needs — `{ spectrogram, predictions, cam, cutoff }` (kernels/shared/
 * outputTypes.ts), the CAM for every layer × class that fits the output, at a band cutoff (a family's
 * members precomputed: cutoffView.ts). `lungcam view` writes it to a file; the warm engine process
 * (kernels/engineServer) answers Quick Analysis with it.
 */
import { basename } from 'node:path';
import type { PredictionsOutput, SpectrogramOutput } from '../../shared/outputTypes';
import type { ViewOutputs } from '../../shared/engineProtocol';
import { CAM_METHODS } from '../../shared/view/methods';
import { computeCutoffView, type CutoffView, type CutoffViewOptions } from './cutoffView';
import { cutoffFields } from './plan';
import { predictionsOutput, spectrogramOutput } from '../show/toOutput';

export type { ViewOutputs };

/** The view's CAM: the cutoff view's, with the methods its dropdown offers (every one the engine computes). */
export async function viewCam(wav: string, modelDir: string, opts: CutoffViewOptions): Promise<CutoffView> {
  const view = await computeCutoffView(wav, modelDir, opts);
  return { ...view, cam: { ...view.cam, methods: [...CAM_METHODS] } };
}

export async function viewOutputs(wav: string, modelDir: string, opts: CutoffViewOptions): Promise<{ view: CutoffView; outputs: ViewOutputs }> {
  const view = await viewCam(wav, modelDir, opts);
  const { source, plan, full, loaded, cam, prediction } = view;
  const fileName = basename(wav);
  return {
    view,
    outputs: {
      spectrogram: { ...(spectrogramOutput(full, { fileName }, cam.logMel) as SpectrogramOutput), ...(cam.annotations ? { annotations: cam.annotations } : {}) },
      predictions: predictionsOutput({ ...prediction, file: wav }, { fileName, modelId: loaded.meta.name }) as PredictionsOutput,
      cam,
      cutoff: cutoffFields(plan, source),
    },
  };
}
