/**
 * Multi-threaded XNNPACK for tfjs-backend-wasm under Node (the package ships the threaded SIMD binary but
 * turns it off in Node: tensorflow/tfjs#3830). Three things stop it as shipped, each shimmed for the
 * duration of the backend's initialisation only:
 *  1. `WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired to false in Node → set to true.
 *  2. emscripten starts its pthread workers from Blob URLs, which Node's worker_threads cannot load →
 *     the worker script and the module factory are written to a private temp folder (deleted once the
 *     workers have loaded them) and the worker imports the factory from that file.
 *  3. the C side caps the thread pool at (logical cores / 2) → `os.cpus()` reports twice the requested
 *     count while the pool is created.
 * Afterwards the pthread workers are unref'd, so they never keep a finished CLI process alive.
 * Under heavy load the pool's start very rarely never completes (seen twice in a few hundred runs here:
 * emscripten waits for a worker's "loaded" forever); a watchdog then ends the workers and fails the init,
 * and the caller falls back to one thread instead of hanging.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as workerThreads from 'node:worker_threads';

/** The CommonJS `os` module object itself (tfjs's bundle calls its `cpus`; an ES namespace is read-only). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const osModule = require('os') as { cpus: typeof os.cpus };

/** The factory blob starts with this; the worker script loads it by URL, or by our file path instead. */
export const FACTORY_PREFIX = 'var WasmBackendModuleThreadedSimd';
export const WORKER_IMPORT = 'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}';
/** Free variables of the factory's source (bound in the bundle's closure, absent in a worker's global scope). */
export const FACTORY_PREAMBLE = "var require$$0=require('fs'),require$$1=require('path'),require$$3=require('perf_hooks'),require$$4=require('os'),commonjsGlobal=globalThis;";

/**
 * Threads to use: env LUNGCAM_WASM_THREADS when set (1 = the single-threaded binary), else every logical
 * core, at most 8 (emscripten pre-creates 8 pthread workers).
 */
export function wantedWasmThreads(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.LUNGCAM_WASM_THREADS);
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const n = Number.isFinite(fromEnv) && fromEnv >= 1 ? Math.floor(fromEnv) : cores;
  return Math.max(1, Math.min(8, n));
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

/**
 * Installs the shims, runs `init` (which must call tf.setBackend('wasm')), then removes them and the temp
 * folder. `init`'s result is returned; shims are removed even when it throws.
 */
export async function withWasmThreadShims<T>(threads: number, init: () => Promise<T>): Promise<T> {
  removeStaleFolders();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${FOLDER_PREFIX}${process.pid}-`));
  // A process killed while the backend starts (a test timeout) skips `finally`: the exit hook or the next
  // process's removeStaleFolders cleans up.
  const removeDir = () => fs.rmSync(dir, { recursive: true, force: true });
  process.once('exit', removeDir);
  const factoryPath = path.join(dir, 'factory.js');
  const RealBlob = globalThis.Blob;
  const realCreateObjectURL = URL.createObjectURL;
  const realCpus = osModule.cpus;
  const texts = new WeakMap<Blob, string>();
  let factoryWritten = false;

  class RecordingBlob extends RealBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      if (!parts?.every((p) => typeof p === 'string')) return;
      const text = (parts as string[]).join('');
      texts.set(this, text);
      if (text.startsWith(FACTORY_PREFIX)) {
        fs.writeFileSync(factoryPath, `${FACTORY_PREAMBLE}var _scriptDir=${JSON.stringify(factoryPath)};\n${text}`);
        factoryWritten = true;
      }
    }
  }
  const createObjectURL = (blob: Blob): string => {
    const text = texts.get(blob);
    if (text === undefined || !text.includes(WORKER_IMPORT) || !factoryWritten) return realCreateObjectURL(blob);
    const workerPath = path.join(dir, 'worker.js');
    fs.writeFileSync(workerPath, text.replace(WORKER_IMPORT, `if(true){importScripts(${JSON.stringify(factoryPath)})}`));
    return workerPath;
  };
  // Report twice the wanted cores: the C side uses half the logical cores (hyper-threading guess).
  const cpus = () => {
    const real = realCpus();
    return Array.from({ length: 2 * threads }, (_, i) => real[i % real.length]);
  };

  // Every worker the pool starts, so a start that never completes can be ended.
  const RealWorker = workerThreadsModule.Worker;
  const started: workerThreads.Worker[] = [];
  class RecordingWorker extends RealWorker {
    constructor(...args: ConstructorParameters<typeof RealWorker>) {
      super(...args);
      started.push(this);
    }
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
    workerThreadsModule.Worker = RecordingWorker;
    return await Promise.race([init(), watchdog]);
  } finally {
    clearTimeout(timer);
    globalThis.Blob = RealBlob;
    URL.createObjectURL = realCreateObjectURL;
    osModule.cpus = realCpus;
    workerThreadsModule.Worker = RealWorker;
    removeDir();
    process.removeListener('exit', removeDir);
  }
}

const FOLDER_PREFIX = 'lungcam-wasm-threads-';

/** Removes temp folders left by processes that no longer run (the folder name carries the pid). */
function removeStaleFolders(): void {
  try {
    for (const name of fs.readdirSync(os.tmpdir())) {
      if (!name.startsWith(FOLDER_PREFIX)) continue;
      const pid = Number(name.slice(FOLDER_PREFIX.length).split('-')[0]);
      if (!Number.isInteger(pid) || pid <= 0 || isRunning(pid)) continue;
      fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
    }
  } catch {
    // best effort: a temp folder we cannot list or remove is not worth failing the backend for
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface PThreadWorker { unref(): void }

/** Lets a process exit while XNNPACK's pool threads wait for work (each runs in a worker_threads Worker). */
export function unrefPthreadWorkers(wasmModule: unknown): void {
  const pthread = (wasmModule as { PThread?: { runningWorkers: PThreadWorker[]; unusedWorkers: PThreadWorker[] } })?.PThread;
  if (!pthread) return;
  for (const w of [...pthread.runningWorkers, ...pthread.unusedWorkers]) w.unref();
}
