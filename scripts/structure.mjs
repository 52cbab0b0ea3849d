// `npm run structure [-- --root DIR] [-- --json]`: the tree's shape, measured from its own imports against the
// layering of scripts/lib/layers.mjs: hand-written files and lines per folder, the largest files, imports that
// run back up the layering, import loops, and the extension's imports of engine internals. Tests, generated
// files and dependencies are left out. Works on any checkout (--root), e.g. an older commit, for before/after.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_FACES, ENGINE_FLOORS, MAX_LINES } from './lib/layers.mjs';

const args = process.argv.slice(2);
const root = path.resolve(
  args.includes('--root') ? args[args.indexOf('--root') + 1] : path.join(path.dirname(fileURLToPath(import.meta.url)), '..'),
);
const AREAS = ['extension', 'kernels', 'webview', 'scripts', 'bin'];
const SOURCE = /\.(ts|mjs|js)$/;
const GENERATED = [/Wasm\.ts$/, /\/font\.ts$/, /\.d\.(ts|mts)$/];

function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : SOURCE.test(name) ? [p] : [];
  });
}
const rel = (p) => path.relative(root, p).split(path.sep).join('/');
const files = AREAS.flatMap((a) => walk(path.join(root, a)))
  .map(rel)
  .filter((f) => !GENERATED.some((g) => g.test(f)))
  .sort();
const text = new Map(files.map((f) => [f, readFileSync(path.join(root, f), 'utf8')]));
const lines = (f) => text.get(f).split('\n').length - (text.get(f).endsWith('\n') ? 1 : 0);

/** Relative imports of a file, resolved to files of the tree (type-only imports count: they are arrows too). */
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"`;]*?from\s*['"](\.[^'"]+)['"]|(?:import|require)\(\s*['"](\.[^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"](\.[^'"]+)['"]/g;
function importsOf(f) {
  const out = new Set();
  for (const m of text.get(f).matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(f), spec));
    const hit = ['', '.ts', '.mjs', '.js', '/index.ts'].map((e) => base + e).find((c) => text.has(c));
    if (hit && hit !== f) out.add(hit);
  }
  return [...out];
}
const graph = new Map(files.map((f) => [f, importsOf(f)]));

/** Where a file sits: its engine floor (index into ENGINE_FLOORS), or its part of the product. */
function place(f) {
  const m = /^kernels\/engine\/([^/]+)\//.exec(f);
  if (m && ENGINE_FLOORS.includes(m[1])) return { part: 'engine', floor: ENGINE_FLOORS.indexOf(m[1]) };
  if (/^kernels\/engine\/[^/]+$/.test(f))
    return { part: Object.values(ENGINE_FACES).includes(f) || f === 'kernels/engine/show.ts' ? 'face' : 'ground' };
  if (f.startsWith('kernels/shared/')) return { part: 'shared' };
  return { part: f.split('/')[0] === 'kernels' ? `kernels/${f.split('/')[1]}` : f.split('/')[0] };
}

/** Why an import runs back up the layering, or null. */
function backUp(from, to) {
  const a = place(from),
    b = place(to);
  // scripts/ are tools over the product, like the tests: they may use any part of it (not the other way).
  if (a.part === 'scripts') return null;
  if (a.part === 'engine' && b.part === 'engine' && b.floor > a.floor)
    return `engine/${ENGINE_FLOORS[a.floor]} → engine/${ENGINE_FLOORS[b.floor]}`;
  if (a.part === 'engine' && b.part === 'face') return 'engine folder → the engine face that imports it';
  if (a.part === 'ground' && (b.part === 'engine' || b.part === 'face')) return 'engine ground file (errors, types) → engine';
  if (a.part === 'shared' && b.part !== 'shared') return 'kernels/shared → the parts that share it';
  if (a.part === 'webview' && b.part !== 'shared' && b.part !== 'webview') return 'webview → not kernels/shared';
  if (a.part !== 'extension' && b.part === 'extension') return 'into extension/';
  if (a.part === 'extension' && b.part === 'webview') return 'extension → browser code';
  return null;
}

/** Strongly connected components with more than one file (Tarjan). */
function loops() {
  let index = 0;
  const idx = new Map(),
    low = new Map(),
    stack = [],
    on = new Set(),
    found = [];
  const visit = (v) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v)) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const scc = [];
      let w;
      do {
        w = stack.pop();
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) found.push(scc.sort());
    }
  };
  for (const f of files) if (!idx.has(f)) visit(f);
  return found;
}

const folders = new Map();
for (const f of files) {
  const folder = path.posix.dirname(f);
  const entry = folders.get(folder) ?? { files: 0, lines: 0 };
  entry.files++;
  entry.lines += lines(f);
  folders.set(folder, entry);
}
const backUps = [...graph].flatMap(([from, tos]) => tos.map((to) => ({ from, to, why: backUp(from, to) }))).filter((e) => e.why);
const engineInternal = [...graph].flatMap(([from, tos]) =>
  from.startsWith('extension/')
    ? tos
        .filter((to) => to.startsWith('kernels/engine/') && to !== ENGINE_FACES.extension && to !== ENGINE_FACES.notebook)
        .map((to) => ({ from, to }))
    : [],
);
const accelInsides = [...graph].flatMap(([from, tos]) =>
  from.startsWith('kernels/engine/') && !from.startsWith('kernels/engine/accel/')
    ? tos.filter((to) => to.startsWith('kernels/engine/accel/') && to !== 'kernels/engine/accel/index.ts').map((to) => ({ from, to }))
    : [],
);
const largest = files
  .map((f) => ({ file: f, lines: lines(f) }))
  .sort((a, b) => b.lines - a.lines)
  .slice(0, 10);
const report = {
  root,
  files: files.length,
  lines: files.reduce((n, f) => n + lines(f), 0),
  folders: Object.fromEntries([...folders].sort()),
  largest,
  overLimit: files.filter((f) => lines(f) > MAX_LINES),
  backUps,
  loops: loops(),
  extensionToEngineInternals: engineInternal,
  accelInsides,
};

if (args.includes('--json')) {
  console.log(JSON.stringify(report, null, 1));
} else {
  console.log(`${report.files} hand-written source files, ${report.lines} lines (${rel(root) || root})`);
  console.log('\nfiles / lines per folder:');
  for (const [folder, e] of Object.entries(report.folders))
    console.log(`  ${String(e.files).padStart(3)} ${String(e.lines).padStart(6)}  ${folder}`);
  console.log('\nlargest files:');
  for (const l of largest) console.log(`  ${String(l.lines).padStart(5)}  ${l.file}`);
  console.log(
    `\nfiles over ${MAX_LINES} lines: ${report.overLimit.length}${report.overLimit.length ? ` (${report.overLimit.join(', ')})` : ''}`,
  );
  console.log(`imports running back up the layering: ${backUps.length}`);
  for (const e of backUps) console.log(`  ${e.from} → ${e.to} (${e.why})`);
  console.log(`import loops: ${report.loops.length}`);
  for (const l of report.loops) console.log(`  ${l.join(' ↔ ')}`);
  console.log(`extension → engine-internal imports: ${engineInternal.length}`);
  for (const e of engineInternal) console.log(`  ${e.from} → ${e.to}`);
  console.log(`engine → accel/ insides (not its face): ${accelInsides.length}`);
  for (const e of accelInsides) console.log(`  ${e.from} → ${e.to}`);
}
