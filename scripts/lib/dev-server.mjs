// code-server with LungCAM under development loaded, as `npm start` and the e2e tests use it: the repo
// is linked into a fresh extensions folder as lungcam.lungcam-<version>, so a plain URL (and a reload)
// loads the extension from the working tree's package.json and dist/.
import { readFileSync, symlinkSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { root } from './node-suite.mjs';
import { ensureCodeServer } from '../setup-code-server.mjs';
import { startCodeServer } from './code-server.mjs';

export function extensionFolderName() {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  return `${pkg.publisher}.${pkg.name}-${pkg.version}`;
}

/** Starts code-server on `workspace` with the working tree installed as a (linked) extension. */
export async function startDevServer({ dir, workspace, port, host, settings, env } = {}) {
  const bin = ensureCodeServer();
  const extensionsDir = path.join(dir, 'extensions');
  mkdirSync(extensionsDir, { recursive: true });
  const link = path.join(extensionsDir, extensionFolderName());
  rmSync(link, { force: true }); // a link from an earlier start (removes the link, not the repo)
  symlinkSync(root, link, 'dir');
  return startCodeServer({ bin, dir, workspace, port, host, settings, env });
}
