/**
 * The VGGish frame spectrum (periodic Hann 400 → |rfft 512|) and log-mel for four frames at a time in
 * WebAssembly SIMD (fft512.wat), in float32 like VGGish's own TensorFlow front end. Float32 doubles the
 * frames per instruction of the earlier float64 kernel; the log-mel stays within ≈ 5e-4 of a float64 FFT
 * (numpy's golden arrays allow 2e-3), far inside what any model reading it can tell apart. Unavailable
 * (null) where the runtime has no wasm SIMD; callers then use the float64 JS path (fft.ts).
 */
import { FFT512_WASM_BASE64 } from './fft512Wasm';

const WIN = 1024;
const TW = 12416;
const UNP = 20480;
const MAG = 28704;
const BANDS = 32816;
const WEIGHTS = 36912;
const MAX_WEIGHTS = 1026;
const MAX_BANDS = 256;
/** Where the caller's f32 samples go (the second 64 KiB page onwards). */
const SAMPLES = 65536;
const M = 256; // complex points

/**
 * The kernel's unpacking pass computes bin k and, with `mirror` set, bin 256 − k from the same loads, for
 * k = lo..hi ≤ 128: the smallest such pass covering bins from..to (within 1..255; 0 and 256 always come out).
 */
export function unpackRange(fromBin: number, toBin: number): [lo: number, hi: number, mirror: number] {
  const from = Math.max(1, fromBin);
  const to = Math.min(255, toBin);
  if (from > to) return [1, 0, 0];
  if (to <= 128) return [from, to, 0];
  if (from >= 128) return [256 - to, 256 - from, 1];
  return [Math.min(from, 256 - to), 128, 1];
}

export class WasmFrameSpectra {
  private readonly memory: WebAssembly.Memory;
  private readonly quadFn: (xa: number, xb: number, xc: number, xd: number, lo: number, hi: number, mirror: number) => void;
  private readonly framesFn: (x: number, count: number, lo: number, hi: number, mirror: number, bands: number, out: number) => void;
  private bands = 0;
  private sampleCapacity: number;

  private constructor(instance: WebAssembly.Instance, window: Float64Array) {
    this.memory = instance.exports.memory as WebAssembly.Memory;
    this.quadFn = instance.exports.quad as WasmFrameSpectra['quadFn'];
    this.framesFn = instance.exports.frames as WasmFrameSpectra['framesFn'];
    const mem = this.memory.buffer;
    new Float32Array(mem, WIN, 400).set(window);
    const tw = new Float32Array(mem, TW, (UNP - TW) / 4);
    let at = 0;
    for (const span of [4, 16, 64]) {
      const n = 4 * span;
      for (let k = 0; k < span; k++) {
        for (const q of [1, 2, 3]) {
          const c = Math.cos((2 * Math.PI * q * k) / n);
          const s = -Math.sin((2 * Math.PI * q * k) / n);
          tw.fill(c, at, at + 4);
          tw.fill(s, at + 4, at + 8);
          at += 8;
        }
      }
    }
    const unp = new Float32Array(mem, UNP, (MAG - UNP) / 4);
    for (let k = 0; k <= M; k++) {
      unp.fill(Math.cos((2 * Math.PI * k) / 512), 8 * k, 8 * k + 4);
      unp.fill(-Math.sin((2 * Math.PI * k) / 512), 8 * k + 4, 8 * k + 8);
    }
    this.sampleCapacity = (mem.byteLength - SAMPLES) / 4;
  }

  /** Null where WebAssembly SIMD is missing or LUNGCAM_NO_WASM is set. */
  static create(window: Float64Array): WasmFrameSpectra | null {
    if (process.env.LUNGCAM_NO_WASM || window.length !== 400) return null;
    try {
      const bytes = Buffer.from(FFT512_WASM_BASE64, 'base64');
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), {});
      return new WasmFrameSpectra(instance, window);
    } catch {
      return null;
    }
  }

  /** Grows the memory so that `floats` f32 values fit from SAMPLES on. */
  private reserve(floats: number): void {
    if (floats <= this.sampleCapacity) return;
    const needBytes = SAMPLES + floats * 4;
    this.memory.grow(Math.ceil((needBytes - this.memory.buffer.byteLength) / 65536));
    this.sampleCapacity = (this.memory.buffer.byteLength - SAMPLES) / 4;
  }

  /** Copies samples in; returns the byte offset of samples[0] inside wasm memory. */
  loadSamples(samples: Float32Array): number {
    this.reserve(samples.length);
    new Float32Array(this.memory.buffer, SAMPLES, samples.length).set(samples);
    return SAMPLES;
  }

  /**
   * Log-mel rows (ln(mel + 0.01), f32, rows of the setFilterbank() bands) of `count` frames, hop 160, of
   * `samples` (which must hold them all), written to out[outAt…]: one wasm call for the whole run.
   */
  logMelRows(samples: Float32Array, count: number, fromBin: number, toBin: number, out: Float32Array, outAt: number): void {
    this.inputView(samples.length, count).set(samples);
    this.logMelRowsOfInput(samples.length, count, fromBin, toBin, out, outAt);
  }

  /** Byte offset of the output rows after `sampleCount` samples (16-byte aligned). */
  private static rowsByte(sampleCount: number): number {
    return SAMPLES + 4 * ((sampleCount + 3) & ~3);
  }

  /**
   * A view of the module memory to put `sampleCount` samples in (room for `count` rows after them), for
   * logMelRowsOfInput(): callers that produce samples (a decoder, the resampler) write them here directly.
   * Valid until the next call on this object.
   */
  inputView(sampleCount: number, count: number): Float32Array {
    this.reserve((WasmFrameSpectra.rowsByte(sampleCount) - SAMPLES) / 4 + count * this.bands);
    return new Float32Array(this.memory.buffer, SAMPLES, sampleCount);
  }

  /** logMelRows() of the `sampleCount` samples already in inputView(sampleCount, count). */
  logMelRowsOfInput(sampleCount: number, count: number, fromBin: number, toBin: number, out: Float32Array, outAt: number): void {
    out.set(this.logMelRowsOfInputView(sampleCount, count, fromBin, toBin), outAt);
  }

  /** logMelRowsOfInput() leaving the rows in the module memory: a view, valid until the next call. */
  logMelRowsOfInputView(sampleCount: number, count: number, fromBin: number, toBin: number): Float32Array {
    const outByte = WasmFrameSpectra.rowsByte(sampleCount);
    this.framesFn(SAMPLES, count, ...unpackRange(fromBin, toBin), this.bands, outByte);
    return new Float32Array(this.memory.buffer, outByte, count * this.bands);
  }

  /** Spectra of the frames starting at sample offsets a, b, c, d of the loaded samples; bins from..to. */
  quad(a: number, b: number, c: number, d: number, fromBin: number, toBin: number): void {
    this.quadFn(SAMPLES + 4 * a, SAMPLES + 4 * b, SAMPLES + 4 * c, SAMPLES + 4 * d, ...unpackRange(fromBin, toBin));
  }

  /** Loads a sparse mel filterbank for logMelRows(); false when it does not fit the kernel's tables. */
  setFilterbank(bank: { bands: number; firstBin: Int32Array; length: Int32Array; weights: Float64Array; offset: Int32Array }): boolean {
    if (bank.bands > MAX_BANDS || bank.weights.length > MAX_WEIGHTS) return false;
    const mem = this.memory.buffer;
    const table = new Int32Array(mem, BANDS, 4 * bank.bands);
    for (let b = 0; b < bank.bands; b++) {
      table[4 * b] = bank.firstBin[b];
      table[4 * b + 1] = bank.length[b];
      table[4 * b + 2] = WEIGHTS + 16 * bank.offset[b];
      table[4 * b + 3] = 0;
    }
    // Each weight splatted (every lane): the kernel multiplies four frames' |X[k]| by it with one load.
    const splat = new Float32Array(mem, WEIGHTS, 4 * bank.weights.length);
    for (let i = 0; i < bank.weights.length; i++) splat.fill(bank.weights[i], 4 * i, 4 * i + 4);
    this.bands = bank.bands;
    return true;
  }
}
