/**
 * `lungcam synth` on every core: worker threads render recordings (by index) while the main thread writes
 * them. Falls back to one thread when the worker script cannot be found (e.g. an unusual bundle layout)
 * or LUNGCAM_THREADS=1. Same bytes either way.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SynthOptions } from './plan';
import { CorpusWriter, writeSynthCorpus, type CorpusSummary, type OnRecording } from './synth';
import type { SynthJob, SynthResult } from './synthWorker';

function synthWorkerScript(): string | null {
  const candidates = [
    path.join(__dirname, 'engine', 'data', 'synthWorker.js'), // dist/kernels/cli.js
    path.join(__dirname, 'data', 'synthWorker.js'), // dist/kernels/engine/index.js
    path.join(__dirname, 'synthWorker.js'),
  ];
  if (process.execArgv.some((a) => /tsx|ts-node/.test(a))) candidates.push(path.join(__dirname, 'synthWorker.ts'));
  return candidates.find((p) => existsSync(p)) ?? null;
}

/** LUNGCAM_THREADS, else the machine's cores (at most 4). */
export function synthThreads(): number {
  const env = Number(process.env.LUNGCAM_THREADS);
  if (Number.isInteger(env) && env >= 1) return Math.min(env, 16);
  return Math.max(1, Math.min(4, availableParallelism()));
}

export async function writeSynthCorpusParallel(
  dir: string,
  opts: SynthOptions,
  onRecording?: OnRecording,
  threads = synthThreads(),
): Promise<CorpusSummary> {
  const script = synthWorkerScript();
  const size = Math.min(threads, opts.count);
  if (!script || size < 2) return writeSynthCorpus(dir, opts, onRecording);
  const writer = new CorpusWriter(dir, opts, onRecording);
  const workers = Array.from({ length: size }, () =>
    script.endsWith('.ts') ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(script)});`, { eval: true }) : new Worker(script),
  );
  try {
    let next = 0;
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const send = () => {
              if (next >= opts.count) return resolve();
              const job: SynthJob = { id: next, opts, index: next };
              next++;
              w.postMessage(job);
            };
            w.on('message', (m: SynthResult) => {
              if ('error' in m) return reject(new Error(`synth worker failed on recording ${m.id + 1}: ${m.error}`));
              try {
                writer.write(m.files);
              } catch (e) {
                return reject(e);
              }
              send();
            });
            w.on('error', reject);
            w.on('exit', (code) => {
              if (code !== 0) reject(new Error(`synth worker exited with code ${code}`));
            });
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return writer.finish();
}
