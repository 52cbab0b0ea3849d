/**
 * One running tslab kernel as the notebook sees it: start, execute, interrupt (escalating to a
 * restart when the kernel cannot be interrupted), restart, shutdown, and death reports.
 * Used by the VS Code controller and by the kernel tests; no `vscode` import.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { ExecuteHandlers, ExecuteOutcome, JupyterClient, KernelDiedError } from './jupyterClient';
import { KernelExit, KernelLaunchOptions, KernelProcess, DEFAULT_MAX_OLD_SPACE_MB } from './kernelProcess';
import type { InterruptResult, KernelStatus, NotebookKernel } from './notebookKernel';
import { delay } from './tslabQuirks';

export type { InterruptResult, KernelStatus, NotebookKernel } from './notebookKernel';

export interface KernelOptions extends KernelLaunchOptions {
  startTimeoutMs?: number;
  /**
   * How long a cell the kernel said will stop (its code breaks, or never starts) may take to do so before
   * the kernel is restarted anyway: long, since on a loaded machine the stop itself can take seconds.
   */
  interruptStopMs?: number;
}

/**
 * The longest wait for a kernel to answer after it started (a kernel that dies is reported at once): tslab
 * loads TypeScript, seconds on a quiet machine, a minute or more on a very busy one.
 */
export const START_TIMEOUT_MS = 180000;

/** The longest wait for a cell the kernel said will stop (kernelGuard.ts), and for the kernel's answer. */
export const INTERRUPT_STOP_MS = 20000;

/** A one-line, user-facing reason for an unexpected exit. */
export function describeExit(exit: KernelExit, maxOldSpaceMB: number): string {
  const tail = exit.stderrTail;
  if (/heap out of memory|Reached heap limit|Allocation failed/i.test(tail)) {
    return `The kernel ran out of memory (limit ${maxOldSpaceMB} MB) and stopped. Restart the kernel to continue; variables are lost.`;
  }
  const how = exit.signal ? `was killed (${exit.signal})` : `exited with code ${exit.code}`;
  return `The kernel ${how}. Restart the kernel to continue; variables are lost.`;
}

export class TslabKernel implements NotebookKernel {
  private readonly events = new EventEmitter();
  private proc!: KernelProcess;
  private client!: JupyterClient;
  private running = 0;
  /** Executions sent and not yet settled (interrupt waits for exactly these). */
  private readonly inFlight = new Set<Promise<unknown>>();
  private _status: KernelStatus = 'starting';
  /** Set while we stop the process on purpose, so its exit is not reported as a death. */
  private stopping = false;
  private _kernelInfo: Record<string, unknown> = {};

  private constructor(private readonly options: KernelOptions) {}

  static async start(options: KernelOptions): Promise<TslabKernel> {
    const k = new TslabKernel(options);
    await k.launch();
    return k;
  }

  get status(): KernelStatus {
    return this._status;
  }
  get pid(): number | undefined {
    return this.proc?.pid;
  }
  /** The kernel's private folder (connection file, sockets), removed when it stops. */
  get connectionDir(): string | undefined {
    return this.proc ? path.dirname(this.proc.connectionFile) : undefined;
  }
  get kernelInfo(): Record<string, unknown> {
    return this._kernelInfo;
  }
  get maxOldSpaceMB(): number {
    return this.options.maxOldSpaceMB ?? DEFAULT_MAX_OLD_SPACE_MB;
  }

  onStatus(listener: (s: KernelStatus) => void): () => void {
    this.events.on('status', listener);
    return () => this.events.off('status', listener);
  }

  /** An exit nobody asked for (process.exit in a cell, out of memory, killed from outside). */
  onDeath(listener: (reason: string, exit: KernelExit) => void): () => void {
    this.events.on('death', listener);
    return () => this.events.off('death', listener);
  }

  execute(code: string, handlers?: ExecuteHandlers): Promise<ExecuteOutcome> {
    if (this._status === 'dead' || this._status === 'stopped') {
      return Promise.reject(new KernelDiedError('The kernel is not running. Restart the kernel to continue.'));
    }
    const client = this.client;
    this.running++;
    this.setStatus('busy');
    // The kernel has no abort window after a failed cell (kernelGuard.ts): send at once.
    const tracked = client.execute(code, handlers).finally(() => {
      this.inFlight.delete(tracked);
      if (client !== this.client) return; // a restart already accounted for it
      this.running = Math.max(0, this.running - 1);
      if (this.running === 0 && this._status === 'busy') this.setStatus('idle');
    });
    this.inFlight.add(tracked);
    return tracked;
  }

  /**
   * Interrupts the running cell the way the kernel says is safe (one request, kernelGuard.ts): code that
   * runs breaks, code that has not started never does, an awaiting cell is rejected. A cell stuck where
   * nothing reaches it (a loop that never yields to the event loop), or that does not stop in
   * interruptStopMs after the kernel said it would, gets the kernel restarted. Decided by what the kernel
   * reports, not by a short timer, so a loaded machine slows an interrupt down but does not turn it into
   * a restart.
   */
  async interrupt(): Promise<InterruptResult> {
    if (this.inFlight.size === 0) return 'nothing-running';
    const client = this.client;
    const proc = this.proc;
    const stopMs = this.options.interruptStopMs ?? INTERRUPT_STOP_MS;
    const settled = Promise.allSettled([...this.inFlight]).then(() => true);
    const answer = await Promise.race([proc.interrupt(), settled.then(() => 'settled' as const), delay(stopMs).then(() => 'none' as const)]);
    if (client !== this.client) return 'interrupted'; // restarted meanwhile
    if (answer !== 's' && (answer === 'settled' || (await Promise.race([settled, delay(stopMs).then(() => false)])))) return 'interrupted';
    if (client !== this.client) return 'interrupted';
    await this.restart({ force: true });
    return 'restarted';
  }

  /** Stops the process (running cells fail with KernelDiedError) and starts a fresh one. */
  async restart(options: { force?: boolean } = {}): Promise<void> {
    this.setStatus('restarting');
    await this.teardown('The kernel was restarted.', options.force);
    await this.launch();
  }

  async shutdown(): Promise<void> {
    await this.teardown('The kernel was shut down.');
    this.setStatus('stopped');
  }

  /** Heartbeat over the hb socket. */
  ping(timeoutMs?: number): Promise<boolean> {
    return this.client.ping(timeoutMs);
  }

  private async launch(): Promise<void> {
    this.setStatus('starting');
    this.stopping = false;
    const proc = await KernelProcess.start(this.options);
    const client = new JupyterClient(proc.connection);
    this.proc = proc;
    this.client = client;
    this.running = 0;
    void proc.exited.then((exit) => {
      const reason = describeExit(exit, this.maxOldSpaceMB);
      client.markDead(reason);
      client.close();
      if (this.stopping || proc !== this.proc) return;
      this.setStatus('dead');
      this.events.emit('death', reason, exit);
    });
    try {
      this._kernelInfo = await client.waitReady(this.options.startTimeoutMs ?? START_TIMEOUT_MS, () => proc.isAlive);
    } catch (e) {
      this.stopping = true;
      await proc.stop();
      const exit = await proc.exited;
      this.setStatus('dead');
      const detail = exit.stderrTail ? `: ${exit.stderrTail.split('\n').slice(-3).join(' | ')}` : '';
      throw new Error(`The LungCAM kernel (tslab) failed to start${detail}`, { cause: e });
    }
    this.setStatus('idle');
  }

  /** `force`: kill at once (a kernel stuck in a loop never answers a shutdown request). */
  private async teardown(reason: string, force = false): Promise<void> {
    if (!this.proc) return;
    this.stopping = true;
    this.client.markDead(reason);
    this.running = 0;
    if (this.proc.isAlive) {
      // ask politely, then make sure: a cell stuck in a loop never answers
      if (!force) await Promise.race([this.client.shutdown(300), this.proc.exited]);
      await this.proc.stop(force ? 0 : 500);
    }
    this.client.close();
  }

  private setStatus(s: KernelStatus): void {
    if (s === this._status) return;
    this._status = s;
    this.events.emit('status', s);
  }
}
