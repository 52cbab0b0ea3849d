/**
 * The extension's side of the warm engine (kernels/engineServer): starts the engine process on the first
 * request (Node's IPC channel), sends requests and passes on their progress, cancels them (a request
 * that does not stop within CANCEL_GRACE_MS ends the process), stops the process after IDLE_MS without
 * requests, and starts a new one on the next request when it died, saying so in the failed requests'
 * errors. No `vscode` here (unit-tested as is); extension/engine.ts holds the one client of the window.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { EngineCalls, EngineInbound, EngineKind, EngineOutbound } from '../kernels/shared/engineProtocol';

export const IDLE_MS = 10 * 60 * 1000;
export const CANCEL_GRACE_MS = 3000;

export interface EngineClientOptions {
  /** dist/kernels/engineServer.js */
  script: string;
  /** The Node that runs it (the kernel's runtime setting) and its environment. */
  execPath?: string;
  env?: NodeJS.ProcessEnv;
  idleMs?: number;
  /** Lines the engine writes to stderr (warnings), for a log. */
  onLog?: (line: string) => void;
}

export interface CallOptions {
  onProgress?: (step: string, done?: number) => void;
  signal?: AbortSignal;
}

/** Why a request failed: `badInput` (the message says what to change), `cancelled`, or `engineStopped` (a restart follows). */
export class EngineError extends Error {
  constructor(message: string, readonly kind: 'badInput' | 'cancelled' | 'engineStopped' | 'internal') {
    super(message);
    this.name = 'EngineError';
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(e: Error): void;
  onProgress?: CallOptions['onProgress'];
}

export class EngineClient {
  private child: ChildProcess | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  /** How many engine processes were started (tests, the status line). */
  starts = 0;

  constructor(private readonly options: EngineClientOptions) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  call<K extends EngineKind>(kind: K, params: EngineCalls[K]['params'], opts: CallOptions = {}): Promise<EngineCalls[K]['result']> {
    if (this.disposed) return Promise.reject(new EngineError('the LungCAM engine was shut down', 'engineStopped'));
    if (opts.signal?.aborted) return Promise.reject(new EngineError('cancelled', 'cancelled'));
    const child = this.ensureStarted();
    const id = this.nextId++;
    clearTimeout(this.idleTimer);
    return new Promise<EngineCalls[K]['result']>((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.has(id)) return;
        this.send({ type: 'cancel', id });
        // A request busy in native code for long gets the process ended (a new one starts next time).
        const timer = setTimeout(() => {
          if (this.pending.has(id) && this.child === child) this.kill(child, 'a cancelled request did not stop within 3 s', id);
        }, CANCEL_GRACE_MS);
        timer.unref();
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: (v) => { opts.signal?.removeEventListener('abort', onAbort); resolve(v as EngineCalls[K]['result']); },
        reject: (e) => { opts.signal?.removeEventListener('abort', onAbort); reject(e); },
        onProgress: opts.onProgress,
      });
      this.send({ type: 'request', id, kind, params } as EngineInbound);
    }).finally(() => this.armIdle());
  }

  /** Stops the engine process (a later request starts a new one). */
  stop(): void {
    if (this.child) this.kill(this.child, 'it was stopped', 'all');
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.idleTimer);
    this.stop();
  }

  private ensureStarted(): ChildProcess {
    if (this.child) return this.child;
    const child = fork(this.options.script, [], {
      execPath: this.options.execPath, env: this.options.env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced',
      // Not the parent's flags (a debugger, a loader); a small young generation: the engine's big data lives in typed arrays and the wasm heap.
      execArgv: ['--max-semi-space-size=1'],
    });
    this.child = child;
    this.starts++;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
      for (const line of d.toString().split(/\r?\n/)) if (line.trim()) this.options.onLog?.(line);
    });
    child.on('message', (m: EngineOutbound) => this.receive(m));
    child.on('error', (e) => this.died(child, `it could not start (${e.message}; setting lungcam.kernel.runtime)`));
    child.on('exit', (code, signal) => {
      const last = stderr.trim().split('\n').pop();
      this.died(child, signal ? `it was ended by ${signal}` : `it exited with code ${code}${last ? `: ${last}` : ''}`);
    });
    return child;
  }

  private receive(m: EngineOutbound): void {
    if (m.type === 'ready') return;
    const p = this.pending.get(m.id);
    if (!p) return;
    if (m.type === 'progress') {
      p.onProgress?.(m.step, m.done);
      return;
    }
    this.pending.delete(m.id);
    if (m.type === 'result') p.resolve(m.value);
    else p.reject(new EngineError(m.message, m.cancelled ? 'cancelled' : m.badInput ? 'badInput' : 'internal'));
  }

  private send(m: EngineInbound): void {
    try {
      this.child?.send(m);
    } catch {
      // The process is gone: its exit handler fails the pending requests.
    }
  }

  /** Ends the process; `cancelled` requests (one id, or all) fail as cancelled, the others as stopped. */
  private kill(child: ChildProcess, reason: string, cancelled: number | 'all'): void {
    this.died(child, reason, cancelled);
    child.kill('SIGKILL');
  }

  /** The process is gone: every request it held fails with the reason; the next request starts another. */
  private died(child: ChildProcess, reason: string, cancelled?: number | 'all'): void {
    if (this.child !== child) return;
    this.child = null;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(cancelled === 'all' || cancelled === id
        ? new EngineError('cancelled', 'cancelled')
        : new EngineError(`the LungCAM engine stopped (${reason}); it starts again with the next request`, 'engineStopped'));
    }
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    if (this.pending.size > 0 || !this.child) return;
    this.idleTimer = setTimeout(() => this.stop(), this.options.idleMs ?? IDLE_MS);
    this.idleTimer.unref();
  }
}
