/**
 * Multi-threaded XNNPACK for tfjs-backend-wasm under Node (the package ships the threaded SIMD binary but
 * turns it off in Node: tensorflow/tfjs#3830). Three things stop it as shipped, each shimmed for the
 * duration of the backend's initialisation only:
 *  1. `WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired to false in Node → set to true.
 *  2. emscripten starts its pthread workers from Blob URLs, which Node's worker_threads cannot load →
 *     the worker script and the module factory are kept as text and the worker is started from that text
 *     (eval), evaluating the factory where it would import it by URL.
 *  3. the C side caps the thread pool at (logical cores / 2) → `os.cpus()` reports twice the requested
 *     count while the pool is created.
 * emscripten's pool of 8 pthread workers starts lazily (LazyPthreadWorker): only the threads − 1 that
 * XNNPACK runs ever start, which keeps ≈ 100 MB of idle workers out of every process.
 * Afterwards the pthread workers are unref'd, so they never keep a finished CLI process alive.
 * Under heavy load the pool's start very rarely never completes (seen twice in a few hundred runs here:
 * emscripten waits for a worker's "loaded" forever); a watchdog then ends the workers and fails the init,
 * and the caller falls back to one thread instead of hanging.
 */
import { EventEmitter } from 'node:events';
import * as os from 'node:os';
import * as workerThreads from 'node:worker_threads';

/** The CommonJS `os` module object itself (tfjs's bundle calls its `cpus`; an ES namespace is read-only). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const osModule = require('os') as { cpus: typeof os.cpus };

/** The factory blob starts with this; the worker script imports it by URL, and evaluates its text instead. */
export const FACTORY_PREFIX = 'var WasmBackendModuleThreadedSimd';
export const WORKER_IMPORT = 'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}';
/** Free variables of the factory's source (bound in the bundle's closure, absent in a worker's global scope). */
export const FACTORY_PREAMBLE = "var require$$0=require('fs'),require$$1=require('path'),require$$3=require('perf_hooks'),require$$4=require('os'),commonjsGlobal=globalThis;";

/**
 * Threads to use: env LUNGCAM_WASM_THREADS when set (at most 8: emscripten pre-creates 8 pthread workers),
 * else one. Measured on the 2-core machine side by side, a second thread made every command slower and
 * larger (README, "Memory on long recordings"): its passes of 2–32 patches are too small for the split to
 * pay for the hand-offs, and each thread adds three workers (≈ 25 MB).
 */
export function wantedWasmThreads(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.LUNGCAM_WASM_THREADS);
  return Number.isFinite(fromEnv) && fromEnv >= 1 ? Math.min(8, Math.floor(fromEnv)) : 1;
}

/** Can this Node run emscripten pthreads at all? */
export function threadsAvailable(): boolean {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require('node:worker_threads');
    return typeof SharedArrayBuffer === 'function' && typeof Atomics === 'object';
  } catch {
    return false;
  }
}

/** How long the threaded pool may take to start (env LUNGCAM_WASM_THREAD_START_MS; default 30 s). */
export function threadStartTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.LUNGCAM_WASM_THREAD_START_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 30_000;
}

/** The `worker_threads` module object (emscripten reads its `Worker` when the factory runs). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const workerThreadsModule = require('worker_threads') as { Worker: typeof workerThreads.Worker };

/** What emscripten is told the pthread worker script is called; the script itself is kept in memory. */
const PTHREAD_WORKER_URL = 'lungcam-wasm-pthread-worker.js';

/**
 * The worker script made to hold messages that arrive before it has loaded the wasm module, and hand them
 * on once it has (emscripten's own main thread sends `run` only after `loaded`; a lazily started worker
 * gets both at once, as the main thread may be blocked waiting for the thread meanwhile). Null when the
 * script is not the one expected (the workers then start eagerly, as emscripten starts them).
 */
const WORKER_RECEIVE = 'parentPort.on("message",data=>onmessage({data:data}));';
const WORKER_POST = 'postMessage:function(msg){parentPort.postMessage(msg)}';
export function holdEarlyMessages(workerScript: string): string | null {
  if (!workerScript.includes(WORKER_RECEIVE) || !workerScript.includes(WORKER_POST)) return null;
  return workerScript
    .replace(WORKER_RECEIVE, 'var lcLoaded=false,lcEarly=[];parentPort.on("message",data=>{if(lcLoaded||data.cmd==="load")onmessage({data:data});else lcEarly.push(data)});')
    .replace(WORKER_POST, 'postMessage:function(msg){parentPort.postMessage(msg);if(!lcLoaded&&msg&&msg.cmd==="loaded"){lcLoaded=true;lcEarly.splice(0).forEach(d=>onmessage({data:d}))}}');
}

/**
 * A pthread worker that starts only when a thread is run on it. emscripten creates a pool of 8 workers
 * whatever the thread count and loads the wasm module into each (≈ 13–19 MB apiece, most of them never
 * used: XNNPACK runs threads − 1 of them). This stand-in answers the pool's `load` at once and starts the
 * real worker (from a script made by holdEarlyMessages) on the first other message, passing it the `load`
 * and everything after; the real worker's own `loaded` is not passed back (the pool had it already).
 * emscripten talks to workers only through postMessage, on('message' | 'error' | 'exit'), ref/unref and
 * terminate.
 */
class LazyPthreadWorker extends EventEmitter {
  private real: workerThreads.Worker | null = null;
  private loadMessage: unknown = null;
  private loadedSeen = false;
  private referenced = true;

  constructor(private readonly source: string, private readonly RealWorker: typeof workerThreads.Worker) {
    super();
  }

  postMessage(message: unknown, transfer?: readonly workerThreads.TransferListItem[]): void {
    if (!this.real && (message as { cmd?: string })?.cmd === 'load') {
      this.loadMessage = message;
      setImmediate(() => this.emit('message', { cmd: 'loaded' }));
      return;
    }
    if (!this.real) this.start();
    this.real!.postMessage(message, transfer);
  }

  private start(): void {
    const real = new this.RealWorker(this.source, { eval: true });
    real.on('message', (m: { cmd?: string }) => {
      if (!this.loadedSeen && m?.cmd === 'loaded') {
        this.loadedSeen = true;
        return;
      }
      this.emit('message', m);
    });
    real.on('error', (e) => this.emit('error', e));
    real.on('exit', (code) => this.emit('exit', code));
    if (!this.referenced) real.unref();
    real.postMessage(this.loadMessage);
    this.real = real;
  }

  ref(): void {
    this.referenced = true;
    this.real?.ref();
  }

  unref(): void {
    this.referenced = false;
    this.real?.unref();
  }

  terminate(): Promise<number> {
    return this.real ? this.real.terminate() : Promise.resolve(0);
  }

  get started(): boolean {
    return this.real !== null;
  }
}

/**
 * Installs the shims, runs `init` (which must call tf.setBackend('wasm')), then removes them.
 * `init`'s result is returned; shims are removed even when it throws.
 */
export async function withWasmThreadShims<T>(threads: number, init: () => Promise<T>): Promise<T> {
  const RealBlob = globalThis.Blob;
  const realCreateObjectURL = URL.createObjectURL;
  const realCpus = osModule.cpus;
  const texts = new WeakMap<Blob, string>();
  let factory: string | null = null;
  let workerSource: string | null = null;
  let lazySource: string | null = null;

  class RecordingBlob extends RealBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      if (!parts?.every((p) => typeof p === 'string')) return;
      const text = (parts as string[]).join('');
      texts.set(this, text);
      if (text.startsWith(FACTORY_PREFIX)) factory = `${FACTORY_PREAMBLE}var _scriptDir=${JSON.stringify(PTHREAD_WORKER_URL)};\n${text}`;
    }
  }
  // The worker script loads the factory with importScripts(url): it evaluates the factory's text instead.
  const createObjectURL = (blob: Blob): string => {
    const text = texts.get(blob);
    if (text === undefined || !text.includes(WORKER_IMPORT) || factory === null) return realCreateObjectURL(blob);
    workerSource = text.replace(WORKER_IMPORT, `if(true){(0,eval)(${JSON.stringify(factory)})}`);
    lazySource = holdEarlyMessages(workerSource);
    return PTHREAD_WORKER_URL;
  };
  // Report twice the wanted cores: the C side uses half the logical cores (hyper-threading guess).
  const cpus = () => {
    const real = realCpus();
    return Array.from({ length: 2 * threads }, (_, i) => real[i % real.length]);
  };

  // emscripten keeps the Worker class it finds now for every later worker too; pthread workers (any
  // script name once the source is known: later ones get a blob URL) start lazily, others as usual.
  const RealWorker = workerThreadsModule.Worker;
  const started: Array<{ terminate(): Promise<number> }> = [];
  function PthreadWorker(this: unknown, ...args: ConstructorParameters<typeof RealWorker>) {
    const [script, options] = args;
    const pthread = workerSource !== null && (script === PTHREAD_WORKER_URL || (typeof script === 'string' && script.startsWith('blob:') && !options));
    const worker = !pthread ? new RealWorker(...args)
      : lazySource !== null ? new LazyPthreadWorker(lazySource, RealWorker)
        : new RealWorker(workerSource!, { eval: true });
    started.push(worker);
    return worker;
  }
  let timer: NodeJS.Timeout | undefined;
  const timeoutMs = threadStartTimeoutMs();
  const watchdog = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      for (const w of started) void w.terminate();
      reject(new Error(`the wasm thread pool did not start within ${timeoutMs / 1000} s`));
    }, timeoutMs);
  });

  try {
    globalThis.Blob = RecordingBlob as typeof Blob;
    URL.createObjectURL = createObjectURL;
    osModule.cpus = cpus;
    workerThreadsModule.Worker = PthreadWorker as unknown as typeof RealWorker;
    return await Promise.race([init(), watchdog]);
  } finally {
    clearTimeout(timer);
    globalThis.Blob = RealBlob;
    URL.createObjectURL = realCreateObjectURL;
    osModule.cpus = realCpus;
    workerThreadsModule.Worker = RealWorker;
  }
}

interface PThreadWorker { unref(): void }

/** emscripten's pthread workers: how many the pool holds and how many have started a thread. */
export function pthreadWorkers(wasmModule: unknown): { pool: number; started: number } {
  const pthread = (wasmModule as { PThread?: { runningWorkers: PThreadWorker[]; unusedWorkers: PThreadWorker[] } })?.PThread;
  const all = pthread ? [...pthread.runningWorkers, ...pthread.unusedWorkers] : [];
  return { pool: all.length, started: all.filter((w) => !(w instanceof LazyPthreadWorker) || w.started).length };
}

/** Lets a process exit while XNNPACK's pool threads wait for work (each runs in a worker_threads Worker). */
export function unrefPthreadWorkers(wasmModule: unknown): void {
  const pthread = (wasmModule as { PThread?: { runningWorkers: PThreadWorker[]; unusedWorkers: PThreadWorker[] } })?.PThread;
  if (!pthread) return;
  for (const w of [...pthread.runningWorkers, ...pthread.unusedWorkers]) w.unref();
}
