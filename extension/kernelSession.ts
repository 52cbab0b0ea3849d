/**
 * The kernel of one open notebook: started on the first run, cells executed one at a time from a
 * queue, interrupt (the running cell, and every queued cell is cancelled), restart, and death
 * reported in the cell and the status bar. Everything is asynchronous: the kernel is another process,
 * so a cell that spins never blocks the extension host.
 */
import * as path from 'path';
import * as os from 'os';
import * as vscode from 'vscode';
import { KernelDiedError, type ExecuteHandlers, type ExecuteOutcome } from '../kernels/client/jupyterClient';
import { InterruptResult, TslabKernel, type NotebookKernel } from '../kernels/client/kernel';
import { resolveRuntime } from '../kernels/client/kernelProcess';
import { engineEnv } from './cliRunner';
import { CellOutputWriter } from './cellOutputs';
import type { KernelView } from './statusBar';

interface QueuedCell {
  cell: vscode.NotebookCell;
  execution: vscode.NotebookCellExecution;
}

const CONNECT = 'Connect to Jupyter Server…';
/** A Jupyter Server that could not be used (unreachable, token, no kernelspec): its message says what to do. */
const isServerError = (e: unknown): e is Error => e instanceof Error && e.name === 'JupyterServerError';

const BACKEND_NOTICE = /lungcam: TensorFlow\.js backend ([^\n]+)/;

/** Where cells run: the notebook's folder, so `"../wav/x.wav"` means what it says in the file. */
function kernelCwd(notebook: vscode.NotebookDocument): string {
  if (notebook.uri.scheme === 'file') return path.dirname(notebook.uri.fsPath);
  const folder = vscode.workspace.getWorkspaceFolder(notebook.uri) ?? vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === 'file' ? folder.uri.fsPath : os.homedir();
}

/** Starts a kernel for a notebook; the started kernel may say where it runs for the status bar. */
export type KernelStarter = (notebook: vscode.NotebookDocument) => Promise<NotebookKernel & { location?: () => KernelView['location'] }>;

/** The local tslab process, in the notebook's folder, with the kernel settings. */
export const startLocalKernel: KernelStarter = (notebook) => {
  const config = vscode.workspace.getConfiguration('lungcam.kernel', notebook.uri);
  return TslabKernel.start({
    cwd: kernelCwd(notebook),
    runtime: resolveRuntime(config.get<string>('runtime', 'auto')),
    maxOldSpaceMB: config.get<number>('maxMemoryMB', 4096),
    // Cells' lc.initBackend() follows the lungcam.backend setting, like every command.
    env: engineEnv(),
  });
};

export class KernelSession implements vscode.Disposable {
  private kernel: (NotebookKernel & { location?: () => KernelView['location'] }) | undefined;
  private starting: Promise<NotebookKernel> | undefined;
  private readonly queue: QueuedCell[] = [];
  private current: QueuedCell | undefined;
  private draining = false;
  private view: KernelView = { status: 'not-started' };
  private readonly changed = new vscode.EventEmitter<KernelView>();
  /** Fires whenever the state shown in the status bar changes. */
  readonly onDidChange = this.changed.event;

  /** `kind` names the controller that made the session: another controller's run makes a new session. */
  constructor(readonly notebook: vscode.NotebookDocument, readonly kind = 'local', private readonly startKernel: KernelStarter = startLocalKernel) {}

  get state(): KernelView & { pid?: number; queued: number; running: boolean; runningCell?: number } {
    return { ...this.view, pid: this.kernel?.pid, queued: this.queue.length, running: !!this.current, runningCell: this.current?.cell.index };
  }

  /** Queues the cells (in the order given) and runs them one after another. */
  run(cells: readonly vscode.NotebookCell[], controller: vscode.NotebookController): void {
    for (const cell of cells) {
      const execution = controller.createNotebookCellExecution(cell);
      this.queue.push({ cell, execution });
    }
    void this.drain();
  }

  /** Stops the running cell (restarting the kernel if it cannot be interrupted) and cancels the queue. */
  async interrupt(): Promise<InterruptResult | 'nothing-running'> {
    this.cancelQueued();
    if (!this.kernel || !this.current) return 'nothing-running';
    return this.kernel.interrupt();
  }

  async restart(): Promise<void> {
    this.cancelQueued();
    if (this.starting) await this.starting.catch(() => undefined);
    if (!this.kernel) {
      await this.ensureKernel();
      return;
    }
    this.view = { ...this.view, deathReason: undefined };
    await this.kernel.restart();
  }

  /**
   * Runs code in this notebook's kernel outside the cell queue (the renderer's recomputations): the
   * kernel itself queues it behind a running cell.
   */
  async executeQuietly(code: string, handlers: ExecuteHandlers): Promise<ExecuteOutcome> {
    const kernel = await this.ensureKernel();
    return kernel.execute(code, handlers);
  }

  dispose(): void {
    this.cancelQueued();
    void this.kernel?.shutdown();
    this.kernel = undefined;
    this.changed.dispose();
  }

  private cancelQueued(): void {
    for (const q of this.queue.splice(0)) {
      // never started: ending it without a success state leaves the cell as it was
      q.execution.end(undefined);
    }
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const next = this.queue.shift()!;
        this.current = next;
        const ok = await this.runOne(next);
        this.current = undefined;
        // like Jupyter's run-all: a failed cell stops the cells queued after it
        if (!ok) this.cancelQueued();
      }
    } finally {
      this.current = undefined;
      this.draining = false;
    }
  }

  private async runOne({ cell, execution }: QueuedCell): Promise<boolean> {
    execution.start(Date.now());
    await execution.clearOutput();
    const out = new CellOutputWriter(execution);
    const source = cell.document.getText();
    let success = false;
    try {
      const kernel = await this.ensureKernel();
      const outcome = await kernel.execute(source, {
        onStream: (name, text) => {
          out.stream(name, text);
          const backend = BACKEND_NOTICE.exec(text);
          if (backend) this.update({ backend: backend[1].trim() });
        },
        onDisplay: (kind, message) => out.display(kind, message),
        onExecutionCount: (n) => (execution.executionOrder = n),
      });
      if (outcome.status === 'ok') success = true;
      else if (outcome.status === 'abort') out.notice('Cancelled', 'The kernel skipped this cell after an earlier error.');
      else if (outcome.error) out.error(outcome.error, source);
    } catch (e) {
      if (isServerError(e)) {
        out.notice('Jupyter Server', e.message);
        void vscode.window.showErrorMessage(`LungCAM: ${e.message}`, CONNECT).then((choice) => choice && vscode.commands.executeCommand('lungcam.connectJupyterServer'));
      } else {
        const message = e instanceof KernelDiedError ? e.message : `The LungCAM kernel could not run this cell: ${(e as Error).message}`;
        out.notice(e instanceof KernelDiedError ? 'Kernel stopped' : 'Kernel error', message);
      }
    }
    await out.flush();
    execution.end(success, Date.now());
    return success;
  }

  private ensureKernel(): Promise<NotebookKernel> {
    if (this.kernel) return Promise.resolve(this.kernel);
    // The controller refuses cells in an untrusted workspace; this also covers restart and any other way in.
    if (!vscode.workspace.isTrusted) return Promise.reject(new Error('the workspace is not trusted: trust it to run cells'));
    if (!this.starting) {
      this.update({ status: 'starting' });
      this.starting = this.startKernel(this.notebook).then(
        (kernel) => {
          this.kernel = kernel;
          kernel.onStatus((status) => this.update({ status, ...(status === 'starting' ? { deathReason: undefined } : {}), location: kernel.location?.() }));
          kernel.onDeath((reason) => this.onDeath(reason));
          this.update({ status: kernel.status, location: kernel.location?.() });
          return kernel;
        },
        (e) => {
          this.update({ status: 'dead', deathReason: (e as Error).message });
          throw e;
        },
      ).finally(() => (this.starting = undefined));
    }
    return this.starting;
  }

  private onDeath(reason: string): void {
    this.cancelQueued();
    this.update({ status: 'dead', deathReason: reason });
    void vscode.window.showErrorMessage(`LungCAM: ${reason}`, 'Restart Kernel').then((choice) => {
      if (choice === 'Restart Kernel') void this.restart();
    });
  }

  private update(change: Partial<KernelView>): void {
    this.view = { ...this.view, ...change };
    this.changed.fire(this.view);
  }
}
