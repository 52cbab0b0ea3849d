/**
 * The two gradients of a depthwise convolution for the wasm backend, which has only the forward kernel
 * (tfjs-backend-wasm 4.22): DepthwiseConv2dNativeBackpropInput (dX: what Grad-CAM needs to reach a
 * depthwise layer, and fine-tuning below one) and DepthwiseConv2dNativeBackpropFilter (dW: fine-tuning).
 * Plain JS on the wasm heap, NHWC, any stride, padding and channel multiplier, dilation 1 (as tf's own
 * cpu kernels). Loops keep the channel innermost so every inner loop runs over contiguous memory; a
 * depthwise layer costs 9 multiply-adds per output value, a small share of a MobileNet step.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

interface WasmBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

interface DepthwiseGradAttrs {
  strides: number | [number, number];
  dilations: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  inputShape?: [number, number, number, number];
  filterShape?: [number, number, number, number];
}

type Args = { inputs: Record<string, TensorInfo>; backend: unknown; attrs?: NamedAttrMap };

function convInfo(xShape: number[], filterShape: number[], a: DepthwiseGradAttrs): tf.backend_util.Conv2DInfo {
  const d = typeof a.dilations === 'number' ? [a.dilations, a.dilations] : a.dilations ?? [1, 1];
  if (d[0] !== 1 || d[1] !== 1) throw new Error('depthwise convolution gradient: dilations other than 1 are not supported');
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number], a.strides, a.dilations,
    a.pad as 'same', a.dimRoundingMode, true);
}

/**
 * dX[n, h, w, c] = Σ over outputs (oh, ow) whose tap (i, j) lands on (h, w), and multipliers q, of
 * dy[n, oh, ow, c·m + q] · W[i, j, c, q]. Scattered from each output position.
 */
export function depthwiseInputGrad(dy: Float32Array, filter: Float32Array, info: tf.backend_util.Conv2DInfo, dx: Float32Array): void {
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth, outChannels, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const m = outChannels / C;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  dx.fill(0);
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyAt = ((n * outHeight + oh) * outWidth + ow) * outChannels;
        for (let i = 0; i < filterHeight; i++) {
          const h = oh * strideHeight + i - top;
          if (h < 0 || h >= inHeight) continue;
          for (let j = 0; j < filterWidth; j++) {
            const w = ow * strideWidth + j - left;
            if (w < 0 || w >= inWidth) continue;
            const dxAt = ((n * inHeight + h) * inWidth + w) * C;
            const fAt = (i * filterWidth + j) * C * m;
            if (m === 1) {
              for (let c = 0; c < C; c++) dx[dxAt + c] += dy[dyAt + c] * filter[fAt + c];
            } else {
              for (let c = 0; c < C; c++) {
                let s = 0;
                for (let q = 0; q < m; q++) s += dy[dyAt + c * m + q] * filter[fAt + c * m + q];
                dx[dxAt + c] += s;
              }
            }
          }
        }
      }
    }
  }
}

/** dW[i, j, c, q] = Σ over n, oh, ow of x[n, oh·sh + i − top, ow·sw + j − left, c] · dy[n, oh, ow, c·m + q]. */
export function depthwiseFilterGrad(x: Float32Array, dy: Float32Array, info: tf.backend_util.Conv2DInfo, dw: Float32Array): void {
  const { batchSize, inHeight, inWidth, inChannels: C, outHeight, outWidth, outChannels, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const m = outChannels / C;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  dw.fill(0);
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyAt = ((n * outHeight + oh) * outWidth + ow) * outChannels;
        for (let i = 0; i < filterHeight; i++) {
          const h = oh * strideHeight + i - top;
          if (h < 0 || h >= inHeight) continue;
          for (let j = 0; j < filterWidth; j++) {
            const w = ow * strideWidth + j - left;
            if (w < 0 || w >= inWidth) continue;
            const xAt = ((n * inHeight + h) * inWidth + w) * C;
            const fAt = (i * filterWidth + j) * C * m;
            if (m === 1) {
              for (let c = 0; c < C; c++) dw[fAt + c] += x[xAt + c] * dy[dyAt + c];
            } else {
              for (let c = 0; c < C; c++) for (let q = 0; q < m; q++) dw[fAt + c * m + q] += x[xAt + c] * dy[dyAt + c * m + q];
            }
          }
        }
      }
    }
  }
}

function backpropInput(args: Args): TensorInfo {
  const { dy, filter } = args.inputs;
  const attrs = args.attrs as unknown as DepthwiseGradAttrs;
  const backend = args.backend as WasmBackend;
  const info = convInfo(attrs.inputShape as number[], filter.shape, attrs);
  const out = backend.makeOutput(info.inShape, 'float32');
  depthwiseInputGrad(backend.typedArrayFromHeap(dy), backend.typedArrayFromHeap(filter), info, backend.typedArrayFromHeap(out));
  return out;
}

function backpropFilter(args: Args): TensorInfo {
  const { x, dy } = args.inputs;
  const attrs = args.attrs as unknown as DepthwiseGradAttrs;
  const backend = args.backend as WasmBackend;
  const info = convInfo(x.shape, attrs.filterShape as number[], attrs);
  const out = backend.makeOutput(attrs.filterShape as number[], 'float32');
  depthwiseFilterGrad(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(dy), info, backend.typedArrayFromHeap(out));
  return out;
}

/** Registers both gradients on the wasm backend where it has none (idempotent). */
export function registerDepthwiseGradKernels(): void {
  for (const [name, fn] of [['DepthwiseConv2dNativeBackpropInput', backpropInput], ['DepthwiseConv2dNativeBackpropFilter', backpropFilter]] as const) {
    if (tf.getKernel(name, 'wasm')) continue;
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc: fn as unknown as KernelFunc });
  }
}
