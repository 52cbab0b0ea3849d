/**
 * Runs the Grad-CAM wasm kernels (camProduct.wat, binaryFilterGrad.wat) on every wasm thread, the way
 * kernels/engine/model/kernelThreads.ts runs the conv kernels: the threaded tfjs backend's heap is a shared
 * WebAssembly.Memory, so helper workers instantiate the same kernels on it and each computes a contiguous
 * range of patches (each output is computed the same way whatever the split: results do not depend on the
 * thread count). The calling thread hands out a job through Atomics on a small shared control array, computes
 * its own range, and waits. Helpers start in the background at the first call; until one is ready the calling
 * thread does everything. Workers are unref'd (never keep a finished process alive).
 */
import { Worker } from 'node:worker_threads';
import { splitRanges } from '../model/kernelThreads';
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

/** Control slots: job sequence (caller → helper), done sequence (helper → caller), ready flag, kernel, args. */
const SEQ = 0, DONE = 1, READY = 2, KERNEL = 3, ARGS = 4, MAX_ARGS = 24, SLOTS = ARGS + MAX_ARGS;
/** A helper that has not answered within this long is treated as broken (a guard). */
const HELPER_TIMEOUT_MS = 60_000;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { modules, exportNames, memory, control } = workerData;
const fns = exportNames.map((name, i) => new WebAssembly.Instance(modules[i], { env: { memory } }).exports[name]);
const ctl = new Int32Array(control);
let seen = 0;
Atomics.store(ctl, ${READY}, 1);
for (;;) {
  Atomics.wait(ctl, ${SEQ}, seen);
  const seq = Atomics.load(ctl, ${SEQ});
  if (seq === seen) continue;
  if (seq < 0) break;
  seen = seq;
  const fn = fns[ctl[${KERNEL}]];
  fn(...Array.from(ctl.subarray(${ARGS}, ${ARGS} + fn.length)));
  Atomics.store(ctl, ${DONE}, seq);
  Atomics.notify(ctl, ${DONE});
}
`;

const isShared = (memory: WebAssembly.Memory) => typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;

const compiled = new Map<string, WebAssembly.Module>();
function moduleOf(name: CamKernel, shared: boolean): WebAssembly.Module {
  const base64 = KERNELS[name].binaries[shared ? 0 : 1];
  let m = compiled.get(base64);
  if (!m) compiled.set(base64, (m = new WebAssembly.Module(Buffer.from(base64, 'base64'))));
  return m;
}

const instances = new WeakMap<WebAssembly.Memory, Map<WebAssembly.Module, WebAssembly.Exports>>();
/** The kernel bound to `memory` on this thread (one instance per module and memory). */
export function camKernelOn(memory: WebAssembly.Memory, name: CamKernel): KernelFn {
  const m = moduleOf(name, isShared(memory));
  let byModule = instances.get(memory);
  if (!byModule) instances.set(memory, (byModule = new Map()));
  let exports = byModule.get(m);
  if (!exports) byModule.set(m, (exports = new WebAssembly.Instance(m, { env: { memory } }).exports));
  return exports[KERNELS[name].exportName] as KernelFn;
}

interface Helper { worker: Worker; ctl: Int32Array; seq: number; broken: boolean }
let helpers: Helper[] = [];
let helpersFor: WebAssembly.Memory | null = null;
let threadCount: number | null = null;

/** How many threads the cam kernels may use (default: the wasm backend's); 1 runs everything on the calling thread. */
export function setCamThreads(threads: number): void {
  threadCount = Math.max(1, Math.floor(threads));
  if (helpers.length + 1 > threadCount) stopCamHelpers();
}

function threads(): number {
  if (threadCount === null) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      threadCount = Math.max(1, (require('@tensorflow/tfjs-backend-wasm') as { getThreadsCount(): number }).getThreadsCount());
    } catch {
      threadCount = 1;
    }
  }
  return threadCount;
}

function startHelpers(memory: WebAssembly.Memory): void {
  stopCamHelpers();
  helpersFor = memory;
  const modules = NAMES.map((n) => moduleOf(n, true));
  const exportNames = NAMES.map((n) => KERNELS[n].exportName);
  for (let i = 1; i < threads(); i++) {
    const control = new SharedArrayBuffer(SLOTS * 4);
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { modules, exportNames, memory, control } });
    worker.unref();
    const helper: Helper = { worker, ctl: new Int32Array(control), seq: 0, broken: false };
    worker.on('error', () => { helper.broken = true; });
    worker.on('exit', () => { helper.broken = true; });
    helpers.push(helper);
  }
}

/** Helper workers ready to take a share (0 before the first call, or with one thread). */
export function readyCamHelpers(): number {
  return helpers.filter((h) => !h.broken && Atomics.load(h.ctl, READY) === 1).length;
}

/** Ends the helper workers (tests; a process exit ends them anyway). */
export function stopCamHelpers(): void {
  for (const h of helpers) {
    Atomics.store(h.ctl, SEQ, -1);
    Atomics.notify(h.ctl, SEQ);
  }
  helpers = [];
  helpersFor = null;
}

/**
 * Runs kernel `name` over `units` (patches), split across the calling thread and every ready helper;
 * `argsFor(u0, u1, part)` gives the kernel's arguments for units [u0, u1) on thread `part` (0 = this one).
 * Returns how many threads took part.
 */
export function runCamSplit(memory: WebAssembly.Memory, name: CamKernel, units: number, argsFor: (u0: number, u1: number, part: number) => number[]): number {
  if (threads() > 1 && isShared(memory) && helpersFor !== memory) startHelpers(memory);
  const ready = helpersFor === memory ? helpers.filter((h) => !h.broken && Atomics.load(h.ctl, READY) === 1) : [];
  const ranges = splitRanges(units, 1 + ready.length);
  const used = ready.slice(0, ranges.length - 1);
  used.forEach((h, i) => {
    const args = argsFor(...ranges[i + 1], i + 1);
    if (args.length > MAX_ARGS) throw new Error(`camThreads: ${name} takes too many arguments`);
    h.ctl[KERNEL] = NAMES.indexOf(name);
    h.ctl.set(args, ARGS);
    h.seq++;
    Atomics.store(h.ctl, SEQ, h.seq);
    Atomics.notify(h.ctl, SEQ);
  });
  camKernelOn(memory, name)(...argsFor(...ranges[0], 0));
  for (const h of used) {
    const started = Date.now();
    while (Atomics.load(h.ctl, DONE) !== h.seq) {
      if (Date.now() - started > HELPER_TIMEOUT_MS) {
        h.broken = true;
        throw new Error(`LungCAM Grad-CAM kernel ${name}: a helper thread did not answer within ${HELPER_TIMEOUT_MS / 1000} s (set LUNGCAM_WASM_THREADS=1 to run on one thread)`);
      }
      Atomics.wait(h.ctl, DONE, Atomics.load(h.ctl, DONE), 1000);
    }
  }
  return 1 + used.length;
}

/** Threads a split may use at most (for per-thread scratch space). */
export function camThreadCount(): number {
  return threads();
}
