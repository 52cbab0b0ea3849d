// The wasm thread pool's start is watched: if it does not complete in time (seen, rarely, under heavy load:
// the command then hung for good), the workers are ended and the command goes on with one thread, giving
// the same answer. Forced here with a 1 ms deadline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { runLungcam } from '../cliHarness';

const WAV = path.resolve(__dirname, '../../../samples/wav/S001_1b1_Pr_sc_SYNTH.wav');
const MODEL = path.resolve(__dirname, '../../../samples/models/baseline');

test('a thread pool that does not start in time falls back to one thread, same answer, and the process exits', () => {
  const normal = runLungcam(['classify', WAV, '--model', MODEL, '--json']);
  const late = runLungcam(['classify', WAV, '--model', MODEL, '--json'], { env: { LUNGCAM_WASM_THREAD_START_MS: '1' } });
  assert.equal(late.code, 0, late.stderr);
  assert.match(late.stderr, /backend wasm \(SIMD, 1 thread/);
  assert.equal(normal.code, 0, normal.stderr);
  const labels = (r: typeof normal) => JSON.parse(r.stdout).cycles.map((c: { label: string }) => c.label);
  assert.deepEqual(labels(late), labels(normal));
});
