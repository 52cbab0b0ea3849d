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
import { MODEL_FORMAT, readModelFolderJson, readModelMetadata, type ModelMetadata } from './metadata';
import { resolveModelDir } from './modelNames';

export { MODEL_FORMAT, readModelMetadata, checkFeatureParams, checkInputBands } from './metadata';
export type { ModelMetadata } from './metadata';

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

/**
 * Loads a LungCAM model — a folder, or a portable name (`baseline`, a path relative to the working folder:
 * modelNames.ts) — validating metadata, topology and weight files, then builds the model.
 */
export async function loadModel(ref: string): Promise<LoadedModel> {
  const dir = resolveModelDir(ref);
  const meta = readModelMetadata(dir);
  const modelJson = readModelFolderJson(path.join(dir, 'model.json'), dir, 'model.json') as {
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

