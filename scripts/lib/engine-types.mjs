// Type declarations for the `lungcam` module that notebook cells import, so tslab type-checks cells
// against the engine (dist/types/kernels/engine/index.d.ts). Type errors elsewhere in the engine do
// not stop the build (declarations are still written; `npm run typecheck` is where they fail).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export function emitEngineDeclarations(root) {
  const entry = 'kernels/engine/index.ts';
  if (!existsSync(path.join(root, entry))) return;
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = [
    tsc, entry,
    '--declaration', '--emitDeclarationOnly', '--outDir', 'dist/types', '--rootDir', '.',
    '--skipLibCheck', '--strict', '--target', 'ES2022', '--module', 'commonjs', '--moduleResolution', 'node',
    '--esModuleInterop', '--resolveJsonModule', '--types', 'node', '--lib', 'ES2022,DOM',
  ];
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  if (!existsSync(path.join(root, 'dist/types/kernels/engine/index.d.ts'))) {
    throw new Error(`engine declarations were not written:\n${r.stdout}${r.stderr}`);
  }
  if (r.status !== 0) {
    const errors = (r.stdout.match(/error TS/g) ?? []).length;
    console.warn(`engine declarations written with ${errors} type error(s); run \`npm run typecheck\``);
  }
}
