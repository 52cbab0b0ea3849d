// What users of other Grad-CAM libraries trip over: NaN on all-zero maps, leaks, unclear errors, no cancel.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { gradCam } from '../../../kernels/engine/cam/cam';
import { isInputError } from '../../../kernels/engine/errors';
import { randomPatches, setupBackend, smallNet } from './helpers';

describe('Grad-CAM robustness', () => {
  before(setupBackend);

  it('reports an all-zero map instead of NaN', async () => {
    const model = smallNet({ classes: 2 });
    const dense = model.getLayer('logits');
    const [kernel, bias] = dense.getWeights();
    // Class 0 only ever loses from conv2's (non-negative) activations: Grad-CAM weights < 0, map ≤ 0 → ReLU → 0.
    dense.setWeights([tf.tensor2d(Array.from({ length: kernel.shape[0] }, () => [-1, 1])), bias]);
    const r = await gradCam(model, randomPatches(3, 16, 8), { layers: ['conv2'], classes: [0] });
    const m = r.maps[0];
    assert.deepEqual(m.zeroPatches, [0, 1, 2]);
    assert.ok(m.normalised.every((v) => v === 0), 'normalised map is all 0');
    assert.ok(m.raw.every((v) => v === 0));
  });

  it('never returns NaN, even for silent (constant) input', async () => {
    const silent = { data: new Float32Array(2 * 16 * 8).fill(Math.log(0.01)), count: 2, frames: 16, bands: 8 };
    for (const method of ['gradcam', 'gradcam++', 'xgradcam', 'hirescam', 'layercam', 'eigencam', 'scorecam']) {
      const r = await gradCam(smallNet(), silent, { method, layers: ['conv1', 'conv2'] });
      for (const m of r.maps) assert.ok(m.normalised.every(Number.isFinite) && m.raw.every(Number.isFinite), method);
    }
  });

  it('leaks no tensors over 200 calls', async () => {
    const model = smallNet();
    const patches = randomPatches(3, 16, 8);
    await gradCam(model, patches, { layers: ['conv1', 'conv2'], batchSize: 2 }); // warm-up (lazy weights)
    const before = tf.memory().numTensors;
    for (let i = 0; i < 200; i++) {
      const method = ['gradcam', 'gradcam++', 'eigencam', 'scorecam'][i % 4];
      await gradCam(model, patches, { layers: ['conv1', 'conv2'], batchSize: 2, method });
    }
    assert.equal(tf.memory().numTensors, before);
  });

  it('leaks no tensors on the tf.grad path either (a layer the one-pass backward does not know: ELU)', async () => {
    const input = tf.input({ shape: [16, 8, 1] });
    let x = tf.layers.conv2d({ name: 'conv1', filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.conv2d({ name: 'conv2', filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.glorotNormal({ seed: 2 }) }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.elu({ name: 'elu2' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(x) as tf.SymbolicTensor });
    const patches = randomPatches(2, 16, 8);
    const { supportedChain } = await import('../../../kernels/engine/cam/backward');
    assert.equal(supportedChain(model, 'conv1'), null, 'the one-pass backward does not apply here');
    await gradCam(model, patches, { layers: ['conv1', 'conv2'] });
    const before = tf.memory().numTensors;
    for (let i = 0; i < 60; i++) {
      const r = await gradCam(model, patches, { layers: i % 2 ? ['conv1', 'conv2'] : ['conv1'], method: i % 3 ? 'gradcam' : 'hirescam' });
      assert.ok(r.maps.every((m) => m.raw.every(Number.isFinite)));
    }
    assert.equal(tf.memory().numTensors, before);
  });

  it('names the valid choices when a layer, class or method is wrong', async () => {
    const model = smallNet({ classes: 3 });
    const p = randomPatches(1, 16, 8);
    const classNames = ['normal', 'crackle', 'wheeze'];
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ layers: ['conv9'] }, /unknown layer "conv9"; valid conv layers: conv1, conv2$/],
      [{ layers: ['gap'] }, /layer "gap" is not a convolution layer; valid conv layers: conv1, conv2$/],
      [{ classes: ['stridor'], classNames }, /unknown class "stridor"; valid classes: normal, crackle, wheeze$/],
      [{ method: 'gradcam+++' }, /unknown method "gradcam\+\+\+"; valid methods: gradcam, gradcam\+\+, xgradcam, hirescam, layercam, eigencam, scorecam$/],
    ];
    for (const [opts, message] of cases) {
      await assert.rejects(gradCam(model, p, opts), (e: Error) => {
        assert.ok(isInputError(e), 'an input error (exit 2, no stack)');
        assert.match(e.message, message);
        assert.ok(!e.message.includes('\n'), 'one line');
        return true;
      });
    }
  });

  it('can be cancelled between batches with an AbortSignal, leaving no tensors', async () => {
    const model = smallNet();
    const before = tf.memory().numTensors;
    const ac = new AbortController();
    const run = gradCam(model, randomPatches(8, 16, 8), { method: 'scorecam', batchSize: 2, signal: ac.signal });
    ac.abort();
    await assert.rejects(run, { name: 'AbortError' });
    assert.equal(tf.memory().numTensors, before);
  });

  it('gives each patch the model probabilities (softmax of the logits)', async () => {
    const model = smallNet({ classes: 3 });
    const patches = randomPatches(4, 16, 8, 9);
    const r = await gradCam(model, patches, { classes: [1] });
    const expected = tf.tidy(() => tf.softmax(model.predict(tf.tensor4d(patches.data, [4, 16, 8, 1])) as tf.Tensor).dataSync());
    for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(r.probabilities[i] - expected[i]) < 1e-5);
  });
});
