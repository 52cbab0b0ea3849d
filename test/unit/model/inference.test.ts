// The fused inference pass (conv + ReLU as one op) gives model.predict's numbers bit for bit.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../kernels/engine/model/backend';
import { buildModel, buildReferenceModel } from '../../../kernels/engine/model/model';
import { hasFusedPlan, inferLogits } from '../../../kernels/engine/model/inference';
import { predictProbabilities } from '../../../kernels/engine/model/classify';

before(async () => {
  await initBackend('wasm', { quiet: true });
});

const models: Array<[string, () => tf.LayersModel, number]> = [
  ['the LungCAM CNN (input norm)', () => buildModel({ seed: 3 }), 64],
  ['the LungCAM CNN with batch norm after every conv, 40 bands', () => buildModel({ seed: 4, batchNorm: true }), 40],
  ['the reference net', () => buildReferenceModel(64, 5), 64],
];

for (const [name, make, bands] of models) {
  test(`fused inference equals model.predict bit for bit: ${name}`, () => {
    const model = make();
    // Non-trivial batch-norm statistics, so the input norm matters.
    const bn = model.layers.find((l) => l.getClassName() === 'BatchNormalization');
    if (bn) bn.setWeights(bn.getWeights().map((w, i) => tf.tidy(() => tf.randomUniform(w.shape, i === 3 ? 0.5 : -0.5, 1.5, 'float32', 9 + i))));
    assert.ok(hasFusedPlan(model), 'a plain chain of known layers');
    const x = tf.randomNormal([5, 96, bands, 1], 0, 2, 'float32', 7);
    const a = tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync()));
    const before = tf.memory().numTensors;
    const b = tf.tidy(() => Array.from(inferLogits(model, x).dataSync()));
    assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
    assert.deepEqual(b, a);
    const probs = predictProbabilities(model, x.dataSync() as Float32Array, 5, bands, 2);
    const expected = tf.tidy(() => Array.from(tf.softmax(model.predict(x) as tf.Tensor2D).dataSync()));
    assert.deepEqual(Array.from(probs), expected);
    x.dispose();
    model.dispose();
  });
}

test('a model that is not a plain chain falls back to model.predict', () => {
  const input = tf.input({ shape: [8, 8, 1] });
  const a = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same' }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same' }).apply(input) as tf.SymbolicTensor;
  const sum = tf.layers.add().apply([a, b]) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: tf.layers.globalAveragePooling2d({}).apply(sum) as tf.SymbolicTensor });
  assert.equal(hasFusedPlan(model), false);
  const x = tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 3);
  assert.deepEqual(tf.tidy(() => Array.from(inferLogits(model, x).dataSync())), tf.tidy(() => Array.from((model.predict(x) as tf.Tensor).dataSync())));
  x.dispose();
  model.dispose();
});
