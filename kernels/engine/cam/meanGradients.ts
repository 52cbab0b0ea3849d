/**
 * Grad-CAM's weights, the spatial means of d logit_c / dA, for every class and chosen layer without forming
 * a gradient map per class where it can be avoided (the per-class transposed convolution was most of the
 * cost of "every layer × every class").
 *
 * Above the last conv (dense ← global average pooling ← ReLU / batch-norm / max-pool) each class's gradient
 * is one class-independent map Q times a per-class channel vector V_c: g_c = Q ⊙ V_c. A layer's weights there
 * are mean(Q) ⊙ V_c. Through that conv ("A", kernel K_A):
 *  - a layer just below it (only max-pools between, which keep gradient sums) needs Σ dX_c, which is
 *    Σ_{tap,co} K_A[tap, ·, co] V_c[co] · (sum of Q over the tap's region): tap sums of Q, once for all classes;
 *  - a layer below the next conv ("B") needs the sums of B's output gradient g_B over each of B's tap regions.
 *    g_B = P(dX_c) with P the max-pool routing and ReLU / batch-norm factors between B and A (class-free).
 *    The total Σ_q g_B[q] = Σ_r Φ[r] dX_c[r] with Φ = Pᵀ(1), and that is Σ_{tap,co} K_A V_c[co] M[tap, ·, co]
 *    with M = the filter gradient of A for input Φ and output gradient Q: one convolution per patch for all
 *    classes instead of one transposed convolution per class. Tap regions differ from the whole map only on
 *    the border rows/columns; the few positions r whose windows hold those get dX_c directly (Q's taps times
 *    K_A ⊙ V_c, one matrix product per border rectangle), and the taps' coefficients are folded into K_B.
 * On the reference net (conv 32/64/128) that is ≈ 45 M multiply-adds per patch (28 M filter gradient, 15 M
 * border) where one transposed convolution per class was ≈ 113 M, plus max-pool gradients.
 * Usually Φ and Q are 0/1 masks times one value per channel (ReLU masks, max-pool marks, batch-norm factors):
 * then M is counts, and so is each border set's term (Φ of the set's positions only): bit vectors and popcounts
 * (binaryFilterGrad.ts), ≈ 1 M popcounts per patch on the reference net; the float products above remain for
 * other maps.
 * Values equal chainGradients' to float precision (test/unit/cam/mean-gradients.test.ts). Anything outside
 * these shapes returns null and the caller uses chainGradients.
 */
import * as tf from '@tensorflow/tfjs';
import { type Layer, className, activationName, read, isRelu, isIdentity, isMaxPool, plainConv, batchNormScale, positive, tapRange, type ConvGeometry, geometry, maxPoolRoute } from './gradientLayers';
import { routingWeights, inputGradientSumsBelow, complement } from './convPairGradients';

/**
 * Σ of q [N, outH, outW, C] over each tap's output region: [N, kh·kw, C] (tap-major, row then column). Each
 * region is the whole map less a few border rows/columns: one full sum, minus those.
 */
function tapSums(q: tf.Tensor4D, g: ConvGeometry): tf.Tensor3D {
  const [, h, w] = q.shape;
  const byRow = tf.sum(q, 2); // [N, h, C]
  const sumOf = (t: tf.Tensor, axis: number, indices: number[]) =>
    indices.map((k) => tf.squeeze(tf.slice(t, axis === 1 ? [0, k, 0] : [0, 0, k, 0], axis === 1 ? [-1, 1, -1] : [-1, -1, 1, -1]), [axis]));
  const colSums = Array.from({ length: g.kw }, (_, j) => {
    const out = complement(tapRange(j, g.padLeft, g.outW, g.inW), w);
    return out.length ? tf.sub(byRow, tf.addN(sumOf(q, 2, out))) : byRow; // [N, h, C]
  });
  const perTap: tf.Tensor[] = [];
  for (let i = 0; i < g.kh; i++) {
    const out = complement(tapRange(i, g.padTop, g.outH, g.inH), h);
    for (let j = 0; j < g.kw; j++) {
      const all = tf.sum(colSums[j], 1);
      perTap.push(out.length ? tf.sub(all, tf.addN(sumOf(colSums[j], 1, out))) : all);
    }
  }
  return tf.stack(perTap, 1) as tf.Tensor3D;
}

/**
 * Σ over the conv's input positions of dX_c, [C·N, Ci] (class-major), for output gradients s_c[n, tap, co]
 * already summed per tap region: Σ_{tap, co} K[tap, ci, co] s_c[n, tap, co].
 */
function inputSumsFromTapSums(tapSumsPerClass: tf.Tensor, kernel: tf.Tensor4D): tf.Tensor2D {
  const [kh, kw, ci, co] = kernel.shape;
  const rows = tapSumsPerClass.size / (kh * kw * co);
  return tf.matMul(tf.reshape(tapSumsPerClass, [rows, kh * kw * co]), tf.reshape(tf.transpose(kernel, [0, 1, 3, 2]), [kh * kw * co, ci])) as tf.Tensor2D;
}

/** The factored gradient g_c = q ⊙ v_c; q null means the constant `scale` everywhere (after global pooling). */
interface Factored { q: tf.Tensor4D | null; scale: number; v: tf.Tensor2D; spatial: [number, number] | null }

const qOrFill = (f: Factored, shape: number[]) => f.q ?? tf.fill(shape as [number, number, number, number], f.scale) as tf.Tensor4D;

/** [C, N, K] weights of a layer whose gradient is the factored f. */
function factoredMeans(f: Factored, batch: number): tf.Tensor3D {
  const k = f.v.shape[1];
  const meanQ = f.q ? tf.mean(f.q, [1, 2]) : tf.fill([batch, k], f.scale);
  return tf.mul(tf.expandDims(meanQ, 0), tf.expandDims(f.v, 1)) as tf.Tensor3D;
}

/**
 * Grad-CAM weights [class][target] ([N, K] each) for the chain above `fromLayer` (as backward.ts's
 * supportedChain returns it), or null when the chain has another shape. Call inside tf.tidy.
 */
export function gradCamMeans(
  chain: Layer[],
  inputOf: (l: Layer) => tf.Tensor,
  outputOf: (l: Layer) => tf.Tensor,
  fromLayer: string,
  targets: string[],
  classIndices: number[],
  batch: number,
): tf.Tensor[][] | null {
  const top = chain[chain.length - 1];
  if (!top || className(top) !== 'Dense' || activationName(top) !== 'linear') return null;
  const weights = new Map<string, tf.Tensor3D>();
  const kernel = read(top.kernel) as tf.Tensor2D; // [K, classes]
  const f: Factored = {
    q: null, scale: 1, spatial: null,
    v: tf.transpose(tf.gather(kernel, tf.tensor1d(classIndices, 'int32'), 1)) as tf.Tensor2D,
  };
  let i = chain.length - 2;
  for (; i >= 0; i--) {
    const l = chain[i];
    if (targets.includes(l.name)) {
      if (!f.spatial) return null;
      weights.set(l.name, factoredMeans(f, batch));
    }
    const y = outputOf(l);
    if (isIdentity(l)) continue;
    if (className(l) === 'Flatten') {
      if (y.rank !== 2 || inputOf(l).rank !== 2) return null;
    } else if (className(l) === 'GlobalAveragePooling2D') {
      const [, h, w] = inputOf(l).shape;
      f.scale /= h * w;
      f.spatial = [h, w];
    } else if (isRelu(l)) {
      if (!f.spatial) return null;
      f.q = tf.mul(qOrFill(f, y.shape), positive(y)) as tf.Tensor4D;
    } else if (className(l) === 'BatchNormalization' && (l.axis === -1 || l.axis === 3)) {
      f.v = tf.mul(f.v, batchNormScale(l)) as tf.Tensor2D;
    } else if (isMaxPool(l)) {
      if (!f.spatial) return null;
      f.q = maxPoolRoute(l, qOrFill(f, y.shape), inputOf(l), y);
    } else if (plainConv(l)) {
      if (!f.spatial) return null;
      if (activationName(l) === 'relu') f.q = tf.mul(qOrFill(f, y.shape), positive(y)) as tf.Tensor4D;
      break;
    } else {
      return null;
    }
  }
  const remaining = [fromLayer, ...chain.slice(0, Math.max(0, i)).map((l) => l.name)].filter((n) => targets.includes(n));
  if (i < 0) {
    // No conv above fromLayer: it is the last conv block's output.
    if (!f.spatial) return null;
    weights.set(fromLayer, factoredMeans(f, batch));
  } else if (!belowConv(chain, i, inputOf, outputOf, fromLayer, remaining, f, batch, weights)) {
    return null;
  }
  if (!targets.every((t) => weights.has(t))) return null;
  return classIndices.map((_, c) => targets.map((t) => tf.squeeze(tf.slice(weights.get(t)!, [c, 0, 0], [1, -1, -1]), [0])));
}

/**
 * The targets at or below conv A = chain[a] (whose output gradient is the factored f): those reached through
 * max-pools only (tap sums of Q), and at most one below the next conv B (the filter-gradient form). False when
 * the layers below have another shape.
 */
function belowConv(
  chain: Layer[], a: number, inputOf: (l: Layer) => tf.Tensor, outputOf: (l: Layer) => tf.Tensor,
  fromLayer: string, remaining: string[], f: Factored, batch: number, weights: Map<string, tf.Tensor3D>,
): boolean {
  const convA = chain[a];
  const kernelA = read(convA.kernel) as tf.Tensor4D;
  const xA = inputOf(convA);
  const q = qOrFill(f, outputOf(convA).shape);
  const geoA = geometry(kernelA, xA.shape, q.shape, convA.padding as string);
  const classes = f.v.shape[0];
  // Σ_r dX_c[r, ci], [C·N, Ci]: tap sums of Q (class-free) times V_c, through K_A.
  const sumsA = () => inputSumsFromTapSums(tf.mul(tf.expandDims(tapSums(q, geoA), 0), tf.reshape(f.v, [classes, 1, 1, -1])), kernelA);
  // Walk down from A's input through sum-keeping layers (max-pools, dropout): every target met gets sums / area.
  const sumKeeping = (l: Layer) => isMaxPool(l) || isIdentity(l);
  let sums: tf.Tensor2D | null = null;
  let j = a - 1; // chain[j]'s output (fromLayer's when j < 0) is where the walk is
  for (;; j--) {
    const here = j >= 0 ? chain[j].name : fromLayer;
    if (remaining.includes(here) && !weights.has(here)) {
      sums ??= sumsA();
      const [, h, w] = (j >= 0 ? outputOf(chain[j]) : inputOf(chain[0])).shape;
      weights.set(here, tf.reshape(tf.div(sums, h * w), [classes, batch, -1]) as tf.Tensor3D);
    }
    if (j < 0 || !sumKeeping(chain[j])) break;
  }
  const left = remaining.filter((t) => !weights.has(t));
  if (left.length === 0) return true;
  // One target left, below conv B: it must be fromLayer, reached from B's input through sum-keeping layers only.
  if (left.length !== 1 || left[0] !== fromLayer) return false;
  let b = j; // chain[j] is the first layer below A's input that does not keep sums
  while (b >= 0 && !plainConv(chain[b])) b--;
  if (b < 0) return false;
  for (let k = b - 1; k >= 0; k--) if (!sumKeeping(chain[k])) return false;
  const mid = chain.slice(b + 1, a);
  if (mid.some((l) => remaining.includes(l.name) && !weights.has(l.name))) return false;
  const phi = routingWeights(chain[b], mid, inputOf, outputOf);
  if (!phi) return false;
  const sumsL = inputGradientSumsBelow(chain[b], phi, q, kernelA, geoA, f.v, xA, inputOf, outputOf);
  const [, h, w] = inputOf(chain[0]).shape;
  weights.set(fromLayer, tf.reshape(tf.div(sumsL, h * w), [classes, batch, -1]) as tf.Tensor3D);
  return true;
}
