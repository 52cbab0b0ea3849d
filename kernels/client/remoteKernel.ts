/**
 * The `lungcam` kernel on a Jupyter Server, as a notebook sees it (the same NotebookKernel as the local
 * tslab process): a server session for the notebook's path (the server starts the kernel in that
 * folder, or the nearest one it has), executions over the WebSocket, interrupt and restart through the
 * REST API. Nothing hangs: requests time out, a connection that does not come back within a grace
 * period fails the running cells with what to do, and a kernel the server restarted on its own is
 * reported in the cell. Recordings named in cells are read on the server.
 */
import { EventEmitter } from 'node:events';
import { KernelConnection, KernelMessage, SessionAPI, type Kernel } from '@jupyterlab/services';
import { ExecuteHandlers, ExecuteOutcome, ExecutionEvents, KernelDiedError } from './executeEvents';
import { checkServer, describeServerError, KERNEL_NAME, serverSettings, type ServerAddress } from './jupyterServer';
import type { InterruptResult, KernelStatus, NotebookKernel } from './notebookKernel';
import { AbortWindow, delay, interruptUntilSettled } from './tslabQuirks';

export interface RemoteKernelOptions {
  server: ServerAddress;
  /** The notebook's path relative to the server's root folder: cells run in its folder there. */
  notebookPath: string;
  /** Each REST request (default 30 s). */
  requestTimeoutMs?: number;
  /** How long a dropped WebSocket may take to come back before running cells fail (default 10 s). */
  reconnectGraceMs?: number;
  /** How long an interrupted cell may take to stop before the kernel is restarted (default 3 s). */
  interruptGraceMs?: number;
  /** How long the kernel may take to answer after the server started it (default 90 s). */
  startTimeoutMs?: number;
}

export class RemoteKernel implements NotebookKernel {
  private readonly events = new EventEmitter();
  private readonly settings;
  private sessionId = '';
  private kernel!: Kernel.IKernelConnection;
  private _status: KernelStatus = 'starting';
  private readonly inFlight = new Map<Promise<unknown>, (e: Error) => void>();
  private readonly abortWindow = new AbortWindow();
  private lostTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private _folder = '';

  private constructor(private readonly options: RemoteKernelOptions) {
    this.settings = serverSettings(options.server, options.requestTimeoutMs);
  }

  /** Checks the server (reachable, token, kernelspec), starts a session and waits for the kernel to answer. */
  static async start(options: RemoteKernelOptions): Promise<RemoteKernel> {
    await checkServer(options.server, options.requestTimeoutMs);
    const k = new RemoteKernel(options);
    await k.launch();
    return k;
  }

  get status(): KernelStatus {
    return this._status;
  }
  get pid(): undefined {
    return undefined;
  }
  get server(): string {
    return this.options.server.baseUrl;
  }
  /** The folder cells run in on the server (where relative recording paths resolve). */
  get folder(): string {
    return this._folder;
  }

  onStatus(listener: (s: KernelStatus) => void): () => void {
    this.events.on('status', listener);
    return () => this.events.off('status', listener);
  }

  onDeath(listener: (reason: string) => void): () => void {
    this.events.on('death', listener);
    return () => this.events.off('death', listener);
  }

  execute(code: string, handlers: ExecuteHandlers = {}, options: { storeHistory?: boolean } = {}): Promise<ExecuteOutcome> {
    if (this._status === 'dead' || this._status === 'stopped') {
      return Promise.reject(new KernelDiedError('The kernel on the Jupyter Server is not connected. Restart the kernel to continue.'));
    }
    const kernel = this.kernel;
    let fail!: (e: Error) => void;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    const run = this.abortWindow.wait().then(() => this.runOn(kernel, code, handlers, options.storeHistory ?? true));
    const tracked = Promise.race([run, failed]).then((outcome) => {
      this.abortWindow.note(outcome.status);
      return outcome;
    });
    this.inFlight.set(tracked, fail);
    void tracked.catch(() => undefined).finally(() => this.inFlight.delete(tracked));
    return tracked;
  }

  async interrupt(): Promise<InterruptResult> {
    if (this.inFlight.size === 0) return 'nothing-running';
    const kernel = this.kernel;
    // the server sends SIGINT (the kernelspec's interrupt_mode); tslab spends one that lands while it type-checks
    const send = () => kernel.interrupt().catch(() => undefined);
    const grace = this.options.interruptGraceMs ?? 3000;
    if (await interruptUntilSettled(this.inFlight.keys(), send, grace, () => kernel === this.kernel)) return 'interrupted';
    await this.restart();
    return 'restarted';
  }

  /** A fresh kernel process on the server (running cells fail); after a lost connection, a fresh session. */
  async restart(): Promise<void> {
    this.setStatus('restarting');
    this.failRunning('The kernel was restarted.');
    if (!this.kernel.isDisposed && this.kernel.connectionStatus === 'connected') {
      try {
        await this.kernel.restart();
        await this.waitReady();
        this.setStatus('idle');
        return;
      } catch {
        /* the server or kernel is gone: start over below */
      }
    }
    await this.teardown();
    await checkServer(this.options.server, this.options.requestTimeoutMs).catch((e) => {
      this.setStatus('dead');
      throw e;
    });
    await this.launch();
  }

  async shutdown(): Promise<void> {
    this.failRunning('The kernel was shut down.');
    await this.teardown();
    this.setStatus('stopped');
  }

  private async launch(): Promise<void> {
    this.setStatus('starting');
    this.stopping = false;
    let model;
    try {
      model = await SessionAPI.startSession({ path: this.options.notebookPath, type: 'notebook', name: this.options.notebookPath.split('/').pop() ?? '', kernel: { name: KERNEL_NAME } }, this.settings);
    } catch (e) {
      this.setStatus('dead');
      throw describeServerError(e, this.options.server);
    }
    this.sessionId = model.id;
    if (!model.kernel) throw new Error('the server started a session without a kernel');
    const kernel = new KernelConnection({ model: model.kernel, serverSettings: this.settings, handleComms: false });
    this.kernel = kernel;
    kernel.statusChanged.connect((_, s) => kernel === this.kernel && this.onKernelStatus(s));
    kernel.connectionStatusChanged.connect((_, s) => kernel === this.kernel && this.onConnection(s));
    try {
      await this.waitReady();
    } catch (e) {
      await this.teardown();
      this.setStatus('dead');
      throw e;
    }
    this._folder = await this.probeFolder();
    this.setStatus('idle');
  }

  /** Resolves once the kernel answers kernel_info; tslab takes a few seconds to start. */
  private async waitReady(): Promise<void> {
    const kernel = this.kernel;
    const timeoutMs = this.options.startTimeoutMs ?? 90_000;
    const ready = connected(kernel).then(() => kernel.requestKernelInfo());
    const outcome = await Promise.race([ready.then(() => 'ok' as const), delay(timeoutMs).then(() => 'timeout' as const), this.deadWhile(kernel)]);
    if (outcome === 'timeout') throw new Error(`The lungcam kernel on ${this.server} did not answer within ${timeoutMs / 1000} s; see the server's log.`);
    if (outcome === 'dead') throw new Error(`The lungcam kernel on ${this.server} stopped while starting; see the server's log (is Node 20 on its PATH, and was \`lungcam jupyter-install\` run after the last install?).`);
  }

  private deadWhile(kernel: Kernel.IKernelConnection): Promise<'dead'> {
    return new Promise((resolve) => {
      const check = (_: unknown, s: KernelMessage.Status) => {
        if (s === 'dead') {
          kernel.statusChanged.disconnect(check);
          resolve('dead');
        }
      };
      kernel.statusChanged.connect(check);
    });
  }

  /** Where the server started the kernel (cells' relative paths resolve there). */
  private async probeFolder(): Promise<string> {
    let text = '';
    try {
      await this.runOn(this.kernel, 'void process.stdout.write(process.cwd())', { onStream: (_, t) => (text += t) }, false);
    } catch {
      /* the status bar then names the server only */
    }
    return text.trim();
  }

  private async runOn(kernel: Kernel.IKernelConnection, code: string, handlers: ExecuteHandlers, storeHistory: boolean): Promise<ExecuteOutcome> {
    const events = new ExecutionEvents(handlers);
    const future = kernel.requestExecute({ code, silent: false, store_history: storeHistory, allow_stdin: false, stop_on_error: true });
    future.onIOPub = (msg) => void events.iopub(msg.header.msg_type, msg.content as Record<string, any>);
    try {
      const reply = await future.done;
      return events.outcome(reply.content as Record<string, any>);
    } catch (e) {
      // a future cancelled by a restart, or a disposed connection
      throw new KernelDiedError(kernel === this.kernel && this._status !== 'dead' ? `The kernel was restarted (${(e as Error).message}).` : 'The kernel was restarted.');
    }
  }

  private onKernelStatus(s: KernelMessage.Status): void {
    if (s === 'autorestarting') {
      // the kernel process died (process.exit, out of memory) and the server started a new one
      this.failRunning('The kernel on the Jupyter Server stopped (exited or ran out of memory) and the server restarted it: variables are lost.');
      this.setStatus('restarting');
    } else if (s === 'dead' && !this.stopping) {
      this.die('The kernel on the Jupyter Server died and the server could not restart it. Restart the kernel to start a new one; see the server\'s log for why.');
    } else if (s === 'idle' || s === 'busy' || s === 'starting') {
      this.setStatus(s);
    } else if (s === 'restarting') {
      this.setStatus('restarting');
    }
  }

  private onConnection(s: Kernel.ConnectionStatus): void {
    clearTimeout(this.lostTimer);
    if (this.stopping || this._status === 'dead') return;
    const lost = `Lost the connection to the Jupyter Server at ${this.server}. Check that the server is running and reachable, then Restart Kernel (variables on the server may be lost).`;
    if (s === 'disconnected') this.die(lost);
    else if (s === 'connecting') this.lostTimer = setTimeout(() => this.die(lost), this.options.reconnectGraceMs ?? 10_000);
  }

  private die(reason: string): void {
    if (this._status === 'dead') return;
    this.failRunning(reason);
    this.setStatus('dead');
    this.events.emit('death', reason);
  }

  private failRunning(reason: string): void {
    for (const fail of this.inFlight.values()) fail(new KernelDiedError(reason));
    this.inFlight.clear();
  }

  /** Ends the server session (and its kernel) and closes our connection; never throws. */
  private async teardown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.lostTimer);
    const id = this.sessionId;
    this.sessionId = '';
    if (id) await SessionAPI.shutdownSession(id, this.settings).catch(() => undefined);
    if (this.kernel && !this.kernel.isDisposed) this.kernel.dispose();
  }

  private setStatus(s: KernelStatus): void {
    if (s === this._status) return;
    this._status = s;
    this.events.emit('status', s);
  }
}

/** Resolves when the kernel's WebSocket is open (services refuses kernel_info before). */
function connected(kernel: Kernel.IKernelConnection): Promise<void> {
  if (kernel.connectionStatus === 'connected') return Promise.resolve();
  return new Promise((resolve) => {
    const check = (_: unknown, s: Kernel.ConnectionStatus) => {
      if (s !== 'connected') return;
      kernel.connectionStatusChanged.disconnect(check);
      resolve();
    };
    kernel.connectionStatusChanged.connect(check);
  });
}
