/**
 * A Jupyter client for one kernel: shell (execute, kernel_info), iopub (outputs as they come),
 * control (shutdown), heartbeat. It knows nothing about VS Code; the notebook controller maps what
 * it reports onto cell outputs.
 */
import { randomUUID } from 'node:crypto';
import * as zmq from 'zeromq';
import { ConnectionInfo, socketUrl } from './kernelProcess';
import { decode, encode, JupyterMessage, newMessage } from './wire';
import { ExecuteHandlers, ExecuteOutcome, ExecutionEvents, KernelDiedError } from './executeEvents';

export { KernelDiedError } from './executeEvents';
export type { DisplayKind, DisplayMessage, ExecuteHandlers, ExecuteOutcome } from './executeEvents';

interface Pending {
  events: ExecutionEvents;
  reply?: JupyterMessage;
  idle: boolean;
  resolve(o: ExecuteOutcome): void;
  reject(e: Error): void;
}

/** Serialises sends: a zeromq 6 socket refuses a send while another is in flight. */
class SendQueue {
  private tail: Promise<unknown> = Promise.resolve();
  constructor(private readonly socket: zmq.Socket & { send(m: Buffer[]): Promise<void> }) {}
  send(frames: Buffer[]): Promise<void> {
    const next = this.tail.then(() => this.socket.send(frames));
    this.tail = next.catch(() => undefined);
    return next;
  }
}

export class JupyterClient {
  readonly session = randomUUID();
  private readonly shell = new zmq.Dealer({ linger: 0 });
  private readonly control = new zmq.Dealer({ linger: 0 });
  private readonly iopub = new zmq.Subscriber({ linger: 0 });
  private readonly shellOut = new SendQueue(this.shell);
  private readonly controlOut = new SendQueue(this.control);
  private readonly pending = new Map<string, Pending>();
  /** Replies to non-execute requests (kernel_info, shutdown), by request id. */
  private readonly waiters = new Map<string, (m: JupyterMessage) => void>();
  private readonly iopubSeen = new Set<string>();
  private closed = false;
  private deathReason: string | undefined;

  constructor(private readonly connection: ConnectionInfo) {
    const url = (port: number) => socketUrl(connection, port);
    this.shell.connect(url(connection.shell_port));
    this.control.connect(url(connection.control_port));
    this.iopub.connect(url(connection.iopub_port));
    this.iopub.subscribe();
    void this.readLoop(this.shell, (m) => this.onShell(m));
    void this.readLoop(this.control, (m) => this.onShell(m));
    void this.readLoop(this.iopub, (m) => this.onIopub(m));
  }

  /**
   * Resolves once the kernel answers kernel_info on shell AND we have seen its iopub status for it
   * (ZeroMQ subscriptions take a moment: outputs published before that would be lost).
   */
  async waitReady(timeoutMs = 30000, isAlive: () => boolean = () => true): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!isAlive() || this.deathReason) throw new KernelDiedError(this.deathReason ?? 'kernel exited while starting');
      const msg = newMessage('kernel_info_request', {}, this.session);
      const reply = this.request(this.shellOut, msg);
      const got = await Promise.race([reply, delay(500).then(() => undefined)]);
      if (got) {
        // the status for this request may trail the reply a little
        for (let i = 0; i < 10 && !this.iopubSeen.has(msg.header.msg_id); i++) await delay(20);
        if (this.iopubSeen.has(msg.header.msg_id)) return got.content;
      }
      this.waiters.delete(msg.header.msg_id);
    }
    throw new Error(`the kernel did not answer within ${timeoutMs / 1000} s`);
  }

  /** Runs code; outputs go to `handlers` as they arrive; resolves when the kernel is idle again. */
  execute(code: string, handlers: ExecuteHandlers = {}): Promise<ExecuteOutcome> {
    if (this.deathReason) return Promise.reject(new KernelDiedError(this.deathReason));
    const msg = newMessage(
      'execute_request',
      { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true },
      this.session,
    );
    return new Promise<ExecuteOutcome>((resolve, reject) => {
      this.pending.set(msg.header.msg_id, { events: new ExecutionEvents(handlers), idle: false, resolve, reject });
      this.shellOut.send(encode(msg, this.connection.key)).catch((e) => {
        this.pending.delete(msg.header.msg_id);
        reject(e);
      });
    });
  }

  /** Heartbeat: true if the kernel echoes within `timeoutMs`. */
  async ping(timeoutMs = 1000): Promise<boolean> {
    const hb = new zmq.Request({ linger: 0, receiveTimeout: timeoutMs, sendTimeout: timeoutMs });
    try {
      hb.connect(socketUrl(this.connection, this.connection.hb_port));
      const payload = Buffer.from(randomUUID());
      await hb.send(payload);
      const [echo] = await hb.receive();
      return echo.equals(payload);
    } catch {
      return false;
    } finally {
      hb.close();
    }
  }

  /** Asks the kernel to shut down (control channel); resolves on reply or after `timeoutMs`. */
  async shutdown(timeoutMs = 1000): Promise<void> {
    const msg = newMessage('shutdown_request', { restart: false }, this.session);
    await Promise.race([this.request(this.controlOut, msg).catch(() => undefined), delay(timeoutMs)]);
    this.waiters.delete(msg.header.msg_id);
  }

  /** The kernel process is gone: fail every running execution with `reason`. */
  markDead(reason: string): void {
    if (this.deathReason) return;
    this.deathReason = reason;
    for (const p of this.pending.values()) p.reject(new KernelDiedError(reason));
    this.pending.clear();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.markDead(this.deathReason ?? 'the kernel connection was closed');
    for (const s of [this.shell, this.control, this.iopub]) s.close();
  }

  private request(out: SendQueue, msg: JupyterMessage<unknown>): Promise<JupyterMessage> {
    return new Promise((resolve, reject) => {
      this.waiters.set(msg.header.msg_id, resolve);
      out.send(encode(msg, this.connection.key)).catch(reject);
    });
  }

  private async readLoop(socket: zmq.Dealer | zmq.Subscriber, handle: (m: JupyterMessage) => void): Promise<void> {
    try {
      for await (const frames of socket) {
        let msg: JupyterMessage;
        try {
          msg = decode(frames, this.connection.key);
        } catch {
          continue; // unsigned or malformed: ignore, as the spec says
        }
        handle(msg);
      }
    } catch {
      /* socket closed */
    }
  }

  private onShell(msg: JupyterMessage): void {
    const parentId = msg.parent_header.msg_id;
    if (!parentId) return;
    const waiter = this.waiters.get(parentId);
    if (waiter) {
      this.waiters.delete(parentId);
      waiter(msg);
      return;
    }
    const p = this.pending.get(parentId);
    if (p && msg.header.msg_type === 'execute_reply') {
      p.reply = msg;
      this.settleIfDone(parentId, p);
    }
  }

  private onIopub(msg: JupyterMessage): void {
    const parentId = msg.parent_header.msg_id;
    if (!parentId) return;
    if (msg.header.msg_type === 'status') this.iopubSeen.add(parentId);
    const p = this.pending.get(parentId);
    if (!p) return;
    if (p.events.iopub(msg.header.msg_type, msg.content as Record<string, any>)) {
      p.idle = true;
      this.settleIfDone(parentId, p);
    }
  }

  private settleIfDone(id: string, p: Pending): void {
    if (!p.reply || !p.idle) return;
    this.pending.delete(id);
    const outcome = p.events.outcome(p.reply.content as Record<string, any>);
    p.resolve(outcome);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
