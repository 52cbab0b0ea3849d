// `npm run package [-- --target T …] [-- --all-targets] [-- --out FILE]`: a production build (minified
// esbuild bundles, no source maps) and one .vsix per VS Code target, lungcam-<version>-<target>.vsix in the
// repo root (or FILE, for one target). Without --target: this machine's target. The extension runs on every
// platform, but zeromq (the local kernel's sockets) is a native module shipping prebuilt binaries for all of
// them: each .vsix carries only its own target's (glibc's on Linux; musl's are Alpine's), so it is marked
// for that target and VS Code installs the right one. What else goes in is decided by .vscodeignore.
// Prints each size and restores the development build afterwards (other tools use dist/ with source maps).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/** VS Code's targets that LungCAM ships, as zeromq names their folders (build/<os>/<arch>). */
const TARGETS = {
  'linux-x64': ['linux', 'x64'],
  'linux-arm64': ['linux', 'arm64'],
  'darwin-x64': ['darwin', 'x64'],
  'darwin-arm64': ['darwin', 'arm64'],
  'win32-x64': ['win32', 'x64'],
};

function parseArgs(argv) {
  const targets = [];
  let out = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--all-targets') targets.push(...Object.keys(TARGETS));
    else if (argv[i] === '--target') targets.push(argv[++i]);
    else if (argv[i] === '--out') out = path.resolve(argv[++i] ?? '');
    else throw new Error(`unknown option ${argv[i]} (use --target T, --all-targets, --out FILE)`);
  }
  if (targets.length === 0) targets.push(`${process.platform}-${process.arch}`);
  for (const t of targets) {
    if (!TARGETS[t]) throw new Error(`no .vsix for target "${t}": LungCAM packages ${Object.keys(TARGETS).join(', ')}`);
  }
  const unique = [...new Set(targets)];
  if (out && unique.length > 1) throw new Error('--out names one file: give one --target with it');
  return { targets: unique, out };
}

const folders = (dir) => (existsSync(dir) ? readdirSync(dir).filter((n) => statSync(path.join(dir, n)).isDirectory()) : []);

/** .vscodeignore lines leaving out every zeromq binary but `target`'s; fails when zeromq has none for it. */
function zeromqExcludes(target) {
  const [wantOs, wantArch] = TARGETS[target];
  const build = path.join(root, 'node_modules', 'zeromq', 'build');
  const lines = [];
  let found = false;
  for (const osName of folders(build)) {
    for (const arch of folders(path.join(build, osName))) {
      const at = `node_modules/zeromq/build/${osName}/${arch}`;
      if (osName !== wantOs || arch !== wantArch) {
        lines.push(`${at}/**`);
        continue;
      }
      const builds = folders(path.join(build, osName, arch, 'node'));
      const musl = builds.filter((b) => b.startsWith('musl-'));
      lines.push(...musl.map((b) => `${at}/node/${b}/**`));
      found = builds.length > musl.length;
    }
  }
  if (!found)
    throw new Error(
      `zeromq ${pkg.dependencies.zeromq} ships no prebuilt binary for ${target} (node_modules/zeromq/build/${wantOs}/${wantArch})`,
    );
  return lines;
}

function run(cmd, args, env = process.env) {
  console.log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

const scratch = mkdtempSync(path.join(os.tmpdir(), 'lungcam-package-'));
try {
  const { targets, out } = parseArgs(process.argv.slice(2));
  run(process.execPath, ['scripts/build.mjs', '--production']);
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const baseIgnore = readFileSync(path.join(root, '.vscodeignore'), 'utf8');
  for (const target of targets) {
    const ignoreFile = path.join(scratch, `${target}.vscodeignore`);
    writeFileSync(ignoreFile, `${baseIgnore}\n# zeromq binaries of other targets\n${zeromqExcludes(target).join('\n')}\n`);
    const file = out ?? path.join(root, `${pkg.name}-${pkg.version}-${target}.vsix`);
    // No repository/marketplace yet: packaging must not stop at vsce's interactive questions, and the
    // README's relative image links stay relative (they resolve inside the installed extension folder).
    // vsce runs vscode:prepublish itself; the bundles were just built, so it is told to skip the build.
    run(
      process.execPath,
      [
        vsce,
        'package',
        '--target',
        target,
        '--ignoreFile',
        ignoreFile,
        '--allow-missing-repository',
        '--no-rewrite-relative-links',
        '--out',
        file,
      ],
      { ...process.env, LUNGCAM_PRODUCTION_BUILT: '1' },
    );
    console.log(`package: ${path.relative(process.cwd(), file)} ${(statSync(file).size / 1024 / 1024).toFixed(1)} MB (${target})`);
  }
} catch (e) {
  console.error(`package: ${e.message}`);
  process.exitCode = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
  spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
}
