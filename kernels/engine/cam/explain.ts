/**
 * Grad-CAM for a whole recording, in the user's terms: log-mel → patches → CAM for the chosen layers and
 * classes → the map on the recording's [frames, bands] grid, aligned frame for frame with `lungcam features`,
 * plus per-patch probabilities and the summaries. Used by `lungcam gradcam`, the notebook module and `study`.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { checkModelInput } from '../audio/audioCheck';
import { readRegularTextFile } from '../io/inputFile';
import type { EventAnnotation } from '../../shared/outputTypes';
import type { LogMel, Patches } from '../types';
import { LungcamInputError, isInputError } from '../errors';
import { toPatches } from '../audio/patches';
import { camImage, gradCam, type GradCamOptions, type GradCamResult } from './cam';
import { recordingClass } from './output';
import { recordingProbabilities as meanOverPatches } from '../../shared/view/recordingLabel';
import { attentionByBand, attentionByTime, shareAboveCutoff, topRegions, type CutoffShare, type Region } from '../../shared/view/summaries';
import { resolveClasses, resolveLayers } from './layers';
import type { CyclePredictionLike } from '../model/cycleLane';
import { DEFAULT_NORMALISATION, type CamNormalisation } from '../../shared/view/normalisation';

/** What Grad-CAM needs to know about a model (a loaded LungCAM model folder provides all of it). */
export interface CamModel {
  model: tf.LayersModel;
  id: string;
  classes: string[];
  convLayers: string[];
}

/** A loaded LungCAM model folder (loadModel) carries everything a CamModel needs. */
interface LoadedModelLike {
  model: tf.LayersModel;
  meta: { name: string; classes: string[]; convLayers: string[] };
}

/** The CamModel of a loaded model folder (or the CamModel itself). */
export function asCamModel(m: CamModel | LoadedModelLike): CamModel {
  return 'meta' in m ? { model: m.model, id: m.meta.name, classes: m.meta.classes, convLayers: m.meta.convLayers } : m;
}

export interface RecordingCamOptions extends Omit<GradCamOptions, 'classes' | 'classNames' | 'convLayers'> {
  /**
   * The classification of the same log-mel with the same model (classifyLogMel): its annotated cycles and
   * their verdicts go into the Grad-CAM view's cycle lane.
   */
  prediction?: CyclePredictionLike & { patches?: unknown[] };
  /** The class to explain (default: the recording's predicted class). */
  className?: string;
  /** Unnormalised maps (comparable between recordings) instead of 0..1. */
  raw?: boolean;
  /**
   * How `map` is normalised (shared/view/normalisation.ts): 'classes' (default: across classes, weighted by
   * each class's probability — a rejected class stays dark), 'recording', or 'patch' (pytorch-grad-cam).
   */
  normalisation?: CamNormalisation;
  /** Compute every layer × every class (for the interactive views). */
  everything?: boolean;
}

export interface RecordingCam {
  logMel: LogMel;
  patches: Patches;
  result: GradCamResult;
  /** The class shown and the layers combined. */
  classIndex: number;
  className: string;
  layers: string[];
  raw: boolean;
  /** How `map` is normalised (when not raw). */
  normalisation: CamNormalisation;
  /** [frames, bands], row-major, low band first. */
  map: Float32Array;
  /** The model's name. */
  modelId: string;
  /** The classification given in the options (its cycle lane), if any. */
  prediction?: CyclePredictionLike;
}

export async function recordingCam(model: CamModel | LoadedModelLike, logMel: LogMel, opts: RecordingCamOptions = {}): Promise<RecordingCam> {
  checkModelInput(logMel);
  const cm = asCamModel(model);
  const patches = toPatches(logMel);
  const given = opts.prediction?.patches?.length;
  if (given !== undefined && given !== patches.count) {
    throw new LungcamInputError(`the prediction has ${given} patches but this log-mel cuts into ${patches.count}: classify and explain the same log-mel`, 'prediction');
  }
  const classIndex = opts.className === undefined ? null : resolveClasses([opts.className], cm.classes)[0];
  const normalisation = opts.normalisation ?? DEFAULT_NORMALISATION;
  const result = await gradCam(cm.model, patches, {
    ...opts,
    layers: opts.everything ? cm.convLayers : opts.layers,
    // The predicted class is known only after the forward pass, and normalising across classes needs them
    // all: explain every class, then pick.
    classes: opts.everything || classIndex === null || (normalisation === 'classes' && !opts.raw) ? 'all' : [classIndex],
    classNames: cm.classes,
    convLayers: cm.convLayers,
  });
  const shown = classIndex ?? recordingClass(result);
  // The layers combined in the map: the requested ones, else the last conv layer.
  const layers = resolveLayers(cm.model, opts.layers, cm.convLayers);
  const map = camImage(result, shown, { startFrame: patches.startFrame, frames: logMel.frames }, { layers, raw: opts.raw, normalisation });
  return {
    logMel, patches, result, classIndex: shown, className: cm.classes[shown], layers, raw: !!opts.raw, normalisation, map, modelId: cm.id,
    ...(opts.prediction ? { prediction: opts.prediction } : {}),
  };
}

/** Recording-level probabilities: the one rule (shared/view/recordingLabel.ts), as classify reports them. */
export function recordingProbabilities(rc: RecordingCam): number[] {
  return meanOverPatches(rc.result.probabilities, rc.result.classNames.length);
}

export interface CamSummary {
  attentionByBand: number[];
  attentionByTime: number[];
  /** Share of the attention above the attention threshold (a display threshold, not the band cutoff). */
  aboveThreshold: CutoffShare | null;
  topRegions: Region[];
}

export function summariseCam(rc: RecordingCam, attentionThresholdHz: number | null): CamSummary {
  const grid = { data: rc.map, frames: rc.logMel.frames, bands: rc.logMel.bands };
  const byBand = attentionByBand(grid);
  return {
    attentionByBand: Array.from(byBand),
    attentionByTime: Array.from(attentionByTime(grid)),
    aboveThreshold: attentionThresholdHz === null ? null : shareAboveCutoff(byBand, rc.logMel.axes.bandCentersHz, attentionThresholdHz),
    topRegions: topRegions(grid, rc.logMel.axes),
  };
}

/** Ground-truth events from `NAME.events.json` beside `NAME.wav` (or an explicit file); null when absent. */
export function readEvents(wavPath: string, explicit?: string): EventAnnotation[] | null {
  const file = explicit ?? wavPath.replace(/\.wav$/i, '') + '.events.json';
  if (!existsSync(file)) {
    if (explicit) throw new LungcamInputError('events file not found', explicit);
    return null;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(readRegularTextFile(file));
  } catch (e) {
    if (isInputError(e)) throw e;
    throw new LungcamInputError('not valid JSON (expected {"events": [{type, startSeconds, endSeconds, lowHz, highHz}]})', file);
  }
  const list = Array.isArray(doc) ? doc : (doc as { events?: unknown }).events;
  if (!Array.isArray(list)) throw new LungcamInputError('no "events" list (expected {"events": [{type, startSeconds, endSeconds, lowHz, highHz}]})', file);
  return list.filter((e): e is EventAnnotation =>
    e && typeof e === 'object' && ['startSeconds', 'endSeconds', 'lowHz', 'highHz'].every((k) => Number.isFinite((e as Record<string, number>)[k])));
}
