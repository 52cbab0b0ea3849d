/**
 * The model's wasm SIMD kernels (convFilterGrad.wat, convForward.wat, winograd.wat) on every wasm thread,
 * through a KernelPool (kernelPool.ts: helper workers on the backend's shared heap, each computing a
 * contiguous range of output-channel blocks or tiles), and trainOps.wat on the calling thread.
 */
import * as v8 from 'node:v8';
import { KernelPool, isSharedMemory } from '../kernelPool';
import * as fg from './convFilterGradWasm';
import * as fw from './convForwardWasm';
import * as ops from './trainOpsWasm';
import * as wg from './winogradWasm';

/**
 * The kernels, by export name: binaries for [shared heap, plain heap] × [plain SIMD, relaxed-SIMD FMA].
 * Each takes i32 arguments (heap byte offsets and sizes).
 */
export type KernelName = 'filterGrad' | 'conv' | 'winoConv2' | 'winoConv4' | 'winoFilterGrad2' | 'winoFilterGrad4'
  | 'winoSumParts' | 'winoPad' | 'winoFilterTransform2' | 'winoFilterTransform4' | 'winoFilterUntransform2' | 'winoFilterUntransform4';
/** Base64 binaries: [shared heap, plain heap] for plain SIMD and for relaxed-SIMD FMA. */
interface Binaries { plain: readonly [string, string]; fma: readonly [string, string] }
// (Typed explicitly: inferred from the constants, the binaries' text became the type, too long for declarations.)
const WINOGRAD: Binaries = { plain: [wg.WINOGRAD_SHARED_WASM_BASE64, wg.WINOGRAD_WASM_BASE64],
  fma: [wg.WINOGRAD_SHARED_FMA_WASM_BASE64, wg.WINOGRAD_FMA_WASM_BASE64] };
const SOURCES: Record<KernelName, Binaries> = {
  filterGrad: { plain: [fg.CONV_FILTER_GRAD_SHARED_WASM_BASE64, fg.CONV_FILTER_GRAD_WASM_BASE64],
    fma: [fg.CONV_FILTER_GRAD_SHARED_FMA_WASM_BASE64, fg.CONV_FILTER_GRAD_FMA_WASM_BASE64] },
  conv: { plain: [fw.CONV_FORWARD_SHARED_WASM_BASE64, fw.CONV_FORWARD_WASM_BASE64],
    fma: [fw.CONV_FORWARD_SHARED_FMA_WASM_BASE64, fw.CONV_FORWARD_FMA_WASM_BASE64] },
  // winograd.wat: one binary, instantiated once per export name.
  winoConv2: WINOGRAD, winoConv4: WINOGRAD, winoFilterGrad2: WINOGRAD, winoFilterGrad4: WINOGRAD, winoSumParts: WINOGRAD, winoPad: WINOGRAD,
  winoFilterTransform2: WINOGRAD, winoFilterTransform4: WINOGRAD, winoFilterUntransform2: WINOGRAD, winoFilterUntransform4: WINOGRAD,
};
const NAMES = Object.keys(SOURCES) as KernelName[];
type KernelFn = (...args: number[]) => void;

export { isSharedMemory, splitRanges } from '../kernelPool';

const compiled = new Map<string, WebAssembly.Module>();

/** trainOps.wat: memory-bound step kernels, run on the calling thread only. */
export interface TrainOps {
  maxPoolGrad2x2(x: number, g: number, dx: number, N: number, H: number, W: number, C: number, Ho: number, Wo: number): void;
  channelSum(x: number, out: number, acc: number, rows: number, C: number, scale: number): void;
}
const trainOpsInstances = new WeakMap<WebAssembly.Memory, TrainOps>();
const trainOpsModules = new Map<boolean, WebAssembly.Module>();

/** trainOps.wat bound to `memory` (instantiated once per memory). */
export function trainOpsOn(memory: WebAssembly.Memory): TrainOps {
  let inst = trainOpsInstances.get(memory);
  if (!inst) {
    const shared = isSharedMemory(memory);
    let m = trainOpsModules.get(shared);
    if (!m) {
      m = new WebAssembly.Module(Buffer.from(shared ? ops.TRAIN_OPS_SHARED_WASM_BASE64 : ops.TRAIN_OPS_WASM_BASE64, 'base64'));
      trainOpsModules.set(shared, m);
    }
    inst = new WebAssembly.Instance(m, { env: { memory } }).exports as unknown as TrainOps;
    trainOpsInstances.set(memory, inst);
  }
  return inst;
}

let fmaState: boolean | null = null;

/**
 * Whether the kernels use relaxed SIMD's multiply-add (one FMA instruction where the CPU has it; about
 * 1.3× the plain kernel's speed here). Node 20 has it behind --experimental-wasm-relaxed-simd: the flag is
 * set before compiling, and the plain-SIMD kernels are used if the engine still refuses it or env
 * LUNGCAM_WASM_FMA=0. Results differ from plain SIMD in the last bits (one rounding instead of two) but
 * are the same on every run on one machine.
 */
export function kernelsUseFma(): boolean {
  if (fmaState === null) {
    const probe = Buffer.from(SOURCES.conv.fma[1], 'base64');
    fmaState = false;
    if (process.env.LUNGCAM_WASM_FMA !== '0') {
      try {
        if (!WebAssembly.validate(probe)) v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
        fmaState = WebAssembly.validate(probe);
      } catch {
        fmaState = false;
      }
    }
  }
  return fmaState;
}

/** The compiled kernel module for a shared (threaded backend) or plain heap. */
function kernelModule(name: KernelName, shared: boolean): WebAssembly.Module {
  const fma = kernelsUseFma();
  // Keyed by the binary: the names winograd.wat exports share one compiled module.
  const key = SOURCES[name][fma ? 'fma' : 'plain'][shared ? 0 : 1];
  let m = compiled.get(key);
  if (!m) {
    m = new WebAssembly.Module(Buffer.from(key, 'base64'));
    compiled.set(key, m);
  }
  return m;
}

/** The pool runs the kernels with the thread count backend.ts sets (1 until then). */
const pool = new KernelPool<KernelName>('LungCAM wasm kernel', { names: NAMES, module: kernelModule }, () => 1);

/** The kernel bound to `memory` on this thread (instantiated once per memory). */
export function kernelOn(memory: WebAssembly.Memory, name: KernelName): KernelFn {
  return pool.kernelOn(memory, name);
}

/** How many threads runSplit may use at most (the calling thread and its helpers). */
export function kernelThreadCount(): number {
  return pool.threads();
}

/** How many threads the kernels may use (the wasm backend's thread count); 1 disables the helpers. */
export function setKernelThreads(threads: number): void {
  pool.setThreads(threads);
}

/** Helper workers ready to take a share (0 before the first call, or with one thread). */
export function readyKernelHelpers(): number {
  return pool.readyHelpers();
}

/** Ends the helper workers (tests; a process exit ends them anyway). */
export function stopKernelHelpers(): void {
  pool.stopHelpers();
}

/**
 * Runs kernel `name` over `units` blocks, split across the calling thread and every ready helper;
 * `argsFor(u0, u1, part)` gives the kernel's arguments for blocks [u0, u1) on part `part` (0: the calling
 * thread, 1 …: helpers; fewer than kernelThreadCount() parts, so per-part scratch can be indexed by it).
 */
export function runSplit(memory: WebAssembly.Memory, name: KernelName, units: number, argsFor: (u0: number, u1: number, part: number) => number[]): void {
  pool.runSplit(memory, name, units, argsFor);
}
