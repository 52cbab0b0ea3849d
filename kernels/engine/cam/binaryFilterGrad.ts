/**
 * Σ_t K[t, ci, co] · dW[t, ci, co] for every patch, where dW is a stride-1 conv's filter gradient for input x
 * and output gradient dy, when both are 0/1 masks times one value per patch and channel (Grad-CAM's case
 * two convs down: x = Φ, the max-pool routing of ReLU masks, and dy = Q, a ReLU mask over the map's area).
 * Then every entry of dW is a count of positions where both masks are on: binaryFilterGrad.wat gets them
 * with 64 positions per and + popcount instead of a multiply-add per position, ≈ 50× fewer operations than
 * the float filter gradient on the reference net (exact counts: the result is the float one up to rounding).
 * Returns null where the masks have another form (any value other than 0 and its channel's one value), or
 * off the wasm backend; the caller then runs the float filter gradient.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { BINARY_FILTER_GRAD_SHARED_WASM_BASE64, BINARY_FILTER_GRAD_WASM_BASE64 } from './binaryFilterGradWasm';

const KERNEL = 'LungcamBinaryFilterGrad';
const MASK_BITS = 'LungcamMaskBits';

interface HeapBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  getMemoryOffset(dataId: object): number;
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array;
  disposeData(dataId: object): void;
  wasm?: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
}

type KernelFn = (x: number, y: number, k: number, offs: number, out: number, shifted: number,
  n: number, ci: number, co: number, xw: number, yw: number, t: number) => void;
type MaskBitsFn = (x: number, bits: number, scale: number, n: number, h: number, w: number, c: number,
  top: number, left: number, stride: number, words: number) => void;
interface Kernels { binaryFilterGrad: KernelFn; maskBits: MaskBitsFn }

const modules = new Map<boolean, WebAssembly.Module>();
const instances = new WeakMap<WebAssembly.Memory, Kernels>();

function heapOf(backend: HeapBackend): WebAssembly.Memory | null {
  const memory = backend.wasm?.wasmMemory ?? backend.wasm?.asm?.memory;
  return memory && typeof backend.getMemoryOffset === 'function' ? memory : null;
}

function kernelsOn(memory: WebAssembly.Memory): Kernels {
  let k = instances.get(memory);
  if (!k) {
    const shared = typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
    let m = modules.get(shared);
    if (!m) modules.set(shared, (m = new WebAssembly.Module(Buffer.from(shared ? BINARY_FILTER_GRAD_SHARED_WASM_BASE64 : BINARY_FILTER_GRAD_WASM_BASE64, 'base64'))));
    k = new WebAssembly.Instance(m, { env: { memory } }).exports as unknown as Kernels;
    instances.set(memory, k);
  }
  return k;
}

/**
 * x [N, H, W, C] float32; attrs top, left, stride, words → bits [N, C, words·2] int32 (64-bit words as low,
 * high halves: bit (h + top)·stride + (w + left) set where x ≠ 0) and scale [N, C] (each channel's one
 * nonzero value, 0 for none, NaN where a channel holds two different values).
 */
function maskBitsWasm(args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> }): TensorInfo[] {
  const { x } = args.inputs;
  const { top, left, stride, words } = args.attrs as { top: number; left: number; stride: number; words: number };
  const backend = args.backend as HeapBackend;
  const memory = heapOf(backend)!;
  const [n, h, w, c] = x.shape;
  const bits = backend.makeOutput([n, c, words * 2], 'int32');
  const scale = backend.makeOutput([n, c], 'float32');
  // Views after every allocation (an allocation may grow, and so detach, the heap).
  backend.typedArrayFromHeap(bits).fill(0);
  backend.typedArrayFromHeap(scale).fill(0);
  const at = (t: TensorInfo) => backend.getMemoryOffset(t.dataId);
  kernelsOn(memory).maskBits(at(x), at(bits), at(scale), n, h, w, c, top, left, stride, words);
  return [bits, scale];
}

/** inputs xBits [N, Ci, XW·2], yBits [N, Co, YW·2] (int32), filter [T, Ci, Co]; attrs offsets (bits per tap) → [N, Ci, Co]. */
function binaryFilterGradWasm(args: { inputs: Record<string, TensorInfo>; backend: unknown; attrs: Record<string, unknown> }): TensorInfo {
  const { xBits, yBits, filter } = args.inputs;
  const offsets = args.attrs.offsets as number[];
  const backend = args.backend as HeapBackend;
  const memory = heapOf(backend)!;
  const [n, ci, xw2] = xBits.shape;
  const [, co, yw2] = yBits.shape;
  const out = backend.makeOutput([n, ci, co], 'float32');
  const offs = backend.makeOutput([offsets.length], 'int32');
  const shifted = backend.makeOutput([yw2], 'int32');
  // Views after every allocation (an allocation may grow, and so detach, the heap).
  backend.typedArrayFromHeap(out).fill(0);
  backend.typedArrayFromHeap(offs).set(offsets);
  const at = (t: TensorInfo) => backend.getMemoryOffset(t.dataId);
  kernelsOn(memory).binaryFilterGrad(at(xBits), at(yBits), at(filter), at(offs), at(out), at(shifted), n, ci, co, xw2 / 2, yw2 / 2, offsets.length);
  backend.disposeData(offs.dataId);
  backend.disposeData(shifted.dataId);
  return out;
}

let registered = false;

function wasmKernelReady(): boolean {
  if (tf.getBackend() !== 'wasm' || !heapOf(tf.backend() as unknown as HeapBackend)) return false;
  if (!registered) {
    tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: binaryFilterGradWasm as unknown as KernelFunc });
    tf.registerKernel({ kernelName: MASK_BITS, backendName: 'wasm', kernelFunc: maskBitsWasm as unknown as KernelFunc });
    registered = true;
  }
  return true;
}

/** The bit vectors and per-channel values of a 0/1-times-value map (see maskBitsWasm). */
function maskBits(x: tf.Tensor4D, top: number, left: number, stride: number, words: number): [tf.Tensor3D, tf.Tensor2D] {
  return tf.engine().runKernel(MASK_BITS, { x } as unknown as tf.NamedTensorMap, { top, left, stride, words } as unknown as tf.NamedAttrMap) as unknown as [tf.Tensor3D, tf.Tensor2D];
}

export interface StrideOneConv { kh: number; kw: number; padTop: number; padLeft: number; inH: number; inW: number; outH: number; outW: number }

/**
 * r[n, ci, co] = Σ_t K[t, ci, co] Σ_o x[n, o + t, ci] dy[n, o, co] (x zero-padded as the conv pads it), for x
 * [N, inH, inW, Ci], dy [N, outH, outW, Co], kernel [kh, kw, Ci, Co]; null when the masks are not 0/1 times
 * a per-channel value or the backend is not wasm. Returns [N, Ci, Co].
 */
export function binaryFilterGradContracted(x: tf.Tensor4D, dy: tf.Tensor4D, kernel: tf.Tensor4D, g: StrideOneConv): tf.Tensor3D | null {
  if (!wasmKernelReady() || x.dtype !== 'float32' || dy.dtype !== 'float32') return null;
  const [n, inH, inW, ci] = x.shape;
  const co = dy.shape[3];
  const hp = g.outH + g.kh - 1, wp = g.outW + g.kw - 1;
  if (inH !== g.inH || inW !== g.inW || dy.shape[1] !== g.outH || dy.shape[2] !== g.outW || g.padTop < 0 || g.padLeft < 0
    || inH + g.padTop > hp || inW + g.padLeft > wp || n === 0 || ci === 0 || co === 0) return null;
  const yWords = Math.ceil(((g.outH - 1) * wp + g.outW) / 64);
  const maxOffset = (g.kh - 1) * wp + g.kw - 1;
  const xWords = Math.max(Math.ceil((hp * wp) / 64), yWords + Math.floor(maxOffset / 64) + 1);
  const [xBits, xScale] = maskBits(x, g.padTop, g.padLeft, wp, xWords);
  const [yBits, yScale] = maskBits(dy, 0, 0, wp, yWords);
  // Any channel with two different nonzero values (NaN) or a non-finite one: not masks; the float path.
  const scales = [xScale.dataSync(), yScale.dataSync()];
  if (scales.some((v) => v.some((s) => !Number.isFinite(s)))) {
    tf.dispose([xBits, xScale, yBits, yScale]);
    return null;
  }
  const offsets: number[] = [];
  for (let a = 0; a < g.kh; a++) for (let b = 0; b < g.kw; b++) offsets.push(a * wp + b);
  const result = tf.tidy(() => {
    const filter = tf.reshape(kernel, [g.kh * g.kw, ci, co]);
    const counts = tf.engine().runKernel(KERNEL, { xBits, yBits, filter } as unknown as tf.NamedTensorMap, { offsets } as unknown as tf.NamedAttrMap) as tf.Tensor3D;
    // Each count times its two channels' values.
    return tf.mul(counts, tf.mul(tf.reshape(xScale, [n, ci, 1]), tf.reshape(yScale, [n, 1, co]))) as tf.Tensor3D;
  });
  tf.dispose([xBits, xScale, yBits, yScale]);
  return result;
}
