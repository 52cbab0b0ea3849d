// `npm start` and .ci/run wait, bounded, for another apt/dpkg to release Debian's package locks and say
// who holds them (scripts/lib/apt-lock.mjs): here with a lock taken the way dpkg takes it (fcntl).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
// @ts-expect-error: a plain .mjs script of the tooling
import { lockHolders, waitForAptLocks } from '../../scripts/lib/apt-lock.mjs';

const python = '/usr/bin/python3';

describe('waiting for the apt/dpkg lock', { skip: process.platform === 'linux' ? false : 'Linux /proc/locks' }, () => {
  let dir: string;
  let lockFile: string;
  let holder: ChildProcess;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'lungcam-apt-'));
    lockFile = path.join(dir, 'lock-frontend');
    writeFileSync(lockFile, '');
    // holds an fcntl write lock (as dpkg does) until told to let go on stdin
    holder = spawn(python, ['-c', `import fcntl, sys\nf = open(${JSON.stringify(lockFile)}, 'w')\nfcntl.lockf(f, fcntl.LOCK_EX)\nprint('locked', flush=True)\nsys.stdin.readline()`], { stdio: ['pipe', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve()));
  });
  after(() => {
    holder.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('names the process holding the lock', () => {
    const holders = lockHolders([lockFile]);
    assert.deepEqual(holders.map((h: { pid: number; file: string }) => [h.pid, h.file]), [[holder.pid, lockFile]]);
    assert.match(holders[0].command, /python3/);
  });

  it('gives up after its limit with who holds what, and returns once the lock is free', () => {
    const lines: string[] = [];
    assert.throws(() => waitForAptLocks({ files: [lockFile], limitMs: 300, pollMs: 50, log: (l: string) => lines.push(l) }), new RegExp(`still holds the apt/dpkg lock .*pid ${holder.pid} \\(.*python3.*\\) holds ${lockFile.replace(/[/.]/g, '\\$&')}`));
    assert.match(lines[0], /^waiting for another package manager to finish \(at most 0 min/);
    holder.stdin!.write('\n');
    lines.length = 0;
    waitForAptLocks({ files: [lockFile], limitMs: 30_000, pollMs: 50, reportMs: 100_000, log: (l: string) => lines.push(l) });
    assert.deepEqual(lockHolders([lockFile]), []);
  });
});
