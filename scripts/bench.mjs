// `npm run bench [-- filter]`: runs every test/bench/*.bench.ts (via tsx) or *.bench.mjs file in turn;
// each prints its own figures (and its Python reference side by side where it has one).
import { spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { root } from './lib/node-suite.mjs';

const dir = path.join(root, 'test', 'bench');
const filter = process.argv[2];
const files = existsSync(dir)
  ? readdirSync(dir).filter((f) => /\.bench\.(ts|mjs)$/.test(f) && (!filter || f.includes(filter))).sort()
  : [];
if (files.length === 0) console.log(`no benchmarks under test/bench${filter ? ` matching ${filter}` : ''}`);
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const args = f.endsWith('.ts') ? ['--import', 'tsx', path.join(dir, f)] : [path.join(dir, f)];
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`${f}: exited with ${r.status ?? r.signal}`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
