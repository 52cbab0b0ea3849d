import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LungcamInputError, isInputError } from '../../kernels/engine/errors';

test('input errors name their subject in one line', () => {
  const e = new LungcamInputError('not a WAV file (starts with "ID3", an MP3 tag)', 'song.wav');
  assert.equal(e.message, 'song.wav: not a WAV file (starts with "ID3", an MP3 tag)');
  assert.ok(isInputError(e));
  assert.ok(!isInputError(new Error('x')));
});
