// Save → reload gives the same outputs bit for bit; clear errors for folders that are not LungCAM models;
// classify leaks no tensors; metrics follow the ICBHI definitions.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, writeFileSync, rmSync, mkdirSync, readdirSync, existsSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend } from '../../../kernels/engine/model/backend';
import { buildModel, convLayerNames } from '../../../kernels/engine/model/model';
import { saveModel, loadModel, checkFeatureParams, MODEL_FORMAT, type ModelMetadata } from '../../../kernels/engine/model/modelIO';
import { predictProbabilities, classifyLogMel } from '../../../kernels/engine/model/classify';
import { classificationMetrics } from '../../../kernels/engine/model/metrics';
import { isInputError } from '../../../kernels/engine/errors';
import { SEED_PARAMS, type LogMel } from '../../../kernels/engine/types';

before(async () => {
  await initBackend('wasm', { quiet: true });
});

function metadataFor(model: tf.LayersModel, name = 'test'): ModelMetadata {
  return {
    format: MODEL_FORMAT, name, classes: ['normal', 'crackle', 'wheeze', 'both'], featureParams: { ...SEED_PARAMS },
    inputBands: 64, convLayers: convLayerNames(model), architecture: { filters: [4, 8], batchNorm: false, inputNorm: true },
    training: { command: 'test', seed: 1, epochs: 0, epochsRun: 0, bestEpoch: 0, batchSize: 32, patience: 0, learningRate: 0.001, augment: false, classWeights: [1, 1, 1, 1], msPerSamplePerEpoch: 0, seconds: 0 },
    data: {}, metrics: {}, backend: 'wasm', created: new Date(0).toISOString(),
  };
}

function randomPatches(n: number, bands: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n * 96 * bands }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 6 - 4.6;
  });
}

const tmp = () => mkdtempSync(path.join(tmpdir(), 'lungcam-model-'));

test('a saved model reloads and gives the same outputs bit for bit', async () => {
  const dir = tmp();
  try {
    const model = buildModel({ filters: [4, 8], seed: 5 });
    const x = randomPatches(6, 64, 1);
    const before = predictProbabilities(model, x, 6, 64);
    await saveModel(path.join(dir, 'm'), model, metadataFor(model));
    assert.deepEqual(readdirSync(path.join(dir, 'm')).sort(), ['metadata.json', 'model.json', 'weights.bin']);
    assert.deepEqual(readdirSync(dir), ['m'], 'no temporary folder is left behind');
    const loaded = await loadModel(path.join(dir, 'm'));
    const after = predictProbabilities(loaded.model, x, 6, 64);
    assert.deepEqual(Array.from(after), Array.from(before));
    assert.deepEqual(loaded.meta.convLayers, ['conv1', 'conv2']);
    // Any band count: the same model runs on cut-band input (global average pooling).
    assert.equal(predictProbabilities(loaded.model, randomPatches(2, 51, 2), 2, 51).length, 8);
    // Saving again over a LungCAM model folder replaces it.
    await saveModel(path.join(dir, 'm'), model, metadataFor(model, 'again'));
    assert.equal((await loadModel(path.join(dir, 'm'))).meta.name, 'again');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('model folders from another tool, with missing or truncated weights, or absent, give clear errors', async () => {
  const dir = tmp();
  try {
    const model = buildModel({ filters: [4, 8], seed: 5 });
    const good = path.join(dir, 'good');
    await saveModel(good, model, metadataFor(model));

    const expectInput = async (folder: string, pattern: RegExp) => {
      await assert.rejects(loadModel(folder), (e: Error) => {
        assert.ok(isInputError(e), `expected an input error, got ${e.stack}`);
        assert.match(e.message, pattern);
        assert.ok(!e.message.includes('\n'));
        return true;
      });
    };
    // A plain tfjs model (e.g. exported by another tool): model.json but no LungCAM metadata.
    const other = path.join(dir, 'other');
    mkdirSync(other);
    writeFileSync(path.join(other, 'model.json'), '{"modelTopology": {}, "weightsManifest": []}');
    await expectInput(other, /not a LungCAM model folder: metadata\.json is missing/);
    writeFileSync(path.join(other, 'metadata.json'), '{"format": "keras-saved-model", "classes": ["cat", "dog"]}');
    await expectInput(other, /another tool \(format "keras-saved-model"\)/);

    const noWeights = path.join(dir, 'noweights');
    await saveModel(noWeights, model, metadataFor(model));
    rmSync(path.join(noWeights, 'weights.bin'));
    await expectInput(noWeights, /weights file weights\.bin is missing/);

    const truncated = path.join(dir, 'truncated');
    await saveModel(truncated, model, metadataFor(model));
    truncateSync(path.join(truncated, 'weights.bin'), statSync(path.join(truncated, 'weights.bin')).size - 8);
    await expectInput(truncated, /truncated/);

    await expectInput(path.join(dir, 'absent'), /model folder not found/);

    // Refuses to overwrite a folder that is not a LungCAM model.
    const userFolder = path.join(dir, 'photos');
    mkdirSync(userFolder);
    writeFileSync(path.join(userFolder, 'holiday.jpg'), 'x');
    await assert.rejects(saveModel(userFolder, model, metadataFor(model)), /refusing to overwrite/);
    assert.ok(existsSync(path.join(userFolder, 'holiday.jpg')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a feature configuration that does not match the model is refused with the differences named', () => {
  const meta = metadataFor(buildModel({ filters: [4], seed: 1 }));
  assert.deepEqual(checkFeatureParams(meta, {}), SEED_PARAMS);
  assert.throws(() => checkFeatureParams(meta, { fmax: 7500, bandCutoffHz: 1500 }, '--fmax'), (e: Error) => {
    assert.ok(isInputError(e));
    assert.match(e.message, /does not match the model test: fmax 7500 Hz \(model: 2000\), cutoff 1500 \(model: none\)/);
    return true;
  });
});

test('classifying 200 times leaks no tensors', () => {
  const model = buildModel({ filters: [4, 8], seed: 2 });
  const loaded = { model, meta: metadataFor(model), dir: '' };
  const frames = 250;
  const mel = { data: Float32Array.from({ length: frames * 64 }, (_, i) => Math.sin(i) - 2), frames, bands: 64 } as LogMel;
  classifyLogMel(loaded, mel, [{ startSeconds: 0.2, endSeconds: 1.5 }]); // warm-up
  const before = tf.memory().numTensors;
  for (let i = 0; i < 200; i++) classifyLogMel(loaded, mel, [{ startSeconds: 0.2, endSeconds: 1.5 }, { startSeconds: 1.5, endSeconds: 2.4 }]);
  assert.equal(tf.memory().numTensors, before);
  const r = classifyLogMel(loaded, mel, [{ startSeconds: 0.2, endSeconds: 1.5, label: 'wheeze' }]);
  assert.equal(r.patches.length, 3); // 250 frames: two full patches and the 0.58 s tail (the one patching rule)
  assert.deepEqual(r.patches.map((p) => p.padded), [false, false, true]);
  assert.equal(r.cycles?.[0].trueLabel, 'wheeze');
  assert.ok(Math.abs(r.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-3);
});

test('ICBHI metrics: specificity on normals, sensitivity needs the exact abnormal class', () => {
  // true:      normal ×4, crackle ×2, wheeze ×2, both ×2
  const truth = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3];
  const pred = [0, 0, 0, 1, 1, 3, 2, 0, 3, 3];
  const m = classificationMetrics(truth, pred);
  assert.equal(m.specificity, 3 / 4);
  assert.equal(m.sensitivity, 4 / 6); // crackle→both and wheeze→normal are both wrong
  assert.equal(m.icbhiScore, (3 / 4 + 4 / 6) / 2);
  assert.equal(m.accuracy, 7 / 10);
  assert.deepEqual(m.confusion[1], [0, 1, 0, 1]);
  assert.equal(m.perClass[3].precision, 2 / 3);
  // Only normal cycles: the score is the specificity, and says so.
  const normalsOnly = classificationMetrics([0, 0], [0, 1]);
  assert.equal(normalsOnly.sensitivity, null);
  assert.equal(normalsOnly.icbhiScore, 0.5);
  assert.match(normalsOnly.scoreNote ?? '', /no abnormal/);
});
