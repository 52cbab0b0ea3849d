import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logMelSpectrogram, SILENCE_LOG_MEL, periodicHann } from '../../../kernels/engine/audio/logMel';
import { frameCount, melAxes, melFilterbank, resolveFeatureParams, hzToMel } from '../../../kernels/engine/audio/melFilter';
import { RealFftMagnitude } from '../../../kernels/engine/audio/fft';
import { isInputError } from '../../../kernels/engine/errors';
import { SEED_PARAMS, VGGISH_PARAMS } from '../../../kernels/engine/types';
import { sine } from './wavBuilder';

test('silence gives ln(0.01) = −4.605170186 everywhere', () => {
  const m = logMelSpectrogram(new Float32Array(16000));
  assert.equal(m.frames, 98);
  assert.ok(Math.abs(SILENCE_LOG_MEL - -4.605170186) < 1e-9);
  for (const v of m.data) assert.ok(Math.abs(v - -4.605170186) < 1e-6);
});

test('3 s 1 kHz unit sine: 298 frames, peak in band 19 ≈ 4.8111, mean ≈ −3.4296 (anchors)', () => {
  const m = logMelSpectrogram(sine(1000, 3, 16000));
  assert.equal(m.frames, 298);
  assert.equal(m.bands, 64);
  const bandMean = new Float64Array(64);
  let total = 0;
  for (let f = 0; f < m.frames; f++) for (let b = 0; b < 64; b++) { bandMean[b] += m.data[f * 64 + b] / m.frames; total += m.data[f * 64 + b]; }
  const peak = bandMean.indexOf(Math.max(...bandMean));
  assert.equal(peak, 19);
  assert.ok(Math.abs(bandMean[19] - 4.8111) < 1e-3, `band 19 = ${bandMean[19]}`);
  assert.ok(Math.abs(total / m.data.length - -3.4296) < 1e-3, `mean = ${total / m.data.length}`);
});

test('frame counts: 15 600 → 96 (one patch), 15 360 → 94, 16 000 → 98, 399 → 0, 400 → 1', () => {
  for (const [n, frames] of [[15600, 96], [15360, 94], [16000, 98], [399, 0], [400, 1], [559, 1], [560, 2]]) {
    assert.equal(frameCount(n), frames, `${n} samples`);
    assert.equal(logMelSpectrogram(new Float32Array(n)).frames, frames, `${n} samples computed`);
  }
});

test('the real FFT magnitude equals a direct DFT', () => {
  const fft = new RealFftMagnitude(512);
  const x = Float32Array.from({ length: 400 }, (_, i) => Math.sin(i * 0.37) + 0.5 * Math.cos(i * 1.91) + ((i * 7919) % 13) / 13);
  const ones = new Float64Array(400).fill(1);
  const out = new Float64Array(257);
  fft.magnitude(x, 0, ones, out);
  for (const k of [0, 1, 2, 37, 128, 200, 255, 256]) {
    let re = 0, im = 0;
    for (let n = 0; n < 400; n++) { re += x[n] * Math.cos((2 * Math.PI * k * n) / 512); im -= x[n] * Math.sin((2 * Math.PI * k * n) / 512); }
    assert.ok(Math.abs(out[k] - Math.hypot(re, im)) < 1e-9, `bin ${k}`);
  }
});

test('periodic Hann of 400 sums to 200', () => {
  const w = periodicHann(400);
  assert.ok(Math.abs(w.reduce((a, b) => a + b, 0) - 200) < 1e-9);
  assert.equal(w[0], 0);
});

test('mel filterbank: DC weight 0, triangles peak at 1, axes in Hz ascending', () => {
  const bank = melFilterbank(VGGISH_PARAMS);
  assert.equal(bank.bands, 64);
  for (let b = 0; b < 64; b++) assert.ok(bank.firstBin[b] >= 1);
  const axes = melAxes(VGGISH_PARAMS, 10);
  assert.equal(axes.bandEdgesHz.length, 66);
  assert.ok(Math.abs(axes.bandEdgesHz[0] - 125) < 1e-9 && Math.abs(axes.bandEdgesHz[65] - 7500) < 1e-6);
  for (let i = 1; i < 66; i++) assert.ok(axes.bandEdgesHz[i] > axes.bandEdgesHz[i - 1]);
  // Edges are evenly spaced in HTK mel.
  const step = hzToMel(axes.bandEdgesHz[1]) - hzToMel(axes.bandEdgesHz[0]);
  assert.ok(Math.abs(hzToMel(axes.bandEdgesHz[40]) - hzToMel(axes.bandEdgesHz[39]) - step) < 1e-9);
  assert.deepEqual(axes.bandCentersHz, axes.bandEdgesHz.slice(1, 65));
});

test('cutoff drops the bands whose centre is above it; kept bands are unchanged', () => {
  const x = sine(700, 1, 16000, 0.3).map((v, i) => v + 0.2 * Math.sin(i * 0.9));
  const full = logMelSpectrogram(x, SEED_PARAMS);
  const cut = logMelSpectrogram(x, { ...SEED_PARAMS, bandCutoffHz: 1500 });
  assert.ok(cut.bands < 64 && cut.bands > 40, `kept ${cut.bands}`);
  assert.ok(cut.axes.bandCentersHz.every((c) => c <= 1500));
  assert.ok(full.axes.bandCentersHz[cut.bands] > 1500, 'the first dropped band is centred above the cutoff');
  assert.equal(cut.axes.bandEdgesHz.length, cut.bands + 2);
  assert.equal(cut.axes.melBands, 64);
  assert.equal(cut.axes.bandCutoffHz, 1500);
  for (let f = 0; f < cut.frames; f++) for (let b = 0; b < cut.bands; b++) assert.equal(cut.data[f * cut.bands + b], full.data[f * 64 + b]);
  // A cutoff at or above fmax keeps every band.
  assert.equal(logMelSpectrogram(x, { ...SEED_PARAMS, bandCutoffHz: 2000 }).bands, 64);
});

test('bad feature parameters are input errors naming the option', () => {
  const bad = [{ fmax: 9000 }, { fmin: 3000, fmax: 2000 }, { bands: 0 }, { bands: 2.5 }, { fmin: -1 }, { bandCutoffHz: 50 }];
  for (const p of bad) assert.throws(() => resolveFeatureParams(p), (e: unknown) => isInputError(e) && /^--\w+: /.test((e as Error).message), JSON.stringify(p));
});

test('FFT sizes with a radix-2 stage (odd log2 of n/2) and partial bin ranges are exact too', () => {
  for (const size of [16, 64, 1024]) {
    const fft = new RealFftMagnitude(size);
    const len = size - 3;
    const x = Float64Array.from({ length: len }, (_, i) => Math.sin(i * 0.7) + ((i * 31) % 7) / 7);
    const win = Float64Array.from({ length: len }, (_, i) => 0.5 + 0.5 * Math.cos(i));
    const out = new Float64Array(size / 2 + 1).fill(-1);
    fft.magnitude(x, 0, win, out, 2, size / 4);
    for (let k = 0; k <= size / 2; k++) {
      if (k < 2 || k > size / 4) { assert.equal(out[k], -1, `size ${size}: bin ${k} untouched`); continue; }
      let re = 0, im = 0;
      for (let n = 0; n < len; n++) { re += x[n] * win[n] * Math.cos((2 * Math.PI * k * n) / size); im -= x[n] * win[n] * Math.sin((2 * Math.PI * k * n) / size); }
      assert.ok(Math.abs(out[k] - Math.hypot(re, im)) < 1e-9, `size ${size}: bin ${k}`);
    }
  }
});

test('the float32 WebAssembly SIMD log-mel stays within the golden tolerance of the float64 JS path', async () => {
  const { LogMelFrameKernel } = await import('../../../kernels/engine/audio/logMel');
  // Loud and very quiet stretches: the quiet bands of loud frames are where precision shows.
  const x = Float32Array.from({ length: 16000 * 3 + 123 }, (_, i) => Math.sin(i * 0.05) * (i % 3000 < 1500 ? 1 : 1e-4) + ((i * 7919) % 1000) / 4e6);
  const frames = frameCount(x.length);
  // Bands below, across and above 4 kHz (bin 128): the kernel unpacks bins k and 256 − k together.
  const highBand = { fmin: 4200, fmax: 7900, bands: 24, bandCutoffHz: null };
  for (const params of [VGGISH_PARAMS, SEED_PARAMS, { ...SEED_PARAMS, bandCutoffHz: 1500 }, highBand]) {
    const bank = melFilterbank(params);
    const wasm = new LogMelFrameKernel(bank);
    assert.ok(wasm.usesWasm, 'WebAssembly SIMD is available in Node 20');
    const js = new LogMelFrameKernel(bank, { wasm: false });
    const a = new Float32Array(frames * bank.bands);
    const b = new Float32Array(frames * bank.bands);
    js.frames(x, 0, frames, a, 0);
    wasm.frames(x, 0, frames, b, 0);
    let max = 0;
    let sum = 0;
    for (let i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
      sum += Math.abs(a[i] - b[i]);
    }
    // The golden arrays allow 2e-3 / 2e-4 (max / mean) against numpy's float64; keep a margin of 2× / 4×.
    assert.ok(max < 1e-3, `max |wasm − js| = ${max}`);
    assert.ok(sum / a.length < 5e-5, `mean |wasm − js| = ${sum / a.length}`);
  }
});

test('the WebAssembly unpacking pass covers every bin a filterbank reads', async () => {
  const { unpackRange } = await import('../../../kernels/engine/accel/audio/fftWasm');
  for (let from = 0; from <= 256; from += 3) {
    for (let to = from; to <= 256; to += 5) {
      const [lo, hi, mirror] = unpackRange(from, to);
      const covered = new Set<number>();
      for (let k = lo; k <= hi; k++) {
        assert.ok(k >= 1 && k <= 128, `k = ${k} for bins ${from}..${to}`);
        covered.add(k);
        if (mirror) covered.add(256 - k);
      }
      for (let bin = Math.max(1, from); bin <= Math.min(255, to); bin++) assert.ok(covered.has(bin), `bin ${bin} of ${from}..${to}`);
    }
  }
});
