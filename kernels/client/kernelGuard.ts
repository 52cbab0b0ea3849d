/**
 * Runs inside the kernel process, beside tslab: the parts of a kernel that must work while a cell keeps
 * the main thread busy, in a helper thread of their own.
 *
 * - Parent watchdog. Started by LungCAM, the kernel gets a control socket as fd 3 (LUNGCAM_KERNEL_CONTROL_FD):
 *   when it closes (the process that started the kernel died, even by SIGKILL), the helper removes the
 *   kernel's private folder (key, sockets) and kills the process. Started by Jupyter, it polls its
 *   parent pid instead (changed from the one it started with: the parent is gone).
 * - Interrupt. tslab stops a synchronous cell with vm's breakOnSigint, whose SIGINT watchdog is only
 *   armed while the cell's code runs: a SIGINT arriving while Node sets it up or takes it down (it swaps
 *   the signal handler for the default one) kills the whole process, and one arriving while tslab still
 *   type-checks the cell is spent on nothing. So the client asks over the control socket (`i`), and the
 *   helper, which knows the cell's phase (shared memory, updated by hooks on tslab's execute and on the
 *   cell's vm run), acts only where it is safe: a SIGINT while the code runs inside its armed watchdog
 *   (`b`: it will break); while tslab type-checks, a mark that stops the code from starting (`p`); while
 *   an async cell awaits, a SIGINT to tslab's handler, then whether the event loop still turns (`l`) or is
 *   stuck in a loop no signal can reach (`s`: the client restarts the kernel); nothing running (`n`).
 * - No abort window: tslab aborts every request arriving within 200 ms after a failed cell (to drop cells
 *   Jupyter queued behind it). LungCAM's client sends one cell at a time, so for it the queue is reset at
 *   once and a cell sent right after an interrupt runs.
 */
import { Worker } from 'node:worker_threads';
import vm from 'node:vm';

const enum Slot { Lock, Phase, Pending, Run, SignalledRun, Heartbeat }
/**
 * Phases of the running execution: type-checking (tslab converts the cell), entering / in / leaving the
 * cell's code (vm run with breakOnSigint), awaiting (the code returned a promise, or is about to end).
 */
const enum Phase { Idle, Checking, InCode, Entering, Leaving, Awaiting }

const state = new Int32Array(new SharedArrayBuffer(6 * 4));

function lock(): void {
  while (Atomics.compareExchange(state, Slot.Lock, 0, 1) !== 0) Atomics.wait(state, Slot.Lock, 1, 5);
}
function unlock(): void {
  Atomics.store(state, Slot.Lock, 0);
  Atomics.notify(state, Slot.Lock);
}
function setPhase(p: Phase): void {
  lock();
  Atomics.store(state, Slot.Phase, p);
  unlock();
}

/** What a cell stopped before its code ran throws: tslab and the client read it as an interrupt. */
function interruptedError(): Error {
  const e = new Error('Script execution was interrupted by `SIGINT`') as NodeJS.ErrnoException;
  e.code = 'ERR_SCRIPT_EXECUTION_INTERRUPTED';
  return e;
}

const ENTER = '__lungcamCellEnter';
const LEAVE = '__lungcamCellLeave';

/** Hooks the cell's vm run (tslab runs each cell with breakOnSigint) so the helper knows when SIGINT is safe. */
function hookCellRuns(): void {
  Object.defineProperty(globalThis, ENTER, {
    value: () => {
      lock();
      const pending = Atomics.load(state, Slot.Pending) !== 0;
      if (!pending) Atomics.store(state, Slot.Phase, Phase.InCode);
      unlock();
      if (pending) throw interruptedError();
    },
  });
  Object.defineProperty(globalThis, LEAVE, { value: () => setPhase(Phase.Leaving) });
  const original = vm.runInThisContext;
  vm.runInThisContext = function (code: string, options?: vm.RunningScriptOptions | string) {
    if (typeof options !== 'object' || !options?.breakOnSigint || typeof code !== 'string') return original.call(vm, code, options);
    setPhase(Phase.Entering);
    let interrupted = false;
    try {
      // The statement's value is the cell's (a try statement completes with its block's value).
      return original.call(vm, `${ENTER}();try{${code}\n}finally{${LEAVE}()}`, options);
    } catch (e) {
      interrupted = (e as NodeJS.ErrnoException)?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED';
      throw e;
    } finally {
      // Only now is tslab's SIGINT handler back in place.
      lock();
      const lost = !interrupted && Atomics.load(state, Slot.SignalledRun) === Atomics.load(state, Slot.Run);
      Atomics.store(state, Slot.Phase, Phase.Awaiting);
      unlock();
      // A SIGINT that reached the watchdog as the code returned (an async cell at its first await) is
      // dropped by Node: hand it to tslab's handler, once tslab awaits the cell's promise.
      if (lost) setImmediate(() => process.emit('SIGINT' as never));
    }
  } as typeof vm.runInThisContext;
}

interface TslabInternals {
  JupyterHandlerImpl: { prototype: { handleExecuteImpl(...args: unknown[]): Promise<unknown> } };
}
interface TslabUtil {
  TaskQueue: { prototype: { reset(delay?: number): void; prev: Promise<unknown> } };
}

/** Marks each execution's start and end, and (for LungCAM's own client) drops tslab's abort window. */
function hookExecutions(jupyter: TslabInternals, util: TslabUtil, oneCellAtATime: boolean): void {
  const proto = jupyter.JupyterHandlerImpl.prototype;
  const handle = proto.handleExecuteImpl;
  proto.handleExecuteImpl = async function (this: unknown, ...args: unknown[]) {
    lock();
    Atomics.store(state, Slot.Pending, 0);
    Atomics.add(state, Slot.Run, 1);
    Atomics.store(state, Slot.Phase, Phase.Checking);
    unlock();
    try {
      return await handle.apply(this, args);
    } finally {
      setPhase(Phase.Idle);
    }
  };
  if (oneCellAtATime) {
    util.TaskQueue.prototype.reset = function () {
      this.prev = Promise.resolve();
    };
  }
}

/** The helper thread's code (plain JavaScript: it is evaluated, not bundled). */
const HELPER = String.raw`
const { workerData, parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const net = require('node:net');
const { controlFd, parentPid, privateDir } = workerData;
const s = new Int32Array(workerData.state);
const [LOCK, PHASE, PENDING, RUN, SIGNALLED, HEARTBEAT] = [0, 1, 2, 3, 4, 5];
const [IDLE, CHECKING, IN_CODE, AWAITING] = [0, 1, 2, 5];
const lock = () => { while (Atomics.compareExchange(s, LOCK, 0, 1) !== 0) Atomics.wait(s, LOCK, 1, 5); };
const unlock = () => { Atomics.store(s, LOCK, 0); Atomics.notify(s, LOCK); };
const nap = new Int32Array(new SharedArrayBuffer(4));

function parentGone() {
  if (privateDir) { try { fs.rmSync(privateDir, { recursive: true, force: true }); } catch {} }
  process.kill(process.pid, 'SIGKILL');
}

/** One interrupt request; answers what was done (see kernelGuard.ts). */
function interrupt(reply) {
  for (;;) {
    lock();
    const phase = Atomics.load(s, PHASE);
    const run = Atomics.load(s, RUN);
    if (phase === IDLE) { unlock(); return reply('n'); }
    if (phase === IN_CODE) {
      // one SIGINT per run: a second could land while Node takes the watchdog down
      if (Atomics.load(s, SIGNALLED) !== run) { Atomics.store(s, SIGNALLED, run); process.kill(process.pid, 'SIGINT'); }
      unlock();
      return reply('b');
    }
    if (phase === CHECKING) {
      Atomics.store(s, PENDING, 1);
      unlock();
      return reply('p');
    }
    if (phase === AWAITING) {
      process.kill(process.pid, 'SIGINT');
      unlock();
      // tslab's handler rejects the awaited promise once the event loop turns, unless a loop that never
      // yields (microtasks) holds the thread: then the heartbeat stands still.
      const beat = Atomics.load(s, HEARTBEAT);
      return setTimeout(() => {
        const moved = Atomics.load(s, RUN) !== run || Atomics.load(s, PHASE) === IDLE || Atomics.load(s, HEARTBEAT) !== beat;
        reply(moved ? 'l' : 's');
      }, 1000);
    }
    // entering or leaving the code: Node is swapping the SIGINT handler; ask again in a moment
    unlock();
    Atomics.wait(nap, 0, 0, 2);
  }
}

if (controlFd !== null) {
  const control = new net.Socket({ fd: controlFd, readable: true, writable: true });
  const reply = (c) => control.write(c);
  control.on('data', (bytes) => { for (const b of bytes) if (b === 0x69) interrupt(reply); });
  control.on('end', parentGone);
  control.on('error', parentGone);
} else if (parentPid) {
  setInterval(() => { if (process.ppid !== parentPid) parentGone(); }, 1000);
}
parentPort.postMessage('ready');
`;

/**
 * Starts the helper thread and installs the hooks; resolves once the helper runs (a helper started
 * while the main thread is busy would not start at all). `tslab` is its dist folder.
 */
export async function startKernelGuard(tslabDist: string, configPath: string): Promise<void> {
  const controlFd = process.env.LUNGCAM_KERNEL_CONTROL_FD ? Number(process.env.LUNGCAM_KERNEL_CONTROL_FD) : null;
  const privateDir = process.env.LUNGCAM_KERNEL_PRIVATE_DIR ?? '';
  // Only a folder LungCAM made for this very kernel is removed by the watchdog.
  const removable = privateDir && configPath.startsWith(privateDir + '/') ? privateDir : '';
  hookCellRuns();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- tslab's internals by path (dist/), pinned in package.json
  hookExecutions(require(`${tslabDist}/jupyter.js`) as TslabInternals, require(`${tslabDist}/util.js`) as TslabUtil, controlFd !== null);
  setInterval(() => Atomics.add(state, Slot.Heartbeat, 1), 50).unref();
  const helper = new Worker(HELPER, {
    eval: true,
    workerData: { state: state.buffer, controlFd, parentPid: process.ppid, privateDir: removable },
  });
  helper.unref();
  await new Promise<void>((resolve, reject) => {
    helper.once('message', () => resolve());
    helper.once('error', reject);
  });
}

/**
 * tslab binds `transport://ip:port`; Jupyter's IPC transport names its sockets `ipc://ip-port` (a path
 * prefix and a number). Bound that way, Jupyter's own clients and LungCAM's find the kernel.
 */
export function useJupyterIpcNames(tslabDist: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- tslab's internals by path (dist/), pinned in package.json
  const jupyter = require(`${tslabDist}/jupyter.js`) as { ZmqServer: { prototype: { bindSocket(sock: { bind(a: string): Promise<void> }, port: number): Promise<void>; connInfo: { transport: string; ip: string } } } };
  const proto = jupyter.ZmqServer.prototype;
  const bind = proto.bindSocket;
  proto.bindSocket = function (this: typeof proto, sock, port) {
    if (this.connInfo.transport !== 'ipc') return bind.call(this, sock, port);
    return sock.bind(`ipc://${this.connInfo.ip}-${port}`);
  };
}
