/**
 * What a notebook needs from a kernel, wherever it runs: the local tslab process (TslabKernel) or the
 * `lungcam` kernel on a Jupyter Server (RemoteKernel). The VS Code side talks only to this.
 */
import type { ExecuteHandlers, ExecuteOutcome } from './executeEvents';

export type KernelStatus = 'starting' | 'idle' | 'busy' | 'restarting' | 'dead' | 'stopped';

export type InterruptResult = 'interrupted' | 'restarted' | 'nothing-running';

export interface NotebookKernel {
  readonly status: KernelStatus;
  /** The local process id; undefined for a kernel on a server. */
  readonly pid: number | undefined;
  execute(code: string, handlers?: ExecuteHandlers): Promise<ExecuteOutcome>;
  /** Stops the running cell; restarts the kernel when it cannot be interrupted in time. */
  interrupt(): Promise<InterruptResult>;
  restart(): Promise<void>;
  shutdown(): Promise<void>;
  onStatus(listener: (s: KernelStatus) => void): () => void;
  /** The kernel stopped without being asked (exit, out of memory, lost connection): a one-line reason. */
  onDeath(listener: (reason: string) => void): () => void;
}
