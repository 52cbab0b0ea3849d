/**
 * Runs LungCAM's wasm SIMD kernels (convFilterGrad.wat, convForward.wat) on every wasm thread: the threaded
 * tfjs backend's heap is a shared WebAssembly.Memory, so helper workers instantiate the same kernels on
 * that very memory and each computes a contiguous range of output-channel blocks (each output is computed
 * the same way whatever the split, so results do not depend on the thread count). The calling thread hands
 * out a job through Atomics on a small shared control array, computes its own range, and waits for the
 * helpers. Helpers start in the background at the first call; until one is ready the calling thread does
 * its share. Workers are unref'd (never keep a finished process alive).
 */
import * as v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
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

/** Control slots: job sequence (caller → helper), done sequence (helper → caller), ready flag, kernel, args. */
const SEQ = 0, DONE = 1, READY = 2, KERNEL = 3, ARGS = 4, MAX_ARGS = 24, SLOTS = ARGS + MAX_ARGS;
/** A helper that has not answered within this long is treated as broken (never seen; a guard). */
const HELPER_TIMEOUT_MS = 60_000;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { modules, names, memory, control } = workerData;
const fns = names.map((name, i) => new WebAssembly.Instance(modules[i], { env: { memory } }).exports[name]);
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

const compiled = new Map<string, WebAssembly.Module>();
const instances = new WeakMap<WebAssembly.Memory, Map<KernelName, KernelFn>>();

export function isSharedMemory(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
}

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

/** The kernel bound to `memory` on this thread (instantiated once per memory). */
export function kernelOn(memory: WebAssembly.Memory, name: KernelName): KernelFn {
  let byName = instances.get(memory);
  if (!byName) instances.set(memory, (byName = new Map()));
  let fn = byName.get(name);
  if (!fn) {
    fn = new WebAssembly.Instance(kernelModule(name, isSharedMemory(memory)), { env: { memory } }).exports[name] as KernelFn;
    byName.set(name, fn);
  }
  return fn;
}

interface Helper {
  worker: Worker;
  ctl: Int32Array;
  seq: number;
  broken: boolean;
}

let helpers: Helper[] = [];
let helpersFor: WebAssembly.Memory | null = null;
let threadCount = 1;

/** How many threads runSplit may use at most (the calling thread and its helpers). */
export function kernelThreadCount(): number {
  return threadCount;
}

/** How many threads the kernels may use (the wasm backend's thread count); 1 disables the helpers. */
export function setKernelThreads(threads: number): void {
  threadCount = Math.max(1, Math.floor(threads));
}

function startHelpers(memory: WebAssembly.Memory): void {
  stopKernelHelpers();
  helpersFor = memory;
  const modules = NAMES.map((n) => kernelModule(n, true));
  for (let i = 1; i < threadCount; i++) {
    const control = new SharedArrayBuffer(SLOTS * 4);
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { modules, names: NAMES, memory, control } });
    worker.unref();
    const helper: Helper = { worker, ctl: new Int32Array(control), seq: 0, broken: false };
    worker.on('error', () => { helper.broken = true; });
    worker.on('exit', () => { helper.broken = true; });
    helpers.push(helper);
  }
}

/** Helper workers ready to take a share (0 before the first call, or with one thread). */
export function readyKernelHelpers(): number {
  return helpers.filter((h) => !h.broken && Atomics.load(h.ctl, READY) === 1).length;
}

/** Ends the helper workers (tests; a process exit ends them anyway). */
export function stopKernelHelpers(): void {
  for (const h of helpers) {
    Atomics.store(h.ctl, SEQ, -1);
    Atomics.notify(h.ctl, SEQ);
  }
  helpers = [];
  helpersFor = null;
}

/** Contiguous ranges of `units` for `parts` threads, as even as possible (never empty). */
export function splitRanges(units: number, parts: number): Array<[number, number]> {
  const n = Math.max(1, Math.min(parts, units));
  const ranges: Array<[number, number]> = [];
  for (let i = 0, start = 0; i < n; i++) {
    const end = Math.round(((i + 1) * units) / n);
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}

/**
 * Runs kernel `name` over `units` blocks, split across the calling thread and every ready helper;
 * `argsFor(u0, u1, part)` gives the kernel's arguments for blocks [u0, u1) on part `part` (0: the calling
 * thread, 1 …: helpers; fewer than kernelThreadCount() parts, so per-part scratch can be indexed by it).
 */
export function runSplit(memory: WebAssembly.Memory, name: KernelName, units: number, argsFor: (u0: number, u1: number, part: number) => number[]): void {
  if (threadCount > 1 && isSharedMemory(memory) && helpersFor !== memory) startHelpers(memory);
  // At most threadCount − 1 helpers (after setKernelThreads(1) the started helpers stay idle).
  const ready = helpersFor === memory ? helpers.filter((h) => !h.broken && Atomics.load(h.ctl, READY) === 1).slice(0, threadCount - 1) : [];
  const ranges = splitRanges(units, 1 + ready.length);
  const used = ready.slice(0, ranges.length - 1);
  used.forEach((h, i) => {
    const args = argsFor(...ranges[i + 1], i + 1);
    if (args.length > MAX_ARGS) throw new Error(`kernelThreads: ${name} takes too many arguments`);
    h.ctl[KERNEL] = NAMES.indexOf(name);
    h.ctl.set(args, ARGS);
    h.seq++;
    Atomics.store(h.ctl, SEQ, h.seq);
    Atomics.notify(h.ctl, SEQ);
  });
  kernelOn(memory, name)(...argsFor(...ranges[0], 0));
  for (const h of used) {
    const started = Date.now();
    while (Atomics.load(h.ctl, DONE) !== h.seq) {
      if (Date.now() - started > HELPER_TIMEOUT_MS) {
        h.broken = true;
        throw new Error(`LungCAM wasm kernel ${name}: a helper thread did not answer within ${HELPER_TIMEOUT_MS / 1000} s (set LUNGCAM_WASM_THREADS=1 to run on one thread)`);
      }
      Atomics.wait(h.ctl, DONE, Atomics.load(h.ctl, DONE), 1000);
    }
  }
}
