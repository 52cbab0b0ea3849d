/** Worker thread entry: computes log-mel jobs (featureJobs.ts) posted by features.ts. */
import { parentPort } from 'node:worker_threads';
import type { FeatureParams } from '../types';
import { computeRows, type RowJob } from './featureJobs';

export interface JobMessage { id: number; job: RowJob; input: Float32Array; fromRate: number; params: FeatureParams }
/** `input` comes back (transferred) so the main thread can reuse its buffer for a later job. */
export type ResultMessage = { id: number; rows: Float32Array; input: Float32Array } | { id: number; error: string };

parentPort?.on('message', (m: JobMessage) => {
  try {
    const rows = computeRows(m.job, m.input, m.fromRate, m.params);
    parentPort!.postMessage({ id: m.id, rows, input: m.input } satisfies ResultMessage, [rows.buffer, m.input.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ id: m.id, error: (e as Error)?.stack ?? String(e) } satisfies ResultMessage);
  }
});
