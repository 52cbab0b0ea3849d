/**
 * A real Jupyter Server (Debian's `jupyter-server`) for tests: loopback only, a token, its own Jupyter
 * folders (so nothing the user installed is seen), the `lungcam` kernelspec installed by the real
 * `lungcam jupyter-install --prefix` (or not, to test a server without it). Stopped by its pid.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestJupyterServer {
  url: string;
  token: string;
  port: number;
  /** Everything the server printed (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

export const JUPYTER = '/usr/bin/jupyter';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export async function startJupyterServer(o: { packageRoot: string; rootDir: string; kernelspec?: boolean; timeoutMs?: number }): Promise<TestJupyterServer> {
  const home = mkdtempSync(path.join(tmpdir(), 'lungcam-jupyter-'));
  const prefix = path.join(home, 'prefix');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    JUPYTER_DATA_DIR: path.join(home, 'data'),
    JUPYTER_CONFIG_DIR: path.join(home, 'config'),
    JUPYTER_RUNTIME_DIR: path.join(home, 'runtime'),
    JUPYTER_PATH: path.join(prefix, 'share', 'jupyter'),
    JUPYTER_PLATFORM_DIRS: '1',
    PYDEVD_DISABLE_FILE_VALIDATION: '1',
  };
  delete env.ELECTRON_RUN_AS_NODE;
  mkdirSync(env.JUPYTER_PATH!, { recursive: true });
  if (o.kernelspec !== false) {
    const r = spawnSync('node', [path.join(o.packageRoot, 'bin', 'lungcam.js'), 'jupyter-install', '--prefix', prefix], { encoding: 'utf8', env });
    if (r.status !== 0) throw new Error(`lungcam jupyter-install failed: ${r.stderr || r.error?.message}`);
  }
  const token = randomBytes(12).toString('hex');
  const port = await freePort();
  const args = ['server', '--no-browser', '--allow-root', '--ip=127.0.0.1', `--port=${port}`, '--port-retries=0', `--ServerApp.token=${token}`, `--ServerApp.root_dir=${o.rootDir}`];
  const child: ChildProcess = spawn(JUPYTER, args, { env, stdio: ['ignore', 'pipe', 'pipe'], cwd: o.rootDir });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}/`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM'); // the server shuts its kernels down on SIGTERM
      const killed = setTimeout(() => child.kill('SIGKILL'), 8000);
      await exited;
      clearTimeout(killed);
    }
    rmSync(home, { recursive: true, force: true });
  };
  const deadline = Date.now() + (o.timeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`jupyter server exited (${child.exitCode}):\n${log}`);
    try {
      const r = await fetch(`${url}api/status`, { headers: { Authorization: `token ${token}` }, signal: AbortSignal.timeout(2000) });
      if (r.ok) {
        // the first kernelspec listing imports every kernel's package: slow on a loaded machine, so not in a test's time
        await fetch(`${url}api/kernelspecs`, { headers: { Authorization: `token ${token}` }, signal: AbortSignal.timeout(120_000) });
        break;
      }
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`jupyter server did not answer within ${(o.timeoutMs ?? 60_000) / 1000} s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { url, token, port, log: () => log, stop };
}

/** A loopback TCP relay to `port` that a test can cut, as a network that goes away. */
export async function cuttableRelay(port: number): Promise<{ port: number; cut(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(port, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.pipe(upstream).pipe(client);
  });
  const relayPort = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
  return {
    port: relayPort,
    cut: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
