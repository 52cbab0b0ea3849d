/**
 * A LungCAM model folder's metadata.json: what the model was trained on (classes, feature parameters,
 * conv layer names, the training run, its metrics) and the checks that features match it. Reading it
 * needs no TensorFlow.js, so callers that only look at models (the extension, family manifests) stay light.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { LungcamInputError } from '../errors';
import { resolveModelDir } from './modelNames';
import type { FeatureParams } from '../types';
import type { ClassificationMetrics } from './metrics';

export const MODEL_FORMAT = 'lungcam-model/1';

export interface ModelMetadata {
  format: typeof MODEL_FORMAT;
  /** Folder name when saved (e.g. `baseline`). */
  name: string;
  classes: string[];
  /** Feature parameters the model was trained on (the log-mel recipe's fmin, fmax, bands, bandCutoffHz). */
  featureParams: FeatureParams;
  /** Bands the model sees (after the cutoff). */
  inputBands: number;
  /** Conv layer names, input side first (for Grad-CAM). */
  convLayers: string[];
  architecture: { filters: number[]; batchNorm: boolean; inputNorm: boolean };
  training: {
    command: string;
    seed: number;
    epochs: number;
    epochsRun: number;
    bestEpoch: number;
    batchSize: number;
    patience: number;
    learningRate: number;
    augment: boolean;
    /** Share of training patches coloured like another device (absent: 0). */
    deviceEqProbability?: number;
    classWeights: number[];
    msPerSamplePerEpoch: number;
    seconds: number;
  };
  data: Record<string, unknown>;
  metrics: { validation?: ClassificationMetrics | null; test?: ClassificationMetrics | null; [k: string]: unknown };
  backend: string;
  created: string;
  /** How classify/evaluate turn patch probabilities into a cycle label (default 'mean'). */
  cycleAggregation?: 'mean' | 'max-flags';
  /** Thresholds of the 'max-flags' rule, calibrated on the validation cycles (absent: 0.5 and 0.5). */
  flagThresholds?: { crackle: number; wheeze: number };
}

/**
 * Feature parameters as metadata.json spells them. Folders written before the band cutoff had its own
 * name say `cutoffHz`; they read the same.
 */
function featureParamsOf(raw: Partial<FeatureParams> & { cutoffHz?: number | null }): FeatureParams {
  const { cutoffHz, ...rest } = raw;
  return { ...rest, bandCutoffHz: raw.bandCutoffHz !== undefined ? raw.bandCutoffHz : (cutoffHz ?? null) } as FeatureParams;
}

export function readModelFolderJson(file: string, dir: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new LungcamInputError(`not a LungCAM model folder: ${what} is missing (make one with \`lungcam train\`)`, dir);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new LungcamInputError(`${path.basename(file)} is not valid JSON`, dir);
  }
}

/** Reads and checks metadata.json only (cheap: no weights). `ref` is a folder or a portable name (modelNames.ts). */
export function readModelMetadata(ref: string): ModelMetadata {
  const dir = resolveModelDir(ref);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new LungcamInputError('model folder not found', dir);
  }
  const meta = readModelFolderJson(path.join(dir, 'metadata.json'), dir, 'metadata.json') as Partial<ModelMetadata> | null;
  if (!meta || meta.format !== MODEL_FORMAT) {
    const found = meta && typeof meta === 'object' && 'format' in meta ? ` (format "${String(meta.format)}")` : '';
    throw new LungcamInputError(`not a LungCAM model folder: metadata.json is from another tool${found}; expected format "${MODEL_FORMAT}"`, dir);
  }
  if (!Array.isArray(meta.classes) || !meta.featureParams || !Array.isArray(meta.convLayers)) {
    throw new LungcamInputError('metadata.json lacks classes, featureParams or convLayers', dir);
  }
  return { ...meta, featureParams: featureParamsOf(meta.featureParams) } as ModelMetadata;
}

export const sameNumber = (a: number | null | undefined, b: number | null | undefined) =>
  (a ?? null) === (b ?? null) || (a != null && b != null && Math.abs(a - b) < 1e-6);

/**
 * Throws a clear error when `requested` feature parameters differ from the model's (a model only
 * understands the features it was trained on). Missing requested fields take the model's values.
 */
export function checkFeatureParams(meta: ModelMetadata, requested: Partial<FeatureParams>, subject = 'features'): FeatureParams {
  const model = meta.featureParams;
  const diffs: string[] = [];
  if (requested.fmin !== undefined && !sameNumber(requested.fmin, model.fmin)) diffs.push(`fmin ${requested.fmin} Hz (model: ${model.fmin})`);
  if (requested.fmax !== undefined && !sameNumber(requested.fmax, model.fmax)) diffs.push(`fmax ${requested.fmax} Hz (model: ${model.fmax})`);
  if (requested.bands !== undefined && requested.bands !== model.bands) diffs.push(`bands ${requested.bands} (model: ${model.bands})`);
  if (requested.bandCutoffHz !== undefined && !sameNumber(requested.bandCutoffHz, model.bandCutoffHz)) {
    diffs.push(`cutoff ${requested.bandCutoffHz ?? 'none'} (model: ${model.bandCutoffHz ?? 'none'})`);
  }
  if (diffs.length) {
    throw new LungcamInputError(
      `feature configuration does not match the model ${meta.name}: ${diffs.join(', ')}; omit these options to use the model's, or train a model for them`, subject);
  }
  return { ...model };
}

/** Checks a patch tensor's band count against the model's input (e.g. features computed elsewhere). */
export function checkInputBands(meta: ModelMetadata, bands: number, subject = 'features'): void {
  if (bands !== meta.inputBands) {
    throw new LungcamInputError(`the features have ${bands} bands but model ${meta.name} expects ${meta.inputBands} (fmin ${meta.featureParams.fmin}, fmax ${meta.featureParams.fmax}, bands ${meta.featureParams.bands}, cutoff ${meta.featureParams.bandCutoffHz ?? 'none'})`, subject);
  }
}
