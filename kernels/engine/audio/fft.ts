/**
 * Magnitude spectrum of a real frame: |rfft(x, n)|, n a power of two (512 for VGGish).
 * A real FFT of n points computed as a complex FFT of n/2 points (even samples as real part, odd as
 * imaginary) plus one unpacking pass; radix-2 decimation in time on split re/im Float64Arrays, with the
 * bit-reversal folded into loading the input. Twiddles are precomputed per size.
 */

export class RealFftMagnitude {
  readonly size: number;
  readonly bins: number;
  private readonly half: number;
  private readonly bitrev: Uint32Array;
  private readonly cos: Float64Array; // twiddles of the n/2 complex FFT: cos(2πk/(n/2)), k < n/4
  private readonly sin: Float64Array;
  private readonly unpackCos: Float64Array; // cos(2πk/n), k ≤ n/2
  private readonly unpackSin: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(size: number) {
    if (size < 4 || (size & (size - 1)) !== 0) throw new RangeError(`FFT size must be a power of two ≥ 4 (got ${size})`);
    this.size = size;
    this.half = size / 2;
    this.bins = size / 2 + 1;
    const m = this.half;
    const bits = Math.log2(m);
    this.bitrev = new Uint32Array(m);
    for (let i = 0; i < m; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.bitrev[i] = r;
    }
    this.cos = new Float64Array(m / 2);
    this.sin = new Float64Array(m / 2);
    for (let k = 0; k < m / 2; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / m);
      this.sin[k] = Math.sin((2 * Math.PI * k) / m);
    }
    this.unpackCos = new Float64Array(m + 1);
    this.unpackSin = new Float64Array(m + 1);
    for (let k = 0; k <= m; k++) {
      this.unpackCos[k] = Math.cos((2 * Math.PI * k) / size);
      this.unpackSin[k] = Math.sin((2 * Math.PI * k) / size);
    }
    this.re = new Float64Array(m);
    this.im = new Float64Array(m);
  }

  /**
   * Writes |X[k]|, k = 0..n/2, of the frame x[0..length) zero-padded to n, after multiplying by `window`
   * (same length as the frame). `x` is read from `offset`.
   */
  magnitude(x: Float32Array | Float64Array, offset: number, window: Float64Array, out: Float64Array): void {
    const { re, im, bitrev, half: m } = this;
    const len = window.length;
    // Load z[j] = x[2j] + i·x[2j+1] into bit-reversed positions (zero beyond the frame).
    for (let j = 0; j < m; j++) {
      const a = 2 * j;
      const r = bitrev[j];
      re[r] = a < len ? x[offset + a] * window[a] : 0;
      im[r] = a + 1 < len ? x[offset + a + 1] * window[a + 1] : 0;
    }
    // Stage 1 (span 1, twiddle 1) and stage 2 (span 2, twiddles 1 and −i) merged as radix-4 butterflies.
    for (let i = 0; i < m; i += 4) {
      const r0 = re[i], i0 = im[i], r1 = re[i + 1], i1 = im[i + 1];
      const r2 = re[i + 2], i2 = im[i + 2], r3 = re[i + 3], i3 = im[i + 3];
      const ar = r0 + r1, ai = i0 + i1, br = r0 - r1, bi = i0 - i1;
      const cr = r2 + r3, ci = i2 + i3, dr = r2 - r3, di = i2 - i3;
      re[i] = ar + cr; im[i] = ai + ci;
      re[i + 2] = ar - cr; im[i + 2] = ai - ci;
      // (br + i·bi) ± (−i)(dr + i·di) = (br ± di) + i(bi ∓ dr)
      re[i + 1] = br + di; im[i + 1] = bi - dr;
      re[i + 3] = br - di; im[i + 3] = bi + dr;
    }
    const cos = this.cos, sin = this.sin;
    for (let span = 4; span < m; span <<= 1) {
      const stride = m / (2 * span); // twiddle index step
      for (let start = 0; start < m; start += 2 * span) {
        for (let k = 0, t = 0; k < span; k++, t += stride) {
          const wr = cos[t], wi = -sin[t];
          const a = start + k, b = a + span;
          const xr = re[b] * wr - im[b] * wi;
          const xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr; im[b] = im[a] - xi;
          re[a] += xr; im[a] += xi;
        }
      }
    }
    // Unpack: X[k] = E[k] + W^k·O[k], E = (Z[k] + conj Z[m−k])/2, O = (Z[k] − conj Z[m−k])/(2i).
    out[0] = Math.abs(re[0] + im[0]);
    out[m] = Math.abs(re[0] - im[0]);
    const uc = this.unpackCos, us = this.unpackSin;
    for (let k = 1; k < m; k++) {
      const zr = re[k], zi = im[k], cr = re[m - k], ci = -im[m - k];
      const er = 0.5 * (zr + cr), ei = 0.5 * (zi + ci);
      // (Z − conj)/(2i) = (dzi/2) − i (dzr/2)
      const dr = zr - cr, di = zi - ci;
      const or = 0.5 * di, oi = -0.5 * dr;
      const wr = uc[k], wi = -us[k];
      const xr = er + or * wr - oi * wi;
      const xi = ei + or * wi + oi * wr;
      out[k] = Math.sqrt(xr * xr + xi * xi);
    }
  }
}
