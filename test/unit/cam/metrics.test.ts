// Summaries, localisation, faithfulness and the randomisation check on maps whose answers are known.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { attentionByBand, attentionByTime, shareAboveCutoff, topRegions } from '../../../kernels/shared/view/summaries';
import { localise, summariseLocalisation } from '../../../kernels/engine/cam/localisation';
import { faithfulness, trapezoidAuc } from '../../../kernels/engine/cam/faithfulness';
import { randomisationCheck, spearman } from '../../../kernels/engine/cam/sanity';
import { gradCam, patchMaps } from '../../../kernels/engine/cam/cam';
import { camOutput } from '../../../kernels/engine/cam/output';
import { matrixBytes as unitBytes } from '../../../kernels/shared/view/quantized';
import { assertClose, randomPatches, setupBackend, smallNet } from './helpers';

// A 10-frame × 4-band recording, hop 0.01 s, band centres 100/200/300/400 Hz, edges every 50 Hz.
const axes = { hopSeconds: 0.01, bandCentersHz: [100, 200, 300, 400], bandEdgesHz: [50, 100, 200, 300, 400, 450] };

function blockMap(): { data: Float32Array; frames: number; bands: number } {
  // 1 in frames 2..4 × bands 0..1, 0.6 in frames 7..8 × band 3, else 0.
  const data = new Float32Array(40);
  for (let f = 2; f <= 4; f++) for (let b = 0; b <= 1; b++) data[f * 4 + b] = 1;
  for (let f = 7; f <= 8; f++) data[f * 4 + 3] = 0.6;
  return { data, frames: 10, bands: 4 };
}

describe('CAM summaries and metrics', () => {
  before(setupBackend);

  it('attention by band and time, and the share above a cutoff', () => {
    const map = blockMap();
    assertClose(attentionByBand(map), [0.3, 0.3, 0, 0.12], 1e-7, 'by band');
    const byTime = attentionByTime(map);
    assert.equal(byTime[3], 0.5);
    assert.ok(Math.abs(byTime[7] - 0.15) < 1e-7);
    // Above 250 Hz: bands 2 and 3 hold 0.12 of 0.72 total attention over half the area.
    const share = shareAboveCutoff(attentionByBand(map), axes.bandCentersHz, 250);
    assert.ok(Math.abs(share.attentionShare - 0.12 / 0.72) < 1e-7);
    assert.equal(share.areaShare, 0.5);
  });

  it('top regions are the connected blocks, strongest first, in seconds and Hz', () => {
    const regions = topRegions(blockMap(), axes, 3, 0.5);
    assert.equal(regions.length, 2);
    assert.deepEqual([regions[0].startSeconds, regions[0].endSeconds, regions[0].lowHz, regions[0].highHz], [0.02, 0.05, 50, 300]);
    assert.ok(Math.abs(regions[0].attentionShare - 6 / 7.2) < 1e-6);
    assert.deepEqual([regions[1].lowHz, regions[1].highHz], [300, 450]);
  });

  it('localisation: energy in the box against its area, and the pointing game', () => {
    const map = blockMap();
    const windows = { startFrame: [0], patchFrames: 10 };
    const hit = { type: 'wheeze', startSeconds: 0.02, endSeconds: 0.05, lowHz: 90, highHz: 210 };
    const miss = { type: 'crackle', startSeconds: 0.07, endSeconds: 0.09, lowHz: 390, highHz: 410 };
    const [a, b] = localise(map, axes, [hit, miss], windows);
    // Box a: 3 frames × 2 bands = 6 of 40 cells, holding 6 of 7.2 of the energy.
    assert.ok(Math.abs(a.energyShare - 6 / 7.2) < 1e-6);
    assert.equal(a.areaShare, 6 / 40);
    assert.ok(Math.abs(a.ratio - (6 / 7.2) / (6 / 40)) < 1e-5);
    assert.equal(a.hit, true);
    assert.equal(b.hit, false, 'the maximum (1) lies in the other block');
    const s = summariseLocalisation([a, b]);
    assert.equal(s.pointingGameRate, 0.5);
  });

  it('deletion/insertion: a map that points at what the model uses beats random and energy orders', async () => {
    // A model that only looks at band 0 of the first 4 frames: logit1 = 10 × mean(x there), logit0 = 0.
    const input = tf.input({ shape: [8, 4, 1] });
    const flat = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
    const dense = tf.layers.dense({ units: 2, useBias: false });
    const model = tf.model({ inputs: input, outputs: dense.apply(flat) as tf.SymbolicTensor });
    const kernel = new Float32Array(32 * 2);
    for (let f = 0; f < 4; f++) kernel[(f * 4) * 2 + 1] = 10 / 4;
    dense.setWeights([tf.tensor2d(kernel, [32, 2])]);
    // Input: the used cells are quiet-but-positive (1), others loud (3): the energy order deletes the wrong ones first.
    const data = new Float32Array(32).fill(3);
    for (let f = 0; f < 4; f++) data[f * 4] = 1;
    const saliency = new Float32Array(32);
    for (let f = 0; f < 4; f++) saliency[f * 4] = 1;
    const r = await faithfulness(model, { data, count: 1, frames: 8, bands: 4 }, saliency, [1], { steps: 8, baseline: 0 });
    assert.ok(r.deletion.cam.auc < r.deletion.random.auc, `deletion cam ${r.deletion.cam.auc} < random ${r.deletion.random.auc}`);
    assert.ok(r.deletion.cam.auc < r.deletion.energy.auc);
    assert.ok(r.insertion.cam.auc > r.insertion.random.auc);
    assert.ok(r.insertion.cam.auc > r.insertion.energy.auc);
    assert.equal(Math.round(r.deletion.cam.probability[0] * 1e4) / 1e4, Math.round((1 / (1 + Math.exp(-10))) * 1e4) / 1e4);
    assert.equal(trapezoidAuc([0, 0.5, 1], [1, 1, 0]), 0.75);
  });

  it('Spearman rank correlation', () => {
    assert.equal(spearman([1, 2, 3, 4], [10, 20, 30, 40]), 1);
    assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
    assert.equal(spearman([1, 1, 1], [1, 2, 3]), 0);
  });

  it('randomising the top layers changes the maps (the check passes) and leaves the model untouched', async () => {
    const model = smallNet({ seed: 5 });
    const patches = randomPatches(3, 16, 8, 4);
    const before = (model.predict(tf.tensor4d(patches.data, [3, 16, 8, 1])) as tf.Tensor).dataSync();
    const r = await randomisationCheck(model, patches, { layer: 'conv2', seed: 2 });
    assert.deepEqual(r.randomisedLayers, ['logits', 'conv2']);
    assert.ok(r.meanRankCorrelation < 0.9, `rank correlation ${r.meanRankCorrelation}`);
    const after = (model.predict(tf.tensor4d(patches.data, [3, 16, 8, 1])) as tf.Tensor).dataSync();
    assert.deepEqual(Array.from(after), Array.from(before));
  });

  it('builds the renderer output with every layer × class at native resolution', async () => {
    const model = smallNet({ classes: 3 });
    const patches = randomPatches(2, 16, 8, 6);
    const r = await gradCam(model, patches, { layers: ['conv1', 'conv2'], classNames: ['normal', 'crackle', 'wheeze'] });
    const logMel = {
      data: new Float32Array(30 * 8), frames: 30, bands: 8, params: { fmin: 100, fmax: 2000, bands: 8, bandCutoffHz: null },
      axes: { sampleRate: 16000 as const, fmin: 100, fmax: 2000, melBands: 8, bands: 8, bandCutoffHz: null, frames: 30, hopSeconds: 0.01, windowSeconds: 0.025, bandCentersHz: [], bandEdgesHz: [] },
    };
    const out = camOutput({ result: r, logMel, patches: { startFrame: [0, 16], padded: [false, true], frames: 16 }, modelId: 'test' });
    assert.deepEqual(Object.keys(out.maps), ['conv1', 'conv2']);
    assert.deepEqual(Object.keys(out.maps.conv2), ['normal', 'crackle', 'wheeze']);
    const m = out.maps.conv2.crackle;
    assert.deepEqual([m.timeSteps, m.bandSteps, m.map.rows, m.map.cols], [8, 4, 16, 4]);
    const bytes = unitBytes(m.map);
    const native = r.maps.find((x) => x.layer === 'conv2' && x.className === 'crackle')!.normalised;
    assert.equal(bytes.length, 2 * 8 * 4);
    for (let i = 0; i < bytes.length; i++) assert.ok(Math.abs(bytes[i] / 255 - native[i]) <= 0.5 / 255 + 1e-6);
    assert.equal(out.probabilities.length, 2);
    assert.ok(out.classes.includes(out.defaultClass));
    assert.equal(JSON.parse(JSON.stringify(out)).maps.conv1.normal.rawMax.length, 2);
    assert.equal(patchMaps(r, 0).length, 2 * 16 * 8);
  });
});

describe('localisation at the map resolution', () => {
  it('widens a box narrower than one map cell to that cell, symmetrically', async () => {
    const { eventBox } = await import('../../../kernels/engine/cam/localisation');
    const ax = { hopSeconds: 0.01, bandCentersHz: [100, 200, 300, 400, 500, 600, 700, 800] };
    // A 20 ms crackle at 0.50–0.52 s, 250–350 Hz (band 2): strict box 2 frames × 1 band.
    const crackle = { type: 'crackle', startSeconds: 0.5, endSeconds: 0.52, lowHz: 250, highHz: 350 };
    assert.deepEqual(eventBox(crackle, ax, 100), { from: 50, to: 52, lo: 2, hi: 2 });
    // At a resolution of 8 frames × 4 bands: 3 frames on each side, bands 1..4 (clamped to the grid).
    assert.deepEqual(eventBox(crackle, ax, 100, { minFrames: 8, minBands: 4 }), { from: 47, to: 55, lo: 1, hi: 4 });
    assert.deepEqual(eventBox({ ...crackle, startSeconds: 0, endSeconds: 0.01 }, ax, 100, { minFrames: 8 }), { from: 0, to: 8, lo: 2, hi: 2 });
  });
});
