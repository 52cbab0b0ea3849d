// Exactness: Grad-CAM = CAM when the layer is followed only by GAP + dense; gradients of the split-at-A
// model agree with finite differences and with the whole model; resizing and stitching put values where
// the reference puts them.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { camImage, gradCam, layerGradients, logitGradient, patchMaps } from '../../../kernels/engine/cam/cam';
import { forwardWithActivations, headFrom } from '../../../kernels/engine/cam/graph';
import { resizeMaps, stitchPatches } from '../../../kernels/shared/view/maps';
import { buildModel } from '../../../kernels/engine/model/model';
import { assertClose, randomPatches, setupBackend, smallNet } from './helpers';

describe('Grad-CAM exactness', () => {
  before(setupBackend);

  it('equals CAM (ReLU(Σ_k w_k^c A^k), Zhou et al.) for a conv layer followed by GAP + dense', async () => {
    const model = smallNet({ classes: 3 });
    const patches = randomPatches(5, 16, 8, 7);
    const r = await gradCam(model, patches, { layers: ['conv2'] });
    const dense = model.getLayer('logits').getWeights()[0].arraySync() as number[][]; // [K, C]
    const x = tf.tensor4d(patches.data, [5, 16, 8, 1]);
    const a = forwardWithActivations(model, x, ['conv2']).activations[0];
    const [n, h, w, k] = a.shape;
    const av = a.dataSync();
    for (const m of r.maps) {
      const cam = new Float32Array(n * h * w);
      for (let i = 0; i < n * h * w; i++) {
        let s = 0;
        for (let ch = 0; ch < k; ch++) s += dense[ch][m.classIndex] * av[i * k + ch];
        cam[i] = Math.max(0, s);
      }
      // Grad-CAM's weights are w_k^c / (h·w): same map up to that constant, identical after normalisation.
      assertClose(m.raw, cam.map((v) => v / (h * w)), 1e-5, `raw class ${m.classIndex}`);
      for (let p = 0; p < n; p++) {
        const slice = cam.subarray(p * h * w, (p + 1) * h * w);
        const lo = Math.min(...slice);
        const hi = Math.max(...slice);
        const expected = Array.from(slice, (v) => (v - lo) / (hi - lo + 1e-7 * h * w));
        assertClose(m.normalised.subarray(p * h * w, (p + 1) * h * w), expected, 1e-5, `normalised p${p} c${m.classIndex}`);
      }
    }
    tf.dispose([x, a]);
  });

  it('the model split at A reproduces the whole model, and its gradients agree with finite differences', () => {
    const model = smallNet({ tanhHead: true, seed: 11 });
    const patches = randomPatches(2, 16, 8, 3);
    tf.tidy(() => {
      const x = tf.tensor4d(patches.data, [2, 16, 8, 1]);
      const { logits, activations } = forwardWithActivations(model, x, ['relu1']);
      const head = headFrom(model, 'relu1', x);
      assertClose(head(activations[0]).dataSync(), (model.predict(x) as tf.Tensor).dataSync(), 1e-5, 'head(A) vs model(x)');
      assertClose(logits.dataSync(), (model.predict(x) as tf.Tensor).dataSync(), 1e-5, 'forward logits');
      const a = activations[0];
      const g = logitGradient(head, a, 1).dataSync();
      const av = a.dataSync();
      const eps = 1e-2;
      // Central differences at a spread of coordinates (both patches), in float32: tolerance 2e-3 absolute.
      for (const i of [0, 5, 37, 123, 200, 255, 256 + 17, 256 + 130, 511]) {
        const plus = Float32Array.from(av);
        const minus = Float32Array.from(av);
        plus[i] += eps;
        minus[i] -= eps;
        const f = (v: Float32Array) => tf.sum(tf.slice(head(tf.tensor4d(v, a.shape)), [0, 1], [2, 1])).dataSync()[0];
        const numeric = (f(plus) - f(minus)) / (2 * eps);
        assert.ok(Math.abs(numeric - g[i]) < 2e-3, `coordinate ${i}: analytic ${g[i]} vs numeric ${numeric}`);
      }
      assert.ok(g.some((v) => Math.abs(v) > 1e-3), 'gradients are not trivially zero');
    });
  });

  it('takes A at the end of a conv block (conv → relu), as pytorch-grad-cam users target relu(conv)', async () => {
    const r = await gradCam(smallNet(), randomPatches(1, 16, 8), { layers: ['conv1'] });
    assert.deepEqual(r.activationLayers, ['relu1']);
    assert.equal(r.maps[0].timeSteps, 16);
    assert.equal(r.maps[0].bandSteps, 8);
  });

  it('resizes with half-pixel centres: [a, b] → [a, ¾a+¼b, ¼a+¾b, b]', () => {
    const out = resizeMaps(new Float32Array([0, 1]), 1, 1, 2, 1, 4);
    assertClose(out, [0, 0.25, 0.75, 1], 1e-6, 'resized');
  });

  it('stitches patches frame for frame, dropping the padded tail and averaging overlaps', () => {
    // Two patches of 3 frames × 1 band at frames 0 and 2 of a 4-frame recording.
    const out = stitchPatches(new Float32Array([1, 2, 3, 10, 20, 30]), [0, 2], 3, 1, 4);
    assertClose(out, [1, 2, (3 + 10) / 2, 20], 1e-6, 'stitched');
  });

  it('several layers are combined as the reference: ReLU, average at the patch size, renormalise', async () => {
    const model = smallNet();
    const patches = randomPatches(2, 16, 8, 5);
    const r = await gradCam(model, patches, { layers: ['conv1', 'conv2'], classes: [0] });
    const one = patchMaps(r, 0, { layers: ['conv1'] });
    const two = patchMaps(r, 0, { layers: ['conv2'] });
    const both = patchMaps(r, 0);
    const size = 16 * 8;
    for (let p = 0; p < 2; p++) {
      const mean = Array.from({ length: size }, (_, i) => (one[p * size + i] + two[p * size + i]) / 2);
      const lo = Math.min(...mean);
      const hi = Math.max(...mean);
      assertClose(both.subarray(p * size, (p + 1) * size), mean.map((v) => (v - lo) / (hi - lo + 1e-7)), 1e-5, `patch ${p}`);
    }
    const image = camImage(r, 0, { startFrame: [0, 16], frames: 30 });
    assert.equal(image.length, 30 * 8);
    assertClose(image.subarray(16 * 8, 30 * 8), both.subarray(size, size + 14 * 8), 1e-6, 'second patch stitched');
  });
});

describe('gradients for several layers at once', () => {
  before(setupBackend);

  it('one backward pass with probes equals one pass per layer', () => {
    const model = smallNet({ seed: 13 });
    const patches = randomPatches(3, 16, 8, 2);
    tf.tidy(() => {
      const x = tf.tensor4d(patches.data, [3, 16, 8, 1]);
      const layers = ['relu1', 'conv2'];
      const { activations } = forwardWithActivations(model, x, layers);
      const together = layerGradients(model, x, layers, activations, [0, 2]);
      layers.forEach((l, li) => {
        const head = headFrom(model, l, x);
        for (const [j, c] of [0, 2].entries()) {
          assertClose(together[j][li].dataSync(), logitGradient(head, activations[li], c).dataSync(), 1e-5, `${l} class ${c}`);
        }
      });
    });
  });
});

describe('the one-pass backward for conv/bn/relu/pool/dense chains', () => {
  before(setupBackend);

  it('equals tf.grad on the LungCAM CNN (input norm, batch-norm, 3 blocks), every layer and class', () => {
    const model = buildModel({ filters: [4, 6, 8], batchNorm: true, inputNorm: true, seed: 4, bands: 16 });
    // Non-trivial batch-norm statistics, so the inference-mode scaling matters.
    for (const l of model.layers.filter((x) => x.getClassName() === 'BatchNormalization')) {
      const w = l.getWeights();
      l.setWeights(w.map((t, i) => tf.add(tf.mul(tf.randomUniform(t.shape, 0.5, 1.5, 'float32', 3 + i), i === 3 ? 1 : 0.7), i === 3 ? 0 : 0.1)));
    }
    const patches = randomPatches(2, 96, 16, 8);
    tf.tidy(() => {
      const x = tf.tensor4d(patches.data, [2, 96, 16, 1]);
      const layers = ['relu1', 'relu2', 'relu3'];
      const { activations } = forwardWithActivations(model, x, layers);
      const fast = layerGradients(model, x, layers, activations, [0, 1, 2, 3]);
      layers.forEach((l, li) => {
        const head = headFrom(model, l, x);
        for (let c = 0; c < 4; c++) {
          const expected = logitGradient(head, activations[li], c).dataSync();
          const scale = Math.max(...Array.from(expected, Math.abs));
          assertClose(fast[c][li].dataSync(), expected, 1e-5 * Math.max(1, scale), `${l} class ${c}`);
        }
      });
    });
  });
});
