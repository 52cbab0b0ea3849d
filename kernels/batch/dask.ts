/**
 * `--scheduler tcp://HOST:PORT`: the shards run on a Dask cluster through the Python driver shipped in
 * the package (dask_driver.py), which submits one task per shard running the LungCAM CLI on a worker.
 * Python with Dask is needed only here: its absence is a clear error, nothing else uses it.
 */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { LungcamInputError } from '../engine/errors';
import { lungcamCommand, packageRoot } from './workerCommand';

export interface DaskRunOptions {
  scheduler: string;
  /** How workers run LungCAM (default: this Node and package, right for a cluster on one machine or a shared install). */
  workerCommand?: string[];
  python?: string;
  retries?: number;
  onRecording(line: { name: string; error?: string }): void;
  onConnected?(workers: number): void;
}

export const driverPath = () => path.join(packageRoot(), 'kernels', 'batch', 'dask_driver.py');

/** A Python that imports Dask distributed: LUNGCAM_PYTHON, else python3 on PATH, else Debian's. */
export function findPython(preferred = process.env.LUNGCAM_PYTHON): string {
  const candidates = preferred ? [preferred] : ['python3', '/usr/bin/python3'];
  for (const python of candidates) {
    if (spawnSync(python, ['-c', 'import distributed'], { stdio: 'ignore' }).status === 0) return python;
  }
  const tried = candidates.join(', ');
  throw new LungcamInputError(
    `--scheduler needs Python 3 with Dask distributed (tried ${tried}): install it (Debian: apt-get install python3-distributed; else pip install distributed) or set LUNGCAM_PYTHON to such a python`,
    '--scheduler',
  );
}

export function checkSchedulerAddress(address: string): string {
  if (!/^(tcp|tls|ws|wss|inproc|ucx):\/\/[^\s/]+(:\d+)?\/?$/.test(address)) {
    throw new LungcamInputError(`"${address}" is not a Dask scheduler address: give tcp://HOST:8786`, '--scheduler');
  }
  return address;
}

export async function runOnDask(outDir: string, shards: number[], o: DaskRunOptions): Promise<void> {
  const python = findPython(o.python);
  const cli = o.workerCommand ?? lungcamCommand();
  const args = [driverPath(), '--scheduler', o.scheduler, '--out', path.resolve(outDir), '--shards', shards.join(','), '--retries', String(o.retries ?? 2), '--events', '--cli', ...cli];
  const failures: string[] = [];
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(python, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
    let err = '';
    let partial = '';
    child.stdout.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) {
        if (!l.startsWith('{')) continue;
        const event = JSON.parse(l) as { event: string; workers?: number; recordings?: { name: string; error?: string }[]; error?: string };
        if (event.event === 'connected') o.onConnected?.(event.workers ?? 0);
        if (event.event === 'shard-done') event.recordings?.forEach((r) => o.onRecording(r));
        if (event.event === 'shard-failed') failures.push(event.error ?? 'failed');
      }
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => resolve({ code: null, stderr: e.message }));
    child.on('close', (c) => resolve({ code: c, stderr: err }));
  });
  if (code === 0) return;
  const said = stderr.split('\n').filter((l) => l.startsWith('lungcam: ')).pop()?.replace(/^lungcam: /, '');
  const why = failures.length ? `${failures.length} shard(s) failed, first: ${failures[0]}` : said ?? (stderr.trim().split('\n').pop() || `the Dask driver exited with ${code}`);
  throw new LungcamInputError(`${why}; the recordings done are kept: rerun the same command to resume`, o.scheduler);
}
