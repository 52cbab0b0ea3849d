/** Runs `npm start` (scripts/start.mjs) as a user does and reads the URL and server pid it prints. */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
// @ts-expect-error: plain ESM helpers shared with the launcher scripts (no type declarations)
import { track, stopGroup, isAlive } from '../../scripts/lib/processes.mjs';

const root = path.resolve(__dirname, '..', '..');

export interface NpmStart {
  url: string;
  /** code-server's pid, as printed. */
  serverPid: number;
  child: ChildProcess;
  output(): string;
  /** Ctrl-C: SIGINT to start.mjs; resolves with its exit code once it has exited. */
  interrupt(timeoutMs?: number): Promise<number | null>;
  /** Last resort for after(): kills whatever is left. */
  kill(): Promise<void>;
}

export async function npmStart(args: string[], timeoutMs = 180_000): Promise<NpmStart> {
  const child = spawn(process.execPath, ['scripts/start.mjs', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  track(child.pid, 'npm start');
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  let m: RegExpMatchArray | null = null;
  while (!(m = out.match(/code-server, pid (\d+)\)\. Open:\s+(http\S+)/))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stopGroup(child.pid);
      throw new Error(`npm start printed no URL (exit ${child.exitCode}):\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const serverPid = Number(m[1]);
  track(serverPid, 'code-server (npm start)');
  return {
    url: m[2],
    serverPid,
    child,
    output: () => out,
    async interrupt(ms = 30_000) {
      child.kill('SIGINT');
      return Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), ms))]);
    },
    async kill() {
      if (isAlive(child.pid)) await stopGroup(child.pid);
      if (isAlive(serverPid)) await stopGroup(serverPid);
    },
  };
}
