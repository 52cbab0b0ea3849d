/**
 * Names for the temporary files and folders that atomic writes fill before renaming them into place,
 * and the sweep of ones a killed process left behind.
 *
 * A temp is `.NAME.lungcam-partial.PID-START.N.tmp` beside the target NAME: hidden, saying what it is
 * (LungCAM's unfinished NAME), and whose it is: the writing process's id and its start time (Linux: clock
 * ticks since boot, /proc/PID/stat; elsewhere 0). The first write into a folder in each process removes
 * the temps there whose writer is gone: no process with that id, or one that started at another time (the
 * id was reused). A temp of a running writer is never touched.
 */
import { readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

const TEMP = /^\..+\.lungcam-partial\.(\d+)-(\d+)\.[0-9a-z]+\.tmp(\.old)?$/;

/** A process's start time in clock ticks since boot (Linux), 0 where unknown; null when there is no such process. */
export function processStartTicks(pid: number | 'self'): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[19]) || 0;
  } catch {
    if (pid === 'self') return 0;
    if (process.platform === 'linux') return null;
    return isRunning(pid) ? 0 : null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let ownStart: number | undefined;
let counter = 0;

/** A temporary name beside `path` (unique within this process; files are opened with 'wx' anyway). */
export function tempNameBeside(path: string): string {
  ownStart ??= processStartTicks('self') ?? 0;
  return join(dirname(path), `.${basename(path)}.lungcam-partial.${process.pid}-${ownStart}.${(counter++).toString(36)}.tmp`);
}

/** True when the process that made temp `name` (tempNameBeside) has gone. */
export function isStaleTemp(name: string): boolean {
  const m = TEMP.exec(name);
  if (!m) return false;
  const pid = Number(m[1]);
  if (pid === process.pid) return false;
  const start = processStartTicks(pid);
  if (start === null) return true;
  // Same id, other start: the id was reused (only knowable where start times are).
  return Number(m[2]) !== 0 && start !== 0 && start !== Number(m[2]);
}

const swept = new Set<string>();

/** Removes the stale temps in `dir` (once per folder per process); never fails the write that asked. */
export function sweepStaleTemps(dir: string): number {
  const key = resolve(dir);
  if (swept.has(key)) return 0;
  swept.add(key);
  const uid = typeof process.getuid === 'function' ? process.getuid() : null;
  let removed = 0;
  try {
    for (const name of readdirSync(key)) {
      if (!name.endsWith('.tmp') && !name.endsWith('.tmp.old')) continue;
      if (!isStaleTemp(name)) continue;
      const p = join(key, name);
      try {
        // Only our own user's leftovers, even when we could remove others' (root).
        if (uid !== null && uid !== 0 && statSync(p).uid !== uid) continue;
        rmSync(p, { recursive: true, force: true });
        removed++;
      } catch {
        /* gone already, or not ours to remove */
      }
    }
  } catch {
    /* an unreadable folder: the write reports its own error */
  }
  return removed;
}
