// The YAMNet backbone (../shared/pretrained/yamnet, skipped with a reason when absent): the blocks are
// YAMNet's, weight for weight (same activations as the original model), any band count works, and
// Grad-CAM explains every conv layer of the derived classifier, depthwise ones included.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../kernels/engine/model/backend';
import { buildModel, convLayerNames } from '../../../kernels/engine/model/model';
import { gradCam } from '../../../kernels/engine/cam/cam';
import { isInputError } from '../../../kernels/engine/errors';
import { randomPatches } from '../cam/helpers';

const YAMNET = process.env.LUNGCAM_YAMNET_DIR ?? path.resolve(__dirname, '../../../../shared/pretrained/yamnet');
const missing = !existsSync(path.join(YAMNET, 'model.json')) && `no YAMNet at ${YAMNET} (set LUNGCAM_YAMNET_DIR)`;

before(async () => {
  await initBackend('wasm', { quiet: true });
});

test('blocks 1–4 of YAMNet compute what the original model computes, on any band count', { skip: missing }, async () => {
  const json = JSON.parse(readFileSync(path.join(YAMNET, 'model.json'), 'utf8'));
  const bin = readFileSync(path.join(YAMNET, json.weightsManifest[0].paths[0]));
  const original = await tf.loadLayersModel(tf.io.fromMemory({
    modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0].weights,
    weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
  }));
  const model = buildModel({ backbone: { dir: YAMNET, layers: 4 }, seed: 3 });
  assert.deepEqual(convLayerNames(model), ['layer1_conv', 'layer2_depthwise_conv', 'layer2_pointwise_conv', 'layer3_depthwise_conv', 'layer3_pointwise_conv', 'layer4_depthwise_conv', 'layer4_pointwise_conv']);
  const x = tf.tensor(randomPatches(2, 96, 64, 5).data, [2, 96, 64]);
  const a = tf.model({ inputs: original.inputs, outputs: original.getLayer('layer4_pointwise_conv').output as tf.SymbolicTensor }).predict(x) as tf.Tensor;
  const b = tf.model({ inputs: model.inputs, outputs: model.getLayer('layer4_pointwise_conv').output as tf.SymbolicTensor }).predict(x.reshape([2, 96, 64, 1])) as tf.Tensor;
  assert.deepEqual(b.shape, a.shape);
  assert.ok(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] < 1e-5, 'same activations');
  const cut = model.predict(tf.tensor(randomPatches(1, 96, 54, 6).data, [1, 96, 54, 1])) as tf.Tensor;
  assert.deepEqual(cut.shape, [1, 4], 'a cut band count works too');
  tf.dispose([x, a, b, cut]);
  original.dispose();
});

test('Grad-CAM explains every conv layer of a YAMNet-based classifier, depthwise ones included', { skip: missing }, async () => {
  const model = buildModel({ backbone: { dir: YAMNET, layers: 3 }, seed: 1 });
  const layers = convLayerNames(model);
  const r = await gradCam(model, randomPatches(2, 96, 64, 8), { layers, classNames: ['normal', 'crackle', 'wheeze', 'both'] });
  for (const layer of layers) {
    const maps = r.maps.filter((m) => m.layer === layer);
    assert.equal(maps.length, 4);
    assert.ok(maps.some((m) => m.raw.some((v) => v > 0)), `${layer} has a non-zero map`);
  }
});

test('a YAMNet folder that is not there, or blocks outside 1–14, is a clear error', () => {
  assert.throws(() => buildModel({ backbone: { dir: '/nonexistent', layers: 9 } }), (e: unknown) => isInputError(e) && /no YAMNet model\.json here/.test((e as Error).message));
  assert.throws(() => buildModel({ backbone: { dir: YAMNET, layers: 15 } }), (e: unknown) => isInputError(e) && /YAMNet has blocks 1–14 \(got 15\)/.test((e as Error).message));
});
