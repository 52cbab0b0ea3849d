// Training on a small seeded synthetic corpus: loss goes down, the run is reproducible for a seed, the
// saved model reloads bit for bit; and the CLI's bad-input errors are one clear line (exit 2).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, mkdirSync, writeFileSync, readFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend } from '../../../kernels/engine/model/backend';
import { writeSynthCorpus } from '../../../kernels/engine/data/synth';
import { trainOnDataset } from '../../../kernels/engine/model/trainDataset';
import { loadModel } from '../../../kernels/engine/model/modelIO';
import { recordingPatches } from '../../../kernels/engine/model/dataset';
import { readDataset } from '../../../kernels/engine/data/dataset';
import { predictProbabilities } from '../../../kernels/engine/model/classify';
import { runCli } from '../../../kernels/cli/run';
import { register as registerTrain } from '../../../kernels/cli/train';
import { register as registerClassify } from '../../../kernels/cli/classify';
import { register as registerEvaluate } from '../../../kernels/cli/evaluate';
import { SEED_PARAMS } from '../../../kernels/engine/types';

const root = mkdtempSync(path.join(tmpdir(), 'lungcam-train-'));
const corpus = path.join(root, 'corpus');
// Small and quick: 40 short recordings at one rate; a tiny two-block CNN.
const quick = { featureParams: SEED_PARAMS, model: { filters: [8, 16] }, trainHopFrames: 96, patience: 0, batchSize: 16 };

before(async () => {
  await initBackend('wasm', { quiet: true });
  writeSynthCorpus(corpus, { count: 40, seed: 11, minSeconds: 3, maxSeconds: 4, sampleRates: [8000] });
});
after(() => rmSync(root, { recursive: true, force: true }));

test('training 3 epochs on a 40-recording corpus lowers the loss; the saved model reloads bit for bit', async () => {
  const out = path.join(root, 'model');
  const { result, loaded } = await trainOnDataset(corpus, { ...quick, epochs: 3, seed: 2, command: 'test' }, out);
  const losses = result.history.map((e) => e.trainLoss);
  assert.equal(losses.length, 3);
  assert.ok(losses[2] < losses[0], `training loss should go down: ${losses.map((l) => l.toFixed(3)).join(' → ')}`);
  const meta = JSON.parse(readFileSync(path.join(out, 'metadata.json'), 'utf8'));
  assert.equal(meta.format, 'lungcam-model/1');
  assert.deepEqual(meta.classes, ['normal', 'crackle', 'wheeze', 'both']);
  assert.deepEqual(meta.convLayers, ['conv1', 'conv2']);
  assert.deepEqual(meta.featureParams, SEED_PARAMS);
  assert.equal(meta.training.seed, 2);
  assert.ok(meta.metrics.test && typeof meta.metrics.test.icbhiScore === 'number');

  const reloaded = await loadModel(out);
  const ds = readDataset(corpus, { seed: 2 });
  const patches = await recordingPatches(ds.split.test.slice(0, 4), SEED_PARAMS);
  const a = predictProbabilities(loaded.model, patches.x, patches.count, patches.bands);
  const b = predictProbabilities(reloaded.model, patches.x, patches.count, patches.bands);
  assert.ok(patches.count > 0);
  assert.deepEqual(Array.from(b), Array.from(a));
});

test('training is reproducible for a seed (same weights bit for bit), and another seed differs', async () => {
  const weights = async (seed: number) => {
    const { loaded } = await trainOnDataset(corpus, { ...quick, epochs: 1, seed });
    const values = loaded.model.getWeights().map((w) => Array.from(w.dataSync()));
    loaded.model.dispose();
    return values;
  };
  const first = await weights(5);
  assert.deepEqual(await weights(5), first);
  assert.notDeepEqual(await weights(6), first);
});

async function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli([registerTrain, registerClassify, registerEvaluate], ['node', 'lungcam', ...args], {
    stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; },
  });
  return { code, stdout, stderr };
}

test('bad inputs to train / classify / evaluate are one clear line and exit 2', async () => {
  const empty = path.join(root, 'empty');
  mkdirSync(empty);
  writeFileSync(path.join(empty, 'notes.txt'), 'hello');
  let r = await cli('train', empty, '--out', path.join(root, 'x'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no WAV files in/);
  assert.equal(r.stderr.trim().split('\n').length, 1);

  const bad = path.join(root, 'bad');
  mkdirSync(bad);
  const wav = readDataset(corpus).recordings[0];
  copyFileSync(wav.wavPath, path.join(bad, `${wav.name}.wav`));
  writeFileSync(path.join(bad, `${wav.name}.txt`), '0.1\t1.2\t0\t0\n1.2\t2.5\tyes\t0\n');
  r = await cli('train', bad, '--out', path.join(root, 'y'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`${wav.name}\\.txt:2: .*flags must be 0 or 1`));

  r = await cli('evaluate', corpus, '--model', empty);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /not a LungCAM model folder: metadata\.json is missing/);

  r = await cli('classify', wav.wavPath, '--model', path.join(root, 'model'), '--fmax', '7500');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /does not match the model model: fmax 7500 Hz \(model: 2000\)/);
  assert.equal(tf.getBackend(), 'wasm');
});
