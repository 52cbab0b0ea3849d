/**
 * Stride-1 convolutions by LungCAM's wasm SIMD kernel (convForward.wat) on the tfjs wasm heap, on every
 * wasm thread: the forward pass (Conv2D, FusedConv2D with bias and ReLU) and the input gradient (a forward
 * conv of dy with the rotated, transposed filter). Measured here it does more multiply-adds per CPU second
 * than XNNPACK's conv (about 1.2–1.4× by CPU time on the reference net's layers). 3×3 convs with enough
 * channels go to the Winograd kernels instead (winograd.ts, from convOnHeap).
 */
import type { HeapBackend, HeapTensor as Info } from '../heap';
import { runSplit } from './kernelThreads';
import type { ConvShape, FilterReader } from './shape';
import { winogradApplies, winogradConvOnHeap } from './winograd';

/** Shapes the kernel takes: Cout a multiple of 8, at least 4 output columns, nothing empty. */
export function convSupported(s: ConvShape): boolean {
  return s.outChannels % 8 === 0 && s.outChannels > 0 && s.outWidth >= 4 && s.outHeight > 0 && s.batch > 0 && s.inChannels > 0;
}

/** Packs a filter given as get(a, b, ci, co) into the kernel's layout wp[cb][a][b·Cin + ci][8]. */
function packFilter(get: (a: number, b: number, ci: number, co: number) => number, kh: number, kw: number, cin: number, cout: number, into: Float32Array): void {
  const rows = kw * cin;
  for (let cb = 0; cb < cout / 8; cb++) {
    for (let a = 0; a < kh; a++) {
      const base = (cb * kh + a) * rows * 8;
      for (let b = 0; b < kw; b++) {
        for (let ci = 0; ci < cin; ci++) {
          const p = base + (b * cin + ci) * 8;
          for (let j = 0; j < 8; j++) into[p + j] = get(a, b, ci, cb * 8 + j);
        }
      }
    }
  }
}

/** Copies x [N, H, W, C] into a zeroed [N, Ho + KH − 1, Wo + KW − 1, C] at (top, left), clipping what falls outside. */
function padInto(x: Float32Array, s: ConvShape, into: Float32Array): void {
  const { batch, inHeight: H, inWidth: W, inChannels: C } = s;
  const Hp = s.outHeight + s.filterHeight - 1, Wp = s.outWidth + s.filterWidth - 1;
  const w0 = Math.max(0, -s.padLeft), w1 = Math.max(w0, Math.min(W, Wp - s.padLeft));
  // Padded columns [c0, c1) hold data; only the rest of each row is zeroed (no full clear first).
  const c0 = (w0 + s.padLeft) * C, c1 = (w1 + s.padLeft) * C, row = Wp * C;
  for (let n = 0; n < batch; n++) {
    for (let hp = 0; hp < Hp; hp++) {
      const h = hp - s.padTop;
      const dst = (n * Hp + hp) * row;
      if (h < 0 || h >= H || c1 === c0) {
        into.fill(0, dst, dst + row);
        continue;
      }
      into.fill(0, dst, dst + c0);
      const src = ((n * H + h) * W + w0) * C;
      into.set(x.subarray(src, src + c1 - c0), dst + c0);
      into.fill(0, dst + c1, dst + row);
    }
  }
}

/** A filter stored [KH, KW, Cin, Cout] as the conv uses it. */
export const forwardFilter = (s: ConvShape): FilterReader => (f) => {
  const { filterWidth: KW, inChannels: Ci, outChannels: Co } = s;
  return (a, b, ci, co) => f[((a * KW + b) * Ci + ci) * Co + co];
};

/**
 * The forward filter [KH, KW, Cout, Cin] of the conv whose input gradient this conv computes, read
 * rotated 180° with its channel axes swapped (never built).
 */
export const rotatedFilter = (s: ConvShape): FilterReader => (f) => {
  const { filterHeight: KH, filterWidth: KW, inChannels: Ci, outChannels: Co } = s;
  return (a, b, ci, co) => f[(((KH - 1 - a) * KW + (KW - 1 - b)) * Co + co) * Ci + ci];
};

/**
 * out = act(conv(input, filter) + bias), with the filter read through `reader` from the `filter`
 * tensor's values. Returns the output tensor.
 */
export function convOnHeap(
  backend: HeapBackend, memory: WebAssembly.Memory, input: Info, s: ConvShape,
  filter: Info, reader: FilterReader, bias: Info | null, relu: boolean,
): Info {
  // 3×3 filters with enough channels: Winograd F(2×2, 3×3), 2.25× fewer multiply-adds (winograd.ts).
  if (winogradApplies(s)) return winogradConvOnHeap(backend, memory, input, s, filter, reader, bias, relu);
  const out = backend.makeOutput([s.batch, s.outHeight, s.outWidth, s.outChannels], 'float32');
  const kh = s.filterHeight, kw = s.filterWidth, cin = s.inChannels;
  const packed = backend.makeOutput([s.outChannels / 8, kh, kw * cin, 8], 'float32');
  const noPad = s.padTop === 0 && s.padLeft === 0 && s.inHeight === s.outHeight + s.filterHeight - 1 && s.inWidth === s.outWidth + s.filterWidth - 1;
  const staged = noPad ? null : backend.makeOutput([s.batch, s.outHeight + kh - 1, s.outWidth + kw - 1, cin], 'float32');
  // Views only after every allocation (an allocation may grow, and so detach, the heap).
  const filterAt = reader(backend.typedArrayFromHeap(filter));
  packFilter(filterAt, kh, kw, cin, s.outChannels, backend.typedArrayFromHeap(packed));
  if (staged) padInto(backend.typedArrayFromHeap(input), s, backend.typedArrayFromHeap(staged));
  const xp = backend.getMemoryOffset((staged ?? input).dataId);
  const wp = backend.getMemoryOffset(packed.dataId);
  const bp = bias ? backend.getMemoryOffset(bias.dataId) : 0;
  const op = backend.getMemoryOffset(out.dataId);
  runSplit(memory, 'conv', s.outChannels / 8, (cb0, cb1) => [xp, wp, bp, op, s.batch, cin, s.outHeight, s.outWidth,
    s.outChannels, kh, kw, bias ? 1 : 0, relu ? 1 : 0, cb0, cb1]);
  backend.disposeData(packed.dataId);
  if (staged) backend.disposeData(staged.dataId);
  return out;
}

/**
 * Input gradient of a conv with few input channels (the first layer: Ci = 1, whose input gradient tfjs's
 * fused conv computes even though nothing uses it): per-tap products T[n, oh, ow, (a·KW + b)·Ci + ci] =
 * Σ_co dy[n, oh, ow, co] · W[a, b, ci, co] by the kernel as a 1×1 conv (taps rounded up to 8 channels),
 * then each input pixel adds the taps that saw it. `s` is the forward conv's shape (stride 1).
 */
export function inputGradFewChannels(backend: HeapBackend, memory: WebAssembly.Memory, dy: Info, filter: Info, s: ConvShape): Info {
  const { filterHeight: KH, filterWidth: KW, inChannels: Ci, outChannels: Co, outHeight: Ho, outWidth: Wo, inHeight: H, inWidth: W } = s;
  const taps = KH * KW * Ci;
  const wide = Math.ceil(taps / 8) * 8;
  const tapShape: ConvShape = { batch: s.batch, inHeight: Ho, inWidth: Wo, inChannels: Co, outHeight: Ho, outWidth: Wo,
    outChannels: wide, filterHeight: 1, filterWidth: 1, padTop: 0, padLeft: 0 };
  const perTap: FilterReader = (f) => (_a, _b, co, t) => (t < taps ? f[t * Co + co] : 0);
  const t = convOnHeap(backend, memory, dy, tapShape, filter, perTap, null, false);
  const out = backend.makeOutput([s.batch, H, W, Ci], 'float32');
  const T = backend.typedArrayFromHeap(t), dx = backend.typedArrayFromHeap(out);
  // Tap by tap (a, b in order), each a shifted plane added with no per-pixel bounds checks.
  dx.fill(0);
  for (let a = 0; a < KH; a++) {
    const ihLo = Math.max(0, a - s.padTop), ihHi = Math.min(H, Ho + a - s.padTop);
    for (let b = 0; b < KW; b++) {
      const iwLo = Math.max(0, b - s.padLeft), iwHi = Math.min(W, Wo + b - s.padLeft);
      for (let ci = 0; ci < Ci; ci++) {
        const tap = (a * KW + b) * Ci + ci;
        for (let n = 0; n < s.batch; n++) {
          for (let ih = ihLo; ih < ihHi; ih++) {
            let src = ((n * Ho + ih - a + s.padTop) * Wo + iwLo - b + s.padLeft) * wide + tap;
            let dst = ((n * H + ih) * W + iwLo) * Ci + ci;
            for (let iw = iwLo; iw < iwHi; iw++, src += wide, dst += Ci) dx[dst] += T[src];
          }
        }
      }
    }
  }
  backend.disposeData(t.dataId);
  return out;
}
