// Long recordings' outputs are computed a chunk of patches at a time and written as a stream: their JSON
// parses and equals what the whole-recording pipeline (recordingCam, camImage, summariseCam, camOutput),
// held in memory and serialised at once, gives for the same recording. Chunks are made small here
// (LUNGCAM_CAM_CHUNK) so a short recording is cut into many, with uneven ends.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runLungcam } from '../cliHarness';
import { pcm16Wav } from '../audio/wavBuilder';
import { decodeNpy } from '../../../kernels/engine/io/npy';
import { initBackend } from '../../../kernels/engine/model/backend';
import { loadModel } from '../../../kernels/engine/model/modelIO';
import { logMelFromFile } from '../../../kernels/engine/audio/features';
import { readEvents, recordingCam, recordingProbabilities, summariseCam } from '../../../kernels/engine/cam/explain';
import { localisationFor } from '../../../kernels/engine/export/json';
import { camOutput } from '../../../kernels/engine/cam/output';
import { jsonText } from '../../../kernels/engine/io/jsonStream';
import { readRecordingAnnotations } from '../../../kernels/engine/data/annotations';
import { classifyLogMel } from '../../../kernels/engine/model/classify';
import { cycleLaneOf } from '../../../kernels/engine/model/cycleLane';
import { cycleSummary } from '../../../kernels/shared/view/cycleVerdicts';

const root = path.resolve(__dirname, '..', '..', '..');
const modelDir = path.join(root, 'samples', 'models', 'baseline');
const annotated = path.join(root, 'samples', 'wav', 'S001_1b1_Pr_sc_SYNTH.wav');
const env = { ...process.env, LUNGCAM_CAM_CHUNK: '5', LUNGCAM_WASM_THREADS: '1' };
const round = (v: number, digits: number) => Number(v.toPrecision(digits));
let dir: string;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lungcam-streamed-'));
  await initBackend('wasm', { quiet: true });
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The gradcam document's numbers as the whole-recording pipeline gives them (serialised and parsed like the file). */
async function wholeRecording(wav: string) {
  const loaded = await loadModel(modelDir);
  const cm = { model: loaded.model, id: loaded.meta.name, classes: loaded.meta.classes, convLayers: loaded.meta.convLayers };
  const logMel = await logMelFromFile(wav, loaded.meta.featureParams);
  const rc = await recordingCam(cm, logMel, {});
  const c = cm.classes.length;
  const events = readEvents(wav);
  // The annotated cycles with the model's verdicts: the lane every output but the bare map carries.
  const lane = cycleLaneOf(classifyLogMel(loaded, logMel, readRecordingAnnotations(wav, { durationSeconds: logMel.source?.durationSeconds })));
  const classMaps = new Map<number, Float32Array>();
  if (events) {
    const { camImage } = await import('../../../kernels/engine/cam/cam');
    for (const k of new Set([rc.classIndex, ...events.map((e) => cm.classes.indexOf(e.type)).filter((k) => k >= 0)])) {
      classMaps.set(k, camImage(rc.result, k, { startFrame: rc.patches.startFrame, frames: logMel.frames }, { layers: rc.layers }));
    }
  }
  const doc = {
    class: rc.className,
    normalisation: rc.normalisation,
    probabilities: Array.from({ length: rc.result.patchCount }, (_, p) => Array.from(rc.result.probabilities.subarray(p * c, (p + 1) * c), (v) => round(v, 6))),
    recordingProbabilities: recordingProbabilities(rc).map((v) => round(v, 6)),
    summary: summariseCam(rc, 1500),
    ...(events ? { localisation: localisationFor({ cam: { placement: rc.patches, classIndex: rc.classIndex } as never, logMel, classMaps }, cm, events) } : {}),
    ...(lane ? { annotations: lane, cycleSummary: cycleSummary(lane.cycles ?? [], lane.source) } : {}),
    map: Array.from({ length: logMel.frames }, (_, f) => Array.from(rc.map.subarray(f * logMel.bands, (f + 1) * logMel.bands), (v) => round(v, 7))),
  };
  const all = await recordingCam(cm, logMel, { everything: true });
  const view = camOutput({ result: all.result, logMel, patches: all.patches, modelId: cm.id, defaultLayer: all.layers[all.layers.length - 1], defaultClass: all.className, ...(lane || events ? { annotations: { ...lane, ...(events ? { events } : {}) } } : {}) });
  return { doc: JSON.parse(JSON.stringify(doc)), view: JSON.parse(jsonText(view)), frames: logMel.frames };
}

function pick(doc: Record<string, unknown>, keys: string[]) {
  return Object.fromEntries(keys.map((k) => [k, doc[k]]));
}

test('gradcam --out F.json and view, streamed chunk by chunk, equal the whole-recording pipeline (annotated recording)', async () => {
  const reference = await wholeRecording(annotated);
  const out = path.join(dir, 'annotated.json');
  const r = runLungcam(['gradcam', annotated, '--model', modelDir, '--out', out, '--quiet'], { env });
  assert.equal(r.code, 0, r.stderr);
  const streamed = JSON.parse(readFileSync(out, 'utf8'));
  assert.ok(reference.doc.localisation, 'the recording has annotated events');
  assert.ok(reference.doc.annotations?.cycles?.length, 'and annotated cycles');
  assert.equal(reference.doc.normalisation, 'classes', 'the default normalisation is recording-wide: the streamed map waits for every patch');
  assert.deepEqual(pick(streamed, Object.keys(reference.doc)), reference.doc);

  const viewOut = path.join(dir, 'view.json');
  const v = runLungcam(['view', annotated, '--model', modelDir, '--out', viewOut], { env });
  assert.equal(v.code, 0, v.stderr);
  const { methods, cutoff, ...cam } = JSON.parse(readFileSync(viewOut, 'utf8')).cam;
  assert.ok(methods.includes('gradcam'));
  assert.deepEqual(cutoff, { bandCutoffHz: null, cutoffMode: 'model', modelId: 'baseline', bands: 64, keptBands: 64 });
  assert.deepEqual(cam, reference.view);
});

test('a long recording\'s JSON (its map through a temporary file) parses, matches its .npy and the whole pipeline', async () => {
  // 3 minutes at 8 kHz: 187 patches, 38 chunks of 5.
  const rate = 8000;
  let seed = 3;
  const samples = Float32Array.from({ length: 180 * rate }, (_, i) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const breath = Math.sin((2 * Math.PI * 0.25 * i) / rate) ** 2;
    return breath * (0.2 * (seed / 2 ** 32 - 0.5) + 0.1 * Math.sin((2 * Math.PI * 420 * i) / rate));
  });
  const wav = path.join(dir, 'long.wav');
  writeFileSync(wav, pcm16Wav(samples, rate));
  const json = path.join(dir, 'long.json');
  const npy = path.join(dir, 'long.npy');
  for (const out of [json, npy]) {
    const r = runLungcam(['gradcam', wav, '--model', modelDir, '--out', out, '--quiet'], { env, timeoutMs: 600_000 });
    assert.equal(r.code, 0, r.stderr);
  }
  const streamed = JSON.parse(readFileSync(json, 'utf8'));
  const reference = await wholeRecording(wav);
  assert.equal(streamed.map.length, reference.frames);
  assert.deepEqual(pick(streamed, Object.keys(reference.doc)), reference.doc);
  const { data, shape } = decodeNpy(new Uint8Array(readFileSync(npy)));
  assert.deepEqual(shape, [streamed.frames, streamed.bands]);
  streamed.map.forEach((row: number[], f: number) => row.forEach((v, b) => assert.equal(v, round(data[f * shape[1] + b], 7))));
});

test('outputs that hold the whole recording at once refuse a long one before any work, naming what to choose', () => {
  // 21 minutes at 1 kHz, 16-bit: a small file with a long duration.
  const wav = path.join(dir, 'long21.wav');
  writeFileSync(wav, pcm16Wav(new Float32Array(21 * 60 * 1000), 1000));
  const html = path.join(dir, 'long21.html');
  const r = runLungcam(['gradcam', wav, '--model', modelDir, '--out', html]);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr.trim(), /^lungcam: .*long21\.wav: an interactive page holds the whole recording in one file, up to 20 minutes; this one is 21\.0 minutes: choose --out F\.json or F\.npy/);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  const scored = runLungcam(['gradcam', wav, '--model', modelDir, '--out', path.join(dir, 'long21.json'), '--faithfulness']);
  assert.equal(scored.code, 2);
  assert.match(scored.stderr, /--faithfulness and --sanity score the whole recording in memory, up to 10 minutes; this one is 21\.0 minutes/);
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('long21.') && f !== 'long21.wav'), [], 'nothing written');
});
