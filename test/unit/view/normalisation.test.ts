// How CAM maps are normalised for display (kernels/shared/view/normalisation.ts): per patch is
// pytorch-grad-cam's stretch; per recording keeps quiet patches quiet; across classes × probability keeps a
// class the model rejects dark. One recording, two patches, two classes, maps of 2 values each.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPatchScaling, outputScaling, patchScaling, DEFAULT_NORMALISATION, NORMALISATIONS } from '../../../kernels/shared/view/normalisation';

// Stored values are per patch 0..1 with each patch's raw range: raw = n · (max − min) + min.
const loud = { rawMin: [0, 0], rawMax: [4, 1] }; // class 0: patch 1 strong, patch 2 weak
const quiet = { rawMin: [0, 0], rawMax: [2, 2] }; // class 1
const probabilities = [[0.9, 0.1], [0.6, 0.4]];
const stored = () => Float32Array.from([1, 0.5, 1, 0.5]); // 2 patches × 2 values

function shown(normalisation: 'patch' | 'recording' | 'classes', classIndex: number): number[] {
  const s = patchScaling({ normalisation, classIndex, ranges: classIndex === 0 ? loud : quiet, allClasses: [loud, quiet], probabilities });
  return Array.from(applyPatchScaling(stored(), 2, 2, s), (v) => Number(v.toFixed(4)));
}

test('per patch: every patch keeps its own stretch (the stored values)', () => {
  assert.deepEqual(shown('patch', 0), [1, 0.5, 1, 0.5]);
  assert.deepEqual(shown('patch', 1), [1, 0.5, 1, 0.5], 'a rejected class glows as brightly');
});

test('per recording: one scale for the class, so the weak patch stays dim', () => {
  assert.deepEqual(shown('recording', 0), [1, 0.5, 0.25, 0.125]);
  assert.deepEqual(shown('recording', 1), [1, 0.5, 1, 0.5]);
});

test('across classes × probability: the class the model rejects stays dark', () => {
  // reference = max over classes and patches of rawMax · p = 4 · 0.9 = 3.6
  const accepted = shown('classes', 0);
  const rejected = shown('classes', 1);
  assert.deepEqual(accepted, [1, 0.5, Number((0.6 / 3.6).toFixed(4)), Number((0.3 / 3.6).toFixed(4))]);
  assert.deepEqual(rejected, [Number((0.2 / 3.6).toFixed(4)), Number((0.1 / 3.6).toFixed(4)), Number((0.8 / 3.6).toFixed(4)), Number((0.4 / 3.6).toFixed(4))]);
  assert.ok(Math.max(...rejected) < 0.25 && Math.max(...accepted) === 1);
});

test('an all-zero class (nothing raises its score) stays zero on every normalisation', () => {
  const zero = { rawMin: [0, 0], rawMax: [0, 0] };
  for (const n of ['recording', 'classes'] as const) {
    const s = patchScaling({ normalisation: n, classIndex: 0, ranges: zero, allClasses: [zero, zero], probabilities });
    assert.deepEqual(Array.from(applyPatchScaling(Float32Array.from([0, 0, 0, 0]), 2, 2, s)), [0, 0, 0, 0]);
  }
});

test('a renderer output is scaled from its own maps and probabilities; the default is the one that does not mislead', () => {
  const out = { classes: ['a', 'b'], probabilities, maps: { conv: { a: loud, b: quiet } } };
  assert.deepEqual(Array.from(outputScaling(out, 'conv', 'b', 'classes').gain, (v) => Number(v.toFixed(4))), [Number((0.2 / 3.6).toFixed(4)), Number((0.8 / 3.6).toFixed(4))]);
  assert.equal(outputScaling(out, 'conv', 'missing', 'classes').gain.length, 0);
  assert.equal(DEFAULT_NORMALISATION, 'classes');
  assert.deepEqual(NORMALISATIONS.map((n) => n.normalisation), ['classes', 'recording', 'patch']);
  for (const n of NORMALISATIONS) assert.ok(n.label && n.meaning && n.explanation.endsWith('.'), `${n.normalisation} is explained`);
});
