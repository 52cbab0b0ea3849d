// Multi-threaded wasm in Node (wasmThreads.ts): the backend starts on 2 threads, the numbers are the same
// bit for bit as on one thread, the process still exits by itself, only the worker threads XNNPACK runs
// start (not emscripten's whole pool of 8), and nothing is written to the temp folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { wantedWasmThreads } from '../../../kernels/engine/accel/wasmThreads';

const root = path.resolve(__dirname, '..', '..', '..');

/** A child process: init the backend, one training step of a small CNN, print the description and the weights. */
const CHILD = `
const tf = require('@tensorflow/tfjs');
const { initBackend, backendDescription } = require('./kernels/engine/model/backend');
const { buildModel } = require('./kernels/engine/model/model');
(async () => {
  await initBackend('wasm', { quiet: true });
  const model = buildModel({ filters: [8, 16], seed: 3 });
  const x = tf.randomNormal([4, 96, 32, 1], 0, 1, 'float32', 5);
  const y = tf.oneHot(tf.tensor1d([0, 1, 2, 3], 'int32'), 4);
  const opt = tf.train.adam();
  opt.minimize(() => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true })));
  const out = model.predict(x).dataSync();
  const w = model.getWeights().map((t) => Array.from(t.dataSync()));
  const workers = require('./kernels/engine/accel/wasmThreads').pthreadWorkers(tf.backend().wasm);
  console.log(JSON.stringify({ description: backendDescription(), out: Array.from(out), w, workers }));
})();
`;

function runChild(threads: number) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', CHILD], {
    cwd: root, encoding: 'utf8', timeout: 120_000,
    env: { ...process.env, LUNGCAM_WASM_THREADS: String(threads), LUNGCAM_BACKEND: '' },
  });
  assert.equal(r.signal, null, `the child process did not exit by itself (${r.signal}): ${r.stderr}`);
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout.trim().split('\n').pop()!) as { description: string; out: number[]; w: number[][]; workers: { pool: number; started: number } };
  return { ...result, pid: r.pid };
}

/** The child's wasm-threads temp folders (older versions wrote the worker scripts there; the name carries the pid). */
const tempFoldersOf = (pid: number) => readdirSync(os.tmpdir()).filter((n) => n.startsWith(`lungcam-wasm-threads-${pid}-`));

test('wasm runs on 2 threads in Node with the same numbers as on 1 thread, and the process exits', () => {
  const two = runChild(2);
  const one = runChild(1);
  assert.match(two.description, /^wasm \(SIMD, 2 threads/);
  assert.match(one.description, /^wasm \(SIMD, 1 thread,/);
  assert.deepEqual(two.out, one.out, 'predictions after a training step differ between 1 and 2 threads');
  assert.deepEqual(two.w, one.w, 'weights after a training step differ between 1 and 2 threads');
  assert.deepEqual(tempFoldersOf(two.pid), [], 'temp folders written');
  // emscripten's pool holds 8 workers; XNNPACK runs threads − 1 of them, and only those start.
  assert.equal(two.workers.pool, 8);
  assert.equal(two.workers.started, 1, 'pthread workers started for 2 threads');
  assert.equal(one.workers.pool, 0);
});

test('thread count: LUNGCAM_WASM_THREADS wins (at most 8), else one', () => {
  assert.equal(wantedWasmThreads({ LUNGCAM_WASM_THREADS: '1' }), 1);
  assert.equal(wantedWasmThreads({ LUNGCAM_WASM_THREADS: '3' }), 3);
  assert.equal(wantedWasmThreads({ LUNGCAM_WASM_THREADS: '64' }), 8);
  assert.equal(wantedWasmThreads({}), 1);
  assert.equal(wantedWasmThreads({ LUNGCAM_WASM_THREADS: 'lots' }), 1);
});
