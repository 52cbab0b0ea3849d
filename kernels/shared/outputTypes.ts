/**
 * Plain data that crosses from the kernel to the renderer (MIME `application/vnd.lungcam.<kind>+json`).
 * No functions, no classes, no typed arrays: these travel as JSON inside notebook outputs and must
 * still render after a reload with no kernel. webview/ imports only this file from kernels/.
 */

import type { BandCutoffHz, CutoffMode } from './cutoff';

export const MIME_PREFIX = 'application/vnd.lungcam.';
export const MIME = {
  audio: 'application/vnd.lungcam.audio+json',
  spectrogram: 'application/vnd.lungcam.spectrogram+json',
  predictions: 'application/vnd.lungcam.predictions+json',
  cam: 'application/vnd.lungcam.cam+json',
} as const;
export type OutputKind = keyof typeof MIME;

/**
 * A matrix quantised to bytes for display: value = min + (byte / levels) * (max - min), levels 255 unless
 * said otherwise. Row-major, `rows` × `cols`, bytes base64-encoded (zlib-compressed first when `zlib`).
 * Read it with kernels/shared/view/quantized.ts (matrixBytes, decodeMatrix), which handles both.
 */
export interface QuantizedMatrix {
  rows: number;
  cols: number;
  min: number;
  max: number;
  /** base64 of rows*cols unsigned bytes, row-major (of their zlib stream when `zlib` is true). */
  u8: string;
  /** The bytes are zlib-compressed (every map and log-mel the engine writes: they are mostly smooth or zero). */
  zlib?: true;
  /** The top byte value (default 255): 127 stores 7 bits a value. */
  levels?: number;
}

/** Time and frequency axes of a [frames, bands] log-mel array (VGGish recipe). */
export interface FeatureAxes {
  sampleRate: 16000;
  fmin: number;
  fmax: number;
  /** Bands the mel filterbank was built with before any cutoff. */
  melBands: number;
  /** Bands kept (after dropping bands above bandCutoffHz). */
  bands: number;
  bandCutoffHz: number | null;
  frames: number;
  hopSeconds: number; // 0.01
  windowSeconds: number; // 0.025
  /** Centre frequency of each kept band, Hz, ascending (band 0 = lowest). */
  bandCentersHz: number[];
  /** Mel-spaced edges, Hz: band i spans bandEdgesHz[i]..bandEdgesHz[i + 2], centre bandEdgesHz[i + 1]. Length bands + 2. */
  bandEdgesHz: number[];
}

export interface SourceInfo {
  /** File name as the user knows it (display only: always inserted as text). */
  fileName: string;
  durationSeconds: number;
  originalSampleRate: number;
  channels: number;
}

/**
 * A respiratory cycle (ICBHI `.txt`) or a timed event (SPRSound `.json`) as annotated and, when a model
 * classified it, the model's verdict: the cycle lane draws the annotated class with the predicted one
 * under it and marks disagreements.
 */
export interface CycleAnnotation {
  startSeconds: number;
  endSeconds: number;
  crackles: boolean;
  wheezes: boolean;
  /** The annotated class: normal, crackle, wheeze or both (absent in outputs written before it was kept). */
  label?: string;
  /** The annotator's own words when they are not a class name (SPRSound "Fine Crackle", "Rhonchi", …). */
  annotatedAs?: string;
  /** The model's label for this cycle, from the patches cut within it (as evaluation scores it). */
  predicted?: { label: string; probabilities: number[] };
}

/** A ground-truth event from a synthetic recording's events.json. */
export interface EventAnnotation {
  type: 'crackle' | 'wheeze' | string;
  startSeconds: number;
  endSeconds: number;
  lowHz: number;
  highHz: number;
}

/** Where the cycles came from and how the model's cycle labels were made. */
export interface AnnotationSource {
  /** The annotation file's name (display only). */
  fileName: string;
  format: 'icbhi' | 'sprsound';
  /** SPRSound's label of the whole recording ("Normal", "CAS", …); absent for ICBHI. */
  recordLabel?: string;
  /** How a cycle's label comes from its patches' probabilities ('mean' or 'max-flags'). */
  cycleAggregation?: string;
}

export interface Annotations {
  cycles?: CycleAnnotation[];
  events?: EventAnnotation[];
  source?: AnnotationSource;
}

export interface AudioOutput {
  kind: 'audio';
  version: 1;
  source: SourceInfo;
  /** Min/max envelope for drawing the waveform: `peaks` pairs per bucket, bucketSeconds apart. */
  envelope: { bucketSeconds: number; min: number[]; max: number[] };
  /** A playable preview (mono, at most 8 kHz, μ-law 8-bit WAV) as a data: URL; null when too long to embed. */
  wavDataUrl: string | null;
  annotations?: Annotations;
}

export interface SpectrogramOutput {
  kind: 'spectrogram';
  version: 1;
  source: SourceInfo;
  axes: FeatureAxes;
  /** [frames, bands] log-mel, ln(mel + 0.01). */
  logMel: QuantizedMatrix;
  annotations?: Annotations;
}

export interface PatchInfo {
  /** First frame of each patch in the [frames, bands] array. */
  startFrame: number[];
  /** Frames per patch (96). */
  frames: number;
  /** True where the patch was padded (recording tail or a recording shorter than one patch). */
  padded: boolean[];
}

export interface PredictionsOutput {
  kind: 'predictions';
  version: 1;
  source: SourceInfo;
  modelId: string;
  classes: string[];
  patches: PatchInfo;
  /** [patch][class] softmax probabilities. */
  probabilities: number[][];
  /** Recording-level label and its probabilities (mean over every patch: shared/view/recordingLabel.ts). */
  label: string;
  recordingProbabilities: number[];
  /** Annotated cycles with the model's verdict on each, when annotations sit beside the recording. */
  annotations?: Annotations;
}

/**
 * One CAM map at its layer's native resolution, stitched over patches in time:
 * rows = patches * timeSteps (patch p occupies rows p*timeSteps .. (p+1)*timeSteps-1 and spans
 * frames startFrame[p] .. startFrame[p]+95), cols = bandSteps (low band first).
 * Values are normalised per patch to 0..1 (pytorch-grad-cam convention); rawMax[p] is the patch's
 * unnormalised maximum, so raw = normalised * (rawMax - rawMin) + rawMin.
 */
export interface CamMap {
  timeSteps: number;
  bandSteps: number;
  map: QuantizedMatrix;
  rawMin: number[];
  rawMax: number[];
  /** Patches whose map was all zero before normalisation (reported, never NaN). */
  zeroPatches: number[];
}

/** The band cutoff a set of maps and probabilities is for, and how the bands above it were removed. */
export interface CutoffInfo {
  /** null: the full band. */
  bandCutoffHz: BandCutoffHz;
  /** 'model': a model trained without those bands; 'masked': the what-if, the same model with them masked. */
  cutoffMode: CutoffMode;
  /** The model that answered (a family member's folder name). */
  modelId: string;
  /** Mel bands the maps cover, low bands first (the model's input); the output's axes may hold more. */
  bands: number;
  /** Bands the cutoff keeps; in masked mode the model's bands from here up held `maskFill`. */
  keptBands: number;
  /** masked: the neutral value put in place of the removed bands ('floor', 'bandMean' or 'noise'). */
  maskFill?: string;
}

/** Another cutoff of the same recording, precomputed: a family member's predictions and maps. */
export interface CutoffRung extends CutoffInfo {
  probabilities: number[][];
  /** This variant's label for each annotated cycle (in `annotations.cycles` order; null: no audio in it). */
  cyclePredictions?: Array<CycleAnnotation['predicted'] | null>;
  /** maps[layer][className], as CamOutput.maps. */
  maps: Record<string, Record<string, CamMap>>;
  /** Layers whose maps were left out to keep the output small. */
  omittedLayers?: string[];
}

export interface CamOutput {
  kind: 'cam';
  version: 1;
  source: SourceInfo;
  axes: FeatureAxes;
  logMel: QuantizedMatrix;
  modelId: string;
  classes: string[];
  method: string;
  /** Conv layers, input side first; maps are present for every layer × class. */
  layers: string[];
  defaultLayer: string;
  defaultClass: string;
  patches: PatchInfo;
  probabilities: number[][];
  /** Layers listed in `layers` whose maps were left out to keep the output small (fetched on demand). */
  omittedLayers?: string[];
  /** maps[layer][className] */
  maps: Record<string, Record<string, CamMap>>;
  annotations?: Annotations;
  /** Where to go back to for recomputation (method, cutoff): an opaque id the kernel understands. */
  requestId?: string;
  /** CAM methods the kernel can compute for this output (renderer's method dropdown); absent = the renderer's default list. */
  methods?: string[];
  /**
   * The band cutoff of `maps` and `probabilities`. When present, `axes` and `logMel` are the recording's
   * full band (every member's filterbank) and the maps cover `cutoff.bands` of those bands.
   */
  cutoff?: CutoffInfo;
  /** The model family the output came from: its other members' cutoffs are in `rungs`. */
  family?: { name: string };
  rungs?: CutoffRung[];
}

export type LungcamOutput = AudioOutput | SpectrogramOutput | PredictionsOutput | CamOutput;

/** Renderer → kernel messages (through notebook renderer messaging). */
export type RendererRequest =
  | {
      type: 'recompute';
      requestId: string;
      method?: string;
      /** The layer and class on screen (so a map left out of a large output can be fetched; optional). */
      layer?: string;
      className?: string;
    }
  /** The what-if at a band cutoff no precomputed rung answers: the output's model with the bands above masked. */
  | { type: 'cutoffWhatIf'; requestId: string; bandCutoffHz: number; method?: string }
  /** Stop the view's pending recomputation (its Cancel button). */
  | { type: 'cancel'; requestId: string }
  /**
   * A layer left out of the output (`omittedLayers`), picked in the view: its maps for every class, at the
   * output's own band cutoff (`cutoff.bandCutoffHz`; absent: the model's own).
   */
  | { type: 'layer'; requestId: string; layer: string; method: string; bandCutoffHz?: number | null }
  | { type: 'ping' }
  /** A renderer instance started: the extension answers with `settings`. */
  | { type: 'ready' };

/**
 * Kernel → renderer replies (extension posts them with the renderer messaging API for 'lungcam-renderer').
 * `output` replaces the view in place (same requestId as the request, new requestId inside if it changed).
 */
export type RendererReply =
  | { type: 'output'; requestId: string; output: CamOutput }
  /** The answer to `cutoffWhatIf`: the masked variant, for the view to add to its cutoffs (not saved). */
  | { type: 'cutoffWhatIf'; requestId: string; rung: CutoffRung }
  | { type: 'error'; requestId: string; message: string }
  /** How far the view's pending request is: a step in words, and the share done when known (0..1). */
  | { type: 'progress'; requestId: string; step: string; done?: number }
  /** Maps of a layer the view asked for (`layer`): merged into its output. */
  | { type: 'maps'; requestId: string; layer: string; maps: Record<string, CamMap> }
  /** The view's pending request was cancelled. */
  | { type: 'cancelled'; requestId: string }
  | { type: 'pong' }
  /** VS Code settings the views follow: `colormap` = `lungcam.colormap` (new views start with it; open views switch to it). */
  | RendererSettings;

export interface RendererSettings {
  type: 'settings';
  colormap?: string;
}
