/**
 * Two tslab behaviours every client of a tslab kernel works around, local or on a Jupyter Server
 * (kernels/client/NOTES.md): the abort window after a failed cell, and a SIGINT spent while the cell
 * is still being type-checked.
 */

/**
 * tslab aborts every request that arrives within 200 ms after a failed cell (its stop-on-error queue
 * reset): the next execute waits that window out so a re-run is not silently aborted.
 */
export class AbortWindow {
  private quietUntil = 0;

  /** Call with each outcome's status. */
  note(status: string): void {
    if (status === 'error') this.quietUntil = Date.now() + 250;
  }

  /** Resolves once a new request would not be aborted. */
  wait(): Promise<void> {
    const ms = this.quietUntil - Date.now();
    return ms > 0 ? delay(ms) : Promise.resolve();
  }
}

/**
 * Sends `interrupt` every 200 ms until the executions in flight settle, `graceMs` passes or `stillCurrent`
 * turns false (the kernel was replaced meanwhile). True when they stopped (or the kernel went away).
 */
export async function interruptUntilSettled(inFlight: Iterable<Promise<unknown>>, interrupt: () => unknown, graceMs: number, stillCurrent: () => boolean): Promise<boolean> {
  let settled = false;
  void Promise.allSettled([...inFlight]).then(() => (settled = true));
  const deadline = Date.now() + graceMs;
  while (!settled && stillCurrent() && Date.now() < deadline) {
    await interrupt();
    await delay(200);
  }
  return settled || !stillCurrent();
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
