// Every server and browser a script starts is recorded here and stopped by its process id (its whole
// process group), on normal completion, on failure, on Ctrl-C and on SIGTERM: nothing is left running.
const groups = new Map(); // pid -> label

export function track(pid, label) {
  groups.set(pid, label);
  installHandlers();
}

export function untrack(pid) {
  groups.delete(pid);
}

export function isAlive(pid) {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** Sends `signal` to the process group led by pid (the child was spawned detached), else to pid. */
export function signalGroup(pid, signal) {
  try { process.kill(-pid, signal); return; } catch { /* not a group leader */ }
  try { process.kill(pid, signal); } catch { /* already gone */ }
}

/** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export async function stopGroup(pid, graceMs = 3000) {
  if (!pid) return;
  signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  // Children of the group can outlive the leader: kill the group regardless.
  signalGroup(pid, 'SIGKILL');
  untrack(pid);
}

/** Synchronous last resort (the 'exit' event allows no waiting). */
function killAllNow() {
  for (const pid of groups.keys()) signalGroup(pid, 'SIGKILL');
  groups.clear();
}

let installed = false;
function installHandlers() {
  if (installed) return;
  installed = true;
  process.on('exit', killAllNow);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => {
      killAllNow();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}
