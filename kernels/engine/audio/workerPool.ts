/**
 * A small pool of feature worker threads (both cores for long recordings). The worker script is found
 * next to the running bundle (dist/) or, under a TypeScript loader, next to this file; when it cannot be
 * found the caller computes in the main thread instead — same results, one core.
 */
import { existsSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { JobMessage, ResultMessage } from './featureWorker';

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
 * Threads to use: LUNGCAM_THREADS, else this one plus one per core that looks idle (cores minus the
 * 1-minute load average, like `make -l`), at most the cores and 4. On a busy machine a helper only
 * competes for the same cores and its start-up is pure cost, so then the work stays in this thread.
 */
export function featureThreads(): number {
  const env = Number(process.env.LUNGCAM_THREADS);
  if (Number.isInteger(env) && env >= 1) return Math.min(env, 16);
  const cores = availableParallelism();
  const idle = cores - loadavg()[0]; // loadavg() is [0, 0, 0] where unknown (Windows): all idle
  return Math.max(1, Math.min(4, cores, 1 + Math.floor(idle)));
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
  private readonly pending = new Map<number, { resolve: (rows: Float32Array) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  /** Called whenever a slot frees up (a worker started or finished a job). */
  onRoom: () => void = () => undefined;

  constructor(script: string, size: number) {
    if (size < 1) throw new RangeError('FeatureWorkerPool: size must be ≥ 1');
    // Loaded here: a short recording computed in this thread never pays for the worker_threads module.
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
          if (p && 'rows' in m) p.resolve(m.rows);
          else if (p && 'error' in m) p.reject(new Error(`feature worker failed: ${m.error}`));
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

  /** Posts a job to a worker with room (check hasRoom first); resolves to its rows. */
  run(msg: Omit<JobMessage, 'id'>): Promise<Float32Array> {
    const w = this.slots.shift();
    if (!w) throw new Error('FeatureWorkerPool.run: no worker has room');
    const id = this.nextId++;
    return new Promise<Float32Array>((resolve, reject) => {
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
