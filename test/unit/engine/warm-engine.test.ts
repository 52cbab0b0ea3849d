// The warm engine (kernels/engineServer + extension/engineClient.ts): one process answers the views'
// requests from the model and features it keeps; a cancelled request stops and the process stays; a
// process that dies (killed here) fails its requests with a clear message and the next request starts a
// new one. Runs the built engine (dist/kernels/engineServer.js).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EngineClient, EngineError } from '../../../extension/engineClient';
import { pcm16Wav } from '../audio/wavBuilder';

const root = path.resolve(__dirname, '..', '..', '..');
const model = path.join(root, 'samples', 'models', 'baseline');
let dir: string;
let wav: string;
let client: EngineClient;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'lungcam-engine-'));
  wav = path.join(dir, 'breath.wav');
  // 6 s of a noisy wheeze-like tone: six patches.
  let seed = 7;
  const samples = Float32Array.from({ length: 6 * 16000 }, (_, i) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return 0.3 * Math.sin((2 * Math.PI * 400 * i) / 16000) + 0.2 * (seed / 2 ** 32 - 0.5);
  });
  writeFileSync(wav, pcm16Wav(samples));
  const { LUNGCAM_WASM_THREADS: _unset, ...env } = process.env;
  client = new EngineClient({ script: path.join(root, 'dist', 'kernels', 'engineServer.js'), env });
});
after(() => {
  client.dispose();
  rmSync(dir, { recursive: true, force: true });
});

test('one engine process answers Quick Analysis and a method change, keeping the recording loaded', async () => {
  const steps: string[] = [];
  const first = await client.call('analyse', { wav, model, method: 'gradcam' }, { onProgress: (s) => steps.push(s) });
  assert.equal(first.cam.kind, 'cam');
  assert.equal(first.cam.method, 'gradcam');
  assert.equal(first.predictions.classes.length, 4);
  assert.deepEqual(Object.keys(first.cam.maps).sort(), ['conv1', 'conv2', 'conv3', 'conv4']);
  assert.ok(steps.includes('reading the recording') && steps.includes('classifying'), steps.join(', '));
  const pid = client.pid;
  const again = await client.call('recompute', { wav, model, method: 'gradcam++', requestId: 'r1' });
  assert.equal(again.method, 'gradcam++');
  assert.equal(again.requestId, 'r1');
  assert.equal(client.pid, pid, 'the same process answered');
  const status = await client.call('status', {});
  assert.deepEqual(status.recordings, [wav]);
  assert.equal(client.starts, 1);
  // the editor's engine runs on one wasm thread (small requests, cores shared with the editor; under 150 MB)
  assert.match(status.backend, /^wasm .*\b1 thread\b/);
});

test('a layer left out of a view is fetched on its own, as the full output has it', async () => {
  const full = await client.call('analyse', { wav, model, method: 'gradcam' });
  const layer = await client.call('camLayer', { wav, model, method: 'gradcam', layer: 'conv2' });
  // Gradients taken from conv2 alone or along with conv1 round differently (≈ 1e-7 relative).
  for (const [cls, map] of Object.entries(full.cam.maps.conv2)) {
    const got = layer[cls];
    assert.deepEqual([got.timeSteps, got.bandSteps, got.zeroPatches], [map.timeSteps, map.bandSteps, map.zeroPatches]);
    got.rawMax.forEach((v, i) => assert.ok(Math.abs(v - map.rawMax[i]) <= 1e-5 * Math.abs(map.rawMax[i]) + 1e-9, `${cls} rawMax[${i}]`));
    const a = Buffer.from(got.map.u8, 'base64');
    const b = Buffer.from(map.map.u8, 'base64');
    assert.equal(a.length, b.length);
    assert.ok(a.every((v, i) => Math.abs(v - b[i]) <= 1), `${cls}: quantised maps differ by more than one step`);
  }
});

test('bad input comes back as a one-line input error, and the engine stays', async () => {
  const pid = client.pid;
  const missing = path.join(dir, 'missing.wav');
  await assert.rejects(client.call('analyse', { wav: missing, model, method: 'gradcam' }), (e: EngineError) => e.kind === 'badInput' || /missing\.wav|no such file|ENOENT/.test(e.message));
  await assert.rejects(client.call('recompute', { wav, model, method: 'nosuchcam' }), (e: EngineError) => e.kind === 'badInput' && /nosuchcam/.test(e.message));
  assert.equal(client.pid, pid);
});

test('Cancel stops a request; the engine keeps serving', async () => {
  const pid = client.pid;
  const controller = new AbortController();
  const pending = client.call('recompute', { wav, model, method: 'scorecam' }, { signal: controller.signal, onProgress: () => controller.abort() });
  await assert.rejects(pending, (e: EngineError) => e.kind === 'cancelled');
  const next = await client.call('recompute', { wav, model, method: 'gradcam' });
  assert.equal(next.method, 'gradcam');
  assert.equal(client.pid, pid);
});

test('an engine killed mid-request fails that request with a clear message, and the next request restarts it', async () => {
  const starts = client.starts;
  const pending = client.call('recompute', { wav, model, method: 'scorecam' }, {
    onProgress: () => { if (client.pid) process.kill(client.pid, 'SIGKILL'); },
  });
  await assert.rejects(pending, (e: EngineError) => {
    assert.equal(e.kind, 'engineStopped');
    assert.match(e.message, /LungCAM engine stopped \(it was ended by SIGKILL\); it starts again with the next request/);
    return true;
  });
  const after = await client.call('recompute', { wav, model, method: 'gradcam' });
  assert.equal(after.kind, 'cam');
  assert.equal(client.starts, starts + 1, 'a new engine process was started');
});
