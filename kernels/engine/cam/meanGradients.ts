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
import { maskCorrelator, type MaskCorrelator } from '../accel/cam/binaryFilterGrad';

type Layer = tf.layers.Layer & Record<string, unknown>;

const className = (l: Layer) => l.getClassName();
const activationName = (l: Layer): string | null => {
  const a = l.activation as { getClassName?: () => string } | undefined;
  return a?.getClassName ? a.getClassName() : null;
};
const read = (v: unknown) => (v as { read(): tf.Tensor }).read();
const isRelu = (l: Layer) => className(l) === 'ReLU' && l.maxValue == null
  || (className(l) === 'Activation' && activationName(l) === 'relu');
const isIdentity = (l: Layer) => className(l) === 'Dropout' || (className(l) === 'Activation' && activationName(l) === 'linear');
const isMaxPool = (l: Layer) => className(l) === 'MaxPooling2D' && l.dataFormat === 'channelsLast';

/** A Conv2D the formulas here cover: channels last, stride 1, no dilation, linear or ReLU activation. */
function plainConv(l: Layer): boolean {
  if (className(l) !== 'Conv2D' || l.dataFormat !== 'channelsLast' || !['same', 'valid'].includes(l.padding as string)) return false;
  const [sh, sw] = l.strides as [number, number];
  const [dh, dw] = (l.dilationRate as [number, number]) ?? [1, 1];
  return sh === 1 && sw === 1 && dh === 1 && dw === 1 && ['linear', 'relu'].includes(activationName(l) ?? '');
}

/** Per-channel factor of an inference batch-norm on the gradient: γ / √(var + ε). */
function batchNormScale(l: Layer): tf.Tensor1D {
  const variance = read(l.movingVariance);
  const gamma = l.scale ? read(l.gamma) : tf.onesLike(variance);
  return tf.div(gamma, tf.sqrt(tf.add(variance, l.epsilon as number))) as tf.Tensor1D;
}

// 1 where y > 0, else 0 (one kernel; greater + cast is two and slower on wasm).
const positive = (y: tf.Tensor) => tf.step(y);

/** Output rows [lo, hi) of a stride-1 conv whose tap `t` lands inside an input of `inSize` (pad = leading padding). */
function tapRange(t: number, pad: number, outSize: number, inSize: number): [number, number] {
  return [Math.max(0, pad - t), Math.min(outSize, inSize + pad - t)];
}

interface ConvGeometry { padding: 'same' | 'valid'; kh: number; kw: number; padTop: number; padLeft: number; inH: number; inW: number; outH: number; outW: number }

function geometry(kernel: tf.Tensor4D, inShape: number[], outShape: number[], padding: string): ConvGeometry {
  const [kh, kw, ci] = kernel.shape;
  const info = tf.backend_util.computeConv2DInfo([1, inShape[1], inShape[2], ci], kernel.shape, 1, 1, padding as 'same' | 'valid', undefined, false, 'channelsLast');
  return { padding: padding as 'same' | 'valid', kh, kw, padTop: info.padInfo.top, padLeft: info.padInfo.left, inH: inShape[1], inW: inShape[2], outH: outShape[1], outW: outShape[2] };
}

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

/** Max-pool gradient routing of a class-independent map (each window's gradient to its maximum). */
function maxPoolRoute(l: Layer, dy: tf.Tensor, x: tf.Tensor, y: tf.Tensor): tf.Tensor4D {
  const attrs = {
    filterSize: l.poolSize as [number, number], strides: l.strides as [number, number], pad: l.padding as string, dimRoundingMode: undefined,
  } as unknown as tf.NamedAttrMap;
  return tf.engine().runKernel('MaxPoolGrad', { dy, input: x, output: y } as unknown as tf.NamedTensorMap, attrs) as tf.Tensor4D;
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

/**
 * Pᵀ between conv B's output (positions q) and conv A's input (positions r): the ReLU masks and batch-norm
 * factors before the pool, and the pool's routing (each window's maximum). d(q-rectangle) gives them on a
 * rectangle of q made of whole windows: [N, rows, cols, C]; phiAll() gives Φ = Pᵀ(1) on every r.
 * Null for layers between B and A other than those, one non-overlapping max-pool, and dropout.
 */
interface Routing {
  pool: [number, number];
  d(r0: number, r1: number, c0: number, c1: number): tf.Tensor4D;
  phiAll(): tf.Tensor4D;
}

function routingWeights(
  convB: Layer, mid: Layer[], inputOf: (l: Layer) => tf.Tensor, outputOf: (l: Layer) => tf.Tensor,
): Routing | null {
  const masks: tf.Tensor4D[] = [];
  let scale: tf.Tensor | null = null;
  let poolLayer: Layer | null = null;
  if (activationName(convB) === 'relu') masks.push(outputOf(convB) as tf.Tensor4D);
  for (const l of mid) {
    if (isIdentity(l)) continue;
    if (poolLayer) return null;
    if (isRelu(l)) masks.push(outputOf(l) as tf.Tensor4D);
    else if (className(l) === 'BatchNormalization' && (l.axis === -1 || l.axis === 3)) scale = scale ? tf.mul(scale, batchNormScale(l)) : batchNormScale(l);
    else if (isMaxPool(l)) {
      const size = l.poolSize as [number, number];
      const strides = l.strides as [number, number];
      if (size[0] !== strides[0] || size[1] !== strides[1] || l.padding !== 'valid') return null;
      poolLayer = l;
    } else return null;
  }
  const pool = (poolLayer?.poolSize as [number, number] | undefined) ?? [1, 1];
  const [ph, pw] = pool;
  // One slice per tensor and rectangle (a ReLU's output is often the pool's input too).
  const slices = new Map<string, tf.Tensor>();
  const rect = (t: tf.Tensor, r0: number, r1: number, c0: number, c1: number) => {
    const key = `${t.id}:${r0}:${r1}:${c0}:${c1}`;
    let s = slices.get(key);
    if (!s) slices.set(key, s = tf.slice(t, [0, r0, c0, 0], [-1, r1 - r0, c1 - c0, -1]));
    return s;
  };
  const scaled = (t: tf.Tensor) => (scale ? tf.mul(t, scale) : t) as tf.Tensor4D;
  const d = (r0: number, r1: number, c0: number, c1: number) => {
    let out: tf.Tensor | null = null;
    for (const m of masks) {
      const step = tf.step(rect(m, r0, r1, c0, c1));
      out = out ? tf.mul(out, step) : step;
    }
    if (poolLayer) {
      const y = rect(outputOf(poolLayer), r0 / ph, r1 / ph, c0 / pw, c1 / pw);
      const marks = maxPoolRoute(poolLayer, tf.onesLike(y), rect(inputOf(poolLayer), r0, r1, c0, c1), y);
      out = out ? tf.mul(out, marks) : marks;
    }
    return scaled(out ?? tf.onesLike(rect(outputOf(convB), r0, r1, c0, c1)));
  };
  const phiAll = () => {
    const [, h, w] = outputOf(convB).shape;
    if (!poolLayer) return d(0, h, 0, w);
    const x = inputOf(poolLayer);
    const y = outputOf(poolLayer);
    // Masks of the pool's own input are 1 at a window's maximum exactly when the pool's output is positive.
    if (masks.every((m) => m === x)) return scaled(masks.length ? tf.step(y) : tf.onesLike(y));
    const [, hy, wy] = y.shape;
    return tf.mul(tf.avgPool(d(0, hy * ph, 0, wy * pw), pool, pool, 'valid'), ph * pw) as tf.Tensor4D;
  };
  return { pool, d, phiAll };
}

/** Σ_tap M[tap, ci, co] · K_A[tap, ci, co] per patch, [N·Ci·Co], M being A's filter gradient for input Φ and output gradient q. */
function floatFilterGradContracted(phiAll: tf.Tensor4D, q: tf.Tensor4D, kernelA: tf.Tensor4D, geoA: ConvGeometry): tf.Tensor1D {
  const [n] = q.shape;
  const [kh, kw, ci, co] = kernelA.shape;
  const tapsA = kh * kw;
  const perPatch = Array.from({ length: n }, (_, p) => tf.reshape(tf.engine().runKernel('Conv2DBackpropFilter', {
    x: tf.slice(phiAll, [p, 0, 0, 0], [1, -1, -1, -1]), dy: tf.slice(q, [p, 0, 0, 0], [1, -1, -1, -1]),
  } as unknown as tf.NamedTensorMap, {
    strides: [1, 1], pad: geoA.padding, dataFormat: 'NHWC', dimRoundingMode: undefined, dilations: [1, 1], filterShape: kernelA.shape,
  } as unknown as tf.NamedAttrMap) as tf.Tensor, [tapsA, 1, ci * co]));
  const m = tf.concat(perPatch, 1); // [tapsA, N, Ci·Co]
  // Σ over taps as a rank-2 leading-axis sum (the fast per-column reduction on wasm).
  return tf.sum(tf.reshape(tf.mul(m, tf.reshape(kernelA, [tapsA, 1, ci * co])), [tapsA, n * ci * co]), 0) as tf.Tensor1D;
}

/** folded[out + co·ciB + cib] += c · K_B[tap, cib, co] for one tap's block (tapBase) of K_B [taps, Ci_B, Co_B]. */
function foldTap(folded: Float32Array, kernel: Float32Array, c: number, out: number, tapBase: number, coB: number, ciB: number): void {
  for (let cib = 0; cib < ciB; cib++) {
    for (let co = 0, k = tapBase + cib * coB; co < coB; co++, k++) folded[out + co * ciB + cib] += c * kernel[k];
  }
}

/** Runs of consecutive values in a sorted list of integers, as [start, end) pairs. */
function runs(sorted: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const v of sorted) {
    const last = out[out.length - 1];
    if (last && last[1] === v) last[1]++;
    else out.push([v, v + 1]);
  }
  return out;
}

/**
 * Σ over conv B's input positions of its input gradient, [C·N, Ci_B] (class-major), from the factored
 * gradient at conv A's output (q, v) and the routing weights between them: Σ_{tap, co} K_B[tap, ·, co] ·
 * (sum of B's output gradient over the tap's region), each region being the total less its excluded border sets.
 */
function inputGradientSumsBelow(
  convB: Layer, routing: Routing, q: tf.Tensor4D, kernelA: tf.Tensor4D, geoA: ConvGeometry,
  v: tf.Tensor2D, xA: tf.Tensor, inputOf: (l: Layer) => tf.Tensor, outputOf: (l: Layer) => tf.Tensor,
): tf.Tensor2D {
  const [ph, pw] = routing.pool;
  const [, hb, wb, ci] = outputOf(convB).shape;
  const [n, ha, wa] = xA.shape;
  const classes = v.shape[0];
  const co = q.shape[3];
  const tapsA = geoA.kh * geoA.kw;
  const kernelB = read(convB.kernel) as tf.Tensor4D;
  const geoB = geometry(kernelB, inputOf(convB).shape, outputOf(convB).shape, convB.padding as string);
  // Total over every position: M = A's filter gradient for input Φ and output gradient q, per patch.
  const phiAll = routing.phiAll();
  // Φ and Q are usually 0/1 masks times per-channel values: then the contracted filter gradient is counts.
  const correlator = maskCorrelator(q, kernelA, geoA);
  const binary = correlator?.all(phiAll) ?? null;
  const r = binary ? tf.reshape(binary, [n * ci * co]) : floatFilterGradContracted(phiAll, q, kernelA, geoA); // [N·Ci·Co]
  const total = tf.transpose(tf.reshape(tf.matMul(tf.reshape(r, [n * ci, co]), tf.transpose(v)), [n, ci, classes]), [2, 0, 1]); // [C, N, Ci]

  // Border corrections: the output rows/columns some tap of B leaves out.
  const excludedRows = Array.from({ length: geoB.kh }, (_, t) => complement(tapRange(t, geoB.padTop, geoB.outH, geoB.inH), hb));
  const excludedCols = Array.from({ length: geoB.kw }, (_, t) => complement(tapRange(t, geoB.padLeft, geoB.outW, geoB.inW), wb));
  const sets: { rows: number[] | null; cols: number[] | null }[] = [];
  const setIndex = (rows: number[] | null, cols: number[] | null) => {
    const key = (x: number[] | null) => (x ? x.join(',') : '*');
    let k = sets.findIndex((x) => key(x.rows) === key(rows) && key(x.cols) === key(cols));
    if (k < 0) k = sets.push({ rows, cols }) - 1;
    return k;
  };
  // S(tap) = total − Σ(excluded rows) − Σ(excluded cols) + Σ(both): coefficients over [total, sets…].
  const taps = geoB.kh * geoB.kw;
  const coefTerms: [number, number, number][] = []; // [term, tap, coefficient]
  for (let ti = 0; ti < geoB.kh; ti++) {
    for (let tj = 0; tj < geoB.kw; tj++) {
      const tap = ti * geoB.kw + tj;
      const er = excludedRows[ti], ec = excludedCols[tj];
      coefTerms.push([0, tap, 1]);
      if (er.length) coefTerms.push([1 + setIndex(er, null), tap, -1]);
      if (ec.length) coefTerms.push([1 + setIndex(null, ec), tap, -1]);
      if (er.length && ec.length) coefTerms.push([1 + setIndex(er, ec), tap, 1]);
    }
  }
  // Σ_tap K_B[tap] · S(tap) = (Σ_tap K_B) · total + Σ_sets (Σ_tap coef[set, tap] K_B[tap]) · Σ_set: the taps'
  // coefficients are folded into K_B, so no per-tap sums are formed.
  const ciB = kernelB.shape[2];
  // [rows·Co_B, Ci_B]: Σ_tap coefficient[row, tap] K_B[tap, ·, co], in plain JS (a few hundred thousand
  // multiply-adds; as a tfjs matMul with a fresh weight matrix it cost ≈ 0.1 ms per patch in launches).
  let kernelBValues: Float32Array | null = null;
  const foldTaps = (coefficients: Float32Array, rows: number) => {
    kernelBValues ??= kernelB.dataSync() as Float32Array;
    const folded = new Float32Array(rows * ci * ciB);
    for (let r = 0; r < rows; r++) {
      for (let t = 0; t < taps; t++) {
        const c = coefficients[r * taps + t];
        if (c !== 0) foldTap(folded, kernelBValues, c, r * ci * ciB, t * ciB * ci, ci, ciB);
      }
    }
    return tf.tensor2d(folded, [rows * ci, ciB]);
  };
  const parts: tf.Tensor[] = [tf.matMul(tf.reshape(total, [classes * n, ci]), foldTaps(new Float32Array(taps).fill(1), 1))]; // [C·N, Ci_B]
  // With Φ and Q masks, each set's border term is a count over its few rows (or columns) of bits.
  const byBits = sets.length && binary && correlator ? borderTermsByCounts(correlator, routing, sets, coefTerms, taps, foldTaps, v, n, ha, wa) : null;
  if (byBits) parts.push(byBits);
  else if (sets.length) {
    const inSet = (x: { rows: number[] | null; cols: number[] | null }, qr: number, qc: number) =>
      (!x.rows || x.rows.includes(qr)) && (!x.cols || x.cols.includes(qc));
    // Pooled rows/columns whose windows hold an excluded output row/column (q outside every window has no gradient).
    const touchedRows = [...new Set(sets.flatMap((x) => x.rows ?? []).map((qr) => Math.floor(qr / ph)).filter((rr) => rr < ha))].sort((x, y) => x - y);
    const touchedCols = [...new Set(sets.flatMap((x) => x.cols ?? []).map((qc) => Math.floor(qc / pw)).filter((rc) => rc < wa))].sort((x, y) => x - y);
    const otherRows = runs(Array.from({ length: ha }, (_, k) => k).filter((k) => !touchedRows.includes(k)));
    const rects: [number, number, number, number][] = [
      ...runs(touchedRows).map(([r0, r1]) => [r0, r1, 0, wa] as [number, number, number, number]),
      ...otherRows.flatMap(([r0, r1]) => runs(touchedCols).map(([c0, c1]) => [r0, r1, c0, c1] as [number, number, number, number])),
    ];
    const padH = geoA.kh - 1, padW = geoA.kw - 1;
    const qp = tf.pad(q, [[0, 0], [padH, padH], [padW, padW], [0, 0]]);
    // dX_c at the rectangle's r for every class at once: Q's taps times K_A ⊙ V_c, as one product. Only the
    // taps of A that read inside Q for some r of the rectangle: at an edge a third of them read padding only.
    const kvAll = tf.mul(
      tf.reshape(tf.transpose(kernelA, [0, 1, 3, 2]), [geoA.kh, geoA.kw, co, ci, 1]),
      tf.reshape(tf.transpose(v), [1, 1, co, 1, classes]),
    ); // [kh, kw, Co, Ci, C]
    const inside = (lo: number, hi: number, pad: number, size: number, k: number) => [Math.max(0, lo + pad - size + 1), Math.min(k, hi + pad)];
    const dxOf = (r0: number, r1: number, c0: number, c1: number): tf.Tensor => {
      const here = (r1 - r0) * (c1 - c0);
      const [ti0, ti1] = inside(r0, r1, geoA.padTop, geoA.outH, geoA.kh);
      const [tj0, tj1] = inside(c0, c1, geoA.padLeft, geoA.outW, geoA.kw);
      const nt = Math.max(0, ti1 - ti0) * Math.max(0, tj1 - tj0);
      if (nt === 0) return tf.zeros([n, here, ci, classes]);
      const perTap: tf.Tensor[] = [];
      for (let ti = ti0; ti < ti1; ti++) for (let tj = tj0; tj < tj1; tj++) {
        perTap.push(tf.slice(qp, [0, r0 - ti + geoA.padTop + padH, c0 - tj + geoA.padLeft + padW, 0], [-1, r1 - r0, c1 - c0, -1]));
      }
      const taps = tf.reshape(tf.stack(perTap, 3), [n * here, nt * co]);
      const kv = tf.reshape(tf.slice(kvAll, [ti0, tj0, 0, 0, 0], [ti1 - ti0, tj1 - tj0, -1, -1, -1]), [nt * co, ci * classes]);
      return tf.reshape(tf.matMul(taps, kv), [n, here, ci, classes]);
    };
    for (const [r0, r1, c0, c1] of rects) {
      const bh = r1 - r0, bw = c1 - c0;
      const here = bh * bw;
      const relevant = sets.map((_, j) => j).filter((j) => {
        for (let i = r0 * ph; i < r1 * ph; i++) for (let k = c0 * pw; k < c1 * pw; k++) if (inSet(sets[j], i, k)) return true;
        return false;
      });
      if (relevant.length === 0) continue;
      const jr = relevant.length;
      const dxRect = dxOf(r0, r1, c0, c1);
      // Φ of each relevant set on this rectangle: d masked by the set, summed over each window.
      const setMask = new Float32Array(bh * ph * bw * pw * jr);
      for (let i = 0; i < bh * ph; i++) for (let k = 0; k < bw * pw; k++) {
        relevant.forEach((j, u) => { setMask[(i * bw * pw + k) * jr + u] = inSet(sets[j], r0 * ph + i, c0 * pw + k) ? 1 : 0; });
      }
      // As one product: G[(r, set), q] = 1 when q is in r's window and in the set; Φ = G · d.
      const qs = bh * ph * bw * pw;
      const g = new Float32Array(here * jr * qs);
      for (let i = 0; i < bh * ph; i++) for (let k = 0; k < bw * pw; k++) {
        const r = Math.floor(i / ph) * bw + Math.floor(k / pw);
        for (let u = 0; u < jr; u++) g[(r * jr + u) * qs + i * bw * pw + k] = setMask[(i * bw * pw + k) * jr + u];
      }
      const dRect = tf.reshape(tf.transpose(routing.d(r0 * ph, r1 * ph, c0 * pw, c1 * pw), [1, 2, 0, 3]), [qs, n * ci]);
      const phi = tf.reshape(tf.transpose(tf.reshape(tf.matMul(tf.tensor2d(g, [here * jr, qs]), dRect), [here, jr, n, ci]), [2, 3, 1, 0]), [n * ci, jr, here]);
      // Σ_r Φ_j[r] dX_c[r] for every patch and channel: [N·Ci, J_r, C], then each tap's coefficients.
      const perSet = tf.matMul(phi, tf.reshape(tf.transpose(dxRect, [0, 2, 1, 3]), [n * ci, here, classes]));
      const coefRect = new Float32Array(jr * taps);
      for (const [term, tap, value] of coefTerms) {
        const u = relevant.indexOf(term - 1);
        if (term > 0 && u >= 0) coefRect[u * taps + tap] += value;
      }
      const bySet = tf.reshape(tf.transpose(tf.reshape(perSet, [n, ci, jr, classes]), [3, 0, 2, 1]), [classes * n, jr * ci]);
      parts.push(tf.matMul(bySet, foldTaps(coefRect, jr)));
    }
  }
  return (parts.length > 1 ? tf.addN(parts) : parts[0]) as tf.Tensor2D;
}

/**
 * Σ_sets (Σ_tap coef[set, tap] K_B[tap]) · Σ_r Φ_set[r] dX_c[r], [C·N, Ci_B], with Φ_set and Q as masks: per set
 * the contracted filter gradient of A over the set's positions only (maskCorrelator), then V_c and the taps'
 * coefficients. Null when a set's Φ is not a mask (the caller takes the rectangle products).
 */
function borderTermsByCounts(
  correlator: MaskCorrelator, routing: Routing, sets: { rows: number[] | null; cols: number[] | null }[], coefTerms: [number, number, number][],
  taps: number, foldTaps: (coefficients: Float32Array, rows: number) => tf.Tensor, v: tf.Tensor2D, n: number, ha: number, wa: number,
): tf.Tensor2D | null {
  const perSet = correlator.sets(routing.d, sets, routing.pool); // [J, N, Ci, Co]
  if (!perSet) return null;
  const [j, , ci, co] = perSet.shape;
  const classes = v.shape[0];
  // v transposed first: tfjs-wasm's matMul with transposeB is a scalar loop (≈ 10× slower here).
  const byClass = tf.matMul(tf.reshape(perSet, [j * n * ci, co]), tf.transpose(v)); // [J·N·Ci, C]
  const bySet = tf.reshape(tf.transpose(tf.reshape(byClass, [j, n, ci, classes]), [3, 1, 0, 2]), [classes * n, j * ci]);
  const coefficients = new Float32Array(j * taps);
  for (const [term, tap, value] of coefTerms) if (term > 0) coefficients[(term - 1) * taps + tap] += value;
  return tf.matMul(bySet, foldTaps(coefficients, j)) as tf.Tensor2D;
}

/** Indices in [0, size) outside [lo, hi). */
function complement([lo, hi]: [number, number], size: number): number[] {
  return Array.from({ length: size }, (_, k) => k).filter((k) => k < lo || k >= hi);
}
