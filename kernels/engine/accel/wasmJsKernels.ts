/**
 * Kernels for the wasm backend that run directly on the wasm heap (JS, or wasm SIMD in trainOps.wat
 * for the 2×2 max-pool gradient and per-channel sums when channels come in fours), replacing slow generic
 * loops in tfjs-backend-wasm 4.22 that dominate a training step (profiled: MaxPoolGrad, Tile of
 * batch-norm gradients, Sum/Mean over all-but-channel axes for bias and batch-norm gradients were
 * together slower than all convolutions) and Grad-CAM (Slice copied its whole input to the JS heap on
 * every call). Cases not handled here go to the built-in kernel.
 * (Tried and dropped, slower than the built-in wasm SIMD loops by CPU time: a fused JS ReLU gradient
 * (8×) and a JS Mean over the middle axes without the transpose (2×).)
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo, NamedAttrMap, KernelConfig } from '@tensorflow/tfjs';
import { heapMemory, type HeapBackend } from './heap';
import { trainOpsOn } from './conv/kernelThreads';

interface WasmBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  getMemoryOffset(dataId: object): number;
  disposeData(dataId: object): void;
}

/** The wasm heap when the wasm SIMD step kernels (trainOps.wat) can run on this backend. */
const opsMemory = (backend: WasmBackend) => heapMemory(backend as unknown as HeapBackend);
type Args = { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: NamedAttrMap };

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/**
 * Max-pool gradient: each output's gradient goes to the first maximum of its window (as tf's cpu).
 * `dy` may stack several gradients of the same pooled input along the batch ([S·N, …] for an input [N, …]:
 * Grad-CAM's classes): each window's maximum is found once and serves all S.
 */
function maxPoolGradInto(x: Float32Array, g: Float32Array, dx: Float32Array, info: tf.backend_util.Conv2DInfo, stacks: number): void {
  dx.fill(0);
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth, strideHeight, strideWidth,
    filterHeight, filterWidth } = info;
  const padTop = info.padInfo.top, padLeft = info.padInfo.left;
  const rowX = inWidth * C, imgX = inHeight * rowX;
  const dxStack = batchSize * imgX, gStack = batchSize * outHeight * outWidth * C;
  let gi = 0;
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      const h0 = oh * strideHeight - padTop;
      const hs = Math.max(0, h0), he = Math.min(inHeight, h0 + filterHeight);
      for (let ow = 0; ow < outWidth; ow++) {
        const w0 = ow * strideWidth - padLeft;
        const ws = Math.max(0, w0), we = Math.min(inWidth, w0 + filterWidth);
        for (let c = 0; c < C; c++, gi++) {
          let best = -Infinity, pos = -1;
          for (let h = hs; h < he; h++) {
            let p = n * imgX + h * rowX + ws * C + c;
            for (let w = ws; w < we; w++, p += C) {
              const v = x[p];
              if (v > best || pos < 0) { best = v; pos = p; }
            }
          }
          if (pos >= 0) for (let s = 0; s < stacks; s++) dx[s * dxStack + pos] += g[s * gStack + gi];
        }
      }
    }
  }
}

function maxPoolGrad(args: Args, builtin: KernelFunc | null): TensorInfo {
  const { dy, input } = args.inputs;
  const attrs = args.attrs as unknown as PoolAttrs;
  if (input.dtype !== 'float32') {
    if (!builtin) throw new Error('LungcamMaxPoolGradStacked: float32 only');
    return builtin(args as never) as TensorInfo;
  }
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], attrs.filterSize, attrs.strides, 1, attrs.pad, attrs.dimRoundingMode);
  const stacks = dy.shape[0] / input.shape[0];
  const backend = args.backend as WasmBackend;
  const out = backend.makeOutput([dy.shape[0], ...input.shape.slice(1)], 'float32');
  const memory = opsMemory(backend);
  const { inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo } = info;
  if (memory && info.filterHeight === 2 && info.filterWidth === 2 && info.strideHeight === 2 && info.strideWidth === 2
    && info.padInfo.top === 0 && info.padInfo.left === 0 && Ho === Math.floor(H / 2) && Wo === Math.floor(W / 2) && C % 4 === 0) {
    // Non-overlapping 2×2 windows: wasm SIMD, one pass (an odd last row/column gets no gradient: zero it).
    if (H % 2 || W % 2) backend.typedArrayFromHeap(out).fill(0);
    const x = backend.getMemoryOffset(input.dataId), g = backend.getMemoryOffset(dy.dataId), dx = backend.getMemoryOffset(out.dataId);
    const n = input.shape[0];
    for (let s = 0; s < stacks; s++) {
      trainOpsOn(memory).maxPoolGrad2x2(x, g + s * n * Ho * Wo * C * 4, dx + s * n * H * W * C * 4, n, H, W, C, Ho, Wo);
    }
    return out;
  }
  // Views after allocation: makeOutput may grow (and so detach) the heap.
  maxPoolGradInto(backend.typedArrayFromHeap(input) as Float32Array, backend.typedArrayFromHeap(dy) as Float32Array,
    backend.typedArrayFromHeap(out) as Float32Array, info, stacks);
  return out;
}

/** Kernel name of the stacked max-pool gradient (inputs dy [S·N, …], input [N, …]; MaxPoolGrad's attrs). */
export const STACKED_MAX_POOL_GRAD = 'LungcamMaxPoolGradStacked';

function normalAxes(axis: number | number[] | null | undefined, rank: number): number[] {
  // null/undefined = every axis (tf.sum(x) with no axis).
  const list = axis == null ? Array.from({ length: rank }, (_, i) => i) : Array.isArray(axis) ? axis : [axis];
  return [...new Set(list.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
}

/** True when `axes` are exactly the leading axes 0..rank−2 (a per-channel reduction in NHWC). */
function isLeadingAxes(axes: number[], rank: number): boolean {
  return rank >= 2 && axes.length === rank - 1 && axes.every((a, i) => a === i);
}

/** Sum (or mean) over all but the last axis: the bias / batch-norm gradient shape. */
function channelReduce(args: Args, builtin: KernelFunc, mean: boolean): TensorInfo {
  const { x } = args.inputs;
  const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
  const axes = normalAxes(axis, x.shape.length);
  if (x.dtype !== 'float32' || !isLeadingAxes(axes, x.shape.length)) return builtin(args as never) as TensorInfo;
  const C = x.shape[x.shape.length - 1];
  const rows = tf.util.sizeFromShape(x.shape) / C;
  const backend = args.backend as WasmBackend;
  const outShape = keepDims ? x.shape.map((d, i) => (i === x.shape.length - 1 ? d : 1)) : [C];
  const out = backend.makeOutput(outShape, 'float32');
  const memory = opsMemory(backend);
  if (memory && C % 4 === 0 && rows > 0) {
    const acc = backend.makeOutput([2 * C], 'float32'); // f64 scratch
    trainOpsOn(memory).channelSum(backend.getMemoryOffset(x.dataId), backend.getMemoryOffset(out.dataId),
      backend.getMemoryOffset(acc.dataId), rows, C, mean ? 1 / rows : 1);
    backend.disposeData(acc.dataId);
    return out;
  }
  const xs = backend.typedArrayFromHeap(x) as Float32Array;
  const ys = backend.typedArrayFromHeap(out) as Float32Array;
  const acc = new Float64Array(C);
  for (let r = 0, p = 0; r < rows; r++) for (let c = 0; c < C; c++, p++) acc[c] += xs[p];
  const scale = mean ? 1 / rows : 1;
  for (let c = 0; c < C; c++) ys[c] = acc[c] * scale;
  return out;
}

/** Tile by block copies, innermost axis first (the wasm kernel indexes element by element). */
function tile(args: Args, builtin: KernelFunc): TensorInfo {
  const { x } = args.inputs;
  const { reps } = args.attrs as unknown as { reps: number[] };
  if (x.dtype === 'string' || x.dtype === 'complex64') return builtin(args as never) as TensorInfo;
  const backend = args.backend as WasmBackend;
  const outShape = x.shape.map((d, i) => d * reps[i]);
  const out = backend.makeOutput(outShape, x.dtype);
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  if (dst.length === 0) return out;
  let cur: typeof src = src.slice();
  const shape = x.shape.slice();
  for (let d = shape.length - 1; d >= 0; d--) {
    if (reps[d] === 1) continue;
    const inner = tf.util.sizeFromShape(shape.slice(d)); // one outer slice, already tiled inside
    const outer = cur.length / inner;
    const next = new (cur.constructor as { new (n: number): typeof src })(cur.length * reps[d]);
    for (let o = 0; o < outer; o++) {
      const chunk = cur.subarray(o * inner, (o + 1) * inner);
      for (let r = 0; r < reps[d]; r++) next.set(chunk, (o * reps[d] + r) * inner);
    }
    cur = next;
    shape[d] *= reps[d];
  }
  dst.set(cur);
  return out;
}


/**
 * Slice by block copies of the longest contiguous run, straight from the heap (the built-in kernel
 * first copies the whole input out of the wasm heap: a class's gradient sliced out of every class's
 * stacked gradient cost as much as computing it).
 */
function slice(args: Args, builtin: KernelFunc): TensorInfo {
  const { x } = args.inputs;
  if (x.dtype === 'string' || x.dtype === 'complex64' || x.shape.length === 0) return builtin(args as never) as TensorInfo;
  const { begin, size } = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
  const [b, sz] = tf.slice_util.parseSliceParams(x as never, begin, size);
  const backend = args.backend as WasmBackend;
  const out = backend.makeOutput(sz, x.dtype);
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  if (dst.length === 0) return out;
  const rank = x.shape.length;
  const strides = [...tf.util.computeStrides(x.shape), 1];
  // Axes k..rank−1 form one contiguous run (every axis after k is taken whole).
  let k = rank - 1;
  let run = sz[k];
  while (k > 0 && sz[k] === x.shape[k]) run *= sz[--k];
  const outer = sz.slice(0, k);
  const idx = new Array(k).fill(0);
  const runs = tf.util.sizeFromShape(outer);
  for (let r = 0, o = 0; r < runs; r++, o += run) {
    let from = b[k] * strides[k];
    for (let i = 0; i < k; i++) from += (b[i] + idx[i]) * strides[i];
    dst.set(src.subarray(from, from + run), o);
    for (let i = k - 1; i >= 0; i--) { // next outer index, last axis fastest
      if (++idx[i] < outer[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}



/**
 * Identity (clone, and the pass-through gradients of a training step) shares the input's buffer, as the
 * cpu backend does, instead of copying it (the built-in wasm kernel copies: 4 % of a step). Safe because
 * tfjs never writes into an existing buffer (variables take new buffers on assign).
 */
function identity(args: Args, builtin: KernelFunc): TensorInfo {
  const { x } = args.inputs;
  const backend = args.backend as { incRef?(dataId: object): void };
  if (x.dtype === 'string' || typeof backend.incRef !== 'function') return builtin(args as never) as TensorInfo;
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

/**
 * Cast to the dtype the tensor already has (the ReLU gradient's cast(step(x), 'float32')) shares the
 * buffer as Identity does; the built-in kernel copied it (2 % of a training step). Other casts: built-in.
 */
function cast(args: Args, builtin: KernelFunc): TensorInfo {
  const { x } = args.inputs;
  if ((args.attrs as { dtype?: string } | undefined)?.dtype !== x.dtype) return builtin(args as never) as TensorInfo;
  return identity(args, builtin);
}

let registered = false;

function replace(name: string, make: (builtin: KernelFunc) => KernelFunc): void {
  const existing = tf.getKernel(name, 'wasm');
  if (!existing) return;
  tf.unregisterKernel(name, 'wasm');
  const config: KernelConfig = {
    kernelName: name, backendName: 'wasm', kernelFunc: make(existing.kernelFunc),
    // The built-in setup binds the wasm function the fallback path calls.
    setupFunc: existing.setupFunc, disposeFunc: existing.disposeFunc,
  };
  tf.registerKernel(config);
}

/** Replaces the slow wasm kernels above (once). Call before tf.setBackend('wasm'). */
export function registerWasmJsKernels(): void {
  if (registered) return;
  registered = true;
  replace('MaxPoolGrad', (b) => ((a: Args) => maxPoolGrad(a, b)) as unknown as KernelFunc);
  tf.registerKernel({ kernelName: STACKED_MAX_POOL_GRAD, backendName: 'wasm', kernelFunc: ((a: Args) => maxPoolGrad(a, null)) as unknown as KernelFunc });
  replace('Sum', (b) => ((a: Args) => channelReduce(a, b, false)) as unknown as KernelFunc);
  replace('Mean', (b) => ((a: Args) => channelReduce(a, b, true)) as unknown as KernelFunc);
  replace('Tile', (b) => ((a: Args) => tile(a, b)) as unknown as KernelFunc);
  replace('Slice', (b) => ((a: Args) => slice(a, b)) as unknown as KernelFunc);
  replace('Identity', (b) => ((a: Args) => identity(a, b)) as unknown as KernelFunc);
  replace('Cast', (b) => ((a: Args) => cast(a, b)) as unknown as KernelFunc);
}
