/**
 * Worker thread entry: computes log-mel jobs (featureJobs.ts) for features.ts. Each job names the file and
 * its rows; the worker reads its own slice of the file, so nothing but the rows crosses threads.
 */
import { parentPort } from 'node:worker_threads';
import type { FeatureParams } from '../types';
import { computeJob, type RowJob } from './featureJobs';
import { keptBands } from './melFilter';
import { openWavStream } from './wav';

export interface JobMessage { id: number; job: RowJob; path: string; fromRate: number; params: FeatureParams }
/** `ready` once the worker has started; then one reply per job. */
export type ResultMessage = { ready: true } | { id: number; rows: Float32Array } | { id: number; error: string };

parentPort?.on('message', (m: JobMessage) => {
  try {
    const rows = new Float32Array(m.job.rowCount * keptBands(m.params));
    const stream = openWavStream(m.path);
    try {
      computeJob(m.job, stream.readFrames, m.fromRate, m.params, rows, 0);
    } finally {
      stream.close();
    }
    parentPort!.postMessage({ id: m.id, rows } satisfies ResultMessage, [rows.buffer]);
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: (e as Error)?.stack ?? String(e) } satisfies ResultMessage);
  }
});
parentPort?.postMessage({ ready: true } satisfies ResultMessage);
