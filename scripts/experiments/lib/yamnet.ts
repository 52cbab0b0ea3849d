/** YAMNet (../shared/pretrained/yamnet) loaded from its files, and its embedding sub-model. */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { REPO } from './realData';

export const YAMNET_DIR = path.resolve(REPO, '../shared/pretrained/yamnet');

export async function loadYamnet(dir = YAMNET_DIR): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
  const weights = readFileSync(path.join(dir, json.weightsManifest[0].paths[0]));
  return tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g: { weights: tf.io.WeightsManifestEntry[] }) => g.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
  }));
}

/** Patches [n, 96, 64] → outputs of `layer` (default the 1024-d embeddings). */
export function subModel(yamnet: tf.LayersModel, layer = 'embeddings'): tf.LayersModel {
  return tf.model({ inputs: yamnet.inputs, outputs: yamnet.getLayer(layer).output as tf.SymbolicTensor });
}
