// Fresh per-run folders under .vscode-test/runs/ (ignored by git), and the workspace copies tests edit.
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { root } from './node-suite.mjs';

/** A new folder per run (name-pid): runs started at the same time in one working tree never share one. */
export function freshRunDir(name) {
  const dir = path.join(root, '.vscode-test', 'runs', `${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Removes a run folder (kept instead when the run failed, for its logs). */
export function removeRunDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/** Copies `from` (relative to the repo) to `<runDir>/workspace`, so tests never edit tracked files. */
export function copyWorkspace(runDir, from) {
  const workspace = path.join(runDir, 'workspace');
  cpSync(path.join(root, from), workspace, { recursive: true });
  return workspace;
}

/** Runs the esbuild build; returns false (after printing why) when it fails. */
export async function build() {
  // Under `npm test`, scripts/test-all.mjs has just built everything (and skips the suites if that failed).
  if (process.env.npm_lifecycle_event === 'test') return true;
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  return r.status === 0;
}
