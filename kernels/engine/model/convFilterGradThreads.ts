/**
 * Runs the filter-gradient kernel on every wasm thread: the threaded tfjs backend's heap is a shared
 * WebAssembly.Memory, so helper workers instantiate the same kernel on that very memory and each computes
 * a contiguous range of output channels (each output's sum is the same whatever the split, so results do
 * not depend on the thread count). The calling thread hands out a job through Atomics on a small shared
 * control array, computes its own range, and waits for the helpers. Helpers start in the background at the
 * first call; until one is ready the calling thread does its share. Workers are unref'd (never keep a
 * finished process alive).
 */
import { Worker } from 'node:worker_threads';
import { filterGradModule, filterGradRange, isSharedMemory, rowsPerBlock, type FilterGradShape } from './convFilterGrad';

type Fn = Parameters<typeof filterGradRange>[0];

/** Control array slots: job sequence (caller → helper), done sequence (helper → caller), ready flag, args. */
const SEQ = 0, DONE = 1, READY = 2, ARGS = 4, NARGS = 17, SLOTS = ARGS + NARGS;
/** A helper that has not answered within this long is treated as broken (never seen; a guard). */
const HELPER_TIMEOUT_MS = 120_000;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, control } = workerData;
const fn = new WebAssembly.Instance(module, { env: { memory } }).exports.filterGrad;
const ctl = new Int32Array(control);
let seen = 0;
Atomics.store(ctl, ${READY}, 1);
for (;;) {
  Atomics.wait(ctl, ${SEQ}, seen);
  const seq = Atomics.load(ctl, ${SEQ});
  if (seq === seen) continue;
  if (seq < 0) break;
  seen = seq;
  const a = [];
  for (let i = 0; i < ${NARGS}; i++) a.push(ctl[${ARGS} + i]);
  fn(...a);
  Atomics.store(ctl, ${DONE}, seq);
  Atomics.notify(ctl, ${DONE});
}
parentPort.close();
`;

interface Helper {
  worker: Worker;
  ctl: Int32Array;
  seq: number;
  broken: boolean;
}

let helpers: Helper[] = [];
let helpersFor: WebAssembly.Memory | null = null;
let threadCount = 1;

/** How many threads the kernel may use (the wasm backend's thread count); 1 disables the helpers. */
export function setFilterGradThreads(threads: number): void {
  threadCount = Math.max(1, Math.floor(threads));
}

function startHelpers(memory: WebAssembly.Memory): void {
  stopHelpers();
  helpersFor = memory;
  const module = filterGradModule(true);
  for (let i = 1; i < threadCount; i++) {
    const control = new SharedArrayBuffer(SLOTS * 4);
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, control } });
    worker.unref();
    const helper: Helper = { worker, ctl: new Int32Array(control), seq: 0, broken: false };
    worker.on('error', () => { helper.broken = true; });
    worker.on('exit', () => { helper.broken = true; });
    helpers.push(helper);
  }
}

/** Helper workers ready to take a share (0 before the first call, or with one thread). */
export function readyFilterGradHelpers(): number {
  return helpers.filter((h) => !h.broken && Atomics.load(h.ctl, READY) === 1).length;
}

/** Ends the helper workers (tests; a process exit ends them anyway). */
export function stopHelpers(): void {
  for (const h of helpers) {
    Atomics.store(h.ctl, SEQ, -1);
    Atomics.notify(h.ctl, SEQ);
  }
  helpers = [];
  helpersFor = null;
}

/** Output-channel ranges (multiples of 8) for `parts` threads, as even as possible. */
export function channelRanges(outChannels: number, parts: number): Array<[number, number]> {
  const tiles = outChannels / 8;
  const n = Math.max(1, Math.min(parts, tiles));
  const ranges: Array<[number, number]> = [];
  for (let i = 0, start = 0; i < n; i++) {
    const end = Math.round(((i + 1) * tiles) / n) * 8;
    ranges.push([start, end]);
    start = end;
  }
  return ranges;
}

/** Filter gradient into `out` (zeroed) on the calling thread plus every ready helper. */
export function runFilterGrad(memory: WebAssembly.Memory, fn: Fn, x: number, dy: number, out: number, s: FilterGradShape): void {
  if (threadCount > 1 && isSharedMemory(memory) && helpersFor !== memory) startHelpers(memory);
  const ready = helpersFor === memory ? helpers.filter((h) => !h.broken && Atomics.load(h.ctl, READY) === 1) : [];
  const ranges = channelRanges(s.outChannels, 1 + ready.length);
  const used = ready.slice(0, ranges.length - 1);
  const R = rowsPerBlock(s);
  used.forEach((h, i) => {
    const [co0, co1] = ranges[i + 1];
    const args = [x, dy, out, s.batch, s.inHeight, s.inWidth, s.inChannels, s.outHeight, s.outWidth, s.outChannels,
      s.filterHeight, s.filterWidth, s.padTop, s.padLeft, co0, co1, R];
    h.ctl.set(args, ARGS);
    h.seq++;
    Atomics.store(h.ctl, SEQ, h.seq);
    Atomics.notify(h.ctl, SEQ);
  });
  filterGradRange(fn, x, dy, out, s, ranges[0][0], ranges[0][1]);
  for (const h of used) {
    const started = Date.now();
    while (Atomics.load(h.ctl, DONE) !== h.seq) {
      if (Date.now() - started > HELPER_TIMEOUT_MS) {
        h.broken = true;
        throw new Error('LungCAM wasm Conv2DBackpropFilter: a helper thread stopped answering');
      }
      Atomics.wait(h.ctl, DONE, Atomics.load(h.ctl, DONE), 1000);
    }
  }
}
