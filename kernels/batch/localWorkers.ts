/**
 * `--local N`: the shards run in N child processes of this machine (no Dask). Each process is
 * `lungcam batch-shard OUT --shard LIST` over every N-th shard, so LungCAM starts and loads the model
 * once per process, not per shard (that start is most of a short recording's cost). A process that
 * fails is started again on its list (twice; the recordings it finished are skipped); then the batch
 * stops, keeping every recording done. Each process gets an equal part of the cores for its
 * WebAssembly threads (outputs do not depend on it).
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
  const workers = Math.min(o.workers, shards.length);
  const threads = String(Math.max(1, Math.floor(availableParallelism() / workers)));
  const env = { ...process.env, LUNGCAM_WASM_THREADS: process.env.LUNGCAM_WASM_THREADS ?? threads, LUNGCAM_THREADS: process.env.LUNGCAM_THREADS ?? threads };
  const worker = async (i: number) => {
    const mine = shards.filter((_, k) => k % workers === i);
    for (let attempt = 0; ; attempt++) {
      const r = await runShardProcess(outDir, mine, env, o.onRecording);
      if (r.ok) return;
      if (attempt >= (o.retries ?? 2)) {
        throw new LungcamInputError(`shard(s) ${mine.join(',')} failed ${attempt + 1} times (${r.message}); the recordings done are kept: rerun the same command to resume`, outDir);
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: workers }, (_, i) => worker(i)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

function runShardProcess(outDir: string, shards: number[], env: NodeJS.ProcessEnv, onRecording: LocalRunOptions['onRecording']): Promise<{ ok: boolean; message: string }> {
  const [cmd, ...args] = lungcamCommand();
  return new Promise((resolve) => {
    const child = spawn(cmd, [...args, 'batch-shard', outDir, '--shard', shards.join(',')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
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
