/**
 * Export of a notebook's CAM output (the JSON the renderer draws, kernels/shared/outputTypes.ts) without
 * recomputing anything: the chosen layer × class map is brought back onto the recording's [frames, bands]
 * grid (half-pixel bilinear per patch, overlapping patches averaged, as the engine stitches maps) and
 * written by the CLI's own writers: camFigurePng/camFigureSvg (figure), encodeNpy, mapCsv, and a JSON
 * document with the fields of `lungcam gradcam --out F.json`. No `vscode` import: unit-testable.
 * The values are the output's 8-bit display quantisation (within 1/255 of the computed map).
 */
import type { CamMap, CamOutput } from '../kernels/shared/outputTypes';
import { dequantize } from '../kernels/engine/show/quantize';
import type { CamFigure } from '../kernels/shared/view/figure';
import { camFigurePng } from '../kernels/engine/export/png';
import { camFigureSvg } from '../kernels/engine/export/svg';
import { encodeNpy } from '../kernels/engine/io/npy';
import { upsampleWeights } from '../kernels/shared/view/summaries';
import { mapCsv } from './heatmapCsv';

/** The formats both exports offer (a WAV's heatmap via `lungcam gradcam`, a notebook output's from its maps). */
export const EXPORT_FORMATS = [
  { ext: 'png', label: 'PNG', detail: 'figure: spectrogram with the heatmap over it, axes in s and Hz' },
  { ext: 'svg', label: 'SVG', detail: 'the same figure as vector graphics' },
  { ext: 'json', label: 'JSON', detail: 'the map with its axes, parameters and probabilities' },
  { ext: 'npy', label: 'NPY', detail: '[frames, bands] float32 for numpy' },
  { ext: 'csv', label: 'CSV', detail: 'one row per 10 ms frame: time (s), then one column per mel band' },
] as const;
export type ExportExt = (typeof EXPORT_FORMATS)[number]['ext'];

export interface LayerClass {
  layer: string;
  className: string;
}

/** Layer × class pairs whose maps the output carries (layers left out of a large output are not offered), default first. */
export function exportableMaps(out: CamOutput): LayerClass[] {
  const pairs: LayerClass[] = [];
  for (const layer of out.layers) {
    for (const className of out.classes) if (out.maps[layer]?.[className]) pairs.push({ layer, className });
  }
  const isDefault = (p: LayerClass) => p.layer === out.defaultLayer && p.className === out.defaultClass;
  return [...pairs.filter(isDefault), ...pairs.filter((p) => !isDefault(p))];
}

/** One native map (rows = patches × timeSteps, cols = bandSteps) on the [frames, bands] grid. */
export function mapOnFrames(map: CamMap, patches: CamOutput['patches'], frames: number, bands: number): Float32Array {
  const native = dequantize(map.map);
  const t = upsampleWeights(map.timeSteps, patches.frames);
  const b = upsampleWeights(map.bandSteps, bands);
  const out = new Float32Array(frames * bands);
  const cover = new Uint16Array(frames);
  patches.startFrame.forEach((start, p) => {
    const row = (i: number) => (p * map.timeSteps + i) * map.bandSteps;
    for (let r = 0; r < patches.frames; r++) {
      const f = start + r;
      if (f < 0 || f >= frames) continue; // the padded tail
      cover[f]++;
      const r0 = row(t.i0[r]);
      const r1 = row(t.i1[r]);
      for (let k = 0; k < bands; k++) {
        const top = native[r0 + b.i0[k]] * (1 - b.w1[k]) + native[r0 + b.i1[k]] * b.w1[k];
        const bottom = native[r1 + b.i0[k]] * (1 - b.w1[k]) + native[r1 + b.i1[k]] * b.w1[k];
        out[f * bands + k] += top * (1 - t.w1[r]) + bottom * t.w1[r];
      }
    }
  });
  for (let f = 0; f < frames; f++) if (cover[f] > 1) for (let k = 0; k < bands; k++) out[f * bands + k] /= cover[f];
  return out;
}

const round = (v: number, digits = 6) => Number(v.toPrecision(digits));

function recordingProbabilities(out: CamOutput): number[] {
  const keep = out.probabilities.filter((_, p) => !out.patches.padded[p]);
  const rows = keep.length ? keep : out.probabilities;
  return out.classes.map((_, c) => rows.reduce((s, r) => s + r[c], 0) / Math.max(1, rows.length));
}

export function figureOf(out: CamOutput, pick: LayerClass, grid: Float32Array): CamFigure {
  const { frames, bands } = out.axes;
  const p = recordingProbabilities(out)[out.classes.indexOf(pick.className)] ?? 0;
  return {
    title: `${out.source.fileName} — ${out.method}, ${pick.layer}, class ${pick.className} (p ${p.toFixed(2)}), model ${out.modelId}`,
    logMel: { data: dequantize(out.logMel), frames, bands },
    map: { data: grid, frames, bands },
    hopSeconds: out.axes.hopSeconds,
    bandCentersHz: out.axes.bandCentersHz,
    valueRange: [0, 1],
    valueLabel: 'attention (per patch)',
    events: out.annotations?.events,
  };
}

/** The fields of `lungcam gradcam --out F.json` that an output can give (no faithfulness/sanity/localisation). */
export function outputJson(out: CamOutput, pick: LayerClass, grid: Float32Array): string {
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
    frames,
    bands,
    hopSeconds: out.axes.hopSeconds,
    windowSeconds: out.axes.windowSeconds,
    bandCentersHz: out.axes.bandCentersHz,
    bandEdgesHz: out.axes.bandEdgesHz,
    axes: out.axes,
    patches: { count: out.patches.startFrame.length, ...out.patches },
    probabilities: out.probabilities.map((r) => r.map((v) => round(v))),
    recordingProbabilities: recordingProbabilities(out).map((v) => round(v)),
    zeroPatches: m.zeroPatches,
    nativeMap: { layer: pick.layer, timeSteps: m.timeSteps, bandSteps: m.bandSteps, rawMin: m.rawMin, rawMax: m.rawMax },
    map: Array.from({ length: frames }, (_, f) => Array.from(grid.subarray(f * bands, (f + 1) * bands), (v) => round(v, 7))),
  });
}

/** The file's bytes for one format. */
export function exportCamOutput(out: CamOutput, pick: LayerClass, ext: ExportExt): string | Uint8Array {
  const map = out.maps[pick.layer]?.[pick.className];
  if (!map) throw new Error(`the output has no map for layer ${pick.layer}, class ${pick.className}`);
  const { frames, bands } = out.axes;
  const grid = mapOnFrames(map, out.patches, frames, bands);
  switch (ext) {
    case 'png':
      return camFigurePng(figureOf(out, pick, grid));
    case 'svg':
      return camFigureSvg(figureOf(out, pick, grid));
    case 'npy':
      return encodeNpy(grid, [frames, bands], 'float32');
    case 'csv':
      return mapCsv(grid, frames, bands, out.axes.hopSeconds);
    case 'json':
      return outputJson(out, pick, grid);
  }
}
