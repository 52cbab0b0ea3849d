// Grad-CAM over several layers takes the earliest layer's weights (its gradient's spatial means) straight
// from the conv above it (backward.ts, convInputGradientSums) instead of the full gradient: the maps must
// equal those from the full gradients (layerGradients, checked against tf.grad in exactness.test.ts).
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { mapsFromFullGradients, normalPatches, setupBackend } from './helpers';
import { gradCam } from '../../../kernels/engine/cam/cam';
import { buildModel, buildReferenceModel, convLayerNames } from '../../../kernels/engine/model/model';

before(setupBackend);

for (const [name, build, bands] of [
  ['reference net (conv 32/64/128, same padding)', () => buildReferenceModel(32, 4), 32],
  ['LungCAM CNN (input norm, 4 blocks), 40 bands', () => buildModel({ seed: 5, filters: [8, 16, 16, 32] }), 40],
] as const) {
  test(`Grad-CAM of every layer × class equals the maps from full gradients: ${name}`, async () => {
    const model = build();
    const layers = convLayerNames(model);
    const p = normalPatches(3, bands, 11, -3);
    const before = tf.memory().numTensors;
    const r = await gradCam(model, p, { layers, classes: 'all' });
    assert.equal(tf.memory().numTensors, before, 'tensors leaked');
    const expected = mapsFromFullGradients(model, p, layers, r.classIndices);
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
