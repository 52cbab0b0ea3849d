/**
 * The document `lungcam gradcam --out F.json` writes, and the figure description PNG/SVG draw: the map with
 * its axes and the parameters that produced it, per-patch probabilities, summaries, and (when asked or when
 * ground truth is present) faithfulness, sanity and localisation numbers.
 */
import type { EventAnnotation } from '../../shared/outputTypes';
import { patchMaps } from '../cam/cam';
import { readEvents, recordingProbabilities, summariseCam, type CamModel, type RecordingCam } from '../cam/explain';
import { faithfulness } from '../cam/faithfulness';
import { localise, summariseLocalisation } from '../cam/localisation';
import { randomisationCheck } from '../cam/sanity';
import { figureNotes, type CamFigure } from '../../shared/view/figure';
import type { ColormapName } from '../../shared/view/colormaps';
import { axesFields, patchFields } from '../io/axesJson';
import { cycleLaneOf } from '../model/cycleLane';
import { cycleSummary } from '../../shared/view/cycleVerdicts';
import { classWords } from '../../shared/view/words';

const round = (v: number, digits = 6) => Number(v.toPrecision(digits));

function nestRows(data: Float32Array, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, r) => Array.from(data.subarray(r * cols, (r + 1) * cols), (v) => round(v, 7)));
}

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

/** Localisation of the map of each event's own class (crackle → "crackle"), when the model has it. */
export async function localisationFor(rc: RecordingCam, cm: CamModel, events: EventAnnotation[]) {
  const { camImage } = await import('../cam/cam');
  const perClass = new Map<number, Float32Array>();
  const scored = [];
  for (const event of events) {
    const k = cm.classes.indexOf(event.type);
    const c = k >= 0 && rc.result.classIndices.includes(k) ? k : rc.classIndex;
    if (!perClass.has(c)) perClass.set(c, camImage(rc.result, c, { startFrame: rc.patches.startFrame, frames: rc.logMel.frames }, { layers: rc.layers }));
    const grid = { data: perClass.get(c)!, frames: rc.logMel.frames, bands: rc.logMel.bands };
    scored.push(...localise(grid, rc.logMel.axes, [event], { startFrame: rc.patches.startFrame, patchFrames: rc.patches.frames }));
  }
  return summariseLocalisation(scored);
}

export async function gradcamJson(rc: RecordingCam, cm: CamModel, opts: GradcamJsonOptions): Promise<string> {
  const { logMel, patches, result } = rc;
  const c = result.classNames.length;
  const single = rc.layers.length === 1 ? result.maps.find((m) => m.layer === rc.layers[0] && m.classIndex === rc.classIndex) : undefined;
  const events = readEvents(opts.wav, opts.events);
  const lane = cycleLaneOf(rc.prediction);
  const doc: Record<string, unknown> = {
    kind: 'gradcam',
    version: 1,
    source: logMel.source,
    modelId: cm.id,
    ...opts.cutoff,
    method: opts.method,
    layers: rc.layers,
    activationLayers: rc.layers.map((l) => result.activationLayers[result.layers.indexOf(l)]),
    class: rc.className,
    classes: result.classNames,
    raw: rc.raw,
    normalisation: rc.raw ? null : rc.normalisation,
    ...axesFields(logMel),
    patches: patchFields(patches),
    probabilities: Array.from({ length: result.patchCount }, (_, p) => Array.from(result.probabilities.subarray(p * c, (p + 1) * c), (v) => round(v))),
    recordingProbabilities: recordingProbabilities(rc).map((v) => round(v)),
    zeroPatches: single?.zeroPatches ?? [],
    nativeMap: single ? { layer: single.layer, timeSteps: single.timeSteps, bandSteps: single.bandSteps, rawMin: Array.from(single.rawMin, (v) => round(v)), rawMax: Array.from(single.rawMax, (v) => round(v)) } : null,
    summary: summariseCam(rc, opts.attentionThresholdHz),
    ...(lane ? { annotations: lane, cycleSummary: cycleSummary(lane.cycles ?? [], lane.source) } : {}),
  };
  if (events) doc.localisation = await localisationFor(rc, cm, events);
  if (opts.faithfulness || opts.sanity) {
    // Scored on the unpadded patches (padding is silence the model never saw in training).
    const keep = patches.padded.map((p, i) => (p ? -1 : i)).filter((i) => i >= 0);
    const use = keep.length ? keep : [0];
    const size = patches.frames * patches.bands;
    const subset = { data: new Float32Array(use.length * size), count: use.length, frames: patches.frames, bands: patches.bands };
    use.forEach((p, j) => subset.data.set(patches.data.subarray(p * size, (p + 1) * size), j * size));
    if (opts.faithfulness) {
      const all = patchMaps(result, rc.classIndex, { layers: rc.layers });
      const saliency = new Float32Array(use.length * size);
      use.forEach((p, j) => saliency.set(all.subarray(p * size, (p + 1) * size), j * size));
      doc.faithfulness = await faithfulness(cm.model, subset, saliency, use.map(() => rc.classIndex));
    }
    if (opts.sanity) {
      doc.sanity = await randomisationCheck(cm.model, subset, { layer: rc.layers[0], method: opts.method, classNames: cm.classes, convLayers: cm.convLayers });
    }
  }
  doc.map = nestRows(rc.map, logMel.frames, logMel.bands);
  return JSON.stringify(doc);
}

export function figureFor(rc: RecordingCam, cm: CamModel, method: string, events: EventAnnotation[] | null, colormap?: ColormapName): CamFigure {
  let hi = 0;
  for (const v of rc.map) if (v > hi) hi = v;
  const name = rc.logMel.source?.fileName ?? 'recording';
  const lane = cycleLaneOf(rc.prediction);
  const notes = figureNotes({
    classes: cm.classes, recordingProbabilities: recordingProbabilities(rc), classIndex: rc.classIndex, patchCount: rc.patches.count,
    annotations: lane, normalisation: rc.raw ? 'raw' : rc.normalisation,
  });
  return {
    title: `${name} — ${method} of model ${cm.id}, layer ${rc.layers.join('+')}, class ${classWords(rc.className)}`,
    logMel: { data: rc.logMel.data, frames: rc.logMel.frames, bands: rc.logMel.bands },
    map: { data: rc.map, frames: rc.logMel.frames, bands: rc.logMel.bands },
    hopSeconds: rc.logMel.axes.hopSeconds,
    bandCentersHz: rc.logMel.axes.bandCentersHz,
    valueRange: rc.raw ? [0, hi || 1] : [0, 1],
    valueLabel: rc.raw ? 'attention (raw)' : 'attention',
    events: events ?? undefined,
    notes,
    ...(lane?.cycles ? { cycles: lane.cycles, classes: cm.classes } : {}),
    colormap,
  };
}
