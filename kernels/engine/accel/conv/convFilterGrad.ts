/**
 * The conv filter gradient as a wasm SIMD kernel running on the tfjs wasm backend's own heap
 * (convFilterGrad.wat): no copies, no transposes, output already in the filter layout [kh, kw, Ci, Co].
 * XNNPACK's "batch as channels" forward conv (the previous dW) streams a multi-megabyte packed filter once
 * per tile of 4 output pixels, so it ran at a fraction of the forward pass's speed.
 */
import { runSplit } from './kernelThreads';
import type { ConvShape } from './shape';

/** The filter gradient's convolution, as the forward kernel describes it (stride 1, dilation 1). */
export type FilterGradShape = ConvShape;

/**
 * How the kernel takes a shape (stride 1, checked by the caller): 'direct' (Ci a multiple of 4),
 * 'im2col' (few input channels: taps as channels, see im2colInto), or null (Co not a multiple of 8).
 */
export function filterGradPlan(s: FilterGradShape): 'direct' | 'im2col' | null {
  if (s.outChannels % 8 !== 0 || s.outChannels === 0 || s.inChannels === 0) return null;
  if (s.inChannels % 4 === 0) return 'direct';
  return s.filterHeight * s.filterWidth * s.inChannels <= 64 ? 'im2col' : null;
}

/** The shape the kernel sees for the im2col plan: a 1×1 filter over taps × Ci channels. */
export function im2colShape(s: FilterGradShape): FilterGradShape {
  return { ...s, inHeight: s.outHeight, inWidth: s.outWidth, inChannels: im2colChannels(s),
    filterHeight: 1, filterWidth: 1, padTop: 0, padLeft: 0 };
}

/** Output rows per cache block: the block's dy rows take about 32 KiB (L1-sized). */
export function rowsPerBlock(s: FilterGradShape): number {
  return Math.max(1, Math.min(s.outHeight, Math.floor(32768 / (s.outWidth * s.outChannels * 4))));
}

/**
 * Adds the filter gradient into `out` (byte offsets on the heap; out is [kh, kw, Ci, Co] and must be
 * zeroed first), on every wasm thread (kernelThreads.ts), each a range of 8-channel output blocks.
 */
export function filterGradInto(memory: WebAssembly.Memory, x: number, dy: number, out: number, s: FilterGradShape): void {
  const R = rowsPerBlock(s);
  runSplit(memory, 'filterGrad', s.outChannels / 8, (u0, u1) => [x, dy, out, s.batch, s.inHeight, s.inWidth, s.inChannels,
    s.outHeight, s.outWidth, s.outChannels, s.filterHeight, s.filterWidth, s.padTop, s.padLeft, u0 * 8, u1 * 8, R]);
}

/** Channels of the im2col input for a layer with few input channels: taps × Ci, rounded up to 4. */
export function im2colChannels(s: FilterGradShape): number {
  return Math.ceil((s.filterHeight * s.filterWidth * s.inChannels) / 4) * 4;
}

/**
 * Few input channels (the first layer: Ci = 1): the kernel's 4-channel tile would not fit, so the taps
 * become channels: cols[n, oh, ow, (a·KW + b)·Ci + ci] = x[n, oh + a − top, ow + b − left, ci] (0 outside,
 * and in the rounding-up channels). The filter gradient is then a 1×1 one over `cols`, rows in
 * [kh, kw, Ci] order as the filter wants. Stride 1.
 */
export function im2colInto(x: Float32Array, s: FilterGradShape, cols: Float32Array): void {
  const C = im2colChannels(s);
  const { batch, inHeight: H, inWidth: W, inChannels: Ci, outHeight: Ho, outWidth: Wo, filterHeight: KH, filterWidth: KW } = s;
  cols.fill(0);
  for (let a = 0; a < KH; a++) {
    for (let b = 0; b < KW; b++) {
      const tap = (a * KW + b) * Ci;
      const owLo = Math.max(0, s.padLeft - b), owHi = Math.min(Wo, W + s.padLeft - b);
      for (let n = 0; n < batch; n++) {
        for (let oh = 0; oh < Ho; oh++) {
          const ih = oh + a - s.padTop;
          if (ih < 0 || ih >= H) continue;
          let src = ((n * H + ih) * W + owLo + b - s.padLeft) * Ci;
          let dst = ((n * Ho + oh) * Wo + owLo) * C + tap;
          for (let ow = owLo; ow < owHi; ow++, src += Ci, dst += C) {
            for (let ci = 0; ci < Ci; ci++) cols[dst + ci] = x[src + ci];
          }
        }
      }
    }
  }
}
