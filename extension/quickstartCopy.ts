/**
 * The user's copy of the shipped quickstart: samples/notebooks/quickstart.lungnb (committed with its
 * outputs, so it reads before anything runs) and the shipped recordings it can analyse (samples/wav),
 * laid out as in the package (notebooks/, wav/) so the notebook's relative WAV path resolves. The
 * installed extension is never written to, and a copy the user already has (edited, run) is kept as it
 * is: only missing files are copied. The notebook names its model portably ("baseline"), resolved to the
 * shipped model when the cells run. Pure: no vscode import.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

export const QUICKSTART_NOTEBOOK = 'quickstart.lungnb';

/** Copies what is missing of the quickstart from `samplesDir` into `destDir`; returns the notebook's path. */
export function copyQuickstart(samplesDir: string, destDir: string): string {
  const source = path.join(samplesDir, 'notebooks', QUICKSTART_NOTEBOOK);
  if (!existsSync(source)) throw new Error(`the shipped quickstart is missing (${source}): reinstall LungCAM`);
  const wavDir = path.join(samplesDir, 'wav');
  const files: [string, string][] = [
    [source, path.join(destDir, 'notebooks', QUICKSTART_NOTEBOOK)],
    ...readdirSync(wavDir).map((f): [string, string] => [path.join(wavDir, f), path.join(destDir, 'wav', f)]),
  ];
  for (const [from, to] of files) {
    if (existsSync(to)) continue;
    mkdirSync(path.dirname(to), { recursive: true });
    copyFileSync(from, to);
  }
  return files[0][1];
}
