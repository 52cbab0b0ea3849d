/**
 * Σ_t K[t, ci, co] · dW[t, ci, co] for every patch, where dW is a stride-1 conv's filter gradient for input x
 * and output gradient dy, when both are 0/1 masks times one value per patch and channel (Grad-CAM's case
 * two convs down: x = Φ, the max-pool routing of ReLU masks, and dy = Q, a ReLU mask over the map's area).
 * Then every entry of dW is a count of positions where both masks are on: binaryFilterGrad.wat gets them
 * with 64 positions per and + popcount instead of a multiply-add per position, ≈ 50× fewer operations than
 * the float filter gradient on the reference net (exact counts: the result is the float one up to rounding).
 * The masks are bit vectors over the zero-padded input grid, row-major or column-major: an x that is zero but
 * on a few rows (or columns) is counted over those words only (Grad-CAM's border corrections).
 * Null where the masks have another form (any value other than 0 and its channel's one value), or off the
 * wasm backend; the caller then runs the float path.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { heapMemory, type HeapBackend } from '../heap';
import { camThreadCount, runCamSplit } from './camThreads';

const COUNTS = 'LungcamBinaryFilterGrad';
const MASK_BITS = 'LungcamMaskBits';
const SET_BITS = 'LungcamSetBits';

/** Where a padded-grid position (row, col) sits in a bit vector: row·rowStep + col·colStep. */
export interface BitLayout {
  rowStep: number;
  colStep: number;
  /** 64-bit words of the output mask (output position (oh, ow) at oh·rowStep + ow·colStep). */
  yWords: number;
  /** Bit offset of each tap (a, b), tap-major as the filter [kh, kw, ·, ·]. */
  offsets: number[];
  maxOffset: number;
}

type Args = { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> };

/**
 * x [N, H, W, C] float32; attrs top, left, rowStep, colStep, words → bits [N, C, words·2] int32 (64-bit words
 * as low, high halves; bit (h + top)·rowStep + (w + left)·colStep set where x ≠ 0) and scale [N, C] (each
 * channel's one nonzero value, 0 for none, NaN where a channel holds two different values).
 */
function maskBitsWasm(args: Args): TensorInfo[] {
  const { x } = args.inputs;
  const { top, left, rowStep, colStep, words } = args.attrs as Record<string, number>;
  const backend = args.backend as HeapBackend;
  const [n, h, w, c] = x.shape;
  const bits = backend.makeOutput([n, c, words * 2], 'int32');
  const scale = backend.makeOutput([n, c], 'float32');
  // Views after every allocation (an allocation may grow, and so detach, the heap).
  backend.typedArrayFromHeap(bits).fill(0);
  backend.typedArrayFromHeap(scale).fill(0);
  const at = (t: TensorInfo) => backend.getMemoryOffset(t.dataId);
  const [xp, bp, sp] = [x, bits, scale].map(at);
  runCamSplit(heapMemory(backend)!, 'maskBits', n, (n0, n1) => [xp + n0 * h * w * c * 4, bp + n0 * c * words * 8, sp + n0 * c * 4,
    n1 - n0, h, w, c, top, left, rowStep, colStep, words]);
  return [bits, scale];
}

/** One set of border positions: output rows and columns of the conv below (null: all), and its bit layout. */
export interface BorderSet { rows: number[] | null; cols: number[] | null; layout: BitLayout }

/**
 * Φ of each border set from the routing marks d of the conv below (0/1 times a channel value, one mark per
 * pool window at most), given on strips of whole windows (inputs s0, s1, …: [N, r1 − r0, c1 − c0, C] for attr
 * strips [r0, r1, c0, c1]; every position of a set lies in one): bits [J, N, C, words·2] of Φ_j[r] = Σ of d
 * over r's window ∩ set j, at r (+ top, left) in the set's layout; scale [J, N, C] (NaN where not 0/1 times
 * one value, e.g. two marks in one window). attrs: sets, strips, pool [ph, pw], grid [ha, wa] (the pooled
 * grid), top, left, words.
 */
function setBitsWasm(args: Args): TensorInfo[] {
  const { sets, strips, pool, grid, top, left, words } = args.attrs as {
    sets: BorderSet[]; strips: [number, number, number, number][]; pool: number[]; grid: number[]; top: number; left: number; words: number };
  const backend = args.backend as HeapBackend;
  const first = args.inputs.s0;
  const [n, , , c] = first.shape;
  const bits = backend.makeOutput([sets.length, n, c, words * 2], 'int32');
  const scale = backend.makeOutput([sets.length, n, c], 'float32');
  // tfjs hands an int32 tensor's data out as an Int32Array; the shared interface types the float32 case
  const b = backend.typedArrayFromHeap(bits) as unknown as Int32Array, s = backend.typedArrayFromHeap(scale);
  const views = strips.map((_, k) => backend.typedArrayFromHeap(args.inputs[`s${k}`]));
  b.fill(0);
  s.fill(0);
  const [ph, pw] = pool, [ha, wa] = grid;
  const all = (size: number) => Array.from({ length: size }, (_, k) => k);
  sets.forEach((set, j) => {
    const rows = (set.rows ?? all(ha * ph)).filter((qr) => Math.floor(qr / ph) < ha);
    const cols = (set.cols ?? all(wa * pw)).filter((qc) => Math.floor(qc / pw) < wa);
    for (const qr of rows) {
      for (const qc of cols) {
        const k = strips.findIndex(([r0, r1, c0, c1]) => qr >= r0 && qr < r1 && qc >= c0 && qc < c1);
        const [r0, r1, c0, c1] = strips[k];
        const dv = views[k];
        const bit = (Math.floor(qr / ph) + top) * set.layout.rowStep + (Math.floor(qc / pw) + left) * set.layout.colStep;
        markPosition(dv, ((qr - r0) * (c1 - c0) + qc - c0) * c, (r1 - r0) * (c1 - c0) * c, b, s, j * n * c, bit, n, c, words);
      }
    }
  });
  return [bits, scale];
}

/**
 * One position of a set, every patch and channel: where d ≠ 0, its bit and the channel's value. Small and
 * called often, so V8 optimises it (the same loop inline in setBitsWasm ran unoptimised, ≈ 50× slower).
 */
function markPosition(d: Float32Array, first: number, patchStride: number, bits: Int32Array, scale: Float32Array, scaleBase: number,
  bit: number, n: number, c: number, words: number): void {
  const word = bit >> 5, mask = 1 << (bit & 31);
  for (let p = 0; p < n; p++) {
    const sBase = scaleBase + p * c;
    const src = first + p * patchStride;
    for (let ch = 0; ch < c; ch++) {
      const v = d[src + ch];
      if (v === 0) continue;
      const at = (sBase + ch) * words * 2 + word;
      // A second mark in one window (or a second value in a channel) makes Φ_j no mask.
      if (bits[at] & mask || (scale[sBase + ch] !== 0 && scale[sBase + ch] !== v)) scale[sBase + ch] = NaN;
      else if (scale[sBase + ch] === 0) scale[sBase + ch] = v;
      bits[at] |= mask;
    }
  }
}

/**
 * inputs xBits [J, N, Ci, XW·2], yBits [N, Co, YW·2] (int32), filter [Ci, T, Co], xScale [J, N, Ci], yScale
 * [N, Co]; attrs offsets, and per set index j in `sets` the output words [w0, w1) to count → [sets, N, Ci, Co],
 * each count times K and the two channels' values.
 */
function countsWasm(args: Args): TensorInfo {
  const { xBits, yBits, filter, xScale, yScale } = args.inputs;
  const { offsets, sets, ranges } = args.attrs as { offsets: number[]; sets: number[]; ranges: [number, number][] };
  const backend = args.backend as HeapBackend;
  const [, n, ci, xw2] = xBits.shape;
  const [, co, yw2] = yBits.shape;
  const out = backend.makeOutput([sets.length, n, ci, co], 'float32');
  const offs = backend.makeOutput([offsets.length], 'int32');
  // Scratch per thread: T × max(YW, 2) words, T tap indices, T × Co counts.
  const scratchInts = offsets.length * (Math.max(yw2, 4) + 1 + co);
  const shifted = backend.makeOutput([scratchInts * camThreadCount()], 'int32');
  backend.typedArrayFromHeap(out).fill(0);
  backend.typedArrayFromHeap(offs).set(offsets);
  const at = (t: TensorInfo) => backend.getMemoryOffset(t.dataId);
  const [xp, yp, fp, op, sp, shp, xsp, ysp] = [xBits, yBits, filter, offs, out, shifted, xScale, yScale].map(at);
  const memory = heapMemory(backend)!;
  sets.forEach((j, u) => {
    // Patches split across the wasm threads (camThreads.ts), each with its own scratch.
    runCamSplit(memory, 'binaryFilterGrad', n, (n0, n1, part) => [xp + (j * n + n0) * ci * xw2 * 4, yp + n0 * co * yw2 * 4, fp, op,
      sp + (u * n + n0) * ci * co * 4, shp + part * scratchInts * 4, n1 - n0, ci, co, xw2 / 2, yw2 / 2, offsets.length, ranges[u][0], ranges[u][1],
      xsp + (j * n + n0) * ci * 4, ysp + n0 * co * 4]);
  });
  backend.disposeData(offs.dataId);
  backend.disposeData(shifted.dataId);
  return out;
}

let registered = false;
let countingEnabled = true;

/** Turns the counting path off/on (tests check the float path it falls back to gives the same maps). */
export function setMaskCounting(enabled: boolean): void {
  countingEnabled = enabled;
}

function wasmKernelReady(): boolean {
  if (!countingEnabled || tf.getBackend() !== 'wasm' || !heapMemory(tf.backend() as unknown as HeapBackend)) return false;
  if (!registered) {
    tf.registerKernel({ kernelName: COUNTS, backendName: 'wasm', kernelFunc: countsWasm as unknown as KernelFunc });
    tf.registerKernel({ kernelName: MASK_BITS, backendName: 'wasm', kernelFunc: maskBitsWasm as unknown as KernelFunc });
    tf.registerKernel({ kernelName: SET_BITS, backendName: 'wasm', kernelFunc: setBitsWasm as unknown as KernelFunc });
    registered = true;
  }
  return true;
}

const run = <T>(name: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown>) =>
  tf.engine().runKernel(name, inputs as unknown as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap) as unknown as T;

export interface StrideOneConv { kh: number; kw: number; padTop: number; padLeft: number; inH: number; inW: number; outH: number; outW: number }

const finite = (t: tf.Tensor) => (t.dataSync() as Float32Array).every((v) => Number.isFinite(v));

/**
 * The counting side of one conv (output mask dy, filter K, geometry g): Σ_t K · dW for any x, in either
 * layout. Create with `maskCorrelator`; all tensors it makes live in the caller's tf.tidy.
 */
export interface MaskCorrelator {
  layouts: { rows: BitLayout; cols: BitLayout };
  /** x words per (patch, channel), enough for either layout. */
  xWords: number;
  /** For x [N, inH, inW, Ci] over every position: [N, Ci, Co], or null when x is not a mask. */
  all(x: tf.Tensor4D): tf.Tensor3D | null;
  /**
   * For border sets of Φ built from routing marks (`marks(r0, r1, c0, c1)`: [N, r1 − r0, c1 − c0, Ci] on a
   * rectangle of whole pool windows `pool` over the conv's input grid): [J, N, Ci, Co] in `sets` order, or null
   * when a set's Φ is not a mask.
   */
  sets(marks: (r0: number, r1: number, c0: number, c1: number) => tf.Tensor4D, sets: { rows: number[] | null; cols: number[] | null }[], pool: [number, number]): tf.Tensor4D | null;
}

/** The correlator of dy [N, outH, outW, Co] and kernel [kh, kw, Ci, Co], or null off wasm / for dy not a mask. */
export function maskCorrelator(dy: tf.Tensor4D, kernel: tf.Tensor4D, g: StrideOneConv): MaskCorrelator | null {
  if (!wasmKernelReady() || dy.dtype !== 'float32') return null;
  const [n, outH, outW, co] = dy.shape;
  const ci = kernel.shape[2];
  const hp = outH + g.kh - 1, wp = outW + g.kw - 1;
  if (kernel.shape[3] !== co || kernel.shape[0] !== g.kh || kernel.shape[1] !== g.kw || outH !== g.outH || outW !== g.outW || g.padTop < 0 || g.padLeft < 0 || g.inH + g.padTop > hp || g.inW + g.padLeft > wp
    || n === 0 || ci === 0 || co === 0) return null;
  const taps = (step: (a: number, b: number) => number) => Array.from({ length: g.kh * g.kw }, (_, t) => step(Math.floor(t / g.kw), t % g.kw));
  const layout = (rowStep: number, colStep: number): BitLayout => {
    const offsets = taps((a, b) => a * rowStep + b * colStep);
    return { rowStep, colStep, offsets, maxOffset: Math.max(...offsets), yWords: Math.ceil(((outH - 1) * rowStep + (outW - 1) * colStep + 1) / 64) };
  };
  const layouts = { rows: layout(wp, 1), cols: layout(1, hp) };
  const xWords = Math.max(Math.ceil((hp * wp) / 64), ...[layouts.rows, layouts.cols].map((l) => l.yWords + Math.floor(l.maxOffset / 64) + 1));
  const filter = tf.transpose(tf.reshape(kernel, [g.kh * g.kw, ci, co]), [1, 0, 2]); // [Ci, T, Co]: four co at a time
  const yCache = new Map<BitLayout, [tf.Tensor3D, tf.Tensor2D] | null>();
  const yOf = (l: BitLayout) => {
    if (!yCache.has(l)) {
      const [bits, scale] = run<[tf.Tensor3D, tf.Tensor2D]>(MASK_BITS, { x: dy }, { top: 0, left: 0, rowStep: l.rowStep, colStep: l.colStep, words: l.yWords });
      yCache.set(l, finite(scale) ? [bits, scale] : null);
    }
    return yCache.get(l)!;
  };
  // counts [J, N, Ci, Co] for the given sets, times each channel pair's values.
  const contract = (xBits: tf.Tensor4D, xScale: tf.Tensor3D, l: BitLayout, sets: number[], ranges: [number, number][]) => {
    const y = yOf(l);
    if (!y) return null;
    return run<tf.Tensor4D>(COUNTS, { xBits, yBits: y[0], filter, xScale, yScale: y[1] }, { offsets: l.offsets, sets, ranges });
  };
  return {
    layouts, xWords,
    all(x) {
      if (x.dtype !== 'float32' || x.shape[1] !== g.inH || x.shape[2] !== g.inW || x.shape[3] !== ci) return null;
      const l = layouts.rows;
      const [bits, scale] = run<[tf.Tensor3D, tf.Tensor2D]>(MASK_BITS, { x }, { top: g.padTop, left: g.padLeft, rowStep: l.rowStep, colStep: l.colStep, words: xWords });
      if (!finite(scale)) return null;
      const r = contract(tf.expandDims(bits, 0) as tf.Tensor4D, tf.expandDims(scale, 0) as tf.Tensor3D, l, [0], [[0, l.yWords]]);
      return r ? tf.squeeze(r, [0]) as tf.Tensor3D : null;
    },
    sets(marks, sets, pool) {
      // Per set, the layout in which its positions span the fewest output words (rows: row-major; columns: column-major).
      const [ph, pw] = pool;
      const all = (size: number) => Array.from({ length: size }, (_, k) => k);
      const pooledRows = (s: { rows: number[] | null }) => [...new Set((s.rows ?? all(g.inH * ph)).map((qr) => Math.floor(qr / ph)).filter((r) => r < g.inH))];
      const pooledCols = (s: { cols: number[] | null }) => [...new Set((s.cols ?? all(g.inW * pw)).map((qc) => Math.floor(qc / pw)).filter((c) => c < g.inW))];
      const choices = sets.map((s) => {
        const rs = pooledRows(s);
        const cs = pooledCols(s);
        const best = [layouts.rows, layouts.cols].map((l) => {
          if (!rs.length || !cs.length) return { l, range: [0, 0] as [number, number] };
          const bitAt = (r: number, c: number) => (r + g.padTop) * l.rowStep + (c + g.padLeft) * l.colStep;
          const lo = bitAt(Math.min(...rs), Math.min(...cs)), hi = bitAt(Math.max(...rs), Math.max(...cs)) + 1;
          return { l, range: [Math.max(0, Math.floor((lo - l.maxOffset) / 64)), Math.min(l.yWords, Math.ceil(hi / 64))] as [number, number] };
        }).sort((x, y) => (x.range[1] - x.range[0]) - (y.range[1] - y.range[0]))[0];
        return { ...s, layout: best.l, range: best.range };
      });
      // The marks on strips of whole windows: each set's pooled rows across the map, or (for sets of columns
      // only) its pooled columns down the map; a corner lies in its row's strip.
      const strips: [number, number, number, number][] = [];
      const addStrip = (r: [number, number, number, number]) => { if (!strips.some((x) => x.every((v, k) => v === r[k]))) strips.push(r); };
      for (const s of sets) {
        if (s.rows) pooledRows(s).forEach((r) => addStrip([r * ph, (r + 1) * ph, 0, g.inW * pw]));
        else pooledCols(s).forEach((c) => addStrip([0, g.inH * ph, c * pw, (c + 1) * pw]));
      }
      if (!strips.length) return null;
      const inputs = Object.fromEntries(strips.map((r, k) => [`s${k}`, marks(...r)]));
      const [bits, scale] = run<[tf.Tensor4D, tf.Tensor3D]>(SET_BITS, inputs, {
        sets: choices, strips, pool, grid: [g.inH, g.inW], top: g.padTop, left: g.padLeft, words: xWords,
      });
      if (!finite(scale)) return null;
      const out: (tf.Tensor4D | null)[] = new Array(sets.length).fill(null);
      for (const l of [layouts.rows, layouts.cols]) {
        const mine = choices.map((c, j) => j).filter((j) => choices[j].layout === l);
        if (!mine.length) continue;
        const r = contract(bits, scale, l, mine, mine.map((j) => choices[j].range));
        if (!r) return null;
        mine.forEach((j, u) => { out[j] = tf.slice(r, [u, 0, 0, 0], [1, -1, -1, -1]); });
      }
      return tf.concat(out as tf.Tensor4D[], 0) as tf.Tensor4D;
    },
  };
}

/**
 * r[n, ci, co] = Σ_t K[t, ci, co] Σ_o x[n, o + t, ci] dy[n, o, co] (x zero-padded as the conv pads it), for x
 * [N, inH, inW, Ci], dy [N, outH, outW, Co], kernel [kh, kw, Ci, Co]; null when the masks are not 0/1 times
 * a per-channel value or the backend is not wasm. Returns [N, Ci, Co].
 */
export function binaryFilterGradContracted(x: tf.Tensor4D, dy: tf.Tensor4D, kernel: tf.Tensor4D, g: StrideOneConv): tf.Tensor3D | null {
  const kept = tf.tidy(() => {
    const r = maskCorrelator(dy, kernel, g)?.all(x);
    return r ? [r] : [];
  });
  return kept[0] ?? null;
}
