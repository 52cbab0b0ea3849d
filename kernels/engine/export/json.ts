/**
 * The document `lungcam gradcam --out F.json` writes, and the figure description PNG/SVG draw: the map with
 * its axes and the parameters that produced it, per-patch probabilities, summaries, and (when asked or when
 * ground truth is present) faithfulness, sanity and localisation numbers.
 */
import type { EventAnnotation } from '../../shared/outputTypes';
import { PATCH_FRAMES, type LogMel } from '../types';
import type { PatchBatch } from '../cam/cam';
import type { StreamedCam } from '../cam/chunks';
import { readEvents, recordingProbabilities, type CamModel, type RecordingCam } from '../cam/explain';
import { faithfulness } from '../cam/faithfulness';
import { localise, summariseLocalisation } from '../cam/localisation';
import { randomisationCheck } from '../cam/sanity';
import { summariseRows, type MapRows } from '../cam/mapRows';
import type { CamFigure } from '../../shared/view/figure';
import type { ColormapName } from '../../shared/view/colormaps';
import { axesFields, patchFields } from '../io/axesJson';
import { streamedArray } from '../io/jsonStream';

const round = (v: number, digits = 6) => Number(v.toPrecision(digits));

export interface GradcamJsonOptions {
  wav: string;
  events?: string;
  /** Report the share of attention above this frequency (null: not at all). */
  attentionThresholdHz: number | null;
  /** The band cutoff the map is for and how its bands were removed (cutoff/plan.ts cutoffFields). */
  cutoff?: Record<string, unknown>;
  faithfulness?: boolean;
  sanity?: boolean;
  method: string;
}

/** What `lungcam gradcam` computed, in the pieces its outputs take (streamRecordingCam and the map it handed over). */
export interface GradcamPieces {
  cam: StreamedCam;
  /** The recording's axes and parameters (its log-mel data is not needed any more). */
  logMel: Pick<LogMel, 'frames' | 'bands' | 'axes' | 'params' | 'source'>;
  /** [frames, bands] map of the shown class, in memory or in a temporary file (mapRows.ts). */
  map: MapRows;
  /** [frames, bands] maps held for localisation, by class: the shown one and the annotated events' (with events only). */
  classMaps: Map<number, Float32Array>;
  /** Faithfulness/sanity inputs: the unpadded patches and their maps at the patch size (when asked for). */
  scored?: { patches: PatchBatch; saliency: Float32Array };
}

/** Localisation of the map of each event's own class (crackle → "crackle"), when the model has it. */
export function localisationFor(pieces: Pick<GradcamPieces, 'cam' | 'logMel' | 'classMaps'>, cm: CamModel, events: EventAnnotation[]) {
  const scored = [];
  for (const event of events) {
    const k = cm.classes.indexOf(event.type);
    const map = (k >= 0 ? pieces.classMaps.get(k) : undefined) ?? pieces.classMaps.get(pieces.cam.classIndex)!;
    const grid = { data: map, frames: pieces.logMel.frames, bands: pieces.logMel.bands };
    scored.push(...localise(grid, pieces.logMel.axes, [event], { startFrame: pieces.cam.placement.startFrame, patchFrames: PATCH_FRAMES }));
  }
  return summariseLocalisation(scored);
}

/** The classes whose maps localisation needs besides the shown one (the annotated events' types). */
export function eventClasses(events: EventAnnotation[] | null, classes: string[]): number[] {
  return [...new Set((events ?? []).map((e) => classes.indexOf(e.type)).filter((k) => k >= 0))];
}

/** Recording-level probabilities: mean over patches (unpadded ones when there are any). */
export function meanProbabilities(probabilities: Float32Array, padded: boolean[], classes: number): number[] {
  const use = padded.some((p) => !p) ? padded.map((p) => !p) : padded.map(() => true);
  const n = use.filter(Boolean).length || 1;
  return Array.from({ length: classes }, (_, k) => {
    let s = 0;
    for (let p = 0; p < padded.length; p++) if (use[p]) s += probabilities[p * classes + k];
    return s / n;
  });
}

/** The `lungcam gradcam --out F.json` document; its map is a streamedArray (io/jsonStream.ts). */
export async function gradcamDocument(pieces: GradcamPieces, cm: CamModel, opts: GradcamJsonOptions): Promise<Record<string, unknown>> {
  const { cam, logMel, map } = pieces;
  const c = cm.classes.length;
  const count = cam.placement.startFrame.length;
  const events = readEvents(opts.wav, opts.events);
  const doc: Record<string, unknown> = {
    kind: 'gradcam',
    version: 1,
    source: logMel.source,
    modelId: cm.id,
    ...opts.cutoff,
    method: opts.method,
    layers: cam.layers,
    activationLayers: cam.activationLayers,
    class: cam.className,
    classes: cm.classes,
    raw: cam.raw,
    ...axesFields(logMel),
    patches: patchFields({ count, frames: PATCH_FRAMES, hopFrames: PATCH_FRAMES, startFrame: cam.placement.startFrame, padded: cam.placement.padded }),
    probabilities: Array.from({ length: count }, (_, p) => Array.from(cam.probabilities.subarray(p * c, (p + 1) * c), (v) => round(v))),
    recordingProbabilities: meanProbabilities(cam.probabilities, cam.placement.padded, c).map((v) => round(v)),
    zeroPatches: cam.native?.zeroPatches ?? [],
    nativeMap: cam.native ? { layer: cam.native.layer, timeSteps: cam.native.timeSteps, bandSteps: cam.native.bandSteps, rawMin: Array.from(cam.native.rawMin, (v) => round(v)), rawMax: Array.from(cam.native.rawMax, (v) => round(v)) } : null,
    summary: summariseRows(map, logMel.axes, opts.attentionThresholdHz),
  };
  if (events) doc.localisation = localisationFor(pieces, cm, events);
  if (pieces.scored) {
    const { patches, saliency } = pieces.scored;
    if (opts.faithfulness) doc.faithfulness = await faithfulness(cm.model, patches, saliency, Array.from({ length: patches.count }, () => cam.classIndex));
    if (opts.sanity) {
      doc.sanity = await randomisationCheck(cm.model, patches, { layer: cam.layers[0], method: opts.method, classNames: cm.classes, convLayers: cm.convLayers });
    }
  }
  doc.map = streamedArray(logMel.frames, (f) => Array.from(map.rows(f, 1), (v) => round(v, 7)));
  return doc;
}

export interface FigureInput {
  fileName: string;
  method: string;
  layers: string[];
  className: string;
  /** The recording-level probability of that class. */
  probability: number;
  modelId: string;
  raw: boolean;
  logMel: Pick<LogMel, 'data' | 'frames' | 'bands' | 'axes'>;
  map: Float32Array;
  events: EventAnnotation[] | null;
  colormap?: ColormapName;
}

/** The figure PNG/SVG draw of a recording's map. */
export function camFigure(i: FigureInput): CamFigure {
  let hi = 0;
  for (const v of i.map) if (v > hi) hi = v;
  return {
    title: `${i.fileName} — ${i.method}, ${i.layers.join('+')}, class ${i.className} (p ${i.probability.toFixed(2)}), model ${i.modelId}`,
    logMel: { data: i.logMel.data, frames: i.logMel.frames, bands: i.logMel.bands },
    map: { data: i.map, frames: i.logMel.frames, bands: i.logMel.bands },
    hopSeconds: i.logMel.axes.hopSeconds,
    bandCentersHz: i.logMel.axes.bandCentersHz,
    valueRange: i.raw ? [0, hi || 1] : [0, 1],
    valueLabel: i.raw ? 'attention (raw)' : 'attention (per patch)',
    events: i.events ?? undefined,
    colormap: i.colormap,
  };
}

export function figureFor(rc: RecordingCam, cm: CamModel, method: string, events: EventAnnotation[] | null, colormap?: ColormapName): CamFigure {
  return camFigure({
    fileName: rc.logMel.source?.fileName ?? 'recording', method, layers: rc.layers, className: rc.className,
    probability: recordingProbabilities(rc)[rc.classIndex], modelId: cm.id, raw: rc.raw, logMel: rc.logMel, map: rc.map, events, colormap,
  });
}
