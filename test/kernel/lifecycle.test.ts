// Interrupt, restart, death and recovery of a real tslab kernel process; its connection file.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { KernelDiedError } from '../../kernels/client/jupyterClient';
import { TslabKernel } from '../../kernels/client/kernel';
import { KernelProcess } from '../../kernels/client/kernelProcess';
import { collect, requireBuild, tempDir } from './helpers';

/** The acceptance: an interrupted cell stops within 2 s. */
const INTERRUPT_LIMIT_MS = 2000;

/** Interrupts after `delayMs`; elapsedMs is from the interrupt until the running cell settled. */
async function interruptAfter(kernel: TslabKernel, running: Promise<unknown>, delayMs: number): Promise<{ result: string; elapsedMs: number; outcome: any }> {
  let settledAt = 0;
  const outcome = running.catch((e) => e).finally(() => (settledAt = Date.now()));
  await new Promise((r) => setTimeout(r, delayMs));
  const started = Date.now();
  const result = await kernel.interrupt();
  return { result, elapsedMs: (await outcome, settledAt) - started, outcome: await outcome };
}

describe('tslab kernel: connection file', () => {
  before(requireBuild);

  it('binds loopback only, with a fresh key per start, in a file only the user can read, removed on stop', async () => {
    const cwd = tempDir();
    const a = await KernelProcess.start({ cwd });
    const b = await KernelProcess.start({ cwd });
    try {
      const info = JSON.parse(readFileSync(a.connectionFile, 'utf8'));
      assert.equal(info.ip, '127.0.0.1');
      assert.equal(info.transport, 'tcp');
      assert.equal(info.signature_scheme, 'hmac-sha256');
      assert.match(info.key, /^[0-9a-f]{64}$/);
      assert.notEqual(info.key, b.connection.key);
      assert.equal(new Set([info.shell_port, info.iopub_port, info.stdin_port, info.control_port, info.hb_port]).size, 5);
      assert.equal(statSync(a.connectionFile).mode & 0o777, 0o600);
      assert.equal(statSync(path.dirname(a.connectionFile)).mode & 0o777, 0o700);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    assert.equal(existsSync(a.connectionFile), false);
  });
});

describe('tslab kernel: interrupt and restart', () => {
  let kernel: TslabKernel;
  before(async () => {
    requireBuild();
    kernel = await TslabKernel.start({ cwd: tempDir() });
  });
  after(() => kernel?.shutdown());

  it('interrupts a synchronous while(true){} within 2 s and keeps the variables', async () => {
    await kernel.execute('const kept = "still here";', collect());
    const pid = kernel.pid;
    const { result, elapsedMs, outcome } = await interruptAfter(kernel, kernel.execute('while (true) {}', collect()), 300);
    assert.equal(result, 'interrupted');
    assert.ok(elapsedMs < INTERRUPT_LIMIT_MS, `took ${elapsedMs} ms`);
    assert.equal(outcome.status, 'error');
    assert.equal(outcome.error.ename, 'Interrupted');
    assert.equal(kernel.pid, pid, 'the kernel was restarted instead of interrupted');
    const c = collect();
    await kernel.execute('kept', c);
    assert.equal(c.stdout().trim(), 'still here');
  });

  it('interrupts an async loop within 2 s', async () => {
    const c = collect();
    const running = kernel.execute('let ticks = 0;\nwhile (true) {\n  ticks++;\n  await new Promise((r) => setTimeout(r, 10));\n}', c);
    const { result, elapsedMs, outcome } = await interruptAfter(kernel, running, 300);
    assert.equal(result, 'interrupted');
    assert.ok(elapsedMs < INTERRUPT_LIMIT_MS, `took ${elapsedMs} ms`);
    assert.equal(outcome.error.ename, 'Interrupted');
    assert.equal(kernel.status, 'idle');
  });

  it('restarts a kernel stuck where SIGINT cannot reach (a microtask-only loop) within 2 s', async () => {
    const pid = kernel.pid;
    const running = kernel.execute('while (true) { await Promise.resolve(); }', collect());
    const { result, elapsedMs, outcome } = await interruptAfter(kernel, running, 300);
    assert.equal(result, 'restarted');
    assert.ok(elapsedMs < INTERRUPT_LIMIT_MS, `took ${elapsedMs} ms`);
    assert.ok(outcome instanceof KernelDiedError);
    assert.notEqual(kernel.pid, pid);
    assert.equal(kernel.status, 'idle');
    assert.equal((await kernel.execute('1 + 1', collect())).status, 'ok');
  });

  it('interrupt with nothing running changes nothing', async () => {
    assert.equal(await kernel.interrupt(), 'nothing-running');
    assert.equal((await kernel.execute('2 + 2', collect())).status, 'ok');
  });

  it('restart gives a fresh process: old variables are gone, new cells run', async () => {
    await kernel.execute('const beforeRestart = 1;', collect());
    const pid = kernel.pid;
    await kernel.restart();
    assert.notEqual(kernel.pid, pid);
    const r = await kernel.execute('beforeRestart', collect());
    assert.equal(r.status, 'error');
    assert.match(r.error!.evalue, /Cannot find name 'beforeRestart'/);
    const c = collect();
    await kernel.execute('const again = 5; again * 2', c);
    assert.equal(c.stdout().trim(), '10');
  });

  it('a restart during a running cell fails that cell with KernelDiedError', async () => {
    const running = kernel.execute('await new Promise((r) => setTimeout(r, 60000));', collect()).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 200));
    await kernel.restart();
    const outcome = await running;
    assert.ok(outcome instanceof KernelDiedError && /restarted/.test(outcome.message), String(outcome));
  });
});

describe('tslab kernel: death and recovery', () => {
  before(requireBuild);

  it('reports process.exit in a cell (and a kill from outside) as a death, and recovers on restart', async () => {
    const kernel = await TslabKernel.start({ cwd: tempDir() });
    try {
      const deaths: string[] = [];
      kernel.onDeath((reason) => deaths.push(reason));
      await assert.rejects(kernel.execute('process.exit(3)', collect()), (e: Error) => e instanceof KernelDiedError && /exited with code 3/.test(e.message));
      assert.equal(kernel.status, 'dead');
      assert.equal(deaths.length, 1);
      assert.match(deaths[0], /Restart the kernel/);
      await assert.rejects(kernel.execute('1', collect()), KernelDiedError);
      await kernel.restart();
      const c = collect();
      assert.equal((await kernel.execute('"alive"', c)).status, 'ok');
      assert.equal(c.stdout().trim(), 'alive');
      // and a kernel killed from outside is reported too
      const died = new Promise<string>((resolve) => kernel.onDeath(resolve));
      process.kill(kernel.pid!, 'SIGKILL');
      assert.match(await died, /killed \(SIGKILL\)/);
      assert.equal(kernel.status, 'dead');
    } finally {
      await kernel.shutdown();
    }
  });

  it('reports running out of memory (a heap limit keeps it quick) as a death, and recovers on restart', async () => {
    const kernel = await TslabKernel.start({ cwd: tempDir(), maxOldSpaceMB: 192 });
    try {
      const deaths: string[] = [];
      kernel.onDeath((reason) => deaths.push(reason));
      const hog = 'const hog: number[][] = [];\nwhile (true) hog.push(new Array(1_000_000).fill(1.5));';
      await assert.rejects(kernel.execute(hog, collect()), (e: Error) => e instanceof KernelDiedError && /ran out of memory \(limit 192 MB\)/.test(e.message));
      assert.equal(deaths.length, 1);
      await kernel.restart();
      assert.equal((await kernel.execute('1 + 1', collect())).status, 'ok');
    } finally {
      await kernel.shutdown();
    }
  });

});
