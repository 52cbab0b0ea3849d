import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toPatches, patchLayout, MIN_TAIL_FRAMES } from '../../../kernels/engine/audio/patches';
import { logMelSpectrogram, SILENCE_LOG_MEL } from '../../../kernels/engine/audio/logMel';
import { isInputError } from '../../../kernels/engine/errors';
import type { LogMel } from '../../../kernels/engine/types';
import { melAxes, resolveFeatureParams } from '../../../kernels/engine/audio/melFilter';

/** A fake log-mel whose value encodes (frame, band). */
function fakeLogMel(frames: number, bands = 4): LogMel {
  const data = Float32Array.from({ length: frames * bands }, (_, i) => Math.floor(i / bands) + (i % bands) / 10);
  const params = resolveFeatureParams({ bands });
  return { data, frames, bands, params, axes: melAxes(params, frames) };
}

test('VGGish default: no overlap, hop 96', () => {
  const p = toPatches(fakeLogMel(96 * 3));
  assert.equal(p.count, 3);
  assert.deepEqual(p.startFrame, [0, 96, 192]);
  assert.deepEqual(p.padded, [false, false, false]);
  assert.equal(p.data.length, 3 * 96 * 4);
  assert.equal(p.data[96 * 4], 96); // patch 1, frame 0, band 0 = frame 96
});

test('a configurable hop gives overlapping patches', () => {
  const p = toPatches(fakeLogMel(192), { hopFrames: 48 });
  assert.deepEqual(p.startFrame, [0, 48, 96]);
  assert.equal(p.hopFrames, 48);
  assert.equal(p.data[1 * 96 * 4 + 4 * 10 + 2], Math.fround(58.2)); // patch 1 frame 10 band 2
});

test('a 0.5 s recording gives exactly one patch, padded with ln(0.01)', () => {
  const m = logMelSpectrogram(new Float32Array(8000).map((_, i) => Math.sin(i)));
  assert.equal(m.frames, 48);
  const p = toPatches(m);
  assert.equal(p.count, 1);
  assert.deepEqual(p.padded, [true]);
  assert.equal(p.data[47 * 64], m.data[47 * 64]);
  for (let i = 48 * 64; i < 96 * 64; i++) assert.equal(p.data[i], Math.fround(SILENCE_LOG_MEL));
});

test('a very short recording (2 frames) still gives one padded patch; none with tail "drop"', () => {
  assert.equal(toPatches(fakeLogMel(2)).count, 1);
  assert.equal(toPatches(fakeLogMel(2), { tail: 'drop' }).count, 0);
});

test('a tail of at least 48 frames is padded into a patch; a shorter one is dropped', () => {
  const long = toPatches(fakeLogMel(96 + MIN_TAIL_FRAMES));
  assert.deepEqual(long.startFrame, [0, 96]);
  assert.deepEqual(long.padded, [false, true]);
  assert.equal(long.data[(96 + 47) * 4], 96 + 47);
  assert.equal(long.data[(96 + 48) * 4], Math.fround(SILENCE_LOG_MEL));
  const short = toPatches(fakeLogMel(96 + MIN_TAIL_FRAMES - 1));
  assert.deepEqual(short.startFrame, [0]);
  assert.deepEqual(patchLayout(96 + MIN_TAIL_FRAMES, { tail: 'drop' }).startFrame, [0]);
});

test('exact multiples have no padded patch', () => {
  assert.deepEqual(patchLayout(96 * 2).padded, [false, false]);
});

test('a log-mel with no frames is an input error; a bad hop too', () => {
  assert.throws(() => toPatches(fakeLogMel(0)), isInputError);
  assert.throws(() => toPatches(fakeLogMel(100), { hopFrames: 0 }), isInputError);
});
