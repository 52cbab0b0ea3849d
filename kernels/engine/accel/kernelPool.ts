/**
 * Runs LungCAM's own wasm kernels on every wasm thread. The threaded tfjs backend's heap is a shared
 * WebAssembly.Memory, so helper workers instantiate the same kernels on that very memory and each computes
 * a contiguous range of the work (each output is computed the same way whatever the split, so results do
 * not depend on the thread count). The calling thread hands out a job through Atomics on a small shared
 * control array, computes its own range, and waits for the helpers. Helpers start in the background at the
 * first call; until one is ready the calling thread does everything. Workers are unref'd (never keep a
 * finished process alive). The model's conv kernels (kernelThreads.ts) and the Grad-CAM kernels
 * (cam/camThreads.ts) each have a pool.
 */
import { Worker } from 'node:worker_threads';

type KernelFn = (...args: number[]) => void;

/** Control slots: job sequence (caller → helper), done sequence (helper → caller), ready flag, kernel, args. */
const SEQ = 0, DONE = 1, READY = 2, KERNEL = 3, ARGS = 4, MAX_ARGS = 24, SLOTS = ARGS + MAX_ARGS;
/** A helper that has not answered within this long is treated as broken (never seen; a guard). */
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

export function isSharedMemory(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
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

/** What a pool runs: kernel names, the compiled module holding each (shared or plain heap) and its export. */
export interface PoolKernels<Name extends string> {
  names: readonly Name[];
  module(name: Name, shared: boolean): WebAssembly.Module;
  /** The kernel's export name in its module (default: its name). */
  exportName?(name: Name): string;
}

interface Helper {
  worker: Worker;
  ctl: Int32Array;
  seq: number;
  broken: boolean;
}

export class KernelPool<Name extends string> {
  private helpers: Helper[] = [];
  private helpersFor: WebAssembly.Memory | null = null;
  private count: number | null = null;
  private readonly instances = new WeakMap<WebAssembly.Memory, Map<Name, KernelFn>>();

  /** `label` names the pool in errors; `defaultThreads` gives the thread count until setThreads. */
  constructor(private readonly label: string, private readonly kernels: PoolKernels<Name>, private readonly defaultThreads: () => number) {}

  private exportName(name: Name): string {
    return this.kernels.exportName?.(name) ?? name;
  }

  /** How many threads runSplit may use at most (the calling thread and its helpers). */
  threads(): number {
    if (this.count === null) this.count = Math.max(1, Math.floor(this.defaultThreads()));
    return this.count;
  }

  /** Sets the thread count; 1 runs everything on the calling thread (started helpers stay idle). */
  setThreads(threads: number): void {
    this.count = Math.max(1, Math.floor(threads));
    // More threads than helpers started: start them again at the next call.
    if (this.helpersFor && this.helpers.length + 1 < this.count) this.stopHelpers();
  }

  /** The kernel bound to `memory` on this thread (instantiated once per memory). */
  kernelOn(memory: WebAssembly.Memory, name: Name): KernelFn {
    let byName = this.instances.get(memory);
    if (!byName) this.instances.set(memory, (byName = new Map()));
    let fn = byName.get(name);
    if (!fn) {
      const module = this.kernels.module(name, isSharedMemory(memory));
      fn = new WebAssembly.Instance(module, { env: { memory } }).exports[this.exportName(name)] as KernelFn;
      byName.set(name, fn);
    }
    return fn;
  }

  private startHelpers(memory: WebAssembly.Memory): void {
    this.stopHelpers();
    this.helpersFor = memory;
    const { names } = this.kernels;
    const workerData = { modules: names.map((n) => this.kernels.module(n, true)), exportNames: names.map((n) => this.exportName(n)), memory };
    for (let i = 1; i < this.threads(); i++) {
      const control = new SharedArrayBuffer(SLOTS * 4);
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { ...workerData, control } });
      worker.unref();
      const helper: Helper = { worker, ctl: new Int32Array(control), seq: 0, broken: false };
      worker.on('error', () => { helper.broken = true; });
      worker.on('exit', () => { helper.broken = true; });
      this.helpers.push(helper);
    }
  }

  /** Helper workers ready to take a share (0 before the first call, or with one thread). */
  readyHelpers(): number {
    return this.helpers.filter((h) => !h.broken && Atomics.load(h.ctl, READY) === 1).length;
  }

  /** Ends the helper workers (tests; a process exit ends them anyway). */
  stopHelpers(): void {
    for (const h of this.helpers) {
      Atomics.store(h.ctl, SEQ, -1);
      Atomics.notify(h.ctl, SEQ);
    }
    this.helpers = [];
    this.helpersFor = null;
  }

  /**
   * Runs kernel `name` over `units`, split across the calling thread and every ready helper;
   * `argsFor(u0, u1, part)` gives the kernel's arguments for units [u0, u1) on part `part` (0: the calling
   * thread, 1 …: helpers; fewer than threads() parts, so per-part scratch can be indexed by it).
   * Returns how many threads took part.
   */
  runSplit(memory: WebAssembly.Memory, name: Name, units: number, argsFor: (u0: number, u1: number, part: number) => number[]): number {
    const threads = this.threads();
    if (threads > 1 && isSharedMemory(memory) && this.helpersFor !== memory) this.startHelpers(memory);
    // At most threads − 1 helpers (after setThreads(1) the started helpers stay idle).
    const ready = this.helpersFor === memory ? this.helpers.filter((h) => !h.broken && Atomics.load(h.ctl, READY) === 1).slice(0, threads - 1) : [];
    const ranges = splitRanges(units, 1 + ready.length);
    const used = ready.slice(0, ranges.length - 1);
    const kernel = this.kernels.names.indexOf(name);
    used.forEach((h, i) => {
      const args = argsFor(...ranges[i + 1], i + 1);
      if (args.length > MAX_ARGS) throw new Error(`${this.label} ${name} takes too many arguments`);
      h.ctl[KERNEL] = kernel;
      h.ctl.set(args, ARGS);
      h.seq++;
      Atomics.store(h.ctl, SEQ, h.seq);
      Atomics.notify(h.ctl, SEQ);
    });
    this.kernelOn(memory, name)(...argsFor(...ranges[0], 0));
    for (const h of used) {
      const started = Date.now();
      while (Atomics.load(h.ctl, DONE) !== h.seq) {
        if (Date.now() - started > HELPER_TIMEOUT_MS) {
          h.broken = true;
          throw new Error(`${this.label} ${name}: a helper thread did not answer within ${HELPER_TIMEOUT_MS / 1000} s (set LUNGCAM_WASM_THREADS=1 to run on one thread)`);
        }
        Atomics.wait(h.ctl, DONE, Atomics.load(h.ctl, DONE), 1000);
      }
    }
    return 1 + used.length;
  }
}
