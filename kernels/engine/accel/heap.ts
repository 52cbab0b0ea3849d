/**
 * The TensorFlow.js WebAssembly backend as LungCAM's kernels see it: tensors are regions of one wasm heap,
 * which the kernels read and write in place (no copies in or out of tfjs).
 */
import type { TensorInfo } from '@tensorflow/tfjs';

/** What the kernels use of tfjs-backend-wasm's backend object (internals: see test/unit/pinned-internals). */
export interface HeapBackend {
  makeOutput(shape: number[], dtype: string): HeapTensor;
  getMemoryOffset(dataId: object): number;
  typedArrayFromHeap(t: HeapTensor): Float32Array;
  disposeData(dataId: object): void;
  wasm: { wasmMemory?: WebAssembly.Memory; asm?: { memory?: WebAssembly.Memory } };
}

/** A tensor of the backend: its data is a region of the heap. */
export type HeapTensor = TensorInfo;

/** The heap of a tfjs wasm backend, or null when this is not one we can run on. */
export function heapMemory(backend: { getMemoryOffset?: unknown; wasm?: HeapBackend['wasm'] }): WebAssembly.Memory | null {
  const memory = backend.wasm?.wasmMemory ?? backend.wasm?.asm?.memory;
  return memory && typeof backend.getMemoryOffset === 'function' ? memory : null;
}
