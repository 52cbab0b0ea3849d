/**
 * `--local N`: the shards run in N child processes of this machine (no Dask), each `lungcam
 * batch-shard OUT --shard I`, taking the next shard when it finishes one. A shard whose process fails
 * is tried again (twice); then the batch stops, keeping every recording already done. Each process
 * gets an equal part of the cores for its WebAssembly threads (outputs do not depend on it).
 */
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { LungcamInputError } from '../engine/errors';
import { lungcamCommand } from './workerCommand';

export interface LocalRunOptions {
  workers: number;
  retries?: number;
  /** Called with each recording a worker finished. */
  onRecording(line: { name: string; error?: string }): void;
}

export async function runLocalWorkers(outDir: string, shards: number[], o: LocalRunOptions): Promise<void> {
  const queue = [...shards];
  const tries = new Map<number, number>();
  const threads = String(Math.max(1, Math.floor(availableParallelism() / o.workers)));
  const env = { ...process.env, LUNGCAM_WASM_THREADS: process.env.LUNGCAM_WASM_THREADS ?? threads, LUNGCAM_THREADS: process.env.LUNGCAM_THREADS ?? threads };
  let failure: Error | undefined;
  const worker = async () => {
    while (queue.length > 0 && !failure) {
      const shard = queue.shift()!;
      const r = await runShardProcess(outDir, shard, env, o.onRecording);
      if (r.ok) continue;
      const n = (tries.get(shard) ?? 0) + 1;
      tries.set(shard, n);
      if (n <= (o.retries ?? 2)) queue.push(shard);
      else failure = new LungcamInputError(`shard ${shard} failed ${n} times (${r.message}); the recordings done are kept: rerun the same command to resume`, outDir);
    }
  };
  await Promise.all(Array.from({ length: Math.min(o.workers, shards.length) }, worker));
  if (failure) throw failure;
}

function runShardProcess(outDir: string, shard: number, env: NodeJS.ProcessEnv, onRecording: LocalRunOptions['onRecording']): Promise<{ ok: boolean; message: string }> {
  const [cmd, ...args] = lungcamCommand();
  return new Promise((resolve) => {
    const child = spawn(cmd, [...args, 'batch-shard', outDir, '--shard', String(shard)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let partial = '';
    child.stdout.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) if (l.startsWith('{')) onRecording(JSON.parse(l));
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => resolve({ ok: false, message: e.message }));
    child.on('close', (code, signal) => {
      const last = stderr.split('\n').filter((l) => l.startsWith('lungcam: ') && !l.startsWith('lungcam: warning')).pop();
      resolve({ ok: code === 0, message: last?.replace(/^lungcam: /, '') ?? (signal ? `killed by ${signal}` : `exit ${code}`) });
    });
  });
}
