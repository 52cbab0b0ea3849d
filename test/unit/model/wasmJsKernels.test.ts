// The plain-JS wasm kernels added for Grad-CAM speed (Slice from the heap, one max-pool gradient for
// several stacked gradients) against the pure-JS cpu backend.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, withBackend } from '../../../kernels/engine/model/backend';
import { STACKED_MAX_POOL_GRAD } from '../../../kernels/engine/model/wasmJsKernels';

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

test('the stacked max-pool gradient equals cpu\'s MaxPoolGrad on the input tiled per stack (ties go to the first maximum)', async () => {
  const shape: [number, number, number, number] = [2, 6, 5, 3];
  const x = values(shape, 3).map((v) => Math.round(v * 2) / 2); // many ties
  const stacks = 3;
  const dyShape: [number, number, number, number] = [stacks * 2, 3, 2, 3];
  const dy = values(dyShape, 4);
  const attrs = { filterSize: [2, 2], strides: [2, 2], pad: 'valid', dimRoundingMode: undefined } as unknown as tf.NamedAttrMap;
  const stacked = tf.tidy(() => Array.from((tf.engine().runKernel(STACKED_MAX_POOL_GRAD,
    { dy: tf.tensor4d(dy, dyShape), input: tf.tensor4d(x, shape) } as unknown as tf.NamedTensorMap, attrs) as tf.Tensor).dataSync()));
  const cpu = await withBackend('cpu', () => tf.tidy(() => {
    const input = tf.tile(tf.tensor4d(x, shape), [stacks, 1, 1, 1]);
    const output = tf.maxPool(input as tf.Tensor4D, 2, 2, 'valid');
    return Array.from((tf.engine().runKernel('MaxPoolGrad', { dy: tf.tensor4d(dy, dyShape), input, output } as unknown as tf.NamedTensorMap, attrs) as tf.Tensor).dataSync());
  }));
  assert.equal(stacked.length, stacks * 2 * 6 * 5 * 3);
  assert.deepEqual(stacked, cpu);
});
