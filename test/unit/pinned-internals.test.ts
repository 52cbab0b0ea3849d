// LungCAM reaches inside a few packages: files under their dist/, members of objects that are not their API,
// text inside their bundles. A caret range would let npm install a version where those moved, and the break
// would show far away (a kernel that never starts, the wasm kernels silently off). So every package reached
// inside is pinned exactly, and each internal relied on is checked here by name, loudly, when it moves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../kernels/engine/model/backend';
import { heapMemory } from '../../kernels/engine/accel/heap';
import { FACTORY_PREAMBLE, FACTORY_PREFIX, WORKER_IMPORT } from '../../kernels/engine/accel/wasmThreads';

const root = path.resolve(__dirname, '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
const declared: Record<string, string> = { ...manifest.devDependencies, ...manifest.optionalDependencies, ...manifest.dependencies };

/** Packages whose internals are used by other means than a path in the source (object members, bundle text). */
const INTERNALS_USED = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'tslab'];

const EXACT = /^\d+\.\d+\.\d+(-[\w.]+)?$/;
const packageDir = (name: string) => path.join(root, 'node_modules', ...name.split('/'));
const installedVersion = (name: string) => (JSON.parse(fs.readFileSync(path.join(packageDir(name), 'package.json'), 'utf8')) as { version: string }).version;

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && !entry.name.startsWith('.')) yield* sourceFiles(p);
    } else if (/\.(ts|mts|mjs|js|cjs)$/.test(entry.name) && !/Wasm\.ts$/.test(entry.name)) {
      yield p; // *Wasm.ts are generated base64 modules
    }
  }
}

/** A path separator as source text writes it: '/', a regex's [\\/] or [/\\], an escaped backslash. */
const SEP = String.raw`(?:/|\[\\\\/\]|\[/\\\\\]|\\\\)`;
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Where the source names a file inside a declared package: `pkg/sub` in a specifier, a string or a regex. */
function reachesInside(name: string, text: string): string[] {
  const re = new RegExp(`['"\`/\\]]${name.split('/').map(escape).join(SEP)}${SEP}([\\w.$-][\\w.$/-]*)`, 'g');
  return [...text.matchAll(re)].map((m) => m[1]);
}

/** A subpath the package itself publishes (its `exports`, or its package.json) is its API, not an internal. */
function isPublished(name: string, subpath: string): boolean {
  if (subpath === 'package.json') return true;
  const { exports } = JSON.parse(fs.readFileSync(path.join(packageDir(name), 'package.json'), 'utf8')) as { exports?: unknown };
  return typeof exports === 'object' && exports !== null && `./${subpath}` in exports;
}

test('every package whose files the source reaches by path is pinned to one exact version', () => {
  const reached = new Map<string, string[]>();
  for (const folder of ['kernels', 'extension', 'webview', 'scripts']) {
    for (const file of sourceFiles(path.join(root, folder))) {
      const text = fs.readFileSync(file, 'utf8');
      for (const name of Object.keys(declared)) {
        for (const subpath of reachesInside(name, text)) {
          if (!isPublished(name, subpath)) reached.set(name, [...(reached.get(name) ?? []), `${path.relative(root, file)} → ${name}/${subpath}`]);
        }
      }
    }
  }
  assert.ok(reached.has('tslab') && reached.has('@vscode/webview-ui-toolkit'), 'the scan finds the known reaches (tslab dist/, the toolkit\'s design tokens)');
  for (const [name, where] of reached) {
    assert.match(declared[name], EXACT, `${name} is declared "${declared[name]}" but its internals are used (${where.join('; ')}): pin it exactly`);
  }
});

test('the packages whose objects or bundles are used inside are pinned exactly and installed at that version', () => {
  for (const name of INTERNALS_USED) {
    assert.ok(declared[name], `${name} is declared in package.json`);
    assert.match(declared[name], EXACT, `${name} is declared "${declared[name]}": pin it exactly, LungCAM uses its internals`);
    assert.equal(installedVersion(name), declared[name], `node_modules holds ${name} ${installedVersion(name)}, package.json pins ${declared[name]}: run npm ci`);
  }
});

test('tfjs-backend-wasm: the heap the wasm kernels write into, and the bundle text the thread shims patch', async () => {
  await initBackend('wasm', { quiet: true });
  const backend = tf.backend() as unknown as Record<string, unknown> & { wasm?: { PThread?: Record<string, unknown> } };
  for (const member of ['makeOutput', 'getMemoryOffset', 'typedArrayFromHeap', 'disposeData']) {
    assert.equal(typeof backend[member], 'function', `the wasm backend object has ${member}() (accel/heap.ts uses it)`);
  }
  const memory = heapMemory(backend as Parameters<typeof heapMemory>[0]);
  assert.ok(memory instanceof WebAssembly.Memory, 'the backend exposes its wasm heap (wasm.wasmMemory or wasm.asm.memory)');
  const t = tf.tensor1d([1.5, -2, 3.25]);
  const offset = (backend.getMemoryOffset as (id: object) => number)(t.dataId);
  assert.deepEqual([...new Float32Array(memory.buffer, offset, 3)], [1.5, -2, 3.25], 'a tensor\'s data sits in the heap at getMemoryOffset');
  t.dispose();
  if (memory.buffer instanceof SharedArrayBuffer) {
    const pthread = backend.wasm?.PThread;
    assert.ok(Array.isArray(pthread?.runningWorkers) && Array.isArray(pthread?.unusedWorkers), 'emscripten\'s PThread lists its workers (unrefPthreadWorkers)');
  }

  const bundle = fs.readFileSync(require.resolve('@tensorflow/tfjs-backend-wasm'), 'utf8');
  assert.ok(bundle.includes(FACTORY_PREFIX), 'the threaded module factory starts as wasmThreads.ts expects');
  assert.ok(bundle.includes(JSON.stringify(WORKER_IMPORT).slice(1, -1)), 'the pthread worker script loads its factory as wasmThreads.ts rewrites it');
  for (const [, variable, module] of FACTORY_PREAMBLE.matchAll(/(require\$\$\d+)=require\('(\w+)'\)/g)) {
    assert.ok(bundle.includes(`var ${variable} = require('${module}')`), `the bundle binds ${variable} to ${module}, as the factory's preamble does`);
  }
  for (const binary of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
    assert.ok(fs.existsSync(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), binary)), `${binary} sits next to the package's main file`);
  }
});

test('tslab: the kernel entry, its TypeScript, the display writer and the methods the kernel guard wraps', () => {
  const dist = path.join(packageDir('tslab'), 'dist');
  assert.match(fs.readFileSync(path.join(dist, 'main.js'), 'utf8'), /exports\.startKernel = startKernel/, 'dist/main.js exports startKernel (kernelMain.ts)');
  assert.match(fs.readFileSync(path.join(dist, 'jupyter.js'), 'utf8'), /exports\.lastWriteDisplayData = writeDisplayData/,
    'dist/jupyter.js publishes the running cell\'s display writer as lastWriteDisplayData (show/display.ts)');
  assert.ok(require.resolve('@tslab/typescript-for-tslab', { paths: [packageDir('tslab')] }), 'tslab\'s own TypeScript is found from its folder');
  /* eslint-disable @typescript-eslint/no-require-imports -- the files the kernel loads, by path, as it loads them */
  const jupyter = require(path.join(dist, 'jupyter.js')) as Record<string, { prototype: Record<string, unknown> } | undefined>;
  const util = require(path.join(dist, 'util.js')) as Record<string, { prototype: Record<string, unknown> } | undefined>;
  /* eslint-enable @typescript-eslint/no-require-imports */
  assert.equal(typeof jupyter.JupyterHandlerImpl?.prototype.handleExecuteImpl, 'function', 'JupyterHandlerImpl.handleExecuteImpl (kernelGuard.ts marks each execution)');
  assert.equal(typeof jupyter.ZmqServer?.prototype.bindSocket, 'function', 'ZmqServer.bindSocket (kernelGuard.ts binds Jupyter\'s IPC names)');
  assert.equal(typeof util.TaskQueue?.prototype.reset, 'function', 'TaskQueue.reset (kernelGuard.ts drops the abort window)');
});

test('webview-ui-toolkit: the design-token map the renderer binds to VS Code\'s theme', () => {
  const file = path.join(packageDir('@vscode/webview-ui-toolkit'), 'dist', 'utilities', 'design-tokens', 'create.js');
  assert.match(fs.readFileSync(file, 'utf8'), /export const tokenMappings = new Map\(\)/, 'create.js exports tokenMappings (webview/renderer/theme.ts)');
});
