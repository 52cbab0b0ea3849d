/** Where the LungCAM package lives on disk, from any of its files (source via tsx, or bundled in dist/). */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'lungcam') return dir;
      } catch {
        /* not ours; keep walking */
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`cannot find the lungcam package above ${from}`);
  }
}
