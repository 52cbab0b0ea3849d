/** How a worker runs this LungCAM: the same Node and package (a Dask worker may be told otherwise). */
import path from 'node:path';
import { findPackageRoot } from '../client/packageRoot';

export function packageRoot(): string {
  return findPackageRoot(__dirname);
}

export function lungcamCommand(): string[] {
  return [process.execPath, path.join(packageRoot(), 'bin', 'lungcam.js')];
}
