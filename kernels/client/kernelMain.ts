/**
 * Runs inside the kernel process: starts tslab's kernel with `import * as lc from "lungcam"` working
 * in cells, at run time and for tslab's type checker, whatever folder the kernel runs in (the
 * notebook's folder, so relative paths in cells mean what the user expects).
 *
 *   node [--max-old-space-size=N] dist/kernels/kernelMain.js --config-path CONNECTION.json
 *
 * Used by the VS Code controller and by the `lungcam` Jupyter kernelspec (`lungcam jupyter-install`).
 * kernelGuard.ts adds what must work while a cell keeps this thread busy: the parent watchdog and safe
 * interrupts.
 */
import Module from 'node:module';
import path from 'node:path';
import { findPackageRoot, enginePaths } from './packageRoot';
import { startKernelGuard, useJupyterIpcNames } from './kernelGuard';

function configPathFromArgs(argv: string[]): string {
  const i = argv.indexOf('--config-path');
  const value = i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--config-path='))?.slice('--config-path='.length);
  if (!value) {
    process.stderr.write('lungcam kernel: missing --config-path CONNECTION_FILE (Jupyter passes {connection_file})\n');
    process.exit(2);
  }
  return value;
}

/** `require("lungcam")` from cells (tslab resolves from the kernel's cwd) loads the built engine. */
function resolveLungcamAtRuntime(engineJs: string): void {
  const mod = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = mod._resolveFilename;
  mod._resolveFilename = function (request: string, ...rest: unknown[]) {
    if (request === 'lungcam') return engineJs;
    return original.call(this, request, ...rest);
  };
}

interface TsSys {
  fileExists(p: string): boolean;
  directoryExists(p: string): boolean;
  readFile(p: string, encoding?: string): string | undefined;
  realpath?(p: string): string;
  getDirectories(p: string): string[];
}

/**
 * tslab type-checks cells with its own TypeScript, resolving modules (node10) from the kernel's cwd.
 * We show it a virtual `<cwd>/node_modules/lungcam` whose package.json points at the engine's
 * generated declarations and whose files are the package's real files (realpath maps them back, so the
 * declarations' own imports, e.g. @tensorflow/tfjs, resolve from the real package).
 */
function resolveLungcamForTypeChecker(sys: TsSys, root: string, cwd: string, typesRel: string, mainRel: string): void {
  const virtualDir = path.join(cwd, 'node_modules', 'lungcam');
  const packageJsonPath = path.join(virtualDir, 'package.json');
  const packageJson = JSON.stringify({ name: 'lungcam', main: mainRel, types: typesRel });
  const toReal = (p: string): string | null =>
    p === virtualDir || p.startsWith(virtualDir + path.sep) ? path.join(root, p.slice(virtualDir.length)) : null;
  const orig = {
    fileExists: sys.fileExists.bind(sys),
    directoryExists: sys.directoryExists.bind(sys),
    readFile: sys.readFile.bind(sys),
    realpath: sys.realpath?.bind(sys),
    getDirectories: sys.getDirectories.bind(sys),
  };
  sys.fileExists = (p) => (p === packageJsonPath ? true : orig.fileExists(toReal(p) ?? p));
  sys.readFile = (p, enc) => (p === packageJsonPath ? packageJson : orig.readFile(toReal(p) ?? p, enc));
  sys.directoryExists = (p) => p === path.dirname(virtualDir) || orig.directoryExists(toReal(p) ?? p);
  sys.getDirectories = (p) => orig.getDirectories(toReal(p) ?? p);
  if (orig.realpath) {
    const realpath = orig.realpath;
    sys.realpath = (p) => realpath(toReal(p) ?? p);
  }
}

async function main(): Promise<void> {
  const configPath = configPathFromArgs(process.argv.slice(2));
  const root = findPackageRoot(__dirname);
  const { engineJs, engineTypes } = enginePaths(root);
  const tslabDir = path.dirname(require.resolve('tslab/package.json', { paths: [root] }));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- tslab's own TypeScript, found from tslab's folder at run time
  const ts = require(require.resolve('@tslab/typescript-for-tslab', { paths: [tslabDir] })) as { sys: TsSys };
  resolveLungcamAtRuntime(engineJs);
  resolveLungcamForTypeChecker(ts.sys, root, process.cwd(), path.relative(root, engineTypes), path.relative(root, engineJs));
  const tslabDist = path.join(tslabDir, 'dist');
  useJupyterIpcNames(tslabDist);
  await startKernelGuard(tslabDist, configPath);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- tslab's kernel entry (dist/), pinned in package.json
  const tslab = require(path.join(tslabDist, 'main.js')) as {
    startKernel(o: { configPath: string; enableFindLocal: boolean; jsKernel: boolean; globalVersion: string }): void;
  };
  // enableFindLocal: false so a tslab installed in the user's folder does not replace ours (and our hooks).
  tslab.startKernel({ configPath, enableFindLocal: false, jsKernel: false, globalVersion: '' });
}

main().catch((e: unknown) => {
  process.stderr.write(`lungcam kernel: cannot start: ${(e as Error)?.stack ?? e}\n`);
  process.exit(1);
});
