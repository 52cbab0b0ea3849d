// The fast wasm training kernels against the pure-JS cpu backend and against finite differences.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, withBackend } from '../../../kernels/engine/model/backend';

tf.env().set('IS_TEST', true); // silences tfjs's "install tfjs-node" banner when the cpu backend starts

before(async () => {
  // The threaded backend (one thread is the default): these tests compare one thread with two.
  process.env.LUNGCAM_WASM_THREADS ??= '2';
  await initBackend('wasm', { quiet: true });
  assert.equal(tf.getBackend(), 'wasm');
});

type Pad = 'same' | 'valid';

/** Gradients of sum(conv(x, w)²)/2 w.r.t. x and w on the current backend. */
async function convGrads(x: number[], xs: number[], w: number[], ws: number[], stride: number, pad: Pad) {
  const xt = tf.tensor4d(x, xs as [number, number, number, number]);
  const wt = tf.tensor4d(w, ws as [number, number, number, number]);
  const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad).square().sum().div(2);
  const [gx, gw] = tf.grads(f)([xt, wt]);
  const out = { dx: Array.from(await gx.data()), dw: Array.from(await gw.data()) };
  tf.dispose([xt, wt, gx, gw]);
  return out;
}

function seeded(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648 - 0.5;
  });
}

function maxRelDiff(a: number[], b: number[]): number {
  const scale = Math.max(1e-6, ...b.map(Math.abs));
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]))) / scale;
}

const cases: Array<[number[], number[], number, Pad]> = [
  [[2, 9, 8, 3], [3, 3, 3, 5], 1, 'same'], // what the model uses
  [[2, 7, 6, 1], [3, 3, 1, 4], 1, 'same'], // first layer: one input channel
  [[1, 6, 7, 2], [3, 3, 2, 3], 1, 'valid'],
  [[1, 8, 8, 2], [5, 5, 2, 2], 1, 'same'],
  [[2, 8, 7, 3], [3, 3, 3, 4], 2, 'same'], // dW by dilation; dX falls back to the built-in kernel
  [[1, 9, 7, 2], [3, 2, 2, 3], 2, 'valid'],
  // Channels in fours and eights: dW by the wasm SIMD kernel (convFilterGrad.wat), rows in several blocks.
  [[3, 11, 9, 8], [3, 3, 8, 16], 1, 'same'],
  [[2, 7, 6, 4], [3, 3, 4, 8], 1, 'valid'],
  [[1, 6, 9, 4], [5, 3, 4, 24], 1, 'same'],
  [[2, 70, 5, 4], [3, 3, 4, 8], 1, 'same'],
  // Few input channels: taps become channels (im2col), then the same kernel.
  [[2, 9, 7, 1], [3, 3, 1, 8], 1, 'same'],
  [[1, 8, 7, 3], [3, 3, 3, 16], 1, 'valid'],
  [[2, 6, 6, 2], [2, 3, 2, 8], 1, 'same'],
];

for (const [xs, ws, stride, pad] of cases) {
  test(`conv gradients on wasm match cpu: x ${xs}, filter ${ws}, stride ${stride}, ${pad}`, async () => {
    const x = seeded(xs.reduce((a, b) => a * b), 3);
    const w = seeded(ws.reduce((a, b) => a * b), 7);
    const wasm = await convGrads(x, xs, w, ws, stride, pad);
    const cpu = await withBackend('cpu', () => convGrads(x, xs, w, ws, stride, pad));
    assert.equal(wasm.dx.length, x.length);
    assert.equal(wasm.dw.length, w.length);
    assert.ok(maxRelDiff(wasm.dx, cpu.dx) < 1e-5, `dx differs: ${maxRelDiff(wasm.dx, cpu.dx)}`);
    assert.ok(maxRelDiff(wasm.dw, cpu.dw) < 1e-5, `dw differs: ${maxRelDiff(wasm.dw, cpu.dw)}`);
  });
}

test('conv filter and input gradients on wasm match central finite differences', async () => {
  const xs = [2, 6, 5, 2], ws = [3, 3, 2, 3];
  const x = seeded(xs.reduce((a, b) => a * b), 11);
  const w = seeded(ws.reduce((a, b) => a * b), 13);
  const { dx, dw } = await convGrads(x, xs, w, ws, 1, 'same');
  // The loss is quadratic in each argument, so central differences are exact up to rounding.
  const loss = (xv: number[], wv: number[]) => tf.tidy(() =>
    tf.conv2d(tf.tensor4d(xv, xs as [number, number, number, number]), tf.tensor4d(wv, ws as [number, number, number, number]), 1, 'same')
      .square().sum().div(2).dataSync()[0]);
  const eps = 1e-2;
  for (const i of [0, 7, 20, 53]) {
    const wp = w.slice(); wp[i] += eps;
    const wm = w.slice(); wm[i] -= eps;
    const fd = (loss(x, wp) - loss(x, wm)) / (2 * eps);
    assert.ok(Math.abs(fd - dw[i]) < 2e-3 * Math.max(1, Math.abs(fd)), `dW[${i}] ${dw[i]} vs finite difference ${fd}`);
  }
  for (const i of [0, 13, 31, 59]) {
    const xp = x.slice(); xp[i] += eps;
    const xm = x.slice(); xm[i] -= eps;
    const fd = (loss(xp, w) - loss(xm, w)) / (2 * eps);
    assert.ok(Math.abs(fd - dx[i]) < 2e-3 * Math.max(1, Math.abs(fd)), `dX[${i}] ${dx[i]} vs finite difference ${fd}`);
  }
});

test('the other kernels of a training step (max-pool, tile, per-channel sum/mean, batch norm) match cpu', async () => {
  const step = async () => {
    const x = tf.tensor4d(seeded(2 * 8 * 6 * 3, 5), [2, 8, 6, 3]);
    // Repeated values test the tie rule of the max-pool gradient (first maximum wins, as on cpu).
    const xq = tf.round(x.mul(4)).div(4);
    const scale = tf.tensor1d([0.5, 2, -1]);
    const f = (a: tf.Tensor, s: tf.Tensor) => {
      const pooled = tf.maxPool(a as tf.Tensor4D, 2, 2, 'same');
      const { mean, variance } = tf.moments(pooled, [0, 1, 2]);
      const normed = tf.batchNorm(pooled, mean, variance, tf.zeros([3]), s as tf.Tensor1D, 1e-3);
      // A random readout (a plain sum of batch-normalised values has zero gradient).
      const readout = tf.tensor4d(seeded(2 * 4 * 3 * 3, 9), [2, 4, 3, 3]);
      return normed.mul(readout).mul(tf.tile(tf.reshape(s, [1, 1, 1, 3]), [2, 4, 3, 1])).sum();
    };
    const [ga, gs] = tf.grads(f)([xq, scale]);
    const tiled = tf.tile(tf.tensor3d(seeded(6, 2), [1, 2, 3]), [3, 2, 2]);
    const sums = tf.sum(x, [0, 1, 2]);
    const means = tf.mean(x, [0, 1, 2], true);
    const out = [ga, gs, tiled, sums, means].map((t) => Array.from(t.dataSync()));
    tf.dispose([x, xq, scale, ga, gs, tiled, sums, means]);
    return out;
  };
  const wasm = await step();
  const cpu = await withBackend('cpu', step);
  wasm.forEach((values, i) => assert.ok(maxRelDiff(values, cpu[i]) < 1e-5, `result ${i} differs: ${maxRelDiff(values, cpu[i])}`));
});

test('unsupported convolution settings give a clear error instead of a wrong gradient', async () => {
  const x = tf.ones([1, 6, 6, 2]) as tf.Tensor4D;
  const w = tf.ones([3, 3, 2, 2]) as tf.Tensor4D;
  assert.throws(() => tf.grad((a: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, w, 1, 'same', 'NHWC', 2).sum())(x), /dilations/);
  tf.dispose([x, w]);
});

test('the filter gradient is the same bit for bit on one thread and on every thread (helpers share the wasm heap)', async () => {
  const { setKernelThreads: setFilterGradThreads, readyKernelHelpers: readyFilterGradHelpers } = await import('../../../kernels/engine/accel/conv/kernelThreads');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const threads = wasm.getThreadsCount();
  const x = tf.tensor4d(seeded(4 * 12 * 10 * 8, 21), [4, 12, 10, 8]);
  const dy = tf.tensor4d(seeded(4 * 12 * 10 * 32, 23), [4, 12, 10, 32]);
  const dW = () => {
    const g = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 8, 32] } as never) as tf.Tensor;
    const v = g.dataSync().slice();
    g.dispose();
    return v;
  };
  try {
    setFilterGradThreads(1);
    const one = dW();
    setFilterGradThreads(threads);
    dW(); // starts the helpers
    for (let i = 0; i < 100 && readyFilterGradHelpers() < threads - 1; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(readyFilterGradHelpers(), threads - 1, 'every helper thread started');
    const all = dW();
    assert.deepEqual(Array.from(all), Array.from(one));
    const cpu = await withBackend('cpu', () => {
      const g = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 8, 32] } as never) as tf.Tensor;
      const v = Array.from(g.dataSync());
      g.dispose();
      return v;
    });
    assert.ok(maxRelDiff(Array.from(all), cpu) < 1e-5);
  } finally {
    setFilterGradThreads(threads);
    tf.dispose([x, dy]);
  }
});

test('forward convolutions (plain, bias, bias + ReLU; one or many input channels) on wasm match cpu', async () => {
  const shapes: Array<[number[], number[], Pad]> = [
    [[2, 10, 9, 8], [3, 3, 8, 16], 'same'], // the wasm SIMD kernel (last pixel tile overlaps)
    [[3, 12, 8, 1], [3, 3, 1, 8], 'same'], // one input channel (the first layer)
    [[1, 9, 10, 5], [2, 3, 5, 8], 'valid'], // no padding copy
    [[1, 6, 5, 4], [3, 3, 4, 8], 'valid'], // 3 output columns: the built-in kernel
    [[1, 6, 6, 4], [3, 3, 4, 6], 'same'], // 6 output channels: the built-in kernel
  ];
  for (const [xs, ws, pad] of shapes) {
    const run = () => tf.tidy(() => {
      const x = tf.tensor4d(seeded(xs.reduce((a, b) => a * b), 31), xs as [number, number, number, number]);
      const w = tf.tensor4d(seeded(ws.reduce((a, b) => a * b), 37), ws as [number, number, number, number]);
      const bias = tf.tensor1d(seeded(ws[3], 41));
      return [
        tf.conv2d(x, w, 1, pad),
        tf.fused.conv2d({ x, filter: w, strides: 1, pad, bias }),
        tf.fused.conv2d({ x, filter: w, strides: 1, pad, bias, activation: 'relu' }),
      ].map((t) => Array.from(t.dataSync()));
    });
    const wasm = run();
    const cpu = await withBackend('cpu', run);
    wasm.forEach((v, i) => assert.ok(maxRelDiff(v, cpu[i]) < 1e-5, `x ${xs}, filter ${ws}, output ${i} differs: ${maxRelDiff(v, cpu[i])}`));
    assert.ok(wasm[2].some((v) => v === 0) && wasm[2].some((v) => v > 0), 'ReLU applied');
  }
});
