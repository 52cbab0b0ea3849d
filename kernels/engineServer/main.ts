/**
 * The warm engine: a long-lived process (one per VS Code window, started by extension/engineClient.ts
 * with an IPC channel) that answers the views' requests (kernels/shared/engineProtocol.ts) from the model
 * and features it keeps loaded, instead of a fresh CLI process per click. Requests run one at a time in
 * the order they came; a cancelled one stops between CAM passes. The process leaves when its parent
 * disconnects.
 */
import type { EngineInbound, EngineOutbound, EngineRequest } from '../shared/engineProtocol';
import { isInputError } from '../engine/errors';
import { initBackend, backendDescription } from '../engine/model/backend';
import { EngineCache } from './cache';
import { handlers } from './handlers';

const send = (m: EngineOutbound) => process.send?.(m);

const cache = new EngineCache();
const queue: EngineRequest[] = [];
const cancelled = new Set<number>();
let current: { id: number; controller: AbortController } | null = null;

function isAbort(e: unknown): boolean {
  return (e as Error)?.name === 'AbortError';
}

// The wasm backend's pthread workers are unref'd; the IPC channel keeps the process alive meanwhile.
const backendReady = initBackend(undefined, { quiet: true });

async function run(request: EngineRequest): Promise<void> {
  const controller = new AbortController();
  current = { id: request.id, controller };
  try {
    await backendReady;
    const handler = handlers[request.kind] as (p: unknown, ctx: Parameters<typeof handlers.status>[1]) => Promise<unknown>;
    if (!handler) throw new Error(`the engine does not know requests of kind "${request.kind}"`);
    const value = await handler(request.params, {
      cache, signal: controller.signal,
      progress: (step, done) => send({ type: 'progress', id: request.id, step, ...(done === undefined ? {} : { done }) }),
    });
    send({ type: 'result', id: request.id, value });
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    send({ type: 'error', id: request.id, message, badInput: isInputError(e), cancelled: isAbort(e) || controller.signal.aborted });
  } finally {
    current = null;
  }
}

let draining = false;
async function drain(): Promise<void> {
  if (draining) return;
  draining = true;
  try {
    while (queue.length) {
      const request = queue.shift()!;
      if (cancelled.delete(request.id)) {
        send({ type: 'error', id: request.id, message: 'cancelled', badInput: false, cancelled: true });
        continue;
      }
      await run(request);
    }
  } finally {
    draining = false;
  }
}

process.on('message', (m: EngineInbound) => {
  if (m?.type === 'cancel') {
    if (current?.id === m.id) current.controller.abort();
    else if (queue.some((r) => r.id === m.id)) cancelled.add(m.id);
  } else if (m?.type === 'request') {
    queue.push(m);
    void drain();
  }
});
process.on('disconnect', () => process.exit(0));

backendReady.then(
  () => send({ type: 'ready', backend: backendDescription() }),
  (e: unknown) => {
    process.stderr.write(`lungcam engine: cannot start TensorFlow.js: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
