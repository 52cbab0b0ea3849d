// The plain-JS wasm kernels added for Grad-CAM speed (Slice from the heap, Mean/Sum over middle axes)
// against the pure-JS cpu backend, and bit for bit against the built-in wasm reduction they replace.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, withBackend } from '../../../kernels/engine/model/backend';

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

test('mean and sum over the middle axes on wasm: same as cpu, and bit for bit the built-in wasm kernel', async () => {
  const shape: [number, number, number, number] = [3, 7, 5, 6];
  const data = values(shape, 2);
  for (const keepDims of [false, true]) {
    for (const op of [tf.mean, tf.sum]) {
      const { wasm, cpu, shape: outShape } = await onBoth(() => op(tf.tensor4d(data, shape), [1, 2], keepDims));
      assert.deepEqual(outShape, keepDims ? [3, 1, 1, 6] : [3, 6]);
      wasm.forEach((v, i) => assert.ok(Math.abs(v - cpu[i]) < 1e-5, `${op.name} ${i}: ${v} vs ${cpu[i]}`));
      // The built-in kernel reduces the last axis directly: move the spatial axes last to reach it.
      const builtin = tf.tidy(() => op(tf.reshape(tf.transpose(tf.tensor4d(data, shape), [0, 3, 1, 2]), [3, 6, 35]), 2).dataSync());
      assert.deepEqual(Array.from(wasm), Array.from(builtin), `${op.name} differs from the built-in kernel`);
    }
  }
  const all = await onBoth(() => tf.sum(tf.tensor4d(data, shape)));
  assert.deepEqual(all.shape, []);
  assert.ok(Math.abs(all.wasm[0] - all.cpu[0]) < 1e-3);
  const one = await onBoth(() => tf.mean(tf.tensor3d(data.slice(0, 2 * 35 * 3), [2, 35, 3]), 1));
  one.wasm.forEach((v, i) => assert.ok(Math.abs(v - one.cpu[i]) < 1e-5));
});

test('the ReLU gradient on wasm is bit for bit tfjs\'s dy · step(x), and matches cpu', async () => {
  const x = [-2, -0, 0, 0.5, 3, -1e-30, 1e-30, NaN, 7, -7, 2, -3];
  const dy = [1, -2, 3, -4, 5, -6, 7, 8, -9, -10, NaN, 0.25];
  const grad = () => tf.grad((t: tf.Tensor) => tf.relu(t))(tf.tensor1d(x), tf.tensor1d(dy));
  const { wasm, cpu } = await onBoth(grad);
  const formula = tf.tidy(() => Array.from(tf.mul(tf.tensor1d(dy), tf.cast(tf.step(tf.tensor1d(x)), 'float32')).dataSync()));
  assert.deepEqual(Array.from(wasm), formula);
  assert.deepEqual(Array.from(wasm).map((v) => (Number.isNaN(v) ? 'NaN' : v)), Array.from(cpu).map((v) => (Number.isNaN(v) ? 'NaN' : v)));
  // Through a conv layer's training step shape: a 4-D gradient.
  const shape: [number, number, number, number] = [2, 5, 4, 3];
  const a = values(shape, 7);
  const b = values(shape, 8);
  const four = await onBoth(() => tf.grad((t: tf.Tensor) => tf.relu(t))(tf.tensor4d(a, shape), tf.tensor4d(b, shape)));
  assert.deepEqual(Array.from(four.wasm), Array.from(four.cpu));
});
