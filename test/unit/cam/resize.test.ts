// resizeMaps (plain JS) must give tf.image.resizeBilinear's half-pixel-centre values, which the rest of the
// pipeline and the PyTorch comparison were checked against, for up- and down-sampling and odd sizes.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from './helpers';
import { resizeMaps } from '../../../kernels/shared/view/maps';

before(setupBackend);

for (const [h, w, outH, outW] of [[24, 16, 96, 64], [48, 32, 96, 64], [7, 5, 96, 30], [1, 3, 4, 4], [96, 64, 24, 17]]) {
  test(`resizeMaps ${h}×${w} → ${outH}×${outW} equals tf.image.resizeBilinear (half-pixel centres)`, () => {
    const count = 3;
    const t = tf.randomUniform([count * h * w], 0, 1, 'float32', h * 100 + w);
    const maps = t.dataSync() as Float32Array;
    t.dispose();
    const want = tf.tidy(() => tf.image.resizeBilinear(tf.tensor4d(maps, [count, h, w, 1]), [outH, outW], false, true));
    const expected = want.dataSync();
    want.dispose();
    const got = resizeMaps(maps, count, h, w, outH, outW);
    assert.equal(got.length, expected.length);
    const worst = got.reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i])), 0);
    assert.ok(worst <= 1e-5, `max difference ${worst}`); // float32 arithmetic in wasm vs float64 here: noise only
  });
}
