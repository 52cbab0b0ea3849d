/** Shared helpers for the kernel tests: a real tslab process, outputs collected per execution. */
import { existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DisplayKind, DisplayMessage, ExecuteHandlers } from '../../kernels/client/jupyterClient';
import { enginePaths, findPackageRoot } from '../../kernels/client/packageRoot';

export const root = findPackageRoot(__dirname);

/** The kernel runs built files; fail with the fix rather than a confusing spawn error. */
export function requireBuild(): void {
  const p = enginePaths(root);
  for (const f of [p.kernelMain, p.engineJs, p.engineTypes]) {
    if (!existsSync(f)) throw new Error(`${path.relative(root, f)} is missing: run \`npm run build\` first`);
  }
}

export function tempDir(prefix = 'lungcam-kernel-test-'): string {
  return realpathSync(mkdtempSync(path.join(tmpdir(), prefix)));
}

export interface Collected extends ExecuteHandlers {
  streams: { name: 'stdout' | 'stderr'; text: string }[];
  displays: { kind: DisplayKind; message: DisplayMessage }[];
  stdout(): string;
  stderr(): string;
}

export function collect(): Collected {
  const c: Collected = {
    streams: [],
    displays: [],
    onStream(name, text) {
      c.streams.push({ name, text });
    },
    onDisplay(kind, message) {
      c.displays.push({ kind, message });
    },
    stdout: () => c.streams.filter((s) => s.name === 'stdout').map((s) => s.text).join(''),
    stderr: () => c.streams.filter((s) => s.name === 'stderr').map((s) => s.text).join(''),
  };
  return c;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
