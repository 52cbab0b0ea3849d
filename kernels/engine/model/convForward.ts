/**
 * Stride-1 convolutions by LungCAM's wasm SIMD kernel (convForward.wat) on the tfjs wasm heap, on every
 * wasm thread: the forward pass (Conv2D, FusedConv2D with bias and ReLU) and the input gradient (a forward
 * conv of dy with the rotated, transposed filter). Measured here it does more multiply-adds per CPU second
 * than XNNPACK's conv (about 1.2–1.4× by CPU time on the reference net's layers).
 */
import { runSplit } from './kernelThreads';

export interface HeapBackend {
  makeOutput(shape: number[], dtype: string): { dataId: object; shape: number[]; dtype: string };
  getMemoryOffset(dataId: object): number;
  typedArrayFromHeap(t: { dataId: object; shape: number[]; dtype: string }): Float32Array;
  disposeData(dataId: object): void;
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
}
type Info = { dataId: object; shape: number[]; dtype: string };

/** A stride-1, dilation-1 convolution: input [N, H, W, Cin] → output [N, Ho, Wo, Cout]. */
export interface ConvShape {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  padTop: number;
  padLeft: number;
}

/** The heap of a tfjs wasm backend, or null when this is not one we can run on. */
export function heapMemory(backend: HeapBackend): WebAssembly.Memory | null {
  const memory = backend.wasm?.wasmMemory ?? backend.wasm?.asm?.memory;
  return memory && typeof backend.getMemoryOffset === 'function' ? memory : null;
}

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
  into.fill(0);
  const w0 = Math.max(0, -s.padLeft), w1 = Math.min(W, Wp - s.padLeft);
  if (w1 <= w0) return;
  for (let n = 0; n < batch; n++) {
    for (let h = 0; h < H; h++) {
      const hp = h + s.padTop;
      if (hp < 0 || hp >= Hp) continue;
      const src = ((n * H + h) * W + w0) * C;
      into.set(x.subarray(src, src + (w1 - w0) * C), ((n * Hp + hp) * Wp + w0 + s.padLeft) * C);
    }
  }
}

/**
 * out = act(conv(input, filter) + bias). `filter` is [KH, KW, Cin, Cout]; with `rotated` it is the
 * forward filter [KH, KW, Cout, Cin] of the conv whose input gradient this is, used rotated 180° with
 * its channel axes swapped (read in place, never built). Returns the output tensor.
 */
export function convOnHeap(
  backend: HeapBackend, memory: WebAssembly.Memory, input: Info, s: ConvShape,
  filter: Info, rotated: boolean, bias: Info | null, relu: boolean,
): Info {
  const out = backend.makeOutput([s.batch, s.outHeight, s.outWidth, s.outChannels], 'float32');
  const kh = s.filterHeight, kw = s.filterWidth, cin = s.inChannels;
  const packed = backend.makeOutput([s.outChannels / 8, kh, kw * cin, 8], 'float32');
  const noPad = s.padTop === 0 && s.padLeft === 0 && s.inHeight === s.outHeight + s.filterHeight - 1 && s.inWidth === s.outWidth + s.filterWidth - 1;
  const staged = noPad ? null : backend.makeOutput([s.batch, s.outHeight + kh - 1, s.outWidth + kw - 1, cin], 'float32');
  // Views only after every allocation (an allocation may grow, and so detach, the heap).
  const f = backend.typedArrayFromHeap(filter);
  const { filterHeight: KH, filterWidth: KW, inChannels: Ci, outChannels: Co } = s;
  const filterAt = rotated
    ? (a: number, b: number, ci: number, co: number) => f[(((KH - 1 - a) * KW + (KW - 1 - b)) * Co + co) * Ci + ci]
    : (a: number, b: number, ci: number, co: number) => f[((a * KW + b) * Ci + ci) * Co + co];
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
