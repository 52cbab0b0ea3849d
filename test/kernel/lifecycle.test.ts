// Interrupt, restart, death and recovery of a real tslab kernel process; its sockets and connection file;
// the kernel's end when the process that started it dies. Each test starts its own kernel: one test's
// kernel trouble never fails the next.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { afterEach, before, beforeEach, describe, it } from 'node:test';
import { KernelDiedError } from '../../kernels/client/jupyterClient';
import { TslabKernel } from '../../kernels/client/kernel';
import { KernelProcess } from '../../kernels/client/kernelProcess';
import { collect, requireBuild, root, sleep, tempDir } from './helpers';

/** Runs `code` (which prints `marker` just before the part to interrupt) and resolves once the marker arrived. */
function startRunning(kernel: TslabKernel, code: string, marker = 'looping') {
  let seen!: () => void;
  const running = new Promise<void>((r) => (seen = r));
  const c = collect();
  const outcome = kernel.execute(code, { ...c, onStream: (name, text) => { c.onStream!(name, text); if (text.includes(marker)) seen(); } }).catch((e: Error) => e);
  return { running, outcome };
}

/** Interrupts once the cell runs; elapsedMs is from the interrupt until the cell settled. */
async function interruptRunning(kernel: TslabKernel, code: string): Promise<{ result: string; elapsedMs: number; outcome: any }> {
  const { running, outcome } = startRunning(kernel, code);
  await running;
  const started = Date.now();
  const result = await kernel.interrupt();
  const settled = await outcome;
  return { result, elapsedMs: Date.now() - started, outcome: settled };
}

/** Listening TCP sockets of a process (Linux: its socket inodes in /proc/net/tcp*, state 0A). */
function listeningTcpPorts(pid: number): number[] {
  const inodes = new Set(readdirSync(`/proc/${pid}/fd`).flatMap((fd) => {
    try { return [/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? '']; } catch { return []; }
  }).filter(Boolean));
  return ['/proc/net/tcp', '/proc/net/tcp6'].filter(existsSync).flatMap((f) => readFileSync(f, 'utf8').split('\n').slice(1))
    .map((l) => l.trim().split(/\s+/)).filter((c) => c[3] === '0A' && inodes.has(c[9])).map((c) => parseInt(c[1].split(':')[1], 16));
}

const isRunning = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

async function waitFor(what: string, ok: () => boolean, limitMs: number): Promise<void> {
  for (const end = Date.now() + limitMs; !ok(); await sleep(100)) if (Date.now() > end) throw new Error(`${what}: not within ${limitMs / 1000} s`);
}

describe('tslab kernel: sockets and connection file', () => {
  before(requireBuild);

  it('talks over IPC sockets in a private folder (no TCP port to forward), with a fresh key per start, removed on stop', { skip: process.platform === 'win32' }, async () => {
    const cwd = tempDir();
    const a = await KernelProcess.start({ cwd });
    const b = await KernelProcess.start({ cwd });
    const kernel = await TslabKernel.start({ cwd });
    try {
      const info = JSON.parse(readFileSync(a.connectionFile, 'utf8'));
      const dir = path.dirname(a.connectionFile);
      assert.equal(info.transport, 'ipc');
      assert.equal(info.ip, path.join(dir, 'kernel'));
      assert.equal(info.signature_scheme, 'hmac-sha256');
      assert.match(info.key, /^[0-9a-f]{64}$/);
      assert.notEqual(info.key, b.connection.key);
      assert.equal(statSync(a.connectionFile).mode & 0o777, 0o600);
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      // a started kernel answers over its sockets, which are files in its folder, and listens on no TCP port
      const c = collect();
      assert.equal((await kernel.execute('1 + 1', c)).status, 'ok');
      assert.equal(c.stdout().trim(), '2');
      assert.equal(await kernel.ping(5000), true);
      assert.deepEqual(listeningTcpPorts(kernel.pid!), []);
    } finally {
      await Promise.all([a.stop(), b.stop(), kernel.shutdown()]);
    }
    assert.equal(existsSync(path.dirname(a.connectionFile)), false);
  });
});

describe('tslab kernel: interrupt and restart', () => {
  let kernel: TslabKernel;
  beforeEach(async () => {
    requireBuild();
    kernel = await TslabKernel.start({ cwd: tempDir() });
  });
  afterEach(() => kernel?.shutdown());

  it('interrupts a synchronous while(true){} and keeps the variables', async () => {
    await kernel.execute('const kept = "still here";', collect());
    const pid = kernel.pid;
    const { result, outcome } = await interruptRunning(kernel, 'console.log("looping");\nwhile (true) {}');
    assert.equal(result, 'interrupted');
    assert.equal(outcome.status, 'error');
    assert.equal(outcome.error.ename, 'Interrupted');
    assert.equal(kernel.pid, pid, 'the kernel was restarted instead of interrupted');
    const c = collect();
    await kernel.execute('kept', c);
    assert.equal(c.stdout().trim(), 'still here');
  });

  it('a cell sent right after an interrupt runs (never aborted, and no interrupt carries over to it)', async () => {
    for (let round = 0; round < 3; round++) {
      const { result } = await interruptRunning(kernel, 'console.log("looping");\nwhile (true) {}');
      assert.equal(result, 'interrupted');
      const c = collect();
      const next = await kernel.execute(`let spin${round} = 0;\nfor (let i = 0; i < 1e6; i++) spin${round} += i;\n"ran ${round}"`, c);
      assert.equal(next.status, 'ok', `round ${round}: ${JSON.stringify(next)}`);
      assert.equal(c.stdout().trim(), `ran ${round}`);
    }
  });

  it('interrupts an async loop', async () => {
    const { result, outcome } = await interruptRunning(kernel, 'console.log("looping");\nwhile (true) {\n  await new Promise((r) => setTimeout(r, 10));\n}');
    assert.equal(result, 'interrupted');
    assert.equal(outcome.error.ename, 'Interrupted');
    assert.equal(kernel.status, 'idle');
  });

  it('restarts a kernel stuck where no signal reaches (a microtask-only loop)', async () => {
    const pid = kernel.pid;
    const { result, outcome } = await interruptRunning(kernel, 'await new Promise((r) => setTimeout(r, 1));\nconsole.log("looping");\nwhile (true) { await Promise.resolve(); }');
    assert.equal(result, 'restarted');
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
    const { running, outcome } = startRunning(kernel, 'console.log("looping");\nawait new Promise((r) => setTimeout(r, 60000));');
    await running;
    await kernel.restart();
    const e = await outcome;
    assert.ok(e instanceof KernelDiedError && /restarted/.test(e.message), String(e));
  });
});

describe('tslab kernel: interrupt on a loaded machine', () => {
  it('stops a busy loop (never kills the kernel) while CPU hogs keep every core busy', async () => {
    requireBuild();
    const kernel = await TslabKernel.start({ cwd: tempDir() });
    assert.equal((await kernel.execute('"warm"', collect())).status, 'ok');
    // two busy processes per core, beside whatever else the machine runs
    const hogs = Array.from({ length: 2 * availableParallelism() }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    try {
      const pid = kernel.pid;
      for (let round = 0; round < 4; round++) {
        const { result, outcome } = await interruptRunning(kernel, 'console.log("looping");\nwhile (true) {}');
        assert.equal(result, 'interrupted', `round ${round}`);
        assert.equal(outcome.error?.ename, 'Interrupted', `round ${round}`);
        assert.equal(kernel.pid, pid, `round ${round}: the kernel was restarted`);
        assert.equal((await kernel.execute(`"after ${round}"`, collect())).status, 'ok');
      }
    } finally {
      for (const h of hogs) h.kill('SIGKILL');
      await kernel.shutdown();
    }
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

  for (const busy of [false, true]) {
    it(`exits, removing its key and sockets, when the process that started it is SIGKILLed (${busy ? 'a cell in while(true){}' : 'idle'})`, async () => {
      const script = `
        const { TslabKernel } = require(${JSON.stringify(path.join(root, 'kernels/client/kernel.ts'))});
        (async () => {
          const k = await TslabKernel.start({ cwd: ${JSON.stringify(tempDir())} });
          if (${busy}) { k.execute('console.log("looping"); while (true) {}', { onStream: () => console.log('busy') }).catch(() => {}); }
          else console.log('busy');
          console.log('kernel ' + k.pid + ' ' + k.connectionDir);
        })();`;
      const parent = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      await new Promise<void>((resolve, reject) => {
        parent.stdout.on('data', (d: Buffer) => { out += d; if (/kernel \d+ /.test(out) && out.includes('busy')) resolve(); });
        parent.on('exit', (code) => reject(new Error(`parent exited early (${code}): ${out}`)));
      });
      parent.removeAllListeners('exit');
      const [, pid, dir] = /kernel (\d+) (\S+)/.exec(out)!;
      assert.ok(isRunning(Number(pid)) && existsSync(dir));
      parent.kill('SIGKILL');
      await waitFor('the orphaned kernel exits', () => !isRunning(Number(pid)), 30000);
      assert.equal(existsSync(dir), false, 'its private folder (key, sockets) is gone');
    });
  }
});
