/**
 * A small pool of feature worker threads (both cores for long recordings). The worker script is found
 * next to the running bundle (dist/) or, under a TypeScript loader, next to this file; when it cannot be
 * found the caller computes in the main thread instead — same results, one core.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { JobMessage, ResultMessage } from './featureWorker';

const MAX_SPARE = 8;

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

/** Threads to use: LUNGCAM_THREADS, else the machine's cores (at most 4). */
export function featureThreads(): number {
  const env = Number(process.env.LUNGCAM_THREADS);
  if (Number.isInteger(env) && env >= 1) return Math.min(env, 16);
  return Math.max(1, Math.min(4, availableParallelism()));
}

export class FeatureWorkerPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<() => void> = [];
  private readonly pending = new Map<number, { resolve: (rows: Float32Array) => void; reject: (e: Error) => void }>();
  private nextId = 0;
  /** Input buffers the workers handed back, for the next slices. */
  private readonly spare: ArrayBuffer[] = [];

  constructor(script: string, size: number) {
    if (size < 1) throw new RangeError('FeatureWorkerPool: size must be ≥ 1');
    for (let i = 0; i < size; i++) {
      // A .ts worker (tests, running from source) registers the TypeScript loader in its own thread.
      const w = script.endsWith('.ts')
        ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(script)});`, { eval: true })
        : new Worker(script);
      w.on('message', (m: ResultMessage) => {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        this.release(w);
        if ('rows' in m && this.spare.length < MAX_SPARE) this.spare.push(m.input.buffer as ArrayBuffer);
        if (!p) return;
        if ('rows' in m) p.resolve(m.rows);
        else p.reject(new Error(`feature worker failed: ${m.error}`));
      });
      w.on('error', (e) => {
        for (const p of this.pending.values()) p.reject(e);
        this.pending.clear();
      });
      this.workers.push(w);
    }
    for (let slot = 0; slot < 2; slot++) this.idle.push(...this.workers);
  }

  /** A Float32Array of `length` on a returned buffer when one is big enough, else a new one (contents undefined). */
  takeFloats(length: number): Float32Array {
    const i = this.spare.findIndex((b) => b.byteLength >= length * 4);
    if (i < 0) return new Float32Array(length);
    const [buf] = this.spare.splice(i, 1);
    return new Float32Array(buf, 0, length);
  }

  get size(): number {
    return this.workers.length;
  }

  private release(w: Worker): void {
    const next = this.waiting.shift();
    this.idle.push(w);
    if (next) next();
  }

  /**
   * Waits until a worker has room (two queued jobs each, so none idles while the next slice is read),
   * posts the job (its input buffer is transferred) and returns the promise of its rows.
   */
  async dispatch(msg: Omit<JobMessage, 'id'>): Promise<{ done: Promise<Float32Array> }> {
    while (this.idle.length === 0) await new Promise<void>((r) => this.waiting.push(r));
    const w = this.idle.shift()!;
    const id = this.nextId++;
    const done = new Promise<Float32Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      w.postMessage({ id, ...msg } satisfies JobMessage, [msg.input.buffer as ArrayBuffer]);
    });
    return { done };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
