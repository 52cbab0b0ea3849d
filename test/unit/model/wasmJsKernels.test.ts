// The plain-JS wasm kernels added for Grad-CAM speed (Slice from the heap, one max-pool gradient for
// several stacked gradients) against the pure-JS cpu backend.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, withBackend } from '../../../kernels/engine/model/backend';
import { STACKED_MAX_POOL_GRAD } from '../../../kernels/engine/accel/wasmJsKernels';

tf.env().set('IS_TEST', true);

before(async () => {
  await initBackend('wasm', { quiet: true });
  assert.equal(tf.getBackend(), 'wasm');
});

const values = (shape: number[], seed: number) => tf.tidy(() => Array.from(tf.randomNormal(shape, 0, 1, 'float32', seed).dataSync()));

async function onBoth<T extends tf.Tensor>(f: () => T): Promise<{ wasm: Float32Array | Int32Array; cpu: Float32Array | Int32Array; shape: number[] }> {
  const w = f();
  const wasm = (await w.data()) as Float32Array;
  const shape = w.shape;
  w.dispose();
  const cpu = await withBackend('cpu', async () => {
    const c = f();
    const d = (await c.data()) as Float32Array;
    assert.deepEqual(c.shape, shape);
    c.dispose();
    return d;
  });
  return { wasm, cpu, shape };
}

test('slice on wasm equals cpu for contiguous, strided and every-axis-partial slices', async () => {
  const shape = [5, 6, 4, 3];
  const data = values(shape, 1);
  const cases: [number[], number[]][] = [
    [[2, 0, 0, 0], [2, -1, -1, -1]], // a block of patches (a class out of stacked gradients)
    [[0, 1, 0, 0], [5, 3, 4, 3]], // middle axis partial
    [[1, 2, 1, 1], [3, 2, 2, 1]], // every axis partial
    [[0, 0, 0, 2], [5, 6, 4, 1]], // last axis only
    [[4, 5, 3, 0], [1, 1, 1, 3]],
  ];
  for (const [begin, size] of cases) {
    const { wasm, cpu } = await onBoth(() => tf.slice(tf.tensor4d(data, shape as [number, number, number, number]), begin, size));
    assert.deepEqual(Array.from(wasm), Array.from(cpu), `slice ${begin} ${size}`);
  }
  const ints = await onBoth(() => tf.slice(tf.range(0, 60, 1, 'int32').reshape([3, 4, 5]), [1, 1, 2], [2, 2, 3]));
  assert.deepEqual(Array.from(ints.wasm), Array.from(ints.cpu));
});

for (const [n, h, w, c] of [[2, 6, 5, 3], [2, 6, 5, 8], [3, 8, 6, 4]]) {
  // Channels in fours: the wasm SIMD kernel (trainOps.wat; an odd width leaves a column with no gradient).
  test(`the stacked max-pool gradient equals cpu's MaxPoolGrad on the input tiled per stack (ties go to the first maximum), input ${[n, h, w, c]}`, async () => {
    const shape: [number, number, number, number] = [n, h, w, c];
    const x = values(shape, 3).map((v) => Math.round(v * 2) / 2); // many ties
    const stacks = 3;
    const dyShape: [number, number, number, number] = [stacks * n, Math.floor(h / 2), Math.floor(w / 2), c];
    const dy = values(dyShape, 4);
    const attrs = { filterSize: [2, 2], strides: [2, 2], pad: 'valid', dimRoundingMode: undefined } as unknown as tf.NamedAttrMap;
    const run = (name: string, input: tf.Tensor, withOutput: boolean) => Array.from((tf.engine().runKernel(name,
      { dy: tf.tensor4d(dy, dyShape), input, ...(withOutput ? { output: tf.maxPool(input as tf.Tensor4D, 2, 2, 'valid') } : {}) } as unknown as tf.NamedTensorMap, attrs) as tf.Tensor).dataSync());
    const stacked = tf.tidy(() => run(STACKED_MAX_POOL_GRAD, tf.tensor4d(x, shape), false));
    const cpu = await withBackend('cpu', () => tf.tidy(() => run('MaxPoolGrad', tf.tile(tf.tensor4d(x, shape), [stacks, 1, 1, 1]), true)));
    assert.equal(stacked.length, stacks * n * h * w * c);
    assert.deepEqual(stacked, cpu);
    {
      // The plain MaxPoolGrad kernel (training) gives the first stack's gradient.
      const single = tf.tidy(() => {
        const input = tf.tensor4d(x, shape);
        return Array.from((tf.engine().runKernel('MaxPoolGrad', { dy: tf.tensor4d(dy.slice(0, n * dyShape[1] * dyShape[2] * c), [n, dyShape[1], dyShape[2], c]),
          input, output: tf.maxPool(input, 2, 2, 'valid') } as unknown as tf.NamedTensorMap, attrs) as tf.Tensor).dataSync());
      });
      assert.deepEqual(single, cpu.slice(0, n * h * w * c));
    }
  });
}

test('per-channel sums and means over many rows (the bias gradient) on wasm match cpu', async () => {
  for (const shape of [[4, 37, 20, 8], [3, 5, 2, 12], [1, 1, 1, 4]]) {
    const data = values(shape, 7).map((v) => v + 3); // an offset: long sums lose precision if kept in f32
    for (const keepDims of [false, true]) {
      const r = await onBoth(() => tf.tidy(() => tf.concat([tf.sum(tf.tensor(data, shape), [0, 1, 2], keepDims).reshape([-1]), tf.mean(tf.tensor(data, shape), [0, 1, 2], keepDims).reshape([-1])])));
      // Exact reference in f64.
      const C = shape[3], rows = data.length / C;
      const exact = Array.from({ length: C }, (_, c) => { let t = 0; for (let i = c; i < data.length; i += C) t += data[i]; return t; });
      exact.forEach((t, c) => {
        assert.ok(Math.abs(r.wasm[c] - t) <= 1e-6 * Math.abs(t) + 1e-6, `sum ${shape} channel ${c}: ${r.wasm[c]} vs ${t}`);
        assert.ok(Math.abs(r.wasm[C + c] - t / rows) <= 1e-6 * Math.abs(t / rows) + 1e-7, `mean ${shape} channel ${c}`);
        assert.ok(Math.abs(r.wasm[c] - r.cpu[c]) <= 1e-4 * Math.abs(t) + 1e-5, 'close to cpu');
      });
    }
  }
});

test('clone (Identity) shares the buffer yet each tensor disposes independently; a cloned variable keeps its value after assign', () => {
  const before = tf.memory();
  const a = tf.tensor1d([1, 2, 3]);
  const b = tf.clone(a);
  a.dispose();
  assert.deepEqual(Array.from(b.dataSync()), [1, 2, 3]);
  b.dispose();
  const init = tf.tensor1d([4, 5]);
  const v = tf.variable(init);
  const snapshot = v.clone();
  const next = tf.tensor1d([6, 7]);
  v.assign(next);
  tf.dispose([init, next]);
  assert.deepEqual(Array.from(snapshot.dataSync()), [4, 5]);
  assert.deepEqual(Array.from(v.dataSync()), [6, 7]);
  tf.dispose([v, snapshot]);
  assert.equal(tf.memory().numTensors, before.numTensors);
  assert.equal(tf.memory().numBytes, before.numBytes);
});

test('a cast to the same dtype shares the buffer and disposes independently; a cast to int32 converts', () => {
  const before = tf.memory();
  const a = tf.tensor1d([1.5, -2, 0]);
  const same = tf.cast(a, 'float32');
  const ints = tf.cast(a, 'int32');
  a.dispose();
  assert.deepEqual(Array.from(same.dataSync()), [1.5, -2, 0]);
  assert.deepEqual(Array.from(ints.dataSync()), [1, -2, 0]);
  assert.equal(ints.dtype, 'int32');
  // The ReLU gradient's cast(step(x)) path: values as on cpu.
  const x = tf.tensor1d([-1, 0.5, 2]);
  const g = tf.grad((t: tf.Tensor) => tf.relu(t).sum())(x);
  assert.deepEqual(Array.from(g.dataSync()), [0, 1, 1]);
  tf.dispose([same, ints, x, g]);
  assert.equal(tf.memory().numTensors, before.numTensors);
  assert.equal(tf.memory().numBytes, before.numBytes);
});
