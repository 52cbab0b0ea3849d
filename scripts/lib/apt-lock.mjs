// Another apt or dpkg (unattended-upgrades on a fresh machine, a second `npm start`, the admin) holds
// Debian's package locks for a while; apt-get then fails at once. Before installing we wait for them,
// bounded, and say who holds which lock. The holders come from /proc/locks (dpkg and apt take fcntl locks),
// so nothing needs installing first.
import { existsSync, readFileSync, statSync } from 'node:fs';

export const APT_LOCKS = ['/var/lib/dpkg/lock-frontend', '/var/lib/dpkg/lock', '/var/lib/apt/lists/lock', '/var/cache/apt/archives/lock'];

/** Processes holding a lock on any of `files`: [{ file, pid, command }]. Empty where /proc/locks is unreadable. */
export function lockHolders(files = APT_LOCKS, procLocks = '/proc/locks') {
  let table;
  try {
    table = readFileSync(procLocks, 'utf8');
  } catch {
    return [];
  }
  const wanted = new Map();
  for (const file of files) {
    if (!existsSync(file)) continue;
    const st = statSync(file);
    // /proc/locks names a file by major:minor:inode (device numbers in hex).
    const major = Number((BigInt(st.dev) >> 8n) & 0xfffn);
    const minor = Number((BigInt(st.dev) & 0xffn) | ((BigInt(st.dev) >> 12n) & 0xfff00n));
    wanted.set(`${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}:${st.ino}`, file);
  }
  const holders = [];
  for (const line of table.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 6 || f[1] === '->') continue; // "->": a process waiting for the lock, not holding it
    const file = wanted.get(f[5]);
    if (!file) continue;
    const pid = Number(f[4]);
    let command = '?';
    try { command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ').replace(/\s+/g, ' ') || '?'; } catch { /* gone */ }
    holders.push({ file, pid, command });
  }
  return holders;
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Waits (at most `limitMs`) until nobody holds the apt/dpkg locks, printing what it waits for when it
 * starts and every `reportMs`. Throws when the limit passes, naming the holders.
 */
export function waitForAptLocks({ files = APT_LOCKS, limitMs = 10 * 60_000, pollMs = 1000, reportMs = 15_000, log = console.log } = {}) {
  const started = Date.now();
  let lastReport = -Infinity;
  for (;;) {
    const holders = lockHolders(files);
    if (holders.length === 0) {
      if (lastReport > -Infinity) log(`apt/dpkg locks free after ${((Date.now() - started) / 1000).toFixed(0)} s`);
      return;
    }
    const who = [...new Map(holders.map((h) => [h.pid, h])).values()].map((h) => `pid ${h.pid} (${h.command.slice(0, 80)}) holds ${h.file}`).join('; ');
    const waited = Date.now() - started;
    if (waited > limitMs) throw new Error(`another package manager still holds the apt/dpkg lock after ${(limitMs / 60000).toFixed(0)} min: ${who}; let it finish (or stop it) and try again`);
    if (Date.now() - lastReport >= reportMs) {
      log(`waiting for another package manager to finish (at most ${(limitMs / 60000).toFixed(0)} min, ${(waited / 1000).toFixed(0)} s so far): ${who}`);
      lastReport = Date.now();
    }
    sleep(pollMs);
  }
}
