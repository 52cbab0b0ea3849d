/**
 * 16 kHz samples → VGGish log-mel [frames, bands]: periodic Hann 400, hop 160, |rfft 512|, HTK mel
 * (melFilter.ts), ln(mel + 0.01). No padding; partial frames dropped. Float32 out; float32 inside on the
 * WebAssembly path (as VGGish's TensorFlow front end; fftWasm.ts), float64 in the JS fallback.
 * LogMelStream takes the audio in blocks so long files never need to be held whole.
 */
import { FFT_SIZE, HOP_SAMPLES, WINDOW_SAMPLES, type FeatureParams, type LogMel } from '../types';
import { RealFftMagnitude } from './fft';
import { WasmFrameSpectra } from '../accel';
import { frameCount, melAxes, melFilterbank, resolveFeatureParams, type MelFilterbank } from './melFilter';

/** Added to the mel energies before the log (VGGish's log_offset): silence gives ln(0.01). */
export const LOG_OFFSET = 0.01;
export const SILENCE_LOG_MEL = Math.log(LOG_OFFSET);

/** Periodic Hann: w[n] = 0.5 − 0.5 cos(2πn/N). */
export function periodicHann(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
}

/** Computes log-mel rows for frames of a sample buffer (on WebAssembly SIMD when available). */
export class LogMelFrameKernel {
  /** The JS FFT, made only where the WebAssembly path is missing (it loads fft.js and its tables). */
  private fftJs: RealFftMagnitude | null = null;
  private readonly window = periodicHann(WINDOW_SAMPLES);
  private readonly spectrum = new Float64Array(FFT_SIZE / 2 + 1);
  private readonly wasm: WasmFrameSpectra | null;
  private scratch = new Float32Array(0);
  private rowsScratch = new Float32Array(0);
  /** The bins any band reads: the rest of the spectrum is never unpacked. */
  private readonly fromBin: number;
  private readonly toBin: number;
  constructor(readonly bank: MelFilterbank, opts: { wasm?: boolean } = {}) {
    let from = FFT_SIZE / 2;
    let to = 0;
    for (let b = 0; b < bank.bands; b++) {
      if (bank.length[b] === 0) continue;
      from = Math.min(from, bank.firstBin[b]);
      to = Math.max(to, bank.firstBin[b] + bank.length[b] - 1);
    }
    this.fromBin = Math.min(from, to);
    this.toBin = to;
    const wasm = opts.wasm === false ? null : WasmFrameSpectra.create(this.window);
    // The kernel's tables hold every filterbank melFilterbank() makes (≤ 256 bands, a bin in ≤ 2 of
    // them); one that did not fit would take the JS path.
    this.wasm = wasm && wasm.setFilterbank(bank) ? wasm : null;
  }

  /** True when frames() runs on WebAssembly SIMD. */
  get usesWasm(): boolean {
    return this.wasm !== null;
  }

  /**
   * A buffer for `sampleCount` 16 kHz samples from which framesOfInput() computes `count` frames: in the
   * WebAssembly memory when the whole frame runs there, so whoever produces the samples (the decoder, the
   * resampler) writes them where the kernel reads them. Valid until the next call on this kernel.
   */
  inputBuffer(sampleCount: number, count: number): Float32Array {
    if (this.wasm) return this.wasm.inputView(sampleCount, count);
    if (this.scratch.length < sampleCount) this.scratch = new Float32Array(sampleCount);
    return this.scratch.subarray(0, sampleCount);
  }

  /** frames() of the first `count` frames of the last inputBuffer(sampleCount, count). */
  framesOfInput(sampleCount: number, count: number, out: Float32Array, outRow: number): void {
    if (this.wasm) this.wasm.logMelRowsOfInput(sampleCount, count, this.fromBin, this.toBin, out, outRow * this.bank.bands);
    else this.frames(this.scratch.subarray(0, sampleCount), 0, count, out, outRow);
  }

  /**
   * framesOfInput() returning the `count` rows as a view (of the WebAssembly memory where the frame runs
   * there) instead of copying them: for a caller that writes them straight to a file. Valid until the
   * next call on this kernel.
   */
  framesOfInputView(sampleCount: number, count: number): Float32Array {
    if (this.wasm) return this.wasm.logMelRowsOfInputView(sampleCount, count, this.fromBin, this.toBin);
    const size = count * this.bank.bands;
    if (this.rowsScratch.length < size) this.rowsScratch = new Float32Array(size);
    const rows = this.rowsScratch.subarray(0, size);
    this.frames(this.scratch.subarray(0, sampleCount), 0, count, rows, 0);
    return rows;
  }

  /** Writes `count` frames starting at samples[start], hop 160, into out[outRow…] (rows of bank.bands). */
  frames(samples: Float32Array, start: number, count: number, out: Float32Array, outRow: number): void {
    if (this.wasm) {
      // Bounded chunks keep the wasm memory small whatever the input length.
      const CHUNK = 4096;
      for (let f = 0; f < count; f += CHUNK) {
        const n = Math.min(CHUNK, count - f);
        const s0 = start + f * HOP_SAMPLES;
        const chunk = samples.subarray(s0, s0 + (n - 1) * HOP_SAMPLES + WINDOW_SAMPLES);
        this.wasm.logMelRows(chunk, n, this.fromBin, this.toBin, out, (outRow + f) * this.bank.bands);
      }
      return;
    }
    const { bank, spectrum } = this;
    const fft = (this.fftJs ??= new RealFftMagnitude(FFT_SIZE));
    for (let f = 0; f < count; f++) {
      fft.magnitude(samples, start + f * HOP_SAMPLES, this.window, spectrum, this.fromBin, this.toBin);
      this.melRow(spectrum, out, (outRow + f) * bank.bands);
    }
  }

  /** ln(mel + 0.01) of one magnitude spectrum, into out[at…]. */
  private melRow(spectrum: Float64Array, out: Float32Array, at: number): void {
    const { bands, firstBin, length, weights, offset } = this.bank;
    for (let b = 0; b < bands; b++) {
      let s = 0;
      const w0 = offset[b] - firstBin[b];
      for (let k = firstBin[b], end = firstBin[b] + length[b]; k < end; k++) s += weights[w0 + k] * spectrum[k];
      out[at + b] = Math.log(s + LOG_OFFSET);
    }
  }
}

/**
 * Log-mel of a stream of 16 kHz blocks. Give `expectedSamples` when the total is known to allocate the
 * output once (long files); otherwise it grows.
 */
export class LogMelStream {
  readonly params: FeatureParams;
  private readonly kernel: LogMelFrameKernel;
  private readonly bands: number;
  private out: Float32Array;
  private rows = 0;
  private carry = new Float32Array(0);

  constructor(params?: Partial<FeatureParams>, expectedSamples?: number) {
    this.params = resolveFeatureParams(params);
    this.kernel = new LogMelFrameKernel(melFilterbank(this.params));
    this.bands = this.kernel.bank.bands;
    this.out = new Float32Array(Math.max(1, expectedSamples === undefined ? 1024 : frameCount(expectedSamples)) * this.bands);
  }

  push(block: Float32Array): void {
    let buf: Float32Array;
    if (this.carry.length === 0) buf = block;
    else {
      buf = new Float32Array(this.carry.length + block.length);
      buf.set(this.carry);
      buf.set(block, this.carry.length);
    }
    const n = frameCount(buf.length);
    if (n > 0) {
      const need = (this.rows + n) * this.bands;
      if (need > this.out.length) {
        const grown = new Float32Array(Math.max(need, this.out.length * 2));
        grown.set(this.out.subarray(0, this.rows * this.bands));
        this.out = grown;
      }
      this.kernel.frames(buf, 0, n, this.out, this.rows);
      this.rows += n;
    }
    this.carry = buf.slice(n * HOP_SAMPLES);
  }

  /** The [frames, bands] result (partial last frame dropped). */
  finish(): { data: Float32Array; frames: number; bands: number } {
    const size = this.rows * this.bands;
    const data = size === this.out.length ? this.out : this.out.slice(0, size);
    return { data, frames: this.rows, bands: this.bands };
  }
}

/** Log-mel of 16 kHz mono samples. */
export function logMelSpectrogram(samples16k: Float32Array, params?: Partial<FeatureParams>): LogMel {
  const stream = new LogMelStream(params, samples16k.length);
  stream.push(samples16k);
  const { data, frames, bands } = stream.finish();
  return { data, frames, bands, axes: melAxes(stream.params, frames), params: stream.params };
}
