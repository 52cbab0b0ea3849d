/**
 * Starts and stops the tslab kernel as its own process (never inside the VS Code extension host):
 * a connection file with a fresh HMAC-SHA256 key, readable by the user only, in a private temporary
 * folder removed when the kernel stops. The kernel's sockets are IPC sockets in that folder (Unix domain
 * sockets: no TCP port, so remote editors such as code-server or Remote-SSH have nothing to offer for
 * forwarding); loopback TCP ports where the platform has no IPC transport (Windows). A control socket
 * (the child's fd 3) carries interrupt requests, and its closing tells the kernel its parent has died
 * (kernelGuard.ts).
 */
import { spawn, ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findPackageRoot, enginePaths } from './packageRoot';

export interface ConnectionInfo {
  /** tcp: `ip` is 127.0.0.1; ipc: `ip` is a path prefix, the sockets are `ip-PORT` (Jupyter's naming). */
  transport: 'tcp' | 'ipc';
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  signature_scheme: 'hmac-sha256';
  key: string;
  kernel_name: string;
}

/** The Node that runs tslab: a `node` executable, or an Electron binary run as Node. */
export interface KernelRuntime {
  executable: string;
  /** True for VS Code's own runtime (process.execPath with ELECTRON_RUN_AS_NODE=1). */
  electronRunAsNode: boolean;
}

export interface KernelLaunchOptions {
  /** Folder cells run in (relative paths in cells resolve here): the notebook's folder. */
  cwd: string;
  runtime?: KernelRuntime;
  /** V8 heap limit, so a cell that exhausts memory kills the kernel quickly instead of the machine. */
  maxOldSpaceMB?: number;
  env?: NodeJS.ProcessEnv;
}

export interface KernelExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines the kernel wrote to its own stderr (e.g. V8's "heap out of memory"). */
  stderrTail: string;
}

export const DEFAULT_MAX_OLD_SPACE_MB = 4096;

/** Finds `node` on PATH (the user's Node), or undefined. */
export function findNodeOnPath(envPath = process.env.PATH ?? ''): string | undefined {
  const names = process.platform === 'win32' ? ['node.exe'] : ['node'];
  for (const dir of envPath.split(path.delimiter).filter(Boolean)) {
    for (const n of names) {
      const p = path.join(dir, n);
      try {
        if (statSync(p).isFile()) return p;
      } catch {
        /* not here */
      }
    }
  }
  return undefined;
}

/**
 * `setting`: the `lungcam.kernel.runtime` value: '' or 'auto' (node on PATH, else this process as
 * Node), 'electron' (this process as Node), or a path to a node executable.
 */
export function resolveRuntime(setting = 'auto', hostExecPath = process.execPath, hostIsElectron = !!process.versions.electron): KernelRuntime {
  const s = setting.trim();
  if (s && s !== 'auto' && s !== 'electron') return { executable: s, electronRunAsNode: false };
  const onPath = s === 'electron' ? undefined : findNodeOnPath();
  if (onPath) return { executable: onPath, electronRunAsNode: false };
  return { executable: hostExecPath, electronRunAsNode: hostIsElectron };
}

/** A free loopback TCP port (the OS picks it; we release it for the kernel to bind). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Where a kernel socket is: `ipc://PREFIX-N` or `tcp://127.0.0.1:PORT`. */
export function socketUrl(c: Pick<ConnectionInfo, 'transport' | 'ip'>, port: number): string {
  return c.transport === 'ipc' ? `ipc://${c.ip}-${port}` : `tcp://${c.ip}:${port}`;
}

/** IPC sockets in `privateDir` where ZeroMQ has them (not on Windows), else five free loopback ports. */
export async function newConnectionInfo(privateDir?: string): Promise<ConnectionInfo> {
  const ipc = privateDir !== undefined && process.platform !== 'win32';
  const ports: number[] = ipc ? [1, 2, 3, 4, 5] : [];
  while (ports.length < 5) {
    const p = await freePort();
    if (!ports.includes(p)) ports.push(p);
  }
  return {
    transport: ipc ? 'ipc' : 'tcp',
    ip: ipc ? path.join(privateDir, 'kernel') : '127.0.0.1',
    shell_port: ports[0],
    iopub_port: ports[1],
    stdin_port: ports[2],
    control_port: ports[3],
    hb_port: ports[4],
    signature_scheme: 'hmac-sha256',
    key: randomBytes(32).toString('hex'),
    kernel_name: 'lungcam',
  };
}

/**
 * The kernel's answer to an interrupt request (kernelGuard.ts): `b` the running code will break; `p` the
 * code will not start; `l` the awaiting cell was signalled and its event loop turns; `s` it is stuck
 * where no signal reaches; `n` nothing was running; `none`: no answer (SIGINT sent instead).
 */
export type InterruptReply = 'b' | 'p' | 'l' | 's' | 'n' | 'none';

export class KernelProcess {
  readonly exited: Promise<KernelExit>;
  private stderrLines: string[] = [];
  private exitInfo: KernelExit | undefined;
  private readonly replies: ((r: InterruptReply) => void)[] = [];

  private constructor(
    readonly child: ChildProcess,
    readonly connection: ConnectionInfo,
    readonly connectionFile: string,
    private readonly privateDir: string,
  ) {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (s: string) => {
      // native stack frames (V8's fatal-error dump) would push the actual message out of the tail
      this.stderrLines.push(...s.split('\n').filter((l) => l.trim() && !/^\s*\d+: 0x[0-9a-f]+/.test(l)));
      if (this.stderrLines.length > 40) this.stderrLines.splice(0, this.stderrLines.length - 40);
    });
    child.stdout?.resume(); // tslab logs little here; drain so it can never block on a full pipe
    this.control?.on('data', (bytes: Buffer) => {
      for (const b of bytes) this.replies.shift()?.(String.fromCharCode(b) as InterruptReply);
    });
    this.control?.on('error', () => undefined); // the kernel's end closes when it exits
    this.exited = new Promise((resolve) => {
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.exitInfo) return;
        this.exitInfo = { code, signal, stderrTail: this.stderrLines.slice(-12).join('\n') };
        this.removePrivateDir();
        for (const reply of this.replies.splice(0)) reply('none');
        resolve(this.exitInfo);
      };
      // 'close', not 'exit': it waits for stderr to drain, so V8's last words (e.g. out of memory) are in the tail
      child.on('close', done);
      child.on('error', (e) => {
        this.stderrLines.push(String(e.message));
        done(null, null);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The control socket (the child's fd 3). */
  private get control(): Socket | undefined {
    return (this.child.stdio[3] as Socket | null) ?? undefined;
  }

  get isAlive(): boolean {
    return !this.exitInfo;
  }

  static async start(options: KernelLaunchOptions): Promise<KernelProcess> {
    const root = findPackageRoot(__dirname);
    const { kernelMain, engineJs } = enginePaths(root);
    for (const f of [kernelMain, engineJs]) {
      if (!existsSync(f)) throw new Error(`${f} is missing: run \`npm run build\` in ${root}`);
    }
    if (!existsSync(options.cwd)) throw new Error(`${options.cwd}: folder does not exist`);
    const runtime = options.runtime ?? resolveRuntime();
    // mkdtemp makes the folder 0700; the file itself is 0600: the key never leaves this user.
    const privateDir = mkdtempSync(path.join(tmpdir(), 'lungcam-kernel-'));
    const connection = await newConnectionInfo(privateDir);
    const connectionFile = path.join(privateDir, 'connection.json');
    writeFileSync(connectionFile, JSON.stringify(connection, null, 1), { mode: 0o600 });
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, LUNGCAM_KERNEL_CONTROL_FD: '3', LUNGCAM_KERNEL_PRIVATE_DIR: privateDir };
    if (runtime.electronRunAsNode) env.ELECTRON_RUN_AS_NODE = '1';
    else delete env.ELECTRON_RUN_AS_NODE;
    const heap = options.maxOldSpaceMB ?? DEFAULT_MAX_OLD_SPACE_MB;
    const child = spawn(runtime.executable, [`--max-old-space-size=${heap}`, kernelMain, '--config-path', connectionFile], {
      cwd: options.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    return new KernelProcess(child, connection, connectionFile, privateDir);
  }

  /**
   * Asks the kernel to interrupt the running cell (kernelGuard.ts decides how it is safe) and resolves to
   * its answer; `none` when it cannot answer (no control socket: plain SIGINT, as Jupyter sends).
   */
  interrupt(): Promise<InterruptReply> {
    if (!this.isAlive) return Promise.resolve('none');
    const control = this.control;
    if (!control?.writable) {
      this.child.kill('SIGINT');
      return Promise.resolve('none');
    }
    return new Promise((resolve) => {
      this.replies.push(resolve);
      control.write('i');
    });
  }

  /** Kills the process (SIGKILL after `graceMs` if SIGTERM is ignored) and removes its private folder. */
  async stop(graceMs = 1000): Promise<KernelExit> {
    if (this.isAlive) {
      this.child.kill(graceMs <= 0 ? 'SIGKILL' : 'SIGTERM');
      const timer = setTimeout(() => this.isAlive && this.child.kill('SIGKILL'), graceMs);
      await this.exited;
      clearTimeout(timer);
    }
    return this.exited;
  }

  private removePrivateDir(): void {
    rmSync(this.privateDir, { recursive: true, force: true });
  }
}
