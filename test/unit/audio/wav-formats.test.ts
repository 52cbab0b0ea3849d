import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeWav, ULAW_TABLE, ALAW_TABLE } from '../../../kernels/engine/audio/wav';
import { isInputError } from '../../../kernels/engine/errors';
import { ULAW_EXPECTED, ALAW_EXPECTED } from './g711Tables';
import { chunk, encodeSamples, fmtBody, riff } from './wavBuilder';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-7) => {
  assert.equal(a.length, b.length, 'length');
  for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i] - b[i]) <= tol, `sample ${i}: ${a[i]} vs ${b[i]}`);
};

test('PCM 8-bit unsigned: (x − 128)/128', () => {
  const wav = riff([chunk('fmt ', fmtBody(1, 1, 8000, 8)), chunk('data', encodeSamples([0, 64, 128, 192, 255], 'u8'))]);
  const a = decodeWav(wav);
  assert.equal(a.sampleRate, 8000);
  close(a.samples, [-1, -0.5, 0, 0.5, 127 / 128]);
});

test('PCM 16-bit: x / 32768', () => {
  const wav = riff([chunk('fmt ', fmtBody(1, 1, 16000, 16)), chunk('data', encodeSamples([-32768, -16384, 0, 16384, 32767], 'i16'))]);
  close(decodeWav(wav).samples, [-1, -0.5, 0, 0.5, 32767 / 32768]);
});

test('PCM 24-bit: x / 2^23, sign-extended', () => {
  const wav = riff([chunk('fmt ', fmtBody(1, 1, 44100, 24)), chunk('data', encodeSamples([-8388608, -1, 0, 4194304, 8388607], 'i24'))]);
  close(decodeWav(wav).samples, [-1, -1 / 8388608, 0, 0.5, 8388607 / 8388608]);
});

test('PCM 32-bit: x / 2^31', () => {
  const wav = riff([chunk('fmt ', fmtBody(1, 1, 48000, 32)), chunk('data', encodeSamples([-2147483648, 0, 1073741824, 2147483647], 'i32'))]);
  close(decodeWav(wav).samples, [-1, 0, 0.5, 1]);
});

test('a block align wider than the samples is a wider container only when the byte rate agrees', () => {
  // SPRSound's files: 16-bit mono at 8 kHz, byte rate 16000 (2 bytes a frame), but a block align of 4.
  const sprsound = fmtBody(1, 1, 8000, 16);
  new DataView(sprsound.buffer).setUint16(12, 4, true);
  const a = decodeWav(riff([chunk('fmt ', sprsound), chunk('data', encodeSamples([-32768, -16384, 0, 16384], 'i16'))]));
  close(a.samples, [-1, -0.5, 0, 0.5]);
  // 24-bit samples in 32-bit containers: block align and byte rate both say 4 bytes a frame.
  const wide = fmtBody(1, 1, 8000, 24);
  new DataView(wide.buffer).setUint16(12, 4, true);
  new DataView(wide.buffer).setUint32(8, 32000, true);
  close(decodeWav(riff([chunk('fmt ', wide), chunk('data', encodeSamples([-2147483648, 1073741824], 'i32'))])).samples, [-1, 0.5]);
});

test('IEEE float 32 and 64 are read as stored', () => {
  const values = [-1, -0.25, 0, 0.125, 0.999, 1.5];
  close(decodeWav(riff([chunk('fmt ', fmtBody(3, 1, 16000, 32)), chunk('data', encodeSamples(values, 'f32'))])).samples, values);
  close(decodeWav(riff([chunk('fmt ', fmtBody(3, 1, 16000, 64)), chunk('data', encodeSamples(values, 'f64'))])).samples, values);
});

test('μ-law and A-law tables equal G.711', () => {
  assert.deepEqual(Array.from(ULAW_TABLE), ULAW_EXPECTED);
  assert.deepEqual(Array.from(ALAW_TABLE), ALAW_EXPECTED);
});

test('μ-law and A-law files decode every byte through the G.711 tables / 32768', () => {
  const codes = Array.from({ length: 256 }, (_, i) => i);
  const mu = decodeWav(riff([chunk('fmt ', fmtBody(7, 1, 8000, 8)), chunk('data', encodeSamples(codes, 'raw8'))]));
  close(mu.samples, ULAW_EXPECTED.map((v) => v / 32768), 0);
  const al = decodeWav(riff([chunk('fmt ', fmtBody(6, 1, 8000, 8)), chunk('data', encodeSamples(codes, 'raw8'))]));
  close(al.samples, ALAW_EXPECTED.map((v) => v / 32768), 0);
});

test('WAVE_FORMAT_EXTENSIBLE with PCM, float and μ-law sub-formats', () => {
  const pcm = riff([chunk('fmt ', fmtBody(1, 2, 16000, 24, 1)), chunk('data', encodeSamples([4194304, -4194304, 8388607, 8388607], 'i24'))]);
  close(decodeWav(pcm).samples, [0, 8388607 / 8388608]);
  const flt = riff([chunk('fmt ', fmtBody(3, 1, 16000, 32, 3)), chunk('data', encodeSamples([0.5, -0.5], 'f32'))]);
  close(decodeWav(flt).samples, [0.5, -0.5]);
  const mu = riff([chunk('fmt ', fmtBody(7, 1, 8000, 8, 7)), chunk('data', encodeSamples([0, 255], 'raw8'))]);
  close(decodeWav(mu).samples, [ULAW_EXPECTED[0] / 32768, ULAW_EXPECTED[255] / 32768]);
});

test('any channel count is averaged to mono', () => {
  // 3 channels, 2 frames: (0.5, 0.25, 0) and (−1, 1, 0.75)
  const values = [16384, 8192, 0, -32768, 32767, 24576];
  const a = decodeWav(riff([chunk('fmt ', fmtBody(1, 3, 16000, 16)), chunk('data', encodeSamples(values, 'i16'))]));
  assert.equal(a.channels, 3);
  close(a.samples, [(0.5 + 0.25) / 3, (-1 + 32767 / 32768 + 0.75) / 3]);
  const six = decodeWav(riff([chunk('fmt ', fmtBody(3, 6, 16000, 32)), chunk('data', encodeSamples([1, 1, 1, 0, 0, 0], 'f32'))]));
  close(six.samples, [0.5]);
});

test('chunks in any order, odd-sized chunks with their pad byte, unknown chunks skipped', () => {
  const data = chunk('data', encodeSamples([1000, -1000, 2000], 'i16'));
  const wav = riff([
    chunk('LIST', new Uint8Array([1, 2, 3])), // odd: pad byte follows
    chunk('junk', new Uint8Array(7)),
    data,
    chunk('cue ', new Uint8Array(5)),
    chunk('fmt ', fmtBody(1, 1, 22050, 16)),
  ]);
  const a = decodeWav(wav);
  assert.equal(a.sampleRate, 22050);
  close(a.samples, [1000 / 32768, -1000 / 32768, 2000 / 32768]);
  assert.deepEqual(a.warnings, []);
});

test('an odd-sized 8-bit data chunk followed by another chunk', () => {
  const wav = riff([chunk('fmt ', fmtBody(1, 1, 8000, 8)), chunk('data', encodeSamples([128, 255, 0], 'u8')), chunk('LIST', new Uint8Array(4))]);
  close(decodeWav(wav).samples, [0, 127 / 128, -1]);
});

test('a truncated data chunk is read to the end of the file with a warning', () => {
  const full = riff([chunk('fmt ', fmtBody(1, 1, 16000, 16)), chunk('data', encodeSamples(Array.from({ length: 1000 }, (_, i) => i), 'i16'))]);
  const cut = full.subarray(0, full.length - 301); // ends inside a sample
  const a = decodeWav(cut, 'cut.wav');
  assert.equal(a.samples.length, 849);
  assert.equal(a.samples[848], 848 / 32768);
  assert.equal(a.warnings.length, 1);
  assert.match(a.warnings[0], /cut\.wav: truncated data chunk/);
});

test('unsupported encodings are named', () => {
  const mp3InWav = riff([chunk('fmt ', fmtBody(0x55, 2, 44100, 0)), chunk('data', new Uint8Array(100))]);
  assert.throws(() => decodeWav(mp3InWav, 'x.wav'), (e: unknown) => isInputError(e) && /MP3/.test((e as Error).message) && /^x\.wav: /.test((e as Error).message));
  const adpcm = riff([chunk('fmt ', fmtBody(2, 1, 8000, 4)), chunk('data', new Uint8Array(100))]);
  assert.throws(() => decodeWav(adpcm), (e: unknown) => isInputError(e) && /ADPCM/.test((e as Error).message));
});
