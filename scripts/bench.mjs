// Benchmarks (not tests): `npm run bench [-- filter]` builds, then runs every test/bench/*.bench.ts|.mjs
// file in turn (TypeScript via tsx) and prints each one's figures as it goes. Each file prints its own
// table; a failing benchmark is reported and the others still run.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'test', 'bench');
const filter = process.argv[2];
const files = existsSync(dir)
  ? readdirSync(dir).filter((f) => /\.bench\.(ts|mjs)$/.test(f) && (!filter || f.includes(filter))).sort()
  : [];
if (files.length === 0) {
  console.log('bench: no benchmark files under test/bench');
  process.exit(0);
}

const build = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) console.log('bench: the build failed; benchmarks that need dist/ may fail too');

let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const args = f.endsWith('.ts') ? ['--import', 'tsx', path.join(dir, f)] : [path.join(dir, f)];
  const started = Date.now();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    failed++;
    console.log(`=== ${f}: FAILED (exit ${r.status ?? r.signal}) after ${seconds} s ===`);
  } else {
    console.log(`=== ${f}: done in ${seconds} s ===`);
  }
}
console.log(`\nbench: ${files.length - failed} of ${files.length} benchmark files ran`);
process.exitCode = failed ? 1 : 0;
