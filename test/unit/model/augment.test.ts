import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_AUGMENT, augmentPatch, deviceEqDb, makeRandom, type AugmentOptions } from '../../../kernels/engine/model/augment';
import { PATCH_FRAMES } from '../../../kernels/engine/types';

const BANDS = 64;
const NONE: AugmentOptions = { ...DEFAULT_AUGMENT, maxShiftFrames: 0, gainDb: 0, noiseProbability: 0, lowpassProbability: 0, timeMasks: 0, bandMasks: 0 };

/** A loud patch (ln magnitude 2–4, far above the ln(0.01) floor) with a time ramp so shifts show. */
function loudPatch(): Float32Array {
  const p = new Float32Array(PATCH_FRAMES * BANDS);
  for (let t = 0; t < PATCH_FRAMES; t++) for (let b = 0; b < BANDS; b++) p[t * BANDS + b] = 2 + (2 * t) / PATCH_FRAMES + 0.01 * b;
  return p;
}

test('augmentation is reproducible for a seed and a circular time shift keeps every frame', () => {
  const a = loudPatch();
  const b = loudPatch();
  augmentPatch(a, BANDS, makeRandom(7));
  augmentPatch(b, BANDS, makeRandom(7));
  assert.deepEqual(a, b);

  const shifted = loudPatch();
  augmentPatch(shifted, BANDS, makeRandom(3), { ...NONE, maxShiftFrames: 24 });
  const frame = (p: Float32Array, t: number) => Math.round(p[t * BANDS] * 1e4);
  const before = loudPatch();
  const frames = new Set(Array.from({ length: PATCH_FRAMES }, (_, t) => frame(before, t)));
  assert.ok(Array.from({ length: PATCH_FRAMES }, (_, t) => frame(shifted, t)).every((v) => frames.has(v)), 'a shift moves frames, it does not invent them');
  assert.notDeepEqual(shifted, before);
});

test('device colouring: off draws nothing; on, a smooth gain per band, the same in every frame', () => {
  // Probability 0 must leave the random sequence (and so every later draw of a training run) as before.
  const plain = loudPatch();
  const off = loudPatch();
  augmentPatch(plain, BANDS, makeRandom(11));
  augmentPatch(off, BANDS, makeRandom(11), { ...DEFAULT_AUGMENT, deviceEqProbability: 0 });
  assert.deepEqual(off, plain);

  for (let seed = 1; seed <= 20; seed++) {
    const p = loudPatch();
    augmentPatch(p, BANDS, makeRandom(seed), { ...NONE, deviceEqProbability: 1 });
    const ref = loudPatch();
    const db = (t: number, b: number) => ((p[t * BANDS + b] - ref[t * BANDS + b]) * 20) / Math.LN10;
    for (let b = 0; b < BANDS; b++) {
      // A linear filter: the same gain in every frame of a band (loud cells: ln(mag + 0.01) ≈ ln mag).
      assert.ok(Math.abs(db(0, b) - db(PATCH_FRAMES - 1, b)) < 0.05, `seed ${seed} band ${b}`);
      assert.ok(Math.abs(db(0, b)) <= 3 + 2 * 9 + 0.1, `seed ${seed} band ${b}: ${db(0, b).toFixed(1)} dB`);
      if (b > 0) assert.ok(Math.abs(db(0, b) - db(0, b - 1)) < 4.5, `seed ${seed}: a jump of ${(db(0, b) - db(0, b - 1)).toFixed(1)} dB at band ${b}`);
    }
  }
  // Colourings differ from patch to patch.
  const r = makeRandom(5);
  assert.notDeepEqual(deviceEqDb(BANDS, r), deviceEqDb(BANDS, r));
});
