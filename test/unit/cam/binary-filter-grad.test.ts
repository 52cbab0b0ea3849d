// The filter gradient of Grad-CAM's two-convs-down weights as popcounts (kernels/engine/cam/binaryFilterGrad.ts):
// for 0/1 masks times a value per patch and channel it must equal the float filter gradient contracted with
// the filter, for same and valid padding and kernels wider than the 64-bit words' carry; any other values
// must be refused (null) so the caller uses the float path.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from './helpers';
import { binaryFilterGradContracted } from '../../../kernels/engine/accel/cam/binaryFilterGrad';

before(setupBackend);

/** A 0/1 mask [n, h, w, c] (about `density` on) times a value per patch and channel. */
function scaledMask(shape: [number, number, number, number], density: number, seed: number): tf.Tensor4D {
  return tf.tidy(() => {
    const on = tf.cast(tf.less(tf.randomUniform(shape, 0, 1, 'float32', seed), density), 'float32');
    const scale = tf.randomUniform([shape[0], 1, 1, shape[3]], 0.2, 3, 'float32', seed + 1);
    return tf.mul(on, scale) as tf.Tensor4D;
  });
}

/** Σ_t K[t, ci, co] · dW[t, ci, co] per patch through tf.grad of the conv. */
function expected(x: tf.Tensor4D, dy: tf.Tensor4D, kernel: tf.Tensor4D, padding: 'same' | 'valid'): Float32Array {
  return tf.tidy(() => {
    const [kh, kw, ci, co] = kernel.shape;
    const perPatch = Array.from({ length: x.shape[0] }, (_, p) => {
      const xp = tf.slice(x, [p, 0, 0, 0], [1, -1, -1, -1]), dyp = tf.slice(dy, [p, 0, 0, 0], [1, -1, -1, -1]);
      const dw = tf.grad((w: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(xp, w as tf.Tensor4D, 1, padding), dyp)))(kernel);
      return tf.sum(tf.reshape(tf.mul(dw, kernel), [kh * kw, ci * co]), 0);
    });
    return tf.stack(perPatch).dataSync() as Float32Array;
  });
}

const cases: { name: string; n: number; h: number; w: number; ci: number; co: number; k: [number, number]; padding: 'same' | 'valid' }[] = [
  { name: 'reference-net shape (24×16, 3×3 same)', n: 3, h: 24, w: 16, ci: 64, co: 128, k: [3, 3], padding: 'same' },
  { name: 'odd map, 5×3 same', n: 2, h: 13, w: 7, ci: 5, co: 9, k: [5, 3], padding: 'same' },
  { name: 'valid 5×5 on a wide map (offsets past one 64-bit word)', n: 2, h: 9, w: 70, ci: 3, co: 4, k: [5, 5], padding: 'valid' },
];

for (const c of cases) {
  test(`popcount filter gradient equals the float one: ${c.name}`, () => {
    const [kh, kw] = c.k;
    const x = scaledMask([c.n, c.h, c.w, c.ci], 0.4, 11);
    const info = tf.backend_util.computeConv2DInfo([c.n, c.h, c.w, c.ci], [kh, kw, c.ci, c.co], 1, 1, c.padding, undefined, false, 'channelsLast');
    const dy = scaledMask([c.n, info.outHeight, info.outWidth, c.co], 0.5, 21);
    const kernel = tf.randomNormal([kh, kw, c.ci, c.co], 0, 1, 'float32', 31) as tf.Tensor4D;
    const geometry = { kh, kw, padTop: info.padInfo.top, padLeft: info.padInfo.left, inH: c.h, inW: c.w, outH: info.outHeight, outW: info.outWidth };
    const got = binaryFilterGradContracted(x, dy, kernel, geometry);
    assert.ok(got, 'masks times per-channel values take the popcount path');
    assert.deepEqual(got.shape, [c.n, c.ci, c.co]);
    const values = got.dataSync();
    const want = expected(x, dy, kernel, c.padding);
    let worst = 0, scale = 0;
    for (let i = 0; i < want.length; i++) { worst = Math.max(worst, Math.abs(values[i] - want[i])); scale = Math.max(scale, Math.abs(want[i])); }
    assert.ok(scale > 0 && worst <= 1e-5 * scale, `largest difference ${worst} (largest value ${scale})`);
    tf.dispose([x, dy, kernel, got]);
  });
}

test('maps with two different values in one channel are refused (the caller takes the float path)', () => {
  const x = scaledMask([1, 6, 6, 2], 0.5, 41);
  const dy = tf.randomUniform([1, 6, 6, 3], 0, 1, 'float32', 42) as tf.Tensor4D;
  const kernel = tf.ones([3, 3, 2, 3]) as tf.Tensor4D;
  const g = { kh: 3, kw: 3, padTop: 1, padLeft: 1, inH: 6, inW: 6, outH: 6, outW: 6 };
  assert.equal(binaryFilterGradContracted(x, dy, kernel, g), null);
  const swapped = tf.ones([3, 3, 3, 2]) as tf.Tensor4D;
  assert.equal(binaryFilterGradContracted(dy, x, swapped, g), null);
  tf.dispose([x, dy, kernel, swapped]);
});
