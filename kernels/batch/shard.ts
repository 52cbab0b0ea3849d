/**
 * Runs shards of a batch in this process: the model is loaded once, then each recording not done yet
 * is explained (explainRecording.ts). `lungcam batch-shard` runs one shard this way on a worker (a
 * local process or a Dask worker); the single-process loop runs them all.
 */
import type { BatchPlan } from './plan';
import { isDone, shardRecordings } from './plan';
import { explainRecording, type RecordingRecord } from './explainRecording';

export interface ShardProgress {
  onRecording?(record: RecordingRecord): void;
}

export async function runShards(plan: BatchPlan, outDir: string, shards: number[], progress: ShardProgress = {}): Promise<void> {
  const todo = shards.flatMap((s) => shardRecordings(plan, s)).filter((r) => !isDone(outDir, r.name));
  if (todo.length === 0) return;
  const { initBackend } = await import('../engine/model/backend');
  const { loadModel } = await import('../engine/model/modelIO');
  await initBackend(undefined, { quiet: true });
  const loaded = await loadModel(plan.settings.model);
  const ctx = { loaded, what: plan.settings.what, method: plan.settings.method, outDir };
  for (const rec of todo) progress.onRecording?.(await explainRecording(rec, ctx));
}
