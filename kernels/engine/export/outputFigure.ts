/**
 * A renderer output's Grad-CAM (CamOutput: 8-bit maps per patch at each layer's native size) as the
 * figure and grid the exports write, with nothing recomputed: the chosen layer × class map on the chosen
 * normalisation, resized per patch (half-pixel bilinear) and stitched onto [frames, bands] as the engine
 * stitches maps, with the cycle lane and the words that say what is shown. The notebook's Export
 * Heatmap… and the outputs' PNG fallback draw through here, so they match `lungcam gradcam`.
 */
import type { CamOutput } from '../../shared/outputTypes';
import { dequantize } from '../show/quantize';
import { resizeMaps, stitchPatches } from '../cam/maps';
import { applyPatchScaling, normalisationInfo, outputScaling, type CamNormalisation } from '../../shared/view/normalisation';
import { argmax, recordingProbabilities } from '../../shared/view/recordingLabel';
import { cycleSummary } from '../../shared/view/cycleVerdicts';
import { classWords, plural } from '../../shared/view/words';
import type { CamFigure } from './figure';

export interface LayerClass {
  layer: string;
  className: string;
}

/** The map of `pick` on `normalisation`, [frames, bands] row-major (low band first). */
export function outputMapOnFrames(out: CamOutput, pick: LayerClass, normalisation: CamNormalisation): Float32Array {
  const map = out.maps[pick.layer]?.[pick.className];
  if (!map) throw new Error(`the output has no map for layer ${pick.layer}, class ${pick.className}`);
  const { frames, bands } = out.axes;
  const count = out.patches.startFrame.length;
  const native = applyPatchScaling(dequantize(map.map), count, map.timeSteps * map.bandSteps, outputScaling(out, pick.layer, pick.className, normalisation));
  const perPatch = resizeMaps(native, count, map.timeSteps, map.bandSteps, out.patches.frames, bands);
  return stitchPatches(perPatch, out.patches.startFrame, out.patches.frames, bands, frames);
}

/** Lines under a figure's title: what the model predicts, how the cycles went, what the brightness means. */
export function outputNotes(out: CamOutput, pick: LayerClass, normalisation: CamNormalisation): string[] {
  const mean = recordingProbabilities(out.probabilities, out.classes.length);
  const top = argmax(mean);
  const k = out.classes.indexOf(pick.className);
  const patches = plural(out.patches.startFrame.length, 'patch', 'patches');
  const cycles = out.annotations?.cycles;
  const info = normalisationInfo(normalisation);
  return [
    top === k
      ? `The model predicts ${classWords(pick.className)} (p ${mean[top].toFixed(2)} over ${patches}).`
      : `The model predicts ${classWords(out.classes[top])} (p ${mean[top].toFixed(2)} over ${patches}); this map explains ${classWords(pick.className)} (p ${(mean[k] ?? 0).toFixed(2)}).`,
    ...(cycles?.length ? [cycleSummary(cycles, out.annotations?.source)] : []),
    `Normalised ${info.label}: ${info.meaning}.`,
  ];
}

export function outputFigure(out: CamOutput, pick: LayerClass, normalisation: CamNormalisation, grid = outputMapOnFrames(out, pick, normalisation)): CamFigure {
  const { frames, bands } = out.axes;
  const cycles = out.annotations?.cycles;
  return {
    title: `${out.source.fileName} — ${out.method} of model ${out.modelId}, layer ${pick.layer}, class ${classWords(pick.className)}`,
    logMel: { data: dequantize(out.logMel), frames, bands },
    map: { data: grid, frames, bands },
    hopSeconds: out.axes.hopSeconds,
    bandCentersHz: out.axes.bandCentersHz,
    valueRange: [0, 1],
    valueLabel: 'attention',
    events: out.annotations?.events,
    notes: outputNotes(out, pick, normalisation),
    ...(cycles?.length ? { cycles, classes: out.classes } : {}),
  };
}
