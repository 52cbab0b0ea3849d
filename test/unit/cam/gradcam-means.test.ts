// Grad-CAM over several layers takes the earliest layer's weights (its gradient's spatial means) straight
// from the conv above it (backward.ts, convInputGradientSums) instead of the full gradient: the maps must
// equal those from the full gradients (layerGradients, checked against tf.grad in exactness.test.ts).
import { test, before } from 'node:test';
import { assertGradCamEqualsFullGradients, normalPatches, setupBackend } from './helpers';
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
    await assertGradCamEqualsFullGradients(model, p, layers);
    model.dispose();
  });
}
