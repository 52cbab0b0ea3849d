// Grad-CAM of several layers takes every layer's weights (the spatial means of its gradients) from one
// class-independent map and, two convolutions down, from one filter gradient per patch plus border
// corrections (kernels/engine/cam/meanGradients.ts). The maps must equal those from full gradients
// (layerGradients, checked against tf.grad in exactness.test.ts) for every padding, kernel size, pool and
// block shape that path accepts, and the per-class transposed convolution must not run.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertGradCamEqualsFullGradients, mapsFromFullGradients, normalPatches, setupBackend } from './helpers';
import { camLayerNames } from '../../../kernels/engine/cam/layers';
import { setMaskCounting } from '../../../kernels/engine/accel/cam/binaryFilterGrad';

before(setupBackend);

interface Block { filters: number; kernel: number; padding: 'same' | 'valid'; pool?: number; batchNorm?: boolean; fusedRelu?: boolean }

/** conv blocks (conv [→ bn] → relu [→ max-pool]) → GAP → dense 4, with non-trivial batch-norm statistics. */
function net(bands: number, blocks: Block[], seed: number): tf.LayersModel {
  const input = tf.input({ shape: [96, bands, 1] });
  let x: tf.SymbolicTensor = input;
  blocks.forEach((b, i) => {
    x = tf.layers.conv2d({
      name: `conv${i + 1}`, filters: b.filters, kernelSize: b.kernel, padding: b.padding,
      activation: b.fusedRelu ? 'relu' : 'linear', kernelInitializer: tf.initializers.heNormal({ seed: seed + i }),
      biasInitializer: tf.initializers.randomNormal({ mean: 0.05, stddev: 0.1, seed: seed + 50 + i }),
    }).apply(x) as tf.SymbolicTensor;
    if (b.batchNorm) {
      const bn = tf.layers.batchNormalization({ name: `bn${i + 1}` });
      x = bn.apply(x) as tf.SymbolicTensor;
      const c = b.filters;
      bn.setWeights([
        tf.randomUniform([c], 0.5, 1.5, 'float32', seed + 10 + i), tf.randomNormal([c], 0, 0.1, 'float32', seed + 20 + i),
        tf.randomNormal([c], 0, 0.1, 'float32', seed + 30 + i), tf.randomUniform([c], 0.5, 2, 'float32', seed + 40 + i),
      ]);
    }
    if (!b.fusedRelu) x = tf.layers.reLU({ name: `relu${i + 1}` }).apply(x) as tf.SymbolicTensor;
    if (b.pool) x = tf.layers.maxPooling2d({ name: `pool${i + 1}`, poolSize: b.pool, strides: b.pool }).apply(x) as tf.SymbolicTensor;
  });
  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: 'logits', units: 4, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 99 }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

const cases: [string, number, Block[]][] = [
  ['same 3×3 convs, 2×2 pools, odd band count (the pool drops a column)', 30, [
    { filters: 6, kernel: 3, padding: 'same', pool: 2 }, { filters: 8, kernel: 3, padding: 'same', pool: 2 }, { filters: 10, kernel: 3, padding: 'same' }]],
  ['valid convs, 5×5 middle kernel, 3×3 pool', 40, [
    { filters: 5, kernel: 3, padding: 'valid', pool: 2 }, { filters: 7, kernel: 5, padding: 'valid', pool: 3 }, { filters: 9, kernel: 3, padding: 'valid' }]],
  ['batch-norm in every block, ReLU inside the conv, no pool between the upper convs', 24, [
    { filters: 4, kernel: 3, padding: 'same', pool: 2, batchNorm: true }, { filters: 6, kernel: 3, padding: 'same', batchNorm: true, fusedRelu: true },
    { filters: 8, kernel: 3, padding: 'same', batchNorm: true }]],
];

for (const [name, bands, blocks] of cases) for (const counting of [true, false]) {
  // Φ and Q are masks here, so the filter gradient and border terms are counted (binaryFilterGrad.ts); without
  // counting, the float filter gradient and rectangle products they fall back to for other maps.
  test(`Grad-CAM of every layer × class from spatial means equals the full-gradient maps: ${name}${counting ? '' : ', float path'}`, async (t) => {
    setMaskCounting(counting);
    t.after(() => setMaskCounting(true));
    const model = net(bands, blocks, 7);
    const layers = camLayerNames(model);
    const p = normalPatches(3, bands, 13);
    // Runs of the counting kernel, seen at the engine.
    let counted = 0;
    const engine = tf.engine() as unknown as { runKernel: (name: string, ...rest: unknown[]) => unknown };
    const runKernel = engine.runKernel;
    engine.runKernel = function (name: string, ...rest: unknown[]) {
      if (name === 'LungcamBinaryFilterGrad') counted++;
      return runKernel.call(this, name, ...rest);
    };
    let profile: Awaited<ReturnType<typeof tf.profile>>;
    try {
      profile = await tf.profile(async () => {
        await assertGradCamEqualsFullGradients(model, p, layers);
      });
    } finally {
      engine.runKernel = runKernel;
    }
    // gradCam itself ran no transposed convolution (layerGradients, the reference, runs them too: count them apart).
    const reference = await tf.profile(() => { mapsFromFullGradients(model, p, layers, [0, 1, 2, 3]); });
    const count = (prof: typeof profile) => prof.kernels.filter((k) => k.name === 'Conv2DBackpropInput').length;
    assert.equal(count(profile) - count(reference), 0, 'Grad-CAM fell back to per-class gradient maps');
    assert.equal(counted > 0, counting, counting ? 'the masks were not counted' : 'counted though turned off');
    model.dispose();
  });
}
