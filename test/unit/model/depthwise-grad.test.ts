// The wasm backend's depthwise-convolution gradients (registered by LungCAM: tfjs-backend-wasm has none)
// against tf's cpu backend: input and filter gradients for strides 1 and 2, both paddings, channel
// multipliers 1 and 2; and Grad-CAM of every conv layer of a small MobileNet-style net, depthwise ones
// included, the same on both backends.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, withBackend } from '../../../kernels/engine/model/backend';
import { gradCam } from '../../../kernels/engine/cam/cam';
import { camLayerNames } from '../../../kernels/engine/cam/layers';
import { assertClose, randomPatches } from '../cam/helpers';

function seeded(shape: number[], seed: number): tf.Tensor {
  let s = seed >>> 0;
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n).map(() => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  });
  return tf.tensor(v, shape);
}

/** Gradients of Σ r·depthwise(x, w) with respect to x and w, on the current backend. */
function grads(xShape: number[], wShape: number[], strides: number, pad: 'same' | 'valid'): Float32Array[] {
  return tf.tidy(() => {
    const x = seeded(xShape, 1) as tf.Tensor4D;
    const w = seeded(wShape, 2) as tf.Tensor4D;
    const y = tf.depthwiseConv2d(x, w, strides, pad);
    const r = seeded(y.shape, 3);
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, strides, pad), r)))([x, w]);
    return g.map((t) => t.dataSync() as Float32Array);
  });
}

/** conv (stride 2) → depthwise → pointwise → depthwise (stride 2) → pointwise → GAP → dense. */
function mobileNet(): tf.LayersModel {
  let seed = 5;
  const init = () => tf.initializers.glorotNormal({ seed: seed++ });
  const input = tf.input({ shape: [24, 16, 1] });
  let x = tf.layers.conv2d({ name: 'c1', filters: 8, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init() }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.depthwiseConv2d({ name: 'd2', kernelSize: 3, padding: 'same', activation: 'relu', depthwiseInitializer: init() }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ name: 'p2', filters: 12, kernelSize: 1, activation: 'relu', kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.depthwiseConv2d({ name: 'd3', kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', depthwiseInitializer: init() }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ name: 'p3', filters: 16, kernelSize: 1, activation: 'relu', kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: 'logits', units: 4, kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

describe('depthwise convolution gradients on wasm', () => {
  before(async () => {
    await initBackend('wasm', { quiet: true });
  });

  for (const [xShape, wShape, strides, pad] of [
    [[2, 9, 7, 5], [3, 3, 5, 1], 1, 'same'],
    [[2, 9, 7, 5], [3, 3, 5, 1], 2, 'same'],
    [[1, 10, 8, 4], [3, 3, 4, 2], 2, 'valid'],
    [[3, 6, 6, 3], [2, 3, 3, 2], 1, 'valid'],
  ] as const) {
    it(`match the cpu backend: x ${xShape.join('×')}, filter ${wShape.join('×')}, stride ${strides}, ${pad}`, async () => {
      assert.equal(tf.getBackend(), 'wasm');
      const [dx, dw] = grads([...xShape], [...wShape], strides, pad);
      const [cx, cw] = await withBackend('cpu', () => grads([...xShape], [...wShape], strides, pad));
      assertClose(dx, cx, 1e-5, 'dx');
      assertClose(dw, cw, 1e-5, 'dw');
      assert.ok(dw.some((v) => Math.abs(v) > 1e-3), 'the filter gradient is not all zero');
    });
  }

  it('Grad-CAM works on every conv layer of a MobileNet-style net, depthwise included, as on cpu', async () => {
    const model = mobileNet();
    assert.deepEqual(camLayerNames(model), ['c1', 'd2', 'p2', 'd3', 'p3']);
    const patches = randomPatches(3, 24, 16, 9);
    const layers = camLayerNames(model);
    const wasm = await gradCam(model, patches, { layers });
    const cpu = await withBackend('cpu', () => gradCam(model, patches, { layers }));
    assert.equal(wasm.maps.length, layers.length * 4);
    wasm.maps.forEach((m, i) => {
      assertClose(m.raw, cpu.maps[i].raw, 1e-4, `${m.layer}/${m.className}`);
    });
    const d2 = wasm.maps.filter((m) => m.layer === 'd2');
    assert.ok(d2.some((m) => m.raw.some((v) => v > 0)), 'the depthwise layer has a non-zero map');
  });

  it('a training step through depthwise layers on wasm equals the cpu step', async () => {
    const step = () => tf.tidy(() => {
      const model = mobileNet();
      const x = tf.tensor4d(randomPatches(4, 24, 16, 2).data, [4, 24, 16, 1]);
      const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 4);
      const { grads: g } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(y, model.apply(x) as tf.Tensor) as tf.Scalar);
      const out = Object.keys(g).sort().map((k) => g[k].dataSync() as Float32Array);
      model.dispose();
      return out;
    });
    const wasm = step();
    const cpu = await withBackend('cpu', step);
    assert.equal(wasm.length, cpu.length);
    wasm.forEach((g, i) => assertClose(g, cpu[i], 1e-4, `gradient ${i}`));
  });
});
