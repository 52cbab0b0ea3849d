/**
 * The document `lungcam gradcam --out F.json` writes, and the figure description PNG/SVG draw: the map with
 * its axes and the parameters that produced it, per-patch probabilities, summaries, and (when asked or when
 * ground truth is present) faithfulness, sanity and localisation numbers.
 */
import type { Annotations, EventAnnotation } from '../../shared/outputTypes';
import { PATCH_FRAMES, type LogMel } from '../types';
import type { PatchBatch } from '../cam/cam';
import type { StreamedCam } from '../cam/chunks';
import { readEvents, recordingProbabilities, type CamModel, type RecordingCam } from '../cam/explain';
import { faithfulness } from '../cam/faithfulness';
import { localise, summariseLocalisation } from '../cam/localisation';
import { randomisationCheck } from '../cam/sanity';
import { summariseRows, type MapRows } from '../cam/mapRows';
import { figureNotes, PlotColumns, type CamFigure } from '../../shared/view/figure';
import type { ColormapName } from '../../shared/view/colormaps';
import { axesFields, patchFields } from '../io/axesJson';
import { streamedArray } from '../io/jsonStream';
import { cycleLaneOf } from '../model/cycleLane';
import { cycleSummary } from '../../shared/view/cycleVerdicts';
import { classWords } from '../../shared/view/words';
import { recordingProbabilities as meanOverPatches } from '../../shared/view/recordingLabel';
import type { CamNormalisation } from '../../shared/view/normalisation';

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
  /** The annotated cycles with the model's verdict on each (model/cycleLane.ts), when the recording has them. */
  lane?: Annotations;
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

/** The `lungcam gradcam --out F.json` document; its map is a streamedArray (io/jsonStream.ts). */
export async function gradcamDocument(pieces: GradcamPieces, cm: CamModel, opts: GradcamJsonOptions): Promise<Record<string, unknown>> {
  const { cam, logMel, map } = pieces;
  const c = cm.classes.length;
  const count = cam.placement.startFrame.length;
  const events = readEvents(opts.wav, opts.events);
  const { lane } = pieces;
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
    normalisation: cam.raw ? null : cam.normalisation,
    ...axesFields(logMel),
    patches: patchFields({ count, frames: PATCH_FRAMES, hopFrames: PATCH_FRAMES, startFrame: cam.placement.startFrame, padded: cam.placement.padded }),
    probabilities: Array.from({ length: count }, (_, p) => Array.from(cam.probabilities.subarray(p * c, (p + 1) * c), (v) => round(v))),
    recordingProbabilities: meanOverPatches(cam.probabilities, c).map((v) => round(v)),
    zeroPatches: cam.native?.zeroPatches ?? [],
    nativeMap: cam.native ? { layer: cam.native.layer, timeSteps: cam.native.timeSteps, bandSteps: cam.native.bandSteps, rawMin: Array.from(cam.native.rawMin, (v) => round(v)), rawMax: Array.from(cam.native.rawMax, (v) => round(v)) } : null,
    summary: summariseRows(map, logMel.axes, opts.attentionThresholdHz),
    ...(lane ? { annotations: lane, cycleSummary: cycleSummary(lane.cycles ?? [], lane.source) } : {}),
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
  classes: string[];
  /** The class the map explains. */
  classIndex: number;
  /** The recording's probabilities (the mean over every patch) and its patch count, for the figure's notes. */
  recordingProbabilities: number[];
  patchCount: number;
  modelId: string;
  raw: boolean;
  normalisation: CamNormalisation;
  logMel: Pick<LogMel, 'data' | 'frames' | 'bands' | 'axes'>;
  /** The map on the log-mel's grid, or its plot columns (a long recording's, figure.ts PlotColumns). */
  map: Float32Array | PlotColumns;
  events: EventAnnotation[] | null;
  /** The annotated cycles with the model's verdicts (the figure's cycle lane). */
  lane?: Annotations;
  colormap?: ColormapName;
}

/** The figure PNG/SVG draw of a recording's map. */
export function camFigure(i: FigureInput): CamFigure {
  const columns = i.map instanceof PlotColumns ? i.map : null;
  let hi = columns?.max ?? 0;
  if (!columns) for (const v of i.map as Float32Array) if (v > hi) hi = v;
  const notes = figureNotes({
    classes: i.classes, recordingProbabilities: i.recordingProbabilities, classIndex: i.classIndex, patchCount: i.patchCount,
    annotations: i.lane, normalisation: i.raw ? 'raw' : i.normalisation,
  });
  return {
    title: `${i.fileName} — ${i.method} of model ${i.modelId}, layer ${i.layers.join('+')}, class ${classWords(i.classes[i.classIndex])}`,
    logMel: { data: i.logMel.data, frames: i.logMel.frames, bands: i.logMel.bands },
    map: columns ? columns.grid() : { data: i.map as Float32Array, frames: i.logMel.frames, bands: i.logMel.bands },
    hopSeconds: i.logMel.axes.hopSeconds,
    bandCentersHz: i.logMel.axes.bandCentersHz,
    valueRange: i.raw ? [0, hi || 1] : [0, 1],
    valueLabel: i.raw ? 'attention (raw)' : 'attention',
    events: i.events ?? undefined,
    notes,
    ...(i.lane?.cycles ? { cycles: i.lane.cycles, classes: i.classes } : {}),
    colormap: i.colormap,
  };
}

export function figureFor(rc: RecordingCam, cm: CamModel, method: string, events: EventAnnotation[] | null, colormap?: ColormapName): CamFigure {
  return camFigure({
    fileName: rc.logMel.source?.fileName ?? 'recording', method, layers: rc.layers, classes: cm.classes, classIndex: rc.classIndex,
    recordingProbabilities: recordingProbabilities(rc), patchCount: rc.patches.count, modelId: cm.id, raw: rc.raw, normalisation: rc.normalisation,
    logMel: rc.logMel, map: rc.map, events, lane: cycleLaneOf(rc.prediction), colormap,
  });
}
