/**
 * `lungcam jupyter-install [--user | --prefix DIR] [--max-memory MB]`: registers a `lungcam` Jupyter
 * kernelspec: tslab, run by this Node, with `import * as lc from "lungcam"` working in cells (the same
 * launcher VS Code uses). Jupyter then runs .lungnb/.ipynb notebooks with it (nbconvert, JupyterLab).
 */
import type { Command } from 'commander';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { LungcamInputError } from '../engine/errors';
import { enginePaths, findPackageRoot } from '../client/packageRoot';
import { DEFAULT_MAX_OLD_SPACE_MB } from '../client/kernelProcess';
import { parsePositiveInt } from './args';
import { KERNELSPEC } from '../shared/notebook';

export const KERNEL_NAME = KERNELSPEC.name;

/** How to give a Jupyter Server (or each JupyterHub user server) the kernel VS Code's remote kernel starts. */
const SERVER_HELP = `
On a Jupyter Server for VS Code's "LungCAM: Connect to Jupyter Server…" (run as the user the server runs as,
with Node 20 on the PATH):
  git clone … lungcam && cd lungcam && npm install   # npm install builds dist/
  npm install -g .                         # puts \`lungcam\` on the PATH (a link to this folder)
  lungcam jupyter-install                  # --user (default); --prefix "$(python3 -c 'import sys; print(sys.prefix)')" for a virtualenv
  jupyter kernelspec list                  # shows "lungcam"; no server restart needed
On JupyterHub, install it into the single-user image or environment (--prefix of the environment's Python, or
--user in each user's home). Recordings named in notebook cells are then read on the server.
`;

export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: 'signal';
  metadata: Record<string, unknown>;
}

/** Jupyter's per-user data folder, as `jupyter --data-dir` reports it (JUPYTER_DATA_DIR wins). */
export function userDataDir(env = process.env, platform = process.platform, home = homedir()): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  if (platform === 'darwin') return path.join(home, 'Library', 'Jupyter');
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'jupyter');
  return path.join(env.XDG_DATA_HOME || path.join(home, '.local', 'share'), 'jupyter');
}

export function kernelSpec(nodeExecutable: string, kernelMain: string, maxMemoryMB: number): KernelSpec {
  return {
    argv: [nodeExecutable, `--max-old-space-size=${maxMemoryMB}`, kernelMain, '--config-path', '{connection_file}'],
    display_name: KERNELSPEC.display_name,
    language: KERNELSPEC.language,
    // tslab stops a running cell on SIGINT; it does not answer interrupt_request
    interrupt_mode: 'signal',
    metadata: { lungcam: { engine: 'import * as lc from "lungcam"' } },
  };
}

/** Writes `<kernelsDir>/lungcam/kernel.json` atomically (a temp folder renamed over any old spec). */
export function installKernelSpec(kernelsDir: string, spec: KernelSpec): string {
  mkdirSync(kernelsDir, { recursive: true });
  const target = path.join(kernelsDir, KERNEL_NAME);
  const staging = mkdtempSync(path.join(kernelsDir, `.${KERNEL_NAME}-`));
  try {
    writeFileSync(path.join(staging, 'kernel.json'), JSON.stringify(spec, null, 2) + '\n');
    rmSync(target, { recursive: true, force: true });
    renameSync(staging, target);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  return path.join(target, 'kernel.json');
}

export function register(program: Command): void {
  program
    .command('jupyter-install')
    .description('register the "lungcam" Jupyter kernel (tslab with the LungCAM engine importable)')
    .option('--user', 'install into your Jupyter data folder (default)')
    .option('--prefix <dir>', 'install into <dir>/share/jupyter/kernels instead (e.g. a virtualenv)')
    .option('--max-memory <MB>', 'heap limit of the kernel process, MB', parsePositiveInt, DEFAULT_MAX_OLD_SPACE_MB)
    .addHelpText('after', SERVER_HELP)
    .action((opts: { user?: boolean; prefix?: string; maxMemory: number }) => {
      if (opts.user && opts.prefix) throw new LungcamInputError('use either --user or --prefix, not both', '--prefix');
      const { kernelMain } = enginePaths(findPackageRoot(__dirname));
      if (!existsSync(kernelMain)) throw new LungcamInputError('the kernel is not built yet: run `npm run build` first', kernelMain);
      const kernelsDir = opts.prefix
        ? path.join(path.resolve(opts.prefix), 'share', 'jupyter', 'kernels')
        : path.join(userDataDir(), 'kernels');
      const file = installKernelSpec(kernelsDir, kernelSpec(process.execPath, kernelMain, opts.maxMemory));
      process.stdout.write(`Installed the "${KERNEL_NAME}" Jupyter kernel: ${file}\n`);
    });
}
