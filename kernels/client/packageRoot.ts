/** The built files of the LungCAM package the kernel process needs (the package root: engine/io/packageRoot.ts). */
import path from 'node:path';

export { findPackageRoot } from '../engine/io/packageRoot';

/** The built files the kernel needs: the launcher, the engine module cells import and its declarations. */
export function enginePaths(root: string) {
  return {
    kernelMain: path.join(root, 'dist', 'kernels', 'kernelMain.js'),
    engineJs: path.join(root, 'dist', 'kernels', 'engine', 'index.js'),
    engineTypes: path.join(root, 'dist', 'types', 'kernels', 'engine', 'index.d.ts'),
  };
}
