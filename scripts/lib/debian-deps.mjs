// The Debian packages LungCAM's tooling needs, in one place: .ci/run, the code-server setup and
// `npm start` all read this list. `check` says how to tell, without dpkg, that a package is present.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { waitForAptLocks } from './apt-lock.mjs';

/** apt-get's own wait for the dpkg lock, for a lock taken between our wait and its start (seconds). */
export const APT_LOCK_TIMEOUT_S = 300;

/** Needed to run VS Code (code-server) and drive it: the harness and `npm start`. */
export const harnessPackages = [
  { name: 'chromium', why: 'browser that loads VS Code for tests and screenshots', check: () => existsSync('/usr/bin/chromium') },
  { name: 'libkrb5-dev', why: "headers for code-server's kerberos module", check: () => dpkgInstalled('libkrb5-dev') },
  { name: 'ripgrep', why: "VS Code's search (rg); its npm package would download it", check: () => existsSync('/usr/bin/rg') },
];

/** Needed by other suites (nbformat validation, the Python references, Jupyter interop). */
export const pythonPackages = [
  { name: 'python3-numpy', why: 'Python reference benchmarks', check: () => pyImports('numpy') },
  { name: 'python3-nbformat', why: 'validates saved .lungnb files against the nbformat v4 schema', check: () => pyImports('nbformat') },
  { name: 'jupyter-nbconvert', why: 'runs notebooks under Jupyter', check: () => dpkgInstalled('jupyter-nbconvert') },
  { name: 'python3-ipykernel', why: 'Jupyter interop tests', check: () => pyImports('ipykernel') },
  { name: 'jupyter-client', why: 'Jupyter interop tests', check: () => dpkgInstalled('jupyter-client') },
  { name: 'jupyter-server', why: 'remote kernel tests: a real Jupyter Server on loopback', check: () => existsSync('/usr/bin/jupyter-server') },
  { name: 'python3-distributed', why: 'batch tests and bench: dask scheduler, workers and LocalCluster', check: () => pyImports('distributed') && existsSync('/usr/bin/dask') },
];

export const allPackages = [...harnessPackages, ...pythonPackages];

function dpkgInstalled(name) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function pyImports(mod) {
  return spawnSync('/usr/bin/python3', ['-c', `import ${mod}`], { stdio: 'ignore' }).status === 0;
}

export function missingPackages(list = allPackages) {
  return list.filter((p) => !p.check());
}

export const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;
export const isDebian = () => existsSync('/etc/debian_version') && existsSync('/usr/bin/apt-get');

/**
 * Installs what is missing when we may (root on Debian); otherwise throws naming exactly what to
 * install. Returns the names it installed.
 */
export function ensurePackages(list, log = console.log) {
  const missing = missingPackages(list);
  if (missing.length === 0) return [];
  const names = missing.map((p) => p.name);
  if (!isRoot() || !isDebian()) {
    const lines = missing.map((p) => `  ${p.name}: ${p.why}`).join('\n');
    throw new Error(`missing Debian packages:\n${lines}\ninstall them with: sudo apt-get install -y ${names.join(' ')}`);
  }
  log(`installing Debian packages: ${names.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const wait = ['-o', `DPkg::Lock::Timeout=${APT_LOCK_TIMEOUT_S}`];
  waitForAptLocks({ log });
  // A fresh machine has no package lists yet; an update first makes the install reliable.
  run('apt-get', [...wait, 'update'], env);
  waitForAptLocks({ log });
  run('apt-get', [...wait, 'install', '-y', '--no-install-recommends', ...names], env);
  const still = missingPackages(list);
  if (still.length) throw new Error(`apt-get finished but these are still missing: ${still.map((p) => p.name).join(' ')}`);
  return names;
}

function run(cmd, args, env) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
}

// `node scripts/lib/debian-deps.mjs [--all-names]`: prints the missing (or all) package names (for .ci/run);
// `--wait-for-apt`: waits, bounded, until no other apt/dpkg holds the package locks, saying who does.
if (import.meta.url === `file://${process.argv[1]}`) {
  if (process.argv.includes('--wait-for-apt')) {
    try {
      waitForAptLocks();
    } catch (e) {
      console.error(e.message);
      process.exit(1);
    }
  } else {
    const which = process.argv.includes('--all-names') ? allPackages : missingPackages();
    console.log(which.map((p) => p.name).join(' '));
  }
}
