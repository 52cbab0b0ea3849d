// Grad-CAM over several layers takes the earliest layer's weights (its gradient's spatial means) straight
// from the conv above it (backward.ts, convInputGradientSums) instead of the full gradient: the maps must
// equal those from the full gradients (layerGradients, checked against tf.grad in exactness.test.ts).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from './helpers';
import { gradCam, layerGradients } from '../../../kernels/engine/cam/cam';
import { forwardWithActivations } from '../../../kernels/engine/cam/graph';
import { activationLayerFor } from '../../../kernels/engine/cam/layers';
import { buildModel, buildReferenceModel, convLayerNames } from '../../../kernels/engine/model/model';

before(setupBackend);

function patches(count: number, bands: number, seed: number) {
  const t = tf.randomNormal([count * 96 * bands], -3, 1.5, 'float32', seed);
  const data = t.dataSync() as Float32Array;
  t.dispose();
  return { data, count, frames: 96, bands };
}

/** relu(Σ_k mean(G)_k A^k) from the full gradients, [layer][class] flat [N, h, w]. */
function fromFullGradients(model: tf.LayersModel, p: ReturnType<typeof patches>, layers: string[], classes: number[]): Float32Array[][] {
  return tf.tidy(() => {
    const x = tf.tensor4d(p.data, [p.count, p.frames, p.bands, 1]);
    const acts = layers.map((l) => activationLayerFor(model, l));
    const { activations } = forwardWithActivations(model, x, acts);
    const grads = layerGradients(model, x, acts, activations, classes);
    return layers.map((_, li) => classes.map((_, j) => {
      const w = tf.mean(grads[j][li], [1, 2]);
      const [n, , , k] = activations[li].shape;
      return tf.relu(tf.sum(tf.mul(activations[li], tf.reshape(w, [n, 1, 1, k])), 3)).dataSync() as Float32Array;
    }));
  });
}

for (const [name, build, bands] of [
  ['reference net (conv 32/64/128, same padding)', () => buildReferenceModel(32, 4), 32],
  ['LungCAM CNN (input norm, 4 blocks), 40 bands', () => buildModel({ seed: 5, filters: [8, 16, 16, 32] }), 40],
] as const) {
  test(`Grad-CAM of every layer × class equals the maps from full gradients: ${name}`, async () => {
    const model = build();
    const layers = convLayerNames(model);
    const p = patches(3, bands, 11);
    const before = tf.memory().numTensors;
    const r = await gradCam(model, p, { layers, classes: 'all' });
    assert.equal(tf.memory().numTensors, before, 'tensors leaked');
    const expected = fromFullGradients(model, p, layers, r.classIndices);
    let nonZeroEarliest = 0;
    layers.forEach((l, li) => r.classIndices.forEach((c, j) => {
      const got = r.maps.find((m) => m.layer === l && m.classIndex === c)!.raw;
      const want = expected[li][j];
      assert.equal(got.length, want.length);
      const scale = Math.max(1e-6, ...want.map(Math.abs));
      const worst = got.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i])), 0);
      assert.ok(worst <= 1e-4 * scale, `${l} class ${c}: max difference ${worst} (scale ${scale})`);
      if (li === 0 && want.some((v) => v > 0)) nonZeroEarliest++;
    }));
    // The earliest layer is the one whose weights take the short cut: all-zero maps there would prove nothing.
    assert.ok(nonZeroEarliest >= 2, `only ${nonZeroEarliest} non-zero maps for ${layers[0]}`);
    model.dispose();
  });
}
