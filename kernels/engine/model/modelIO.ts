/**
 * Saving and loading LungCAM models: the tfjs layers format (model.json + weights.bin) plus
 * metadata.json (classes, feature parameters, conv layer names, how it was trained, its metrics).
 * Saving is all-or-nothing: everything is written to a temporary folder beside the target, which then
 * replaces it. Loading checks it is really a LungCAM model folder and says what is wrong if not.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, promises as fs, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { LungcamInputError } from '../errors';
import { atomicWriteDir } from '../io/atomicWrite';
import { resolveModelDir } from './modelNames';
import type { FeatureParams } from '../types';
import type { ClassificationMetrics } from './metrics';

export const MODEL_FORMAT = 'lungcam-model/1';

export interface ModelMetadata {
  format: typeof MODEL_FORMAT;
  /** Folder name when saved (e.g. `baseline`). */
  name: string;
  classes: string[];
  /** Feature parameters the model was trained on (the log-mel recipe's fmin, fmax, bands, cutoffHz). */
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

export interface LoadedModel {
  model: tf.LayersModel;
  meta: ModelMetadata;
  dir: string;
}

/** Serialises the model to { model.json, weights.bin } in memory. */
async function serialise(model: tf.LayersModel): Promise<{ modelJson: string; weights: Uint8Array }> {
  let captured: tf.io.ModelArtifacts | null = null;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    captured = artifacts;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  const a = captured as unknown as tf.io.ModelArtifacts;
  const weightData = a.weightData instanceof ArrayBuffer ? a.weightData : tf.io.concatenateArrayBuffers(a.weightData as ArrayBuffer[]);
  const modelJson = {
    format: a.format ?? 'layers-model',
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy ?? null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
  };
  return { modelJson: JSON.stringify(modelJson), weights: new Uint8Array(weightData) };
}

/** True when `dir` looks like a LungCAM model folder (so overwriting it is safe). */
function isModelFolder(dir: string): boolean {
  try {
    const meta = JSON.parse(readFileSync(path.join(dir, 'metadata.json'), 'utf8'));
    return meta?.format === MODEL_FORMAT;
  } catch {
    return false;
  }
}

/**
 * Saves model + metadata into `dir` atomically. An existing LungCAM model folder (or an empty folder)
 * is replaced; any other existing folder is refused rather than overwritten.
 */
export async function saveModel(dir: string, model: tf.LayersModel, meta: ModelMetadata): Promise<void> {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  if (!existsSync(parent)) throw new LungcamInputError(`cannot write the model: folder ${parent} does not exist`, dir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory()) throw new LungcamInputError('cannot write the model: a file with this name exists', dir);
    const entries = await fs.readdir(target);
    if (entries.length > 0 && !isModelFolder(target)) {
      throw new LungcamInputError('refusing to overwrite: the folder exists and is not a LungCAM model folder; choose another --out', dir);
    }
  }
  const { modelJson, weights } = await serialise(model);
  await atomicWriteDir(target, async (tmp) => {
    await fs.writeFile(path.join(tmp, 'model.json'), modelJson);
    await fs.writeFile(path.join(tmp, 'weights.bin'), weights);
    await fs.writeFile(path.join(tmp, 'metadata.json'), JSON.stringify(meta, null, 2) + '\n');
  });
}

function readJson(file: string, dir: string, what: string): unknown {
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
  const meta = readJson(path.join(dir, 'metadata.json'), dir, 'metadata.json') as Partial<ModelMetadata> | null;
  if (!meta || meta.format !== MODEL_FORMAT) {
    const found = meta && typeof meta === 'object' && 'format' in meta ? ` (format "${String(meta.format)}")` : '';
    throw new LungcamInputError(`not a LungCAM model folder: metadata.json is from another tool${found}; expected format "${MODEL_FORMAT}"`, dir);
  }
  if (!Array.isArray(meta.classes) || !meta.featureParams || !Array.isArray(meta.convLayers)) {
    throw new LungcamInputError('metadata.json lacks classes, featureParams or convLayers', dir);
  }
  return meta as ModelMetadata;
}

/**
 * Loads a LungCAM model — a folder, or a portable name (`baseline`, a path relative to the working folder:
 * modelNames.ts) — validating metadata, topology and weight files, then builds the model.
 */
export async function loadModel(ref: string): Promise<LoadedModel> {
  const dir = resolveModelDir(ref);
  const meta = readModelMetadata(dir);
  const modelJson = readJson(path.join(dir, 'model.json'), dir, 'model.json') as {
    modelTopology?: unknown; weightsManifest?: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
  };
  if (!modelJson.modelTopology || !Array.isArray(modelJson.weightsManifest)) {
    throw new LungcamInputError('model.json is not a TensorFlow.js layers model (no modelTopology/weightsManifest)', dir);
  }
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of modelJson.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const file = path.join(dir, p);
      if (!existsSync(file)) throw new LungcamInputError(`weights file ${p} is missing (the model folder is incomplete; copy it again or retrain)`, dir);
      buffers.push(readFileSync(file));
    }
  }
  const total = buffers.reduce((a, b) => a + b.byteLength, 0);
  const expected = specs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1) * 4, 0);
  if (total !== expected) {
    throw new LungcamInputError(`weights are ${total} bytes but model.json describes ${expected}: the weights file is truncated or from another model`, dir);
  }
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.byteLength;
  }
  const model = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: modelJson.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: specs,
    weightData: weightData.buffer,
  }));
  return { model, meta, dir };
}

const sameNumber = (a: number | null | undefined, b: number | null | undefined) =>
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
  if (requested.cutoffHz !== undefined && !sameNumber(requested.cutoffHz, model.cutoffHz)) {
    diffs.push(`cutoff ${requested.cutoffHz ?? 'none'} (model: ${model.cutoffHz ?? 'none'})`);
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
    throw new LungcamInputError(`the features have ${bands} bands but model ${meta.name} expects ${meta.inputBands} (fmin ${meta.featureParams.fmin}, fmax ${meta.featureParams.fmax}, bands ${meta.featureParams.bands}, cutoff ${meta.featureParams.cutoffHz ?? 'none'})`, subject);
  }
}
