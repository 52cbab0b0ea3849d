// Winograd F(2×2, 3×3) and F(4×4, 3×3) conv kernels (winograd.wat) against the pure-JS cpu backend, the direct kernels,
// finite differences, and across wasm thread counts.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, withBackend } from '../../../kernels/engine/model/backend';
import { setWinograd, winogradApplies } from '../../../kernels/engine/accel/conv/winograd';
import { readyKernelHelpers, setKernelThreads } from '../../../kernels/engine/accel/conv/kernelThreads';

tf.env().set('IS_TEST', true);

before(async () => {
  // The threaded backend (one thread is the default): these tests compare one thread with two.
  process.env.LUNGCAM_WASM_THREADS ??= '2';
  await initBackend('wasm', { quiet: true });
  assert.equal(tf.getBackend(), 'wasm');
});

type Shape4 = [number, number, number, number];
type Pad = 'same' | 'valid';

function seeded(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  });
}

/** max |a − b| over max |b|: the error relative to the output's magnitude. */
function relError(a: Float32Array, b: Float32Array): number {
  let diff = 0, scale = 1e-30;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/** Forward (plain; bias + ReLU), dX and dW of sum(conv(x, w)²)/2 on the current backend. */
function convAll(xs: Shape4, ws: Shape4, pad: Pad): Float32Array[] {
  const outs = tf.tidy(() => {
    const x = tf.tensor4d(seeded(xs.reduce((a, b) => a * b), 3), xs);
    const w = tf.tensor4d(seeded(ws.reduce((a, b) => a * b), 7), ws);
    const bias = tf.tensor1d(seeded(ws[3], 5));
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, pad).square().sum().div(2);
    const [dx, dw] = tf.grads(f)([x, w]);
    return [tf.conv2d(x, w, 1, pad), tf.fused.conv2d({ x, filter: w, strides: 1, pad, bias, activation: 'relu' }), dx, dw];
  });
  const values = outs.map((t) => t.dataSync() as Float32Array);
  tf.dispose(outs);
  return values;
}

/** The conv's shape as the kernels see it (stride 1). */
const convShape = (xs: Shape4, ws: Shape4, pad: Pad) => {
  const same = pad === 'same';
  return { batch: xs[0], inHeight: xs[1], inWidth: xs[2], inChannels: xs[3],
    outHeight: same ? xs[1] : xs[1] - ws[0] + 1, outWidth: same ? xs[2] : xs[2] - ws[1] + 1, outChannels: ws[3],
    filterHeight: ws[0], filterWidth: ws[1], padTop: same ? (ws[0] - 1) >> 1 : 0, padLeft: same ? (ws[1] - 1) >> 1 : 0 };
};

// [x, filter, padding]: odd and even sizes (tile overhang), batch 1 and many, Ci 12 (not a multiple of 8),
// Co 8/24, and the reference net's layer 3 at a small size. Each uses Winograd forward, dX and dW.
const cases: Array<[Shape4, Shape4, Pad]> = [
  [[1, 7, 5, 8], [3, 3, 8, 16], 'same'],
  [[3, 9, 11, 12], [3, 3, 12, 24], 'same'],
  [[2, 8, 6, 16], [3, 3, 16, 8], 'same'],
  [[2, 9, 8, 8], [3, 3, 8, 16], 'valid'],
  [[1, 6, 5, 64], [3, 3, 64, 128], 'same'],
  [[1, 1, 3, 8], [3, 3, 8, 8], 'same'],
];

// Error relative to the output's magnitude, measured against cpu on these cases: F(2×2) 2e-7 – 6e-7, F(4×4)
// 1e-6 – 5e-6 (more rounding in its larger transforms), the direct kernels 2e-7 – 1e-6.
const TOLERANCE = { 2: 3e-6, 4: 2e-5 };

for (const [xs, ws, pad] of cases) {
  test(`Winograd F(2×2) and F(4×4): forward, bias + ReLU, dX and dW match cpu and the direct kernels: x ${xs}, filter ${ws}, ${pad}`, async () => {
    const s = convShape(xs, ws, pad);
    assert.ok(winogradApplies(s), 'forward and dW go through Winograd');
    assert.ok(winogradApplies({ ...s, inChannels: ws[3], outChannels: ws[2] }) || ws[2] % 8 !== 0, 'dX goes through Winograd');
    const cpu = await withBackend('cpu', async () => convAll(xs, ws, pad));
    setWinograd(false);
    const direct = convAll(xs, ws, pad);
    try {
      for (const m of [2, 4] as const) {
        setWinograd(m);
        const wino = convAll(xs, ws, pad);
        ['forward', 'bias + ReLU', 'dX', 'dW'].forEach((what, i) => {
          assert.equal(wino[i].length, cpu[i].length);
          assert.ok(relError(wino[i], cpu[i]) < TOLERANCE[m], `F(${m}×${m}) ${what}: relative error ${relError(wino[i], cpu[i])} vs cpu`);
          assert.ok(relError(wino[i], direct[i]) < TOLERANCE[m], `F(${m}×${m}) ${what}: relative error ${relError(wino[i], direct[i])} vs the direct kernel`);
        });
        assert.ok(wino[1].some((v) => v === 0) && wino[1].some((v) => v > 0), 'ReLU applied');
      }
    } finally {
      setWinograd(true);
    }
  });
}

for (const m of [2, 4] as const) test(`Winograd F(${m}×${m}) filter and input gradients match central finite differences`, () => {
  setWinograd(m);
  const xs: Shape4 = [2, 5, 7, 8], ws: Shape4 = [3, 3, 8, 8];
  assert.ok(winogradApplies(convShape(xs, ws, 'same')));
  const x = Array.from(seeded(xs.reduce((a, b) => a * b), 11));
  const w = Array.from(seeded(ws.reduce((a, b) => a * b), 13));
  const loss = (xv: number[], wv: number[]) => tf.tidy(() =>
    tf.conv2d(tf.tensor4d(xv, xs), tf.tensor4d(wv, ws), 1, 'same').square().sum().div(2).dataSync()[0]);
  const grads = tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same').square().sum().div(2))(
    [tf.tensor4d(x, xs), tf.tensor4d(w, ws)]));
  const [dx, dw] = grads.map((t) => Array.from(t.dataSync()));
  tf.dispose(grads);
  // The loss is quadratic in each argument, so central differences are exact up to rounding.
  const eps = 1e-2;
  for (const i of [0, 77, 300, 575]) {
    const wp = w.slice(); wp[i] += eps;
    const wm = w.slice(); wm[i] -= eps;
    const fd = (loss(x, wp) - loss(x, wm)) / (2 * eps);
    assert.ok(Math.abs(fd - dw[i]) < 2e-3 * Math.max(1, Math.abs(fd)), `dW[${i}] ${dw[i]} vs finite difference ${fd}`);
  }
  for (const i of [0, 61, 279, 559]) {
    const xp = x.slice(); xp[i] += eps;
    const xm = x.slice(); xm[i] -= eps;
    const fd = (loss(xp, w) - loss(xm, w)) / (2 * eps);
    assert.ok(Math.abs(fd - dx[i]) < 2e-3 * Math.max(1, Math.abs(fd)), `dX[${i}] ${dx[i]} vs finite difference ${fd}`);
  }
  setWinograd(true);
});

test('Winograd forward, dX and dW are the same bit for bit on one thread and on every thread', async () => {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const threads = wasm.getThreadsCount();
  const xs: Shape4 = [5, 13, 11, 8], ws: Shape4 = [3, 3, 8, 16];
  // Small blocks (8 tiles: 27 blocks for F(2×2), 9 for F(4×4)), so the threads split blocks and the filter
  // gradient's chunks.
  process.env.LUNGCAM_WINOGRAD_TILES = '8';
  try {
    const cpu = await withBackend('cpu', async () => convAll(xs, ws, 'same'));
    for (const m of [2, 4] as const) {
      setWinograd(m);
      setKernelThreads(1);
      const one = convAll(xs, ws, 'same');
      setKernelThreads(threads);
      convAll(xs, ws, 'same'); // starts the helpers
      for (let i = 0; i < 100 && readyKernelHelpers() < threads - 1; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal(readyKernelHelpers(), threads - 1, 'every helper thread started');
      const all = convAll(xs, ws, 'same');
      one.forEach((v, i) => assert.deepEqual(Array.from(all[i]), Array.from(v), `F(${m}×${m}) output ${i}`));
      all.forEach((v, i) => assert.ok(relError(v, cpu[i]) < TOLERANCE[m], `F(${m}×${m}) output ${i}: ${relError(v, cpu[i])}`));
    }
  } finally {
    delete process.env.LUNGCAM_WINOGRAD_TILES;
    setKernelThreads(threads);
    setWinograd(true);
  }
});

test('shapes Winograd does not take (Ci not a multiple of 4, 5×5 filter) still match cpu', async () => {
  for (const [xs, ws] of [[[2, 7, 6, 10], [3, 3, 10, 16]], [[1, 8, 8, 8], [5, 5, 8, 8]]] as Array<[Shape4, Shape4]>) {
    assert.ok(!winogradApplies(convShape(xs, ws, 'same')));
    const wasm = convAll(xs, ws, 'same');
    const cpu = await withBackend('cpu', async () => convAll(xs, ws, 'same'));
    wasm.forEach((v, i) => assert.ok(relError(v, cpu[i]) < 3e-6, `x ${xs}, filter ${ws}, output ${i}: ${relError(v, cpu[i])}`));
  }
});
