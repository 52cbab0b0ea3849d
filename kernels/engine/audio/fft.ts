/**
 * Magnitude spectrum of a real frame: |rfft(x, n)|, n a power of two (512 for VGGish).
 * The FFT is fft.js (indutny; radix-4 with a real-input path): measured on this recipe it was ≈1.3–1.6×
 * faster than our own radix-4 real FFT (complex n/2 + unpack), so we use it rather than keep our own.
 * Only the bins the caller needs get a magnitude (the mel filterbank never reads the rest).
 */
import type FFT from 'fft.js';

export class RealFftMagnitude {
  readonly size: number;
  readonly bins: number;
  private readonly fft: FFT;
  private readonly input: Float64Array;
  private readonly spectrum: Float64Array; // interleaved re, im; bins 0..n/2 are filled by realTransform

  constructor(size: number) {
    if (size < 4 || (size & (size - 1)) !== 0) throw new RangeError(`FFT size must be a power of two ≥ 4 (got ${size})`);
    this.size = size;
    this.bins = size / 2 + 1;
    // Required here, not imported: the WebAssembly path (fftWasm.ts) never needs the package loaded.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded lazily (see above)
    const FftJs = require('fft.js') as typeof FFT;
    this.fft = new FftJs(size);
    this.input = new Float64Array(size);
    this.spectrum = new Float64Array(2 * size);
  }

  /**
   * Writes |X[k]| for k = fromBin..toBin (inclusive, within 0..n/2) of the frame x[offset …] multiplied by
   * `window` (the frame length) and zero-padded to n. Other entries of `out` are left as they were.
   */
  magnitude(x: Float32Array | Float64Array, offset: number, window: Float64Array, out: Float64Array, fromBin = 0, toBin = this.size / 2): void {
    const { input, spectrum } = this;
    const len = window.length;
    for (let i = 0; i < len; i++) input[i] = x[offset + i] * window[i];
    // input[len..n) stays zero: nothing else writes there.
    this.fft.realTransform(spectrum, input);
    for (let k = fromBin; k <= toBin; k++) {
      const re = spectrum[2 * k];
      const im = spectrum[2 * k + 1];
      out[k] = Math.sqrt(re * re + im * im);
    }
  }
}
