// Each CAM method on a network small enough to do by hand (see handModel in helpers.ts):
// A¹ = x = [1, 2, 3, 4], A² = relu(3 − x) = [2, 1, 0, 0] (positions p0..p3, row-major 2×2),
// class 0 gradients G¹ = [1, 0, −1, 2], G² = [−0.5, 0.5, 0, −1]. ΣA¹ = 10, ΣA² = 3.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gradCam } from '../../../kernels/engine/cam/cam';
import { HAND_X, assertClose, handModel, setupBackend } from './helpers';

async function rawMap(method: string, extra: Record<string, unknown> = {}, classIndex = 0) {
  const r = await gradCam(handModel(), HAND_X, { method, classes: [classIndex], ...extra });
  return r.maps[0];
}

describe('CAM methods on a hand-computable network (class 0)', () => {
  before(setupBackend);

  it('gradcam: w = mean G = (0.5, −0.25); map = 0.5·A¹ − 0.25·A² = [0, 0.75, 1.5, 2]', async () => {
    const m = await rawMap('gradcam');
    assertClose(m.raw, [0, 0.75, 1.5, 2], 1e-5, 'raw');
    // normalised: (x − 0)/(2 − 0 + 1e-7)
    assertClose(m.normalised, [0, 0.375, 0.75, 1], 1e-5, 'normalised');
  });

  it('gradcam, class 1: w = (0.25, 0.25); map = 0.25·([1,2,3,4] + [2,1,0,0]) = [0.75, 0.75, 0.75, 1]', async () => {
    const m = await rawMap('gradcam', {}, 1);
    assertClose(m.raw, [0.75, 0.75, 0.75, 1], 1e-5, 'raw');
  });

  it('gradcam++: α = g²/(2g² + ΣA·g³ + 1e-6); w¹ = 1·1/12 + 2·4/88 = 23/132, w² = 0.5·(0.25/0.875) = 1/7', async () => {
    const m = await rawMap('gradcam++');
    const w1 = 23 / 132;
    const w2 = 1 / 7;
    assertClose(m.raw, [w1 * 1 + w2 * 2, w1 * 2 + w2 * 1, w1 * 3, w1 * 4], 1e-5, 'raw');
  });

  it('xgradcam: w = ΣG·A/ΣA = (6/10, −0.5/3); map = [0.2667, 1.0333, 1.8, 2.4]', async () => {
    const m = await rawMap('xgradcam');
    assertClose(m.raw, [0.6 - 2 / 6, 1.2 - 1 / 6, 1.8, 2.4], 1e-5, 'raw');
  });

  it('hirescam: Σ_k G⊙A = [1−1, 0+0.5, −3+0, 8+0] → relu [0, 0.5, 0, 8]', async () => {
    const m = await rawMap('hirescam');
    assertClose(m.raw, [0, 0.5, 0, 8], 1e-5, 'raw');
  });

  it('layercam: Σ_k relu(G)⊙A = [1+0, 0+0.5, 0, 8] = [1, 0.5, 0, 8] (differs from hirescam at p0)', async () => {
    const m = await rawMap('layercam');
    assertClose(m.raw, [1, 0.5, 0, 8], 1e-5, 'raw');
  });

  it('eigencam: first PC of centred [A¹ A²] rows; sign agrees with Grad-CAM', async () => {
    // Rows (A¹, A²): (1,2) (2,1) (3,0) (4,0); mean (2.5, 0.75); centred Xc = (−1.5,1.25) (−0.5,0.25) (0.5,−0.75) (1.5,−0.75).
    // XcᵀXc = [[5, −3.5], [−3.5, 2.75]]; λ₁ = (7.75 + √54.0625)/2 = 7.551360; v ∝ (1, −(λ₁−5)/3.5) = (1, −0.728960),
    // unit v = (0.808087, −0.589066); projection Xc·v = [−1.948464, −0.551310, 0.845843, 1.653931].
    // Grad-CAM map [0, 0.75, 1.5, 2] rises with it, so the sign stays; relu → [0, 0, 0.845843, 1.653931].
    const m = await rawMap('eigencam');
    assertClose(m.raw, [0, 0, 0.845843, 1.653931], 1e-4, 'raw');
    assertClose(m.normalised, [0, 0, 0.845843 / 1.653931, 1], 1e-4, 'normalised');
  });

  it('scorecam (baseline 0 as pytorch-grad-cam): softmax of masked-input logits weights the channels', async () => {
    // masks: (A¹ − 1)/3 = [0, 1/3, 2/3, 1]; A²/2 = [1, 0.5, 0, 0]. masked x: [0, 2/3, 2, 4] and [1, 1, 0, 0].
    // logit0([0,2/3,2,4]): A¹ = same, A² = [3, 7/3, 1, 0] → (0 + 0 − 2 + 8) + (−1.5 + 7/6 + 0 + 0) = 17/3.
    // logit0([1,1,0,0]):   A¹ = same, A² = [2, 2, 3, 3] → (1 + 0 + 0 + 0) + (−1 + 1 + 0 − 3) = −2.
    // w = softmax(17/3, −2) = (1/(1+e^(−23/3)), e^(−23/3)/(1+e^(−23/3))).
    const m = await rawMap('scorecam', { scoreCamBaseline: 0 });
    const e = Math.exp(-23 / 3);
    const w1 = 1 / (1 + e);
    const w2 = e / (1 + e);
    assertClose(m.raw, [w1 + 2 * w2, 2 * w1 + w2, 3 * w1, 4 * w1], 1e-4, 'raw');
  });

  it('every method gives finite values in 0..1 after normalisation', async () => {
    for (const method of ['gradcam', 'gradcam++', 'xgradcam', 'hirescam', 'layercam', 'eigencam', 'scorecam']) {
      const r = await gradCam(handModel(), HAND_X, { method });
      for (const m of r.maps) {
        for (const v of m.normalised) assert.ok(Number.isFinite(v) && v >= 0 && v <= 1, `${method}: ${v}`);
      }
    }
  });
});
