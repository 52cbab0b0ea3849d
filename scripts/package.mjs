// `npm run package`: a production build (minified esbuild bundles, no source maps) and `vsce package`
// → lungcam-<version>.vsix in the repo root (or `--out FILE`). What goes in is decided by .vscodeignore:
// package.json, README.md, LICENSE, bin/, dist/ bundles + declarations, samples/, media/ and the
// production node_modules the bundles load at run time. Prints the size and the biggest parts.
// Afterwards the normal development build is restored (other tools use dist/ with source maps).
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? path.resolve(process.argv[outArg + 1]) : path.join(root, `${pkg.name}-${pkg.version}.vsix`);

function run(cmd, args) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

try {
  run(process.execPath, ['scripts/build.mjs', '--production']);
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  // No repository/marketplace yet: packaging must not stop at vsce's interactive questions, and the
  // README's relative image links stay relative (they resolve inside the installed extension folder).
  run(process.execPath, [vsce, 'package', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out]);
  console.log(`package: ${path.relative(process.cwd(), out)} ${(statSync(out).size / 1024 / 1024).toFixed(1)} MB`);
} catch (e) {
  console.error(`package: ${e.message}`);
  process.exitCode = 1;
} finally {
  spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
}
