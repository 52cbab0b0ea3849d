/**
 * What one execution's messages mean to the notebook, whichever way they arrive (ZeroMQ from the local
 * tslab process, or a Jupyter Server's WebSocket): iopub messages routed to the cell's handlers, and
 * the execute_reply turned into an outcome. tslab reports errors on stderr only, so stderr is kept.
 */
import { errorFromStderr, KernelError } from './kernelErrors';

export type DisplayKind = 'display_data' | 'execute_result' | 'update_display_data';

/** A MIME bundle as the kernel sent it (binary types such as image/png are base64 strings). */
export interface DisplayMessage {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  /** Set by display handles; `update_display_data` replaces the output with the same id. */
  displayId?: string;
}

export interface ExecuteHandlers {
  onStream?(name: 'stdout' | 'stderr', text: string): void;
  onDisplay?(kind: DisplayKind, message: DisplayMessage): void;
  onExecutionCount?(count: number): void;
}

export interface ExecuteOutcome {
  status: 'ok' | 'error' | 'abort';
  executionCount: number | null;
  /** For status 'error': what went wrong, parsed from the kernel's report. */
  error?: KernelError;
}

export class KernelDiedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KernelDiedError';
  }
}

/** One execution's iopub messages, in order, for its handlers; stderr collected for the error report. */
export class ExecutionEvents {
  stderr = '';

  constructor(readonly handlers: ExecuteHandlers) {}

  /** Routes one iopub message; true when it is the kernel going idle (the execution's last message). */
  iopub(msgType: string, content: Record<string, any>): boolean {
    const c = content;
    switch (msgType) {
      case 'stream':
        if (c.name === 'stderr') this.stderr += c.text;
        this.handlers.onStream?.(c.name === 'stderr' ? 'stderr' : 'stdout', String(c.text));
        break;
      case 'execute_input':
        if (typeof c.execution_count === 'number') this.handlers.onExecutionCount?.(c.execution_count);
        break;
      case 'display_data':
      case 'execute_result':
      case 'update_display_data':
        this.handlers.onDisplay?.(msgType, { data: c.data ?? {}, metadata: c.metadata ?? {}, displayId: c.transient?.display_id ?? undefined });
        break;
      case 'error':
        this.stderr += [c.ename, c.evalue].filter(Boolean).join(': ') + '\n';
        break;
      case 'status':
        return c.execution_state === 'idle';
    }
    return false;
  }

  /** The outcome from the execute_reply's content. */
  outcome(reply: Record<string, any>): ExecuteOutcome {
    const status = reply.status === 'ok' || reply.status === 'abort' ? reply.status : 'error';
    const executionCount = typeof reply.execution_count === 'number' ? reply.execution_count : null;
    if (executionCount !== null) this.handlers.onExecutionCount?.(executionCount);
    const outcome: ExecuteOutcome = { status, executionCount };
    if (status === 'error') {
      outcome.error = reply.ename
        ? { ename: reply.ename, evalue: reply.evalue ?? '', traceback: reply.traceback ?? [], diagnostics: [] }
        : errorFromStderr(this.stderr);
    }
    return outcome;
  }
}
