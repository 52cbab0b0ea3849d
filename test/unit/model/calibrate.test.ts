import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calibrateFlagThresholds, cycleFlagScores, flagLabel } from '../../../kernels/engine/model/calibrate';
import { aggregateCycle } from '../../../kernels/engine/model/classify';

const CLASSES = ['normal', 'crackle', 'wheeze', 'both'];

test('flag scores take the most telling patch of a cycle (crackle+both, wheeze+both)', () => {
  const probs = Float32Array.from([0.9, 0.05, 0.05, 0, /**/ 0.2, 0.5, 0.1, 0.2, /**/ 0.3, 0.1, 0.4, 0.2]);
  const s = cycleFlagScores(probs, [0, 1, 2]);
  assert.ok(Math.abs(s.crackle - 0.7) < 1e-6);
  assert.ok(Math.abs(s.wheeze - 0.6) < 1e-6);
  assert.equal(flagLabel(s), 3);
  assert.equal(flagLabel(s, { crackle: 0.8, wheeze: 0.5 }), 2);
});

test('calibration finds thresholds that separate shifted scores, where 0.5 would call everything abnormal', () => {
  // A model whose abnormal probabilities are inflated (class weighting): normal cycles score 0.6–0.7,
  // crackle cycles 0.85–0.95 on crackle, wheeze cycles likewise on wheeze.
  const scores = [];
  const labels = [];
  for (let i = 0; i < 20; i++) {
    const u = (i % 5) / 50;
    scores.push({ crackle: 0.6 + u, wheeze: 0.62 + u }); labels.push(0);
    scores.push({ crackle: 0.86 + u, wheeze: 0.6 + u }); labels.push(1);
    scores.push({ crackle: 0.61 + u, wheeze: 0.88 + u }); labels.push(2);
  }
  const plain = scores.map((s) => flagLabel(s));
  assert.ok(plain.every((l) => l === 3), 'at 0.5 every cycle is "both"');
  const { thresholds, metrics } = calibrateFlagThresholds(scores, labels);
  assert.equal(metrics.icbhiScore, 1);
  assert.ok(thresholds.crackle >= 0.7 && thresholds.crackle < 0.86, `crackle threshold ${thresholds.crackle}`);
  assert.ok(thresholds.wheeze >= 0.7 && thresholds.wheeze < 0.88, `wheeze threshold ${thresholds.wheeze}`);
});

test('calibration keeps 0.5 when the scores give no reason to move', () => {
  const { thresholds } = calibrateFlagThresholds([{ crackle: 0.1, wheeze: 0.1 }, { crackle: 0.9, wheeze: 0.9 }], [0, 3]);
  assert.deepEqual(thresholds, { crackle: 0.5, wheeze: 0.5 });
});

test("aggregateCycle's max-flags rule uses the model's thresholds", () => {
  const probs = Float32Array.from([0.3, 0.6, 0.05, 0.05]);
  assert.equal(aggregateCycle(probs, [0], CLASSES, 'max-flags').label, 'crackle');
  assert.equal(aggregateCycle(probs, [0], CLASSES, 'max-flags', { crackle: 0.7, wheeze: 0.5 }).label, 'normal');
});
