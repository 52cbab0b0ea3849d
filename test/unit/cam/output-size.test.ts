import { test } from 'node:test';
import assert from 'node:assert/strict';
import { camOutput, CAM_OUTPUT_MAX_BYTES } from '../../../kernels/engine/cam/output';
import type { GradCamResult, LayerClassCam } from '../../../kernels/engine/cam/cam';
import { melAxes } from '../../../kernels/engine/audio/melFilter';
import type { LogMel } from '../../../kernels/engine/types';

const CLASSES = ['normal', 'crackle', 'wheeze', 'both'];
// The shipped CNN's native map sizes per 96×64 patch, input side first.
const LAYERS: [string, number, number][] = [['conv1', 96, 64], ['conv2', 48, 32], ['conv3', 24, 16], ['conv4', 12, 8]];

function fakeRecording(minutes: number): { result: GradCamResult; logMel: LogMel; patches: { startFrame: number[]; padded: boolean[]; frames: number } } {
  const frames = minutes * 6000;
  const count = Math.floor(frames / 96);
  // Noise that zlib cannot shrink (Math.imul keeps the generator exact; a float product loses its low bits
  // and falls into a short cycle that compresses a hundredfold): the worst case the budget must hold.
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const maps: LayerClassCam[] = [];
  for (const [layer, h, w] of LAYERS) {
    CLASSES.forEach((className, classIndex) => {
      const normalised = Float32Array.from({ length: count * h * w }, rand);
      maps.push({ layer, classIndex, className, timeSteps: h, bandSteps: w, raw: normalised, normalised,
        rawMin: new Float32Array(count), rawMax: new Float32Array(count).fill(1), zeroPatches: [] });
    });
  }
  const probabilities = new Float32Array(count * 4).fill(0.25);
  const result: GradCamResult = {
    method: 'gradcam', layers: LAYERS.map((l) => l[0]), activationLayers: LAYERS.map((l) => l[0]),
    classNames: CLASSES, classIndices: [0, 1, 2, 3], patchCount: count, patchFrames: 96, bands: 64,
    logits: probabilities, probabilities, maps,
  } as GradCamResult;
  const params = { fmin: 100, fmax: 2000, bands: 64, bandCutoffHz: null };
  const logMel: LogMel = { data: Float32Array.from({ length: frames * 64 }, () => -4 + rand() * 4), frames, bands: 64, axes: melAxes(params, frames), params };
  return { result, logMel, patches: { startFrame: Array.from({ length: count }, (_, i) => i * 96), padded: new Array(count).fill(false), frames: 96 } };
}

test('a 10-minute recording\'s CAM output stays under 10 MB by leaving the finest layers out', () => {
  const { result, logMel, patches } = fakeRecording(10);
  const out = camOutput({ result, logMel, patches, modelId: 'baseline' });
  const bytes = Buffer.byteLength(JSON.stringify(out));
  assert.ok(bytes < CAM_OUTPUT_MAX_BYTES, `output is ${(bytes / 1e6).toFixed(1)} MB`);
  assert.deepEqual(out.layers, ['conv1', 'conv2', 'conv3', 'conv4'], 'every layer stays listed so it can be fetched');
  assert.ok(out.maps.conv4, 'the default (last) layer is always kept');
  assert.deepEqual(Object.keys(out.maps.conv4).sort(), [...CLASSES].sort());
  assert.ok(out.omittedLayers?.includes('conv1'), 'the finest layer is the one left out');
  for (const l of out.omittedLayers ?? []) assert.equal(out.maps[l], undefined);
});

test('a 20-second recording keeps every layer × class', () => {
  const { result, logMel, patches } = fakeRecording(1 / 3);
  const out = camOutput({ result, logMel, patches, modelId: 'baseline' });
  assert.equal(out.omittedLayers, undefined);
  assert.deepEqual(Object.keys(out.maps).sort(), ['conv1', 'conv2', 'conv3', 'conv4']);
});
