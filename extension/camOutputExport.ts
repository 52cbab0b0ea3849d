/**
 * Export of a notebook's CAM output (the JSON the renderer draws, kernels/shared/outputTypes.ts) without
 * recomputing anything: the chosen layer × class map on the chosen normalisation is brought back onto the
 * recording's [frames, bands] grid as the engine stitches maps, and written by the CLI's own writers: the
 * heatmap figure (with the cycle lane) as PNG/SVG, NPY, CSV, and a JSON document with the fields of
 * `lungcam gradcam --out F.json`. No `vscode` import: unit-testable. The values are the output's 8-bit
 * display quantisation (within 1/255 of the computed map).
 */
import type { CamOutput } from '../kernels/shared/outputTypes';
import { DEFAULT_CAM_COLORMAP, type ColormapName } from '../kernels/shared/view/colormaps';
import { camOutputFigure, type LayerClass } from '../kernels/shared/view/figure';
import { recordingProbabilities } from '../kernels/shared/view/recordingLabel';
import { cycleSummary } from '../kernels/shared/view/cycleVerdicts';
import { DEFAULT_NORMALISATION, type CamNormalisation } from '../kernels/shared/view/normalisation';
import { camFigurePng, camFigureSvg, encodeNpy } from '../kernels/engine/formats';
import { mapCsv } from './heatmapCsv';

export type { LayerClass } from '../kernels/shared/view/figure';

/** The formats both exports offer (a WAV's heatmap via `lungcam gradcam`, a notebook output's from its maps). */
export const EXPORT_FORMATS = [
  { ext: 'png', label: 'PNG', detail: 'figure: spectrogram with the heatmap over it, axes in s and Hz' },
  { ext: 'svg', label: 'SVG', detail: 'the same figure as vector graphics' },
  { ext: 'json', label: 'JSON', detail: 'the map with its axes, parameters and probabilities' },
  { ext: 'npy', label: 'NPY', detail: '[frames, bands] float32 for numpy' },
  { ext: 'csv', label: 'CSV', detail: 'one row per 10 ms frame: time (s), then one column per mel band' },
] as const;
export type ExportExt = (typeof EXPORT_FORMATS)[number]['ext'];

/** Layer × class pairs whose maps the output carries (layers left out of a large output are not offered), default first. */
export function exportableMaps(out: CamOutput): LayerClass[] {
  const pairs: LayerClass[] = [];
  for (const layer of out.layers) {
    for (const className of out.classes) if (out.maps[layer]?.[className]) pairs.push({ layer, className });
  }
  const isDefault = (p: LayerClass) => p.layer === out.defaultLayer && p.className === out.defaultClass;
  return [...pairs.filter(isDefault), ...pairs.filter((p) => !isDefault(p))];
}

const round = (v: number, digits = 6) => Number(v.toPrecision(digits));

/** The fields of `lungcam gradcam --out F.json` that an output can give (no faithfulness/sanity/localisation). */
export function outputJson(out: CamOutput, pick: LayerClass, grid: Float32Array, normalisation: CamNormalisation): string {
  const m = out.maps[pick.layer][pick.className];
  const { frames, bands } = out.axes;
  return JSON.stringify({
    kind: 'gradcam',
    version: 1,
    exportedFrom: 'notebook output (8-bit display values)',
    source: out.source,
    modelId: out.modelId,
    method: out.method,
    layers: [pick.layer],
    class: pick.className,
    classes: out.classes,
    raw: false,
    normalisation,
    frames,
    bands,
    hopSeconds: out.axes.hopSeconds,
    windowSeconds: out.axes.windowSeconds,
    bandCentersHz: out.axes.bandCentersHz,
    bandEdgesHz: out.axes.bandEdgesHz,
    axes: out.axes,
    patches: { count: out.patches.startFrame.length, ...out.patches },
    probabilities: out.probabilities.map((r) => r.map((v) => round(v))),
    recordingProbabilities: recordingProbabilities(out.probabilities, out.classes.length).map((v) => round(v)),
    ...(out.annotations?.cycles?.length ? { annotations: out.annotations, cycleSummary: cycleSummary(out.annotations.cycles, out.annotations.source) } : {}),
    zeroPatches: m.zeroPatches,
    nativeMap: { layer: pick.layer, timeSteps: m.timeSteps, bandSteps: m.bandSteps, rawMin: m.rawMin, rawMax: m.rawMax },
    map: Array.from({ length: frames }, (_, f) => Array.from(grid.subarray(f * bands, (f + 1) * bands), (v) => round(v, 7))),
  });
}

/** The file's bytes for one format; figures in `colormap` (the views' colour map setting), maps on `normalisation`. */
export function exportCamOutput(
  out: CamOutput, pick: LayerClass, ext: ExportExt, colormap: ColormapName = DEFAULT_CAM_COLORMAP, normalisation: CamNormalisation = DEFAULT_NORMALISATION,
): string | Uint8Array {
  const drawn = camOutputFigure(out, pick, colormap, normalisation);
  if (!drawn) throw new Error(`the output has no map for layer ${pick.layer}, class ${pick.className}`);
  const { frames, bands } = out.axes;
  switch (ext) {
    case 'png':
      return camFigurePng(drawn.figure);
    case 'svg':
      return camFigureSvg(drawn.figure);
    case 'npy':
      return encodeNpy(drawn.grid, [frames, bands], 'float32');
    case 'csv':
      return mapCsv(drawn.grid, frames, bands, out.axes.hopSeconds);
    case 'json':
      return outputJson(out, pick, drawn.grid, normalisation);
  }
}
