/**
 * The Grad-CAM wasm kernels (camProduct.wat, binaryFilterGrad.wat) on every wasm thread, through a
 * KernelPool (model/kernelPool.ts) of their own: each thread computes a contiguous range of patches.
 */
import { KernelPool } from '../kernelPool';
import { CAM_PRODUCT_SHARED_WASM_BASE64, CAM_PRODUCT_WASM_BASE64 } from './camProductWasm';
import { BINARY_FILTER_GRAD_SHARED_WASM_BASE64, BINARY_FILTER_GRAD_WASM_BASE64 } from './binaryFilterGradWasm';

/** Each kernel: its module's binaries [shared heap, plain heap] and its export name. */
const KERNELS = {
  camProduct: { binaries: [CAM_PRODUCT_SHARED_WASM_BASE64, CAM_PRODUCT_WASM_BASE64], exportName: 'camProduct' },
  binaryFilterGrad: { binaries: [BINARY_FILTER_GRAD_SHARED_WASM_BASE64, BINARY_FILTER_GRAD_WASM_BASE64], exportName: 'binaryFilterGrad' },
  maskBits: { binaries: [BINARY_FILTER_GRAD_SHARED_WASM_BASE64, BINARY_FILTER_GRAD_WASM_BASE64], exportName: 'maskBits' },
} as const;
export type CamKernel = keyof typeof KERNELS;
const NAMES = Object.keys(KERNELS) as CamKernel[];
type KernelFn = (...args: number[]) => void;

const compiled = new Map<string, WebAssembly.Module>();
function moduleOf(name: CamKernel, shared: boolean): WebAssembly.Module {
  const base64 = KERNELS[name].binaries[shared ? 0 : 1];
  let m = compiled.get(base64);
  if (!m) compiled.set(base64, (m = new WebAssembly.Module(Buffer.from(base64, 'base64'))));
  return m;
}

/** The wasm backend's thread count (1 when it cannot say). */
function backendThreads(): number {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('@tensorflow/tfjs-backend-wasm') as { getThreadsCount(): number }).getThreadsCount();
  } catch {
    return 1;
  }
}

const pool = new KernelPool<CamKernel>('LungCAM Grad-CAM kernel', { names: NAMES, module: moduleOf, exportName: (n) => KERNELS[n].exportName }, backendThreads);

/** The kernel bound to `memory` on this thread (one instance per kernel and memory). */
export function camKernelOn(memory: WebAssembly.Memory, name: CamKernel): KernelFn {
  return pool.kernelOn(memory, name);
}

/** How many threads the cam kernels may use (default: the wasm backend's); 1 runs everything on the calling thread. */
export function setCamThreads(threads: number): void {
  pool.setThreads(threads);
}

/** Helper workers ready to take a share (0 before the first call, or with one thread). */
export function readyCamHelpers(): number {
  return pool.readyHelpers();
}

/** Ends the helper workers (tests; a process exit ends them anyway). */
export function stopCamHelpers(): void {
  pool.stopHelpers();
}

/**
 * Runs kernel `name` over `units` (patches), split across the calling thread and every ready helper;
 * `argsFor(u0, u1, part)` gives the kernel's arguments for units [u0, u1) on thread `part` (0 = this one).
 * Returns how many threads took part.
 */
export function runCamSplit(memory: WebAssembly.Memory, name: CamKernel, units: number, argsFor: (u0: number, u1: number, part: number) => number[]): number {
  return pool.runSplit(memory, name, units, argsFor);
}

/** Threads a split may use at most (for per-thread scratch space). */
export function camThreadCount(): number {
  return pool.threads();
}
