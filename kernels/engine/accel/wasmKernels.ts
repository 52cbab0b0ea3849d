/**
 * Convolution kernels for the wasm backend (tfjs-backend-wasm 4.22 has no Conv2DBackpropFilter at all
 * and a scalar-loop Conv2DBackpropInput; XNNPACK's forward conv is slower than ours here):
 * - stride 1, dilation 1, float32 (every conv of the LungCAM CNN): LungCAM's wasm SIMD kernels on the
 *   backend's heap, on every wasm thread (kernelThreads.ts): the forward conv (Conv2D, FusedConv2D with
 *   bias/ReLU) and dX = conv(dy, W rotated 180° with in/out swapped), padding k−1−pad (convForward.wat);
 *   dW by its own kernel (convFilterGrad.wat); first-layer shapes (1 input channel) through per-tap
 *   products. Measured on the reference net: a training step ≈ 1.9× less CPU time than the XNNPACK path.
 *   3×3 filters with Ci ≥ 8 (Ci % 4 == 0, Co % 8 == 0), all three uses: Winograd F(4×4, 3×3) (winograd.ts;
 *   LUNGCAM_WINOGRAD=0 / setWinograd(false) for the direct kernels, =2 for F(2×2)): a training step ≈ 1.6×
 *   less CPU time than the direct kernels, classify ≈ 1.8×.
 * - everything else, as forward convolutions on XNNPACK (anchors.md): dX as above; dW = conv(x with
 *   batch↔channel swapped, dy as the filter [H', W', N, Co]), dilation = stride; dX with stride > 1
 *   falls back to the built-in kernel. Supported: NHWC, dilation 1, any padding.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo, NamedAttrMap } from '@tensorflow/tfjs';
import { registerWasmJsKernels } from './wasmJsKernels';
import { winogradApplies, winogradFilterGradOnHeap } from './conv/winograd';
export { setWinograd } from './conv/winograd';
import { filterGradInto, filterGradPlan, im2colInto, im2colShape, type FilterGradShape } from './conv/convFilterGrad';
import { convOnHeap, convSupported, forwardFilter, inputGradFewChannels, rotatedFilter } from './conv/convForward';
import type { ConvShape } from './conv/shape';
import { heapMemory, type HeapBackend } from './heap';

type Conv4 = [number, number, number, number];

let registered = false;
let directFilterGradEnabled = true;
let ownConvEnabled = true;

/** Turns the wasm SIMD filter-gradient kernel off/on (benchmarks compare it with the XNNPACK path). */
export function setDirectFilterGrad(enabled: boolean): void {
  directFilterGradEnabled = enabled;
}

/** Turns the wasm SIMD forward/input-gradient conv kernel off/on (benchmarks compare it with XNNPACK). */
export function setOwnConv(enabled: boolean): void {
  ownConvEnabled = enabled;
}
let builtinBackpropInput: KernelFunc | null = null;

function kernel(name: string): KernelFunc {
  const k = tf.getKernel(name, 'wasm');
  if (!k) throw new Error(`wasm backend has no ${name} kernel`);
  return k.kernelFunc;
}

function run(name: string, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap, backend: unknown): TensorInfo {
  return kernel(name)({ inputs, attrs, backend: backend as never }) as TensorInfo;
}

function transpose(x: TensorInfo, perm: number[], backend: unknown): TensorInfo {
  return run('Transpose', { x }, { perm }, backend);
}

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]];
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function pair(v: number | [number, number] | undefined): [number, number] {
  if (v == null) return [1, 1];
  return typeof v === 'number' ? [v, v] : v;
}

function checkSupported(kernelName: string, attrs: ConvAttrs): void {
  if (attrs.dataFormat === 'NCHW') throw new Error(`LungCAM wasm ${kernelName}: only NHWC (channelsLast) is supported`);
  const [dh, dw] = pair(attrs.dilations);
  if (dh !== 1 || dw !== 1) throw new Error(`LungCAM wasm ${kernelName}: dilations other than 1 are not supported`);
  if (attrs.dimRoundingMode != null && typeof attrs.pad === 'number') {
    throw new Error(`LungCAM wasm ${kernelName}: dimRoundingMode with numeric padding is not supported`);
  }
}

/** Padding actually applied by the forward conv (top, bottom, left, right). */
function padInfo(xShape: Conv4, filterShape: Conv4, attrs: ConvAttrs) {
  const info = tf.backend_util.computeConv2DInfo(
    xShape, filterShape, attrs.strides, 1, attrs.pad as never, attrs.dimRoundingMode, false, 'channelsLast');
  return info;
}

/** dW: x' = x^T[Ci, H, W, N] convolved with dy' = [H', W', N, Co] → [Ci, kh, kw, Co] → [kh, kw, Ci, Co]. */
function backpropFilter(args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: NamedAttrMap }): TensorInfo {
  const { x, dy } = args.inputs;
  const attrs = args.attrs as unknown as ConvAttrs & { filterShape: Conv4 };
  checkSupported('Conv2DBackpropFilter', attrs);
  const backend = args.backend as HeapBackend;
  const info = padInfo(x.shape as Conv4, attrs.filterShape, attrs);
  const { top, bottom, left, right } = info.padInfo;
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  const [sh, sw] = [info.strideHeight, info.strideWidth];
  const direct = directFilterGradEnabled && sh === 1 && sw === 1 && x.dtype === 'float32' && dy.dtype === 'float32'
    ? directFilterGrad(x, dy, info, backend as HeapBackend) : null;
  if (direct) return direct;
  // The forward conv may leave input rows/cols unused at the bottom/right (valid, stride > 1): trim the
  // padding so the output is exactly kh × kw.
  const padBottom = kh - 1 + sh * (info.outHeight - 1) + 1 - (x.shape[1] + top) ;
  const padRight = kw - 1 + sw * (info.outWidth - 1) + 1 - (x.shape[2] + left);
  void bottom; void right;
  const xT = transpose(x, [3, 1, 2, 0], backend);
  const dyT = transpose(dy, [1, 2, 0, 3], backend);
  const pads = [[0, 0], [top, Math.max(0, padBottom)], [left, Math.max(0, padRight)], [0, 0]];
  let xIn = xT;
  if (padBottom < 0 || padRight < 0) {
    // Unused trailing input rows/cols (valid padding with stride > 1): slice them off.
    const h = x.shape[1] + Math.min(0, padBottom);
    const w = x.shape[2] + Math.min(0, padRight);
    xIn = run('Slice', { x: xT }, { begin: [0, 0, 0, 0], size: [xT.shape[0], h, w, xT.shape[3]] }, backend);
  }
  const conv = run('Conv2D', { x: xIn, filter: dyT }, {
    strides: [1, 1], pad: pads as never, dataFormat: 'NHWC', dilations: [sh, sw],
  }, backend);
  const dW = transpose(conv, [1, 2, 0, 3], backend);
  for (const t of new Set([xT, dyT, xIn, conv])) backend.disposeData(t.dataId);
  return dW;
}

/** dW by the wasm SIMD kernel on the backend's heap (convFilterGrad.ts), or null where it does not apply. */
function directFilterGrad(x: TensorInfo, dy: TensorInfo, info: tf.backend_util.Conv2DInfo, backend: HeapBackend): TensorInfo | null {
  const memory = heapMemory(backend);
  if (!memory) return null;
  const shape: FilterGradShape = {
    batch: info.batchSize, inHeight: info.inHeight, inWidth: info.inWidth, inChannels: info.inChannels,
    outHeight: info.outHeight, outWidth: info.outWidth, outChannels: info.outChannels,
    filterHeight: info.filterHeight, filterWidth: info.filterWidth, padTop: info.padInfo.top, padLeft: info.padInfo.left,
  };
  if (winogradApplies(shape)) return winogradFilterGradOnHeap(backend, memory, x, dy, shape) as TensorInfo;
  const plan = filterGradPlan(shape);
  if (!plan) return null;
  const out = backend.makeOutput([shape.filterHeight, shape.filterWidth, shape.inChannels, shape.outChannels], 'float32');
  if (plan === 'direct') {
    backend.typedArrayFromHeap(out).fill(0);
    filterGradInto(memory, backend.getMemoryOffset(x.dataId), backend.getMemoryOffset(dy.dataId),
      backend.getMemoryOffset(out.dataId), shape);
    return out;
  }
  // Few input channels: taps as channels, then a 1×1 filter gradient; its first taps·Ci rows are dW.
  const flat = im2colShape(shape);
  const cols = backend.makeOutput([flat.batch, flat.inHeight, flat.inWidth, flat.inChannels], 'float32');
  const wide = backend.makeOutput([flat.inChannels, flat.outChannels], 'float32');
  // Views after every allocation (an allocation may grow, and so detach, the heap).
  im2colInto(backend.typedArrayFromHeap(x), shape, backend.typedArrayFromHeap(cols));
  backend.typedArrayFromHeap(wide).fill(0);
  filterGradInto(memory, backend.getMemoryOffset(cols.dataId), backend.getMemoryOffset(dy.dataId),
    backend.getMemoryOffset(wide.dataId), flat);
  const dW = backend.typedArrayFromHeap(out);
  dW.set(backend.typedArrayFromHeap(wide).subarray(0, dW.length));
  backend.disposeData(cols.dataId);
  backend.disposeData(wide.dataId);
  return out;
}

/** dX (stride 1): conv(dy, rot180(W) with in/out swapped), padding k−1−pad on each side. */
function backpropInput(args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: NamedAttrMap }): TensorInfo {
  const { dy, filter } = args.inputs;
  const attrs = args.attrs as unknown as ConvAttrs & { inputShape: Conv4 };
  checkSupported('Conv2DBackpropInput', attrs);
  const info = padInfo(attrs.inputShape, filter.shape as Conv4, attrs);
  if (info.strideHeight !== 1 || info.strideWidth !== 1) {
    if (!builtinBackpropInput) throw new Error('LungCAM wasm Conv2DBackpropInput: only stride 1 is supported');
    return builtinBackpropInput(args as never) as TensorInfo;
  }
  const backend = args.backend as HeapBackend;
  const [kh, kw] = [info.filterHeight, info.filterWidth];
  const { top, left } = info.padInfo;
  const [, H, W] = attrs.inputShape;
  const padTop = kh - 1 - top;
  const padLeft = kw - 1 - left;
  const padBottom = H - dy.shape[1] - padTop + kh - 1;
  const padRight = W - dy.shape[2] - padLeft + kw - 1;
  if (padTop < 0 || padLeft < 0 || padBottom < 0 || padRight < 0) {
    throw new Error('LungCAM wasm Conv2DBackpropInput: padding larger than the filter is not supported');
  }
  const memory = ownConvEnabled && dy.dtype === 'float32' && filter.dtype === 'float32' ? heapMemory(backend as unknown as HeapBackend) : null;
  const shape: ConvShape = {
    batch: dy.shape[0], inHeight: dy.shape[1], inWidth: dy.shape[2], inChannels: dy.shape[3],
    outHeight: H, outWidth: W, outChannels: attrs.inputShape[3], filterHeight: kh, filterWidth: kw, padTop, padLeft,
  };
  if (memory && convSupported(shape)) {
    return convOnHeap(backend as unknown as HeapBackend, memory, dy, shape, filter, rotatedFilter(shape), null, false) as TensorInfo;
  }
  // Few input channels (the first layer): through per-tap products (the forward conv's shape here).
  const forward: ConvShape = {
    batch: dy.shape[0], inHeight: H, inWidth: W, inChannels: attrs.inputShape[3], outHeight: dy.shape[1], outWidth: dy.shape[2],
    outChannels: dy.shape[3], filterHeight: kh, filterWidth: kw, padTop: top, padLeft: left,
  };
  if (memory && forward.inChannels * kh * kw <= 32 && forward.outWidth >= 4 && forward.batch > 0) {
    return inputGradFewChannels(backend as unknown as HeapBackend, memory, dy, filter, forward) as TensorInfo;
  }
  const flipped = run('Reverse', { x: filter }, { dims: [0, 1] }, backend);
  const swapped = transpose(flipped, [0, 1, 3, 2], backend);
  const dx = run('Conv2D', { x: dy, filter: swapped }, {
    strides: [1, 1], pad: [[0, 0], [padTop, padBottom], [padLeft, padRight], [0, 0]] as never,
    dataFormat: 'NHWC', dilations: [1, 1],
  }, backend);
  backend.disposeData(flipped.dataId);
  backend.disposeData(swapped.dataId);
  return dx;
}

/**
 * Conv2D / FusedConv2D (bias, ReLU or none) by the wasm SIMD kernel where it applies (NHWC, stride 1,
 * dilation 1, float32); everything else goes to the built-in kernel.
 */
function forwardConv(args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: NamedAttrMap }, builtin: KernelFunc): TensorInfo {
  const { x, filter, bias, preluActivationWeights } = args.inputs;
  const attrs = args.attrs as unknown as ConvAttrs & { activation?: string };
  const activation = attrs.activation ?? 'linear';
  const [dh, dw] = pair(attrs.dilations);
  const memory = ownConvEnabled && attrs.dataFormat !== 'NCHW' && dh === 1 && dw === 1 && x.dtype === 'float32' && filter.dtype === 'float32'
    && (activation === 'linear' || activation === 'relu') && !preluActivationWeights
    && (!bias || (bias.dtype === 'float32' && tf.util.sizeFromShape(bias.shape) === filter.shape[3] && filter.shape[3] > 0))
    ? heapMemory(args.backend as HeapBackend) : null;
  if (memory && x.shape.length === 4 && filter.shape.length === 4) {
    const info = padInfo(x.shape as Conv4, filter.shape as Conv4, attrs);
    const shape: ConvShape = {
      batch: info.batchSize, inHeight: info.inHeight, inWidth: info.inWidth, inChannels: info.inChannels,
      outHeight: info.outHeight, outWidth: info.outWidth, outChannels: info.outChannels,
      filterHeight: info.filterHeight, filterWidth: info.filterWidth, padTop: info.padInfo.top, padLeft: info.padInfo.left,
    };
    if (info.strideHeight === 1 && info.strideWidth === 1 && convSupported(shape)) {
      return convOnHeap(args.backend as HeapBackend, memory, x, shape, filter, forwardFilter(shape), bias ?? null, activation === 'relu') as TensorInfo;
    }
  }
  return builtin(args as never) as TensorInfo;
}

function replaceConv(name: string): void {
  const existing = tf.getKernel(name, 'wasm');
  if (!existing) return;
  tf.unregisterKernel(name, 'wasm');
  const builtin = existing.kernelFunc;
  tf.registerKernel({
    kernelName: name, backendName: 'wasm', setupFunc: existing.setupFunc, disposeFunc: existing.disposeFunc,
    kernelFunc: ((a: Parameters<typeof forwardConv>[0]) => forwardConv(a, builtin)) as unknown as KernelFunc,
  });
}

/** Registers (once) the fast gradient kernels on the wasm backend. Call before tf.setBackend('wasm'). */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  const existing = tf.getKernel('Conv2DBackpropInput', 'wasm');
  if (existing) {
    builtinBackpropInput = existing.kernelFunc;
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
  }
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) tf.unregisterKernel('Conv2DBackpropFilter', 'wasm');
  const configs: KernelConfig[] = [
    { kernelName: 'Conv2DBackpropFilter', backendName: 'wasm', kernelFunc: backpropFilter as unknown as KernelFunc },
    // Keep the built-in kernel's setup (it binds the wasm function our stride > 1 fallback calls).
    { kernelName: 'Conv2DBackpropInput', backendName: 'wasm', kernelFunc: backpropInput as unknown as KernelFunc,
      setupFunc: existing?.setupFunc },
  ];
  for (const c of configs) tf.registerKernel(c);
  replaceConv('Conv2D');
  replaceConv('FusedConv2D');
  registerWasmJsKernels();
}
