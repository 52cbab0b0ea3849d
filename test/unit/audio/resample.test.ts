import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resample, StreamingResampler } from '../../../kernels/engine/audio/resample';
import { sine } from './wavBuilder';

const rms = (x: Float32Array, from = 0, to = x.length) => {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return Math.sqrt(s / (to - from));
};

test('output length is floor(n · 16000 / rate) for rates from 4 kHz to 192 kHz', () => {
  for (const rate of [4000, 8000, 11025, 22050, 32000, 44100, 48000, 96000, 192000, 44101]) {
    for (const n of [0, 1, 7, 1000, 12345]) {
      assert.equal(resample(new Float32Array(n), rate).length, Math.floor((n * 16000) / rate), `${n} samples at ${rate} Hz`);
    }
  }
});

test('a 1 kHz tone keeps its amplitude and phase through 44.1 kHz → 16 kHz', () => {
  const y = resample(sine(1000, 1, 44100), 44100);
  const ref = sine(1000, 1, 16000);
  let maxErr = 0;
  for (let i = 2000; i < 14000; i++) maxErr = Math.max(maxErr, Math.abs(y[i] - ref[i]));
  assert.ok(maxErr < 1e-3, `max error ${maxErr}`);
});

test('upsampling 8 kHz → 16 kHz reproduces a 500 Hz tone', () => {
  const y = resample(sine(500, 1, 8000), 8000);
  const ref = sine(500, 1, 16000);
  let maxErr = 0;
  for (let i = 2000; i < 14000; i++) maxErr = Math.max(maxErr, Math.abs(y[i] - ref[i]));
  assert.ok(maxErr < 1e-3, `max error ${maxErr}`);
});

test('content above the new Nyquist is removed (no aliasing): 10 kHz at 48 kHz → below −80 dB', () => {
  const y = resample(sine(10000, 1, 48000), 48000);
  assert.ok(rms(y, 2000, 14000) < 1e-4 * Math.SQRT1_2, `rms ${rms(y, 2000, 14000)}`);
});

test('streaming in uneven blocks gives exactly the one-shot result', () => {
  for (const rate of [44100, 8000, 44101]) {
    const x = Float32Array.from({ length: 30011 }, (_, i) => Math.sin(i * 0.01) * Math.cos(i * 0.123) + ((i * 7919) % 101) / 500);
    const whole = resample(x, rate);
    const r = new StreamingResampler(rate);
    const parts: Float32Array[] = [];
    let at = 0;
    for (const size of [1, 5, 999, 3, 7000, 13, 20000, 9999]) {
      parts.push(r.push(x.subarray(at, Math.min(x.length, at + size))));
      at = Math.min(x.length, at + size);
    }
    parts.push(r.finish());
    const joined = Float32Array.from(parts.flatMap((p) => Array.from(p)));
    assert.equal(joined.length, whole.length, `${rate}: length`);
    for (let i = 0; i < whole.length; i++) assert.equal(joined[i], whole[i], `${rate}: sample ${i}`);
  }
});

test('16 kHz input is copied unchanged', () => {
  const x = Float32Array.from([0.1, -0.2, 0.3]);
  assert.deepEqual(Array.from(resample(x, 16000)), Array.from(x));
});

test('the WebAssembly SIMD resampler gives exactly the JS result, edges included', async () => {
  const { ResampleKernel } = await import('../../../kernels/engine/audio/resample');
  const x = Float32Array.from({ length: 20011 }, (_, i) => Math.sin(i * 0.013) + ((i * 7919) % 101) / 300);
  for (const rate of [44100, 48000, 22050, 8000, 11025, 192000]) {
    const wasm = new ResampleKernel(rate);
    assert.ok(wasm.usesWasm, `${rate}: WebAssembly SIMD is available in Node 20`);
    const js = new ResampleKernel(rate, 16000, { wasm: false });
    const n = wasm.outputLength(x.length);
    const a = new Float32Array(n);
    const b = new Float32Array(n);
    js.render(x, 0, 0, n, a, 0);
    wasm.render(x, 0, 0, n, b, 0);
    for (let i = 0; i < n; i++) assert.equal(b[i], a[i], `${rate} Hz: output ${i}`);
    // A slice in the middle, with its input given from an offset.
    const [t0, t1] = [Math.floor(n / 4), Math.floor(n / 2)];
    const [lo, hi] = wasm.inputRange(t0, t1);
    const c = new Float32Array(t1 - t0);
    wasm.render(x.subarray(lo, hi), lo, t0, t1, c, 0);
    for (let i = 0; i < c.length; i++) assert.equal(c[i], a[t0 + i], `${rate} Hz: slice output ${i}`);
  }
});
