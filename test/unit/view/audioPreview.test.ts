// The audio output's playable preview (kernels/engine/show/audioPreview.ts): μ-law at most 8 kHz, so a
// notebook stays small; the encoder is the exact inverse of the decoder LungCAM reads μ-law WAVs with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearToUlaw, previewWavDataUrl } from '../../../kernels/engine/show/audioPreview';
import { decodeWav, ULAW_TABLE } from '../../../kernels/engine/audio/wav';

test('μ-law: every code decodes and encodes back to itself (but for its negative zero)', () => {
  for (let code = 0; code < 256; code++) {
    const back = linearToUlaw(ULAW_TABLE[code]);
    if (code === 0x7f) assert.equal(back, 0xff, 'negative zero encodes as zero');
    else assert.equal(back, code, `code ${code}`);
  }
  assert.equal(linearToUlaw(40000), linearToUlaw(32767), 'clipped');
});

test('a 44.1 kHz recording previews at 8 kHz, 1 byte a sample, and reads back as the same tone', () => {
  const rate = 44100;
  const x = Float32Array.from({ length: rate * 2 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / rate));
  const url = previewWavDataUrl(x, rate)!;
  const bytes = Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
  assert.equal(bytes.length, 44 + 16000, '2 s × 8000 bytes');
  const back = decodeWav(new Uint8Array(bytes));
  assert.equal(back.sampleRate, 8000);
  let err = 0;
  for (let i = 100; i < back.samples.length - 100; i++) err = Math.max(err, Math.abs(back.samples[i] - 0.3 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
  assert.ok(err < 0.03, `within μ-law and resampling error (${err.toFixed(4)})`);
  assert.equal(Buffer.from(previewWavDataUrl(new Float32Array(4000), 4000)!.split(',')[1], 'base64').readUInt32LE(24), 4000, 'a 4 kHz recording keeps its rate');
});
