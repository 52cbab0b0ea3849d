/**
 * A Dask cluster on loopback for tests: `dask scheduler` and N `dask worker`s (Debian's
 * python3-distributed), each in its own process group so a test can kill one whole (worker, nanny and
 * the LungCAM process it runs) as a crashed machine would go. Stopped by process group ids.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './jupyterServer';

export const DASK = '/usr/bin/dask';

interface Proc {
  child: ChildProcess;
  log: string;
  exited: Promise<void>;
}

function start(args: string[], cwd: string): Proc {
  const child = spawn(DASK, args, { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYTHONUNBUFFERED: '1' } });
  const p: Proc = { child, log: '', exited: new Promise((r) => child.once('exit', () => r())) };
  child.stdout!.on('data', (d) => (p.log += d));
  child.stderr!.on('data', (d) => (p.log += d));
  return p;
}

function killGroup(p: Proc, signal: NodeJS.Signals): void {
  try {
    process.kill(-p.child.pid!, signal);
  } catch {
    /* already gone */
  }
}

async function waitForLog(p: Proc, pattern: RegExp, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!pattern.test(p.log)) {
    if (p.child.exitCode !== null) throw new Error(`${what} exited:\n${p.log}`);
    if (Date.now() > deadline) throw new Error(`${what} not ready within ${timeoutMs / 1000} s:\n${p.log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface TestDaskCluster {
  address: string;
  /** Kills worker i's whole process group at once (SIGKILL). */
  killWorker(i: number): Promise<void>;
  killScheduler(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDaskCluster(workers: number, timeoutMs = 120_000): Promise<TestDaskCluster> {
  const dir = mkdtempSync(path.join(tmpdir(), 'lungcam-dask-'));
  const port = await freePort();
  const address = `tcp://127.0.0.1:${port}`;
  const scheduler = start(['scheduler', '--host', '127.0.0.1', '--port', String(port), '--dashboard-address', '127.0.0.1:0', '--no-show'], dir);
  const all: Proc[] = [scheduler];
  const stop = async () => {
    for (const p of all) killGroup(p, 'SIGTERM');
    const killed = setTimeout(() => all.forEach((p) => killGroup(p, 'SIGKILL')), 5000);
    await Promise.all(all.map((p) => p.exited));
    clearTimeout(killed);
    all.forEach((p) => killGroup(p, 'SIGKILL')); // what the workers started, if still there
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForLog(scheduler, /Scheduler at:/, 'dask scheduler', timeoutMs);
    const ws = Array.from({ length: workers }, (_, i) =>
      start(['worker', address, '--host', '127.0.0.1', '--nworkers', '1', '--nthreads', '1', '--no-dashboard', '--local-directory', path.join(dir, `w${i}`)], dir));
    all.push(...ws);
    await Promise.all(ws.map((w, i) => waitForLog(w, /Registered to:/, `dask worker ${i}`, timeoutMs)));
    return {
      address,
      killWorker: async (i) => {
        killGroup(ws[i], 'SIGKILL');
        await ws[i].exited;
      },
      killScheduler: async () => {
        killGroup(scheduler, 'SIGKILL');
        await scheduler.exited;
      },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
