/**
 * Every class's Grad-CAM map of one layer for every patch, ReLU'd, class-major:
 * out[c, n, p] = max(0, Σ_k A[n, p, k] W[n, k, c]).
 * On the wasm backend a SIMD kernel (camProduct.wat) reads A in place on the heap: tfjs-wasm's BatchMatMul
 * for batch > 1 is a scalar loop on one thread, and with 4 classes it was ≈ 15 % of "every layer × every
 * class" (≈ 7× slower than this kernel). Other backends use tf.matMul. The sums run over k in order, as a
 * matmul does: maps agree with tf.matMul's to float rounding.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import { heapMemory, type HeapBackend } from '../heap';
import { runCamSplit } from './camThreads';

const KERNEL = 'LungcamCamProduct';

/** Inputs a [N, P, K] and w0, w1, … (one per class, [N, K] each, float32) → [C, N, P]. */
function camProductWasm(args: { inputs: Record<string, TensorInfo>; backend: unknown }): TensorInfo {
  const { a } = args.inputs;
  const ws = Object.keys(args.inputs).filter((key) => key !== 'a').sort((x, y) => Number(x.slice(1)) - Number(y.slice(1))).map((key) => args.inputs[key]);
  const backend = args.backend as HeapBackend;
  const memory = heapMemory(backend)!;
  const [n, p, k] = a.shape;
  const c = ws.length;
  const c4 = Math.ceil(c / 4) * 4;
  const out = backend.makeOutput([c, n, p], 'float32');
  // The kernel's weights [N, K, C4]: the classes interleaved, padded with zeros to a multiple of 4.
  const packed = backend.makeOutput([n, k, c4], 'float32');
  // Views after every allocation (an allocation may grow, and so detach, the heap).
  const to = backend.typedArrayFromHeap(packed);
  if (c4 !== c) to.fill(0);
  ws.forEach((w, j) => {
    const from = backend.typedArrayFromHeap(w);
    for (let i = 0, dst = j; i < n * k; i++, dst += c4) to[dst] = from[i];
  });
  const [ap, wp, op] = [a, packed, out].map((t) => backend.getMemoryOffset(t.dataId));
  // Patches split across the wasm threads (camThreads.ts).
  runCamSplit(memory, 'camProduct', n, (n0, n1) => [ap + n0 * p * k * 4, wp + n0 * k * c4 * 4, op + n0 * p * 4, n1 - n0, p, k, c4, c, n]);
  backend.disposeData(packed.dataId);
  return out;
}

let registered = false;

function wasmKernelReady(): boolean {
  if (tf.getBackend() !== 'wasm' || !heapMemory(tf.backend() as unknown as HeapBackend)) return false;
  if (!registered) {
    tf.registerKernel({ kernelName: KERNEL, backendName: 'wasm', kernelFunc: camProductWasm as unknown as KernelFunc });
    registered = true;
  }
  return true;
}

/**
 * ReLU(A · W) per patch: a [N, P, K] and one [N, K] weight tensor per class → [C, N, P] values (class c's maps
 * of every patch are the run c·N·P .. (c + 1)·N·P). Tensors in, a plain array out (the inputs stay owned by
 * the caller).
 */
export function camProduct(a: tf.Tensor3D, weights: tf.Tensor2D[]): Float32Array {
  const out = a.dtype === 'float32' && weights.every((w) => w.dtype === 'float32') && a.size > 0 && weights.length > 0 && weights[0].size > 0 && wasmKernelReady()
    ? tf.engine().runKernel(KERNEL, { a, ...Object.fromEntries(weights.map((w, j) => [`w${j}`, w])) } as unknown as tf.NamedTensorMap, {}) as tf.Tensor
    : tf.tidy(() => tf.transpose(tf.relu(tf.matMul(a, tf.stack(weights, 2) as tf.Tensor3D)), [2, 0, 1]));
  const values = out.dataSync() as Float32Array;
  out.dispose();
  return values;
}
