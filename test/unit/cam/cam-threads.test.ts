// The Grad-CAM wasm kernels split patches across the wasm threads (kernels/engine/cam/camThreads.ts): the maps'
// products and the mask counts must be the same bit for bit on one thread and on every thread.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { setupBackend } from './helpers';
import { camProduct } from '../../../kernels/engine/accel/cam/camProduct';
import { binaryFilterGradContracted } from '../../../kernels/engine/accel/cam/binaryFilterGrad';
import { readyCamHelpers, setCamThreads, stopCamHelpers } from '../../../kernels/engine/accel/cam/camThreads';

before(async () => {
  // The threaded backend (one thread is the default): these tests compare one thread with two.
  process.env.LUNGCAM_WASM_THREADS ??= '2';
  await setupBackend();
});
after(() => { setCamThreads(2); stopCamHelpers(); });

const mask = (shape: [number, number, number, number], seed: number) => tf.tidy(() =>
  tf.mul(tf.cast(tf.less(tf.randomUniform(shape, 0, 1, 'float32', seed), 0.45), 'float32'), tf.randomUniform([shape[0], 1, 1, shape[3]], 0.5, 2, 'float32', seed + 1)) as tf.Tensor4D);

test('Grad-CAM kernels give the same values on one thread and on two', async (t) => {
  const memory = (tf.backend() as unknown as { wasm?: { wasmMemory?: WebAssembly.Memory } }).wasm?.wasmMemory;
  if (!memory || !(memory.buffer instanceof SharedArrayBuffer)) {
    t.skip('the wasm backend runs on one thread here');
    return;
  }
  const a = tf.randomNormal([7, 50, 24], 0, 1, 'float32', 3) as tf.Tensor3D;
  const w = tf.unstack(tf.randomNormal([7, 24, 5], 0, 1, 'float32', 4), 2) as tf.Tensor2D[];
  const x = mask([7, 12, 9, 6], 5), dy = mask([7, 12, 9, 10], 7);
  const kernel = tf.randomNormal([3, 3, 6, 10], 0, 1, 'float32', 9) as tf.Tensor4D;
  const g = { kh: 3, kw: 3, padTop: 1, padLeft: 1, inH: 12, inW: 9, outH: 12, outW: 9 };
  const counts = () => {
    const r = binaryFilterGradContracted(x, dy, kernel, g)!;
    const v = r.dataSync().slice();
    r.dispose();
    return v;
  };
  setCamThreads(1);
  const one = [camProduct(a, w), counts()];
  setCamThreads(2);
  camProduct(a, w); // starts the helper
  for (let i = 0; i < 200 && readyCamHelpers() === 0; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(readyCamHelpers(), 1, 'the helper thread started');
  const two = [camProduct(a, w), counts()];
  assert.deepEqual(two[0], one[0]);
  assert.deepEqual(two[1], one[1]);
  tf.dispose([a, ...w, x, dy, kernel]);
});
