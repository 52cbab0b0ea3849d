// Small models for the CAM tests: built here so the arithmetic can be done by hand.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../kernels/engine/model/backend';
import { gradCam, layerGradients } from '../../../kernels/engine/cam/cam';
import { forwardWithActivations } from '../../../kernels/engine/cam/graph';
import { activationLayerFor } from '../../../kernels/engine/cam/layers';

export async function setupBackend(): Promise<void> {
  await initBackend('wasm', { quiet: true });
}

/**
 * The hand-computable network: input [2 time, 2 band, 1], conv `a` 1×1 with kernel [1, −1], bias [0, 3],
 * ReLU, so A¹ = x and A² = relu(3 − x); flatten; dense `logits` (no bias) whose weights ARE the gradients
 * dlogit/dA. Positions row-major p0=(0,0) p1=(0,1) p2=(1,0) p3=(1,1).
 * Class 0: G¹ = [1, 0, −1, 2], G² = [−0.5, 0.5, 0, −1]. Class 1: G¹ = [0, 1, 0, 0], G² = [0, 0, 1, 0].
 */
export const HAND_G = {
  class0: { g1: [1, 0, -1, 2], g2: [-0.5, 0.5, 0, -1] },
  class1: { g1: [0, 1, 0, 0], g2: [0, 0, 1, 0] },
};

export function handModel(): tf.LayersModel {
  const input = tf.input({ shape: [2, 2, 1] });
  const conv = tf.layers.conv2d({ name: 'a', filters: 2, kernelSize: 1, activation: 'relu' });
  const flat = tf.layers.flatten({ name: 'flat' });
  const dense = tf.layers.dense({ name: 'logits', units: 2, useBias: false });
  const out = dense.apply(flat.apply(conv.apply(input))) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  conv.setWeights([tf.tensor4d([1, -1], [1, 1, 1, 2]), tf.tensor1d([0, 3])]);
  // Flatten order (NHWC): p0k1, p0k2, p1k1, p1k2, p2k1, p2k2, p3k1, p3k2.
  const kernel: number[] = [];
  for (let p = 0; p < 4; p++) {
    kernel.push(HAND_G.class0.g1[p], HAND_G.class1.g1[p]);
    kernel.push(HAND_G.class0.g2[p], HAND_G.class1.g2[p]);
  }
  dense.setWeights([tf.tensor2d(kernel, [8, 2])]);
  return model;
}

/** x = [[1, 2], [3, 4]] (time × band). */
export const HAND_X = { data: new Float32Array([1, 2, 3, 4]), count: 1, frames: 2, bands: 2 };

/** conv → (bn) → relu blocks, GAP, dense: a small LungCAM-like net with random (seeded) weights. */
export function smallNet(opts: { frames?: number; bands?: number; classes?: number; seed?: number; tanhHead?: boolean } = {}): tf.LayersModel {
  const frames = opts.frames ?? 16;
  const bands = opts.bands ?? 8;
  let seed = opts.seed ?? 3;
  const init = () => tf.initializers.glorotNormal({ seed: seed++ });
  const input = tf.input({ shape: [frames, bands, 1], name: 'logmel' });
  let x = tf.layers.conv2d({ name: 'conv1', filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: init() }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.reLU({ name: 'relu1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.maxPooling2d({ name: 'pool1', poolSize: 2 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({
    name: 'conv2', filters: 6, kernelSize: 3, padding: 'same', kernelInitializer: init(),
    activation: opts.tanhHead ? 'tanh' : 'relu',
  }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: 'gap' }).apply(x) as tf.SymbolicTensor;
  const out = tf.layers.dense({ name: 'logits', units: opts.classes ?? 3, kernelInitializer: init() }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** Deterministic pseudo-random patches. */
export function randomPatches(count: number, frames: number, bands: number, seed = 1) {
  let s = seed >>> 0;
  const data = new Float32Array(count * frames * bands).map(() => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return (s / 2 ** 32) * 4 - 4.6;
  });
  return { data, count, frames, bands };
}

export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = ''): void {
  if (actual.length !== expected.length) throw new Error(`${what}: length ${actual.length} ≠ ${expected.length}`);
  for (let i = 0; i < actual.length; i++) {
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) {
      throw new Error(`${what}[${i}]: ${actual[i]} ≠ ${expected[i]} (tol ${tol}); got [${Array.from(actual).map((v) => v.toFixed(6)).join(', ')}]`);
    }
  }
}

/** Random patches [count, 96, bands] (normal, the given mean and 1.5 spread), read out of tf. */
export function normalPatches(count: number, bands: number, seed: number, mean = 0) {
  const t = tf.randomNormal([count * 96 * bands], mean, 1.5, 'float32', seed);
  const data = t.dataSync() as Float32Array;
  t.dispose();
  return { data, count, frames: 96, bands };
}

/**
 * Grad-CAM maps the long way, relu(Σ_k mean(G)_k A^k) from the full gradients (layerGradients, checked
 * against tf.grad in exactness.test.ts): [layer][class] flat [N, h, w]. The fast paths must equal these.
 */
export function mapsFromFullGradients(model: tf.LayersModel, p: ReturnType<typeof normalPatches>, layers: string[], classes: number[]): Float32Array[][] {
  return tf.tidy(() => {
    const x = tf.tensor4d(p.data, [p.count, p.frames, p.bands, 1]);
    const acts = layers.map((l) => activationLayerFor(model, l));
    const { activations } = forwardWithActivations(model, x, acts);
    const grads = layerGradients(model, x, acts, activations, classes);
    return layers.map((_, li) => classes.map((_, j) => {
      const w = tf.mean(grads[j][li], [1, 2]);
      const [n, , , k] = activations[li].shape;
      return tf.relu(tf.sum(tf.mul(activations[li], tf.reshape(w, [n, 1, 1, k])), 3)).dataSync() as Float32Array;
    }));
  });
}

/**
 * Grad-CAM of every layer × class (the fast paths) must equal mapsFromFullGradients, leak no tensor, and
 * give non-zero maps at the earliest layer (the one the short cuts serve: all-zero maps would prove nothing).
 */
export async function assertGradCamEqualsFullGradients(model: tf.LayersModel, p: ReturnType<typeof normalPatches>, layers: string[]): Promise<void> {
  const before = tf.memory().numTensors;
  const r = await gradCam(model, p, { layers, classes: 'all' });
  assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  const expected = mapsFromFullGradients(model, p, layers, r.classIndices);
  let nonZeroEarliest = 0;
  layers.forEach((l, li) => r.classIndices.forEach((c, j) => {
    const got = r.maps.find((m) => m.layer === l && m.classIndex === c)!.raw;
    const want = expected[li][j];
    assert.equal(got.length, want.length);
    const scale = Math.max(1e-6, ...want.map(Math.abs));
    const worst = got.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i])), 0);
    assert.ok(worst <= 1e-4 * scale, `${l} class ${c}: max difference ${worst} (scale ${scale})`);
    if (li === 0 && want.some((v) => v > 0)) nonZeroEarliest++;
  }));
  assert.ok(nonZeroEarliest >= 2, `only ${nonZeroEarliest} non-zero maps for ${layers[0]}`);
}
