/**
 * A small pool of feature worker threads (both cores for long recordings). The worker script is found
 * next to the running bundle (dist/) or, under a TypeScript loader, next to this file; when it cannot be
 * found the caller computes in the main thread instead — same results, one core.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { JobMessage, ResultMessage } from './featureWorker';
import type { AudioStats } from './audioCheck';

/** A job's result: its rows (null once written to the job's file) and the statistics of its samples. */
export interface JobResult { rows: Float32Array | null; stats: AudioStats }

export function workerScript(): string | null {
  const candidates = [
    path.join(__dirname, 'engine', 'audio', 'featureWorker.js'), // dist/kernels/cli.js
    path.join(__dirname, 'audio', 'featureWorker.js'), // dist/kernels/engine/index.js
    path.join(__dirname, 'featureWorker.js'),
  ];
  const underTsLoader = process.execArgv.some((a) => /tsx|ts-node/.test(a));
  if (underTsLoader) candidates.push(path.join(__dirname, 'featureWorker.ts'));
  return candidates.find((p) => existsSync(p)) ?? null;
}

/**
 * Threads to use: LUNGCAM_THREADS, else one per core (at most 4) unless the other cores are really busy.
 * "Busy" is the number of threads other programs are running right now (Linux: /proc/loadavg's runnable
 * count minus this one), capped by the 1-minute load average; a core counts as taken only when both say so.
 * The load average alone lags: a user's (or a benchmark's) previous runs of this very command keep it
 * above 1 for a minute on an otherwise idle laptop, and then a 2-core machine would use one core. When
 * every core is taken, a helper only competes with the others for them and its start-up is pure cost.
 */
export function featureThreads(): number {
  const env = Number(process.env.LUNGCAM_THREADS);
  if (Number.isInteger(env) && env >= 1) return Math.min(env, 16);
  return threadsForLoad(availableParallelism(), loadavg()[0], runnableNow());
}

/** Threads for `cores` when the 1-minute load is `load1` and `runnable` threads run now (null: unknown). */
export function threadsForLoad(cores: number, load1: number, runnable: number | null): number {
  // loadavg() is [0, 0, 0] where unknown (Windows): all idle.
  const othersBusy = runnable === null ? load1 : Math.min(load1, Math.max(0, runnable - 1));
  // Rounded, not floored: half a core's worth of others (or of this process's own V8 background threads,
  // which the runnable count includes) does not cost a helper its core.
  return Math.max(1, Math.min(4, cores, 1 + Math.round(cores - othersBusy)));
}

/** Threads runnable at this moment, this one included (Linux /proc/loadavg "R/T"); null elsewhere. */
function runnableNow(): number | null {
  try {
    const m = /^\S+ \S+ \S+ (\d+)\//.exec(readFileSync('/proc/loadavg', 'latin1'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * Helper threads for features.ts, which keeps computing in its own thread too: a worker gets jobs only
 * once it has started (a slow start never holds up jobs the main thread could do) and then at most two at
 * a time, so it is never idle while the main thread is busy and never hoards the last jobs.
 */
export class FeatureWorkerPool {
  private readonly workers: Worker[] = [];
  /** Free job slots of started workers (a worker appears once per free slot). */
  private readonly slots: Worker[] = [];
  private readonly pending = new Map<number, { resolve: (r: JobResult) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  /** Called whenever a slot frees up (a worker started or finished a job). */
  onRoom: () => void = () => undefined;

  constructor(script: string, size: number) {
    if (size < 1) throw new RangeError('FeatureWorkerPool: size must be ≥ 1');
    // Loaded here: a short recording computed in this thread never pays for the worker_threads module.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily (see above)
    const { Worker } = require('node:worker_threads') as typeof import('node:worker_threads');
    for (let i = 0; i < size; i++) {
      // A .ts worker (tests, running from source) registers the TypeScript loader in its own thread.
      const w = script.endsWith('.ts')
        ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(script)});`, { eval: true })
        : new Worker(script);
      w.on('message', (m: ResultMessage) => {
        if ('ready' in m) {
          this.slots.push(w, w);
        } else {
          const p = this.pending.get(m.id);
          this.pending.delete(m.id);
          this.slots.push(w);
          if (p && 'rows' in m) p.resolve({ rows: m.rows, stats: m.stats });
          else if (p && 'written' in m) p.resolve({ rows: null, stats: m.stats });
          else if (p && 'error' in m) p.reject(workerError(m.error, m.code));
        }
        this.onRoom();
      });
      const fail = (e: Error) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      };
      w.on('error', fail);
      // A worker that stops with jobs outstanding (killed, out of memory) must not leave them hanging.
      w.on('exit', (code) => fail(new Error(`feature worker stopped (exit code ${code})`)));
      this.workers.push(w);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /** True when a started worker can take a job now. */
  get hasRoom(): boolean {
    return this.slots.length > 0;
  }

  /** Posts a job to a worker with room (check hasRoom first); resolves to its rows (null once written to msg.file) and stats. */
  run(msg: Omit<JobMessage, 'id'>): Promise<JobResult> {
    const w = this.slots.shift();
    if (!w) throw new Error('FeatureWorkerPool.run: no worker has room');
    const id = this.nextId++;
    return new Promise<JobResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, ...msg } satisfies JobMessage);
    });
  }

  /**
   * Stops the workers without waiting for them: a helper still starting up (this thread did all the
   * work) or winding down must not hold up the result, nor keep the process alive.
   */
  close(): void {
    for (const w of this.workers) {
      w.removeAllListeners('exit');
      w.unref();
      void w.terminate();
    }
  }
}

/** A worker's failure as an Error here, keeping the Node error code (e.g. ENOSPC writing rows) for the caller. */
function workerError(stack: string, code: string | undefined): Error {
  const e: NodeJS.ErrnoException = new Error(`feature worker failed: ${stack}`);
  if (code) e.code = code;
  return e;
}
