/**
 * The conv-pair terms of the fast Grad-CAM means (meanGradients.ts): for a target below the next conv B, the
 * routing Pᵀ between B and A, and the sums of B's output gradient over B's tap regions — one filter-gradient
 * convolution for all classes plus the border rows and columns, by counts where the maps are masks.
 */
import * as tf from '@tensorflow/tfjs';
import { maskCorrelator, type MaskCorrelator } from '../accel';
import { type Layer, className, activationName, read, isRelu, isIdentity, isMaxPool, batchNormScale, tapRange, type ConvGeometry, geometry, maxPoolRoute } from './gradientLayers';

/**
 * Pᵀ between conv B's output (positions q) and conv A's input (positions r): the ReLU masks and batch-norm
 * factors before the pool, and the pool's routing (each window's maximum). d(q-rectangle) gives them on a
 * rectangle of q made of whole windows: [N, rows, cols, C]; phiAll() gives Φ = Pᵀ(1) on every r.
 * Null for layers between B and A other than those, one non-overlapping max-pool, and dropout.
 */
export interface Routing {
  pool: [number, number];
  d(r0: number, r1: number, c0: number, c1: number): tf.Tensor4D;
  phiAll(): tf.Tensor4D;
}

export function routingWeights(
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
export function inputGradientSumsBelow(
  convB: Layer, routing: Routing, q: tf.Tensor4D, kernelA: tf.Tensor4D, geoA: ConvGeometry,
  v: tf.Tensor2D, xA: tf.Tensor, inputOf: (l: Layer) => tf.Tensor, outputOf: (l: Layer) => tf.Tensor,
): tf.Tensor2D {
  const [ph, pw] = routing.pool;
  const [, hb, wb, ci] = outputOf(convB).shape;
  const [n, ha, wa] = xA.shape;
  const classes = v.shape[0];
  const co = q.shape[3];
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
  const byBits = sets.length && binary && correlator ? borderTermsByCounts(correlator, routing, sets, coefTerms, taps, foldTaps, v, n) : null;
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
  taps: number, foldTaps: (coefficients: Float32Array, rows: number) => tf.Tensor, v: tf.Tensor2D, n: number,
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
export function complement([lo, hi]: [number, number], size: number): number[] {
  return Array.from({ length: size }, (_, k) => k).filter((k) => k < lo || k >= hi);
}
