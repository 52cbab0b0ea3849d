// Grad-CAM's combination ReLU(A · W) per patch (kernels/engine/cam/camProduct.ts): the wasm SIMD kernel must
// give tf.matMul's values (to float rounding) for positions not a multiple of 4, class counts not a multiple
// of 4, and several patches; negative sums must come out as 0.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from './helpers';
import { camProduct } from '../../../kernels/engine/accel/cam/camProduct';

before(setupBackend);

for (const [n, p, k, c] of [[3, 13, 5, 3], [2, 8, 32, 4], [1, 7, 1, 6], [4, 384, 128, 4]]) {
  test(`ReLU(A·W) for ${n} patches, ${p} positions, ${k} channels, ${c} classes equals tf.matMul`, () => {
    assert.equal(tf.getBackend(), 'wasm');
    const a = tf.randomNormal([n, p, k], 0, 1, 'float32', 7) as tf.Tensor3D;
    const w = tf.randomNormal([n, k, c], 0, 1, 'float32', 8) as tf.Tensor3D;
    const perClass = tf.unstack(w, 2) as tf.Tensor2D[];
    const before = tf.memory().numTensors;
    const values = camProduct(a, perClass); // [c, n, p]
    assert.equal(tf.memory().numTensors, before, 'no tensor left behind');
    assert.equal(values.length, c * n * p);
    const expected = tf.tidy(() => tf.matMul(a, w)).arraySync() as number[][][];
    let negatives = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) for (let m = 0; m < c; m++) {
      const want = Math.max(0, expected[i][j][m]);
      if (expected[i][j][m] < 0) negatives++;
      const got = values[(m * n + i) * p + j];
      assert.ok(Math.abs(got - want) <= 1e-5 * (1 + Math.abs(want)), `[${i}, ${j}, ${m}]: ${got} vs ${want}`);
    }
    assert.ok(negatives > 0, 'the check covers negative sums');
    tf.dispose([a, w, ...perClass]);
  });
}
