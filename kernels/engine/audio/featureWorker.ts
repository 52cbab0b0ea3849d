/**
 * Worker thread entry: computes log-mel jobs (featureJobs.ts) for features.ts. Each job names the file and
 * its rows; the worker reads its own slice of the file, so nothing but the rows crosses threads.
 */
import { parentPort } from 'node:worker_threads';
import type { FeatureParams } from '../types';
import { computeJob, computeJobRows, type RowJob } from './featureJobs';
import { keptBands } from './melFilter';
import { writeRows, type RowFile } from '../io/rowFile';
import { openWavStream } from './wav';
import { noStats, type AudioStats } from './audioCheck';

/** `file`: write the rows there (rowFile.ts) and reply `written`, instead of sending them back. */
export interface JobMessage { id: number; job: RowJob; path: string; fromRate: number; params: FeatureParams; file?: RowFile }
/**
 * `ready` once the worker has started; then one reply per job, with the statistics of the job's own
 * samples (`code`: the Node error code, if any).
 */
export type ResultMessage =
  | { ready: true }
  | { id: number; rows: Float32Array; stats: AudioStats }
  | { id: number; written: true; stats: AudioStats }
  | { id: number; error: string; code?: string };

parentPort?.on('message', (m: JobMessage) => {
  try {
    const stream = openWavStream(m.path);
    try {
      const stats = noStats();
      if (m.file) {
        writeRows(m.file, keptBands(m.params), m.job.rowStart, computeJobRows(m.job, stream.readFrames, m.fromRate, m.params, stats));
        parentPort!.postMessage({ id: m.id, written: true, stats } satisfies ResultMessage);
        return;
      }
      const rows = new Float32Array(m.job.rowCount * keptBands(m.params));
      computeJob(m.job, stream.readFrames, m.fromRate, m.params, rows, 0, stats);
      parentPort!.postMessage({ id: m.id, rows, stats } satisfies ResultMessage, [rows.buffer]);
    } finally {
      stream.close();
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException)?.code;
    parentPort!.postMessage({ id: m.id, error: (e as Error)?.stack ?? String(e), ...(typeof code === 'string' ? { code } : {}) } satisfies ResultMessage);
  }
});
parentPort?.postMessage({ ready: true } satisfies ResultMessage);
