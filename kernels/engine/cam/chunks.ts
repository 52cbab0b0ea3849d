/**
 * Grad-CAM of a recording of any length in bounded memory: patches are cut from the log-mel a chunk at a
 * time (cutPatches), each chunk goes through the one CAM pipeline (cam.ts), and what an output needs is
 * taken from it before the next: stitched [frames, bands] rows (MapStitcher), or quantised native maps
 * (viewChunks.ts). Results are bit-identical to the whole-recording pipeline: a patch's map does not
 * depend on which other patches share its batch.
 */
import type { LogMel } from '../types';
import { PATCH_FRAMES } from '../types';
import { cutPatches, patchLayout } from '../audio/patches';
import { logMelProbabilities } from '../model/classify';
import { findCam, gradCam, patchMaps, type GradCamOptions, type GradCamResult } from './cam';
import { FloatSpool } from './mapRows';
import { meanOfLayers, resizeMaps } from '../../shared/view/maps';
import { applyPatchScaling, DEFAULT_NORMALISATION, patchScaling, type CamNormalisation, type PatchRanges } from '../../shared/view/normalisation';
import type { CamModel } from './explain';
import { recordingClass } from './output';
import { resolveClasses, resolveLayers } from './layers';
import { CAM_BATCH } from './camBatch';

/** Patches per chunk: ≈ 30 s; its maps for every layer × class stay a few MB. */
export const CHUNK_PATCHES = 32;

export interface PatchPlacement {
  startFrame: number[];
  padded: boolean[];
}

export interface CamChunk {
  /** Index of the chunk's first patch in the recording. */
  first: number;
  result: GradCamResult;
}

export interface ChunkOptions extends Omit<GradCamOptions, 'classNames' | 'convLayers'> {
  chunkPatches?: number;
}

/** The recording's patches (toPatches' placement) through gradCam, one chunk after another. */
export async function* camChunks(cm: CamModel, logMel: LogMel, placement: PatchPlacement, opts: ChunkOptions = {}): AsyncGenerator<CamChunk> {
  const size = Math.max(1, Math.floor(opts.chunkPatches ?? (Number(process.env.LUNGCAM_CAM_CHUNK) || CHUNK_PATCHES)));
  const { startFrame } = placement;
  for (let first = 0; first < startFrame.length; first += size) {
    const count = Math.min(size, startFrame.length - first);
    const patches = { data: cutPatches(logMel, startFrame, first, count), count, frames: PATCH_FRAMES, bands: logMel.bands };
    const result = await gradCam(cm.model, patches, {
      ...opts, batchSize: opts.batchSize ?? CAM_BATCH, classNames: cm.classes, convLayers: cm.convLayers,
    });
    yield { first, result };
  }
}

/**
 * Per-patch maps [patches, patchFrames, bands] in patch order → the recording's [frames, bands] rows, in
 * order, as soon as no later patch can touch them (stitchPatches' arithmetic: overlapping patches
 * averaged, frames no patch covers 0).
 */
export class MapStitcher {
  private sum = new Float32Array(0);
  private cover = new Uint16Array(0);
  /** Frames before this have been emitted; the buffers start here. */
  private done = 0;

  constructor(
    private readonly startFrame: number[],
    private readonly patchFrames: number,
    private readonly bands: number,
    private readonly frames: number,
    private readonly emit: (rowStart: number, rows: Float32Array) => void,
  ) {}

  /** Maps of patches first … first + count − 1. */
  add(first: number, maps: Float32Array, count: number): void {
    const { bands, patchFrames } = this;
    const end = Math.min(this.frames, Math.max(...this.startFrame.slice(first, first + count).map((s) => s + patchFrames)));
    this.reserve(end - this.done);
    for (let p = 0; p < count; p++) {
      const start = this.startFrame[first + p];
      for (let r = 0; r < patchFrames; r++) {
        const f = start + r;
        if (f < this.done || f >= this.frames) continue;
        const at = f - this.done;
        this.cover[at]++;
        const src = (p * patchFrames + r) * bands;
        for (let b = 0; b < bands; b++) this.sum[at * bands + b] += maps[src + b];
      }
    }
    const next = this.startFrame[first + count];
    this.flush(next === undefined ? this.frames : Math.min(next, this.frames));
  }

  /** Emits every row left (call after the last patch). */
  finish(): void {
    this.flush(this.frames);
  }

  private reserve(rows: number): void {
    if (this.cover.length >= rows) return;
    const sum = new Float32Array(rows * this.bands);
    const cover = new Uint16Array(rows);
    sum.set(this.sum);
    cover.set(this.cover);
    this.sum = sum;
    this.cover = cover;
  }

  private flush(upTo: number): void {
    const n = upTo - this.done;
    if (n <= 0) return;
    this.reserve(n);
    const { bands } = this;
    const rows = this.sum.slice(0, n * bands);
    for (let f = 0; f < n; f++) {
      if (this.cover[f] > 1) for (let b = 0; b < bands; b++) rows[f * bands + b] /= this.cover[f];
    }
    this.sum.copyWithin(0, n * bands);
    this.sum.fill(0, this.sum.length - n * bands);
    this.cover.copyWithin(0, n);
    this.cover.fill(0, this.cover.length - n);
    this.done = upTo;
    this.emit(upTo - n, rows);
  }
}

export interface StreamedCamOptions extends ChunkOptions {
  /** The class to explain (default: the recording's predicted class). */
  className?: string;
  /**
   * Localisation's maps: when given, the per-patch normalised maps of the shown class and of these classes
   * (e.g. the annotated events' classes) are handed to `onRows` too, marked `localised`.
   */
  localisedClasses?: number[];
  raw?: boolean;
  /** How the shown map is scaled to 0..1 (ignored with `raw`; default DEFAULT_NORMALISATION). */
  normalisation?: CamNormalisation;
}

/** Rows rowStart … of the map of one class: the shown map, a localisation map, or both when they are the same. */
export interface MapRows {
  classIndex: number;
  shown: boolean;
  localised: boolean;
  rowStart: number;
  /** [rows, bands] */
  data: Float32Array;
}

export interface StreamedCam {
  placement: PatchPlacement;
  classIndex: number;
  className: string;
  /** The layers combined in the map. */
  layers: string[];
  activationLayers: string[];
  raw: boolean;
  normalisation: CamNormalisation;
  /** [patches, classes] softmax probabilities, from the CAM passes. */
  probabilities: Float32Array;
  /** The single layer's native maps, when one layer is shown: their size and per-patch raw range. */
  native: { layer: string; timeSteps: number; bandSteps: number; rawMin: Float32Array; rawMax: Float32Array; zeroPatches: number[] } | null;
}

/** Each layer × class's per-patch raw range over the whole recording, filled chunk by chunk. */
type RecordingRanges = Map<string, Array<PatchRanges | undefined>>;

/**
 * The recording's map for one class (given, or the predicted one: a fast classification pass first),
 * its layers combined as camImage does, handed over row block by row block; only one chunk's patches and
 * maps exist at a time. A recording-wide normalisation needs every patch's range before any patch can be
 * scaled: the shown class's native maps wait in a temporary file (FloatSpool) until the last chunk, then
 * are scaled, resized and stitched exactly as patchMaps does for the whole recording.
 */
export async function streamRecordingCam(
  cm: CamModel, logMel: LogMel, opts: StreamedCamOptions,
  onRows: (rows: MapRows) => void,
): Promise<StreamedCam> {
  const placement = patchLayout(logMel.frames);
  const layers = resolveLayers(cm.model, opts.layers, cm.convLayers);
  const classIndex = opts.className !== undefined
    ? resolveClasses([opts.className], cm.classes)[0]
    : recordingClass({ classNames: cm.classes, probabilities: logMelProbabilities(cm.model, logMel, placement.startFrame) });
  const normalisation = opts.normalisation ?? DEFAULT_NORMALISATION;
  const perPatch = !opts.raw && normalisation === 'patch';
  const scaled = !opts.raw && !perPatch;
  const localised = opts.localisedClasses ? [...new Set([classIndex, ...opts.localisedClasses])] : [];
  // What is stitched as it comes: the shown map when it needs no recording-wide scale, and localisation's maps.
  const direct = [
    ...(scaled ? [] : [{ classIndex, shown: true, localised: perPatch && localised.includes(classIndex) }]),
    ...localised.filter((c) => scaled || opts.raw || c !== classIndex).map((c) => ({ classIndex: c, shown: false, localised: true })),
  ];
  // Normalising across classes weighs every class's range: explain them all, as recordingCam does.
  const classes = scaled && normalisation === 'classes' ? cm.classes.map((_, i) => i) : [...new Set([classIndex, ...localised])];
  const count = placement.startFrame.length;
  const k = cm.classes.length;
  const probabilities = new Float32Array(count * k);
  const stitcher = (t: Omit<MapRows, 'rowStart' | 'data'>) =>
    new MapStitcher(placement.startFrame, PATCH_FRAMES, logMel.bands, logMel.frames, (rowStart, data) => onRows({ ...t, rowStart, data }));
  const stitchers = direct.map(stitcher);
  const spool = scaled ? new FloatSpool() : null;
  const ranges: RecordingRanges = new Map(layers.map((l) => [l, []]));
  const chunkSizes: number[] = [];
  let native: StreamedCam['native'] = null;
  let activationLayers: string[] = [];
  let sizes: Array<{ timeSteps: number; bandSteps: number }> = [];
  try {
    for await (const { first, result } of camChunks(cm, logMel, placement, { ...opts, layers, classes })) {
      const n = result.patchCount;
      chunkSizes.push(n);
      activationLayers = result.activationLayers;
      probabilities.set(result.probabilities, first * k);
      direct.forEach((t, i) => stitchers[i].add(first, patchMaps(result, t.classIndex, { layers, raw: t.shown && opts.raw }), n));
      if (spool) {
        sizes = layers.map((l) => findCam(result, l, classIndex));
        for (const l of layers) spool.append(findCam(result, l, classIndex).normalised);
        for (const m of result.maps) {
          const byClass = ranges.get(m.layer);
          if (!byClass) continue;
          const r = (byClass[m.classIndex] ??= { rawMin: new Float32Array(count), rawMax: new Float32Array(count) });
          (r.rawMin as Float32Array).set(m.rawMin, first);
          (r.rawMax as Float32Array).set(m.rawMax, first);
        }
      }
      if (layers.length === 1) {
        const m = findCam(result, layers[0], classIndex);
        native ??= { layer: m.layer, timeSteps: m.timeSteps, bandSteps: m.bandSteps, rawMin: new Float32Array(count), rawMax: new Float32Array(count), zeroPatches: [] };
        native.rawMin.set(m.rawMin, first);
        native.rawMax.set(m.rawMax, first);
        native.zeroPatches.push(...m.zeroPatches.map((p) => p + first));
      }
    }
    for (const s of stitchers) s.finish();
    if (spool) {
      const rows = Array.from({ length: count }, (_, p) => Array.from(probabilities.subarray(p * k, (p + 1) * k)));
      const scalings = layers.map((l) => {
        const byClass = ranges.get(l)!;
        return patchScaling({ normalisation, classIndex, ranges: byClass[classIndex]!, allClasses: cm.classes.map((_, c) => byClass[c]), probabilities: rows });
      });
      const shown = stitcher({ classIndex, shown: true, localised: false });
      let first = 0;
      for (const n of chunkSizes) {
        const resized = layers.map((_, li) => {
          const { timeSteps, bandSteps } = sizes[li];
          const size = timeSteps * bandSteps;
          const s = scalings[li];
          const values = applyPatchScaling(spool.next(n * size), n, size, { ...s, gain: s.gain.subarray(first, first + n), offset: s.offset.subarray(first, first + n) });
          return resizeMaps(values, n, timeSteps, bandSteps, PATCH_FRAMES, logMel.bands);
        });
        shown.add(first, meanOfLayers(resized), n);
        first += n;
      }
      shown.finish();
    }
  } finally {
    spool?.close();
  }
  return { placement, classIndex, className: cm.classes[classIndex], layers, activationLayers, raw: !!opts.raw, normalisation, probabilities, native };
}
