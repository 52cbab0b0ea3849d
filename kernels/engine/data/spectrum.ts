/**
 * Frequency-domain tools for the synthesiser (FFTs by fft.js): coloured noise made directly in the
 * frequency domain, zero-phase filtering by a magnitude response given as a function of frequency, and
 * polyphase upsampling. Shaping noise this way lets the generator use the literature's spectra directly
 * (knee frequency, dB per octave) instead of approximating them with fixed-order IIR filters.
 */
import FFT from 'fft.js';
import type { Rng } from './random';

/** Magnitude response: gain (linear) at a frequency in Hz. */
export type MagnitudeResponse = (hz: number) => number;

const fftCache = new Map<number, FFT>();
function fftOf(size: number): FFT {
  let f = fftCache.get(size);
  if (!f) {
    if (fftCache.size > 6) fftCache.clear();
    f = new FFT(size);
    fftCache.set(size, f);
  }
  return f;
}

/**
 * Gains of `response` at the bins 0..size/2 of a length-`size` transform. The responses are smooth, so
 * they are evaluated exactly on a grid of at most 4097 points and interpolated linearly in between
 * (evaluating Math.pow at every one of 500 000 bins was a third of the synthesis time).
 */
export function binGains(response: MagnitudeResponse, sampleRate: number, size: number): Float64Array {
  const bins = size / 2 + 1;
  const gains = new Float64Array(bins);
  const step = Math.max(1, Math.floor((bins - 1) / 4096));
  for (let k = 0; k < bins; k += step) gains[k] = response((k * sampleRate) / size);
  gains[bins - 1] = response(sampleRate / 2);
  for (let k0 = 0; k0 < bins - 1; k0 += step) {
    const k1 = Math.min(k0 + step, bins - 1);
    const g0 = gains[k0];
    const g1 = gains[k1];
    for (let k = k0 + 1; k < k1; k++) gains[k] = g0 + ((g1 - g0) * (k - k0)) / (k1 - k0);
  }
  return gains;
}

export function nextPowerOfTwo(n: number): number {
  let p = 4;
  while (p < n) p *= 2;
  return p;
}

/**
 * Two independent stationary noises of length n with amplitude spectra `responseA` and `responseB`
 * (unit-variance white noise before shaping), made with one inverse FFT: Z = A + iB with A and B
 * Hermitian, so the real part is one noise and the imaginary part the other. Uniform random spectral
 * values are enough: the inverse transform sums thousands of them, so the output is Gaussian.
 */
export function colouredNoisePair(
  rng: Rng,
  n: number,
  sampleRate: number,
  responseA: MagnitudeResponse,
  responseB: MagnitudeResponse,
): [Float64Array, Float64Array] {
  const size = nextPowerOfTwo(n);
  const f = fftOf(size);
  const spec = new Float64Array(2 * size);
  // Per bin of a length-`size` transform of white noise with variance 1: E|X|² = size.
  const s = Math.sqrt(size / 2) * Math.sqrt(3);
  const gainsA = binGains(responseA, sampleRate, size);
  const gainsB = binGains(responseB, sampleRate, size);
  for (let k = 1; k < size / 2; k++) {
    const ga = gainsA[k] * s;
    const gb = gainsB[k] * s;
    const ar = ga * (2 * rng.next() - 1), ai = ga * (2 * rng.next() - 1);
    const br = gb * (2 * rng.next() - 1), bi = gb * (2 * rng.next() - 1);
    // Z[k] = A + iB, Z[size−k] = conj(A) + i·conj(B)
    spec[2 * k] = ar - bi;
    spec[2 * k + 1] = ai + br;
    const m = size - k;
    spec[2 * m] = ar + bi;
    spec[2 * m + 1] = -ai + br;
  }
  const out = f.createComplexArray() as number[];
  f.inverseTransform(out, spec as unknown as number[]);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = out[2 * i];
    b[i] = out[2 * i + 1];
  }
  return [a, b];
}

/**
 * Filters a real signal by a zero-phase magnitude response. The transform is circular over a
 * power-of-two length ≥ n + padSamples; the padding keeps the end of a signal from ringing into its start.
 */
export function filterSignal(x: Float64Array, sampleRate: number, response: MagnitudeResponse, padSamples = 0): Float64Array {
  const n = x.length;
  const size = nextPowerOfTwo(n + padSamples);
  const f = fftOf(size);
  const input = new Float64Array(size);
  input.set(x);
  const spec = f.createComplexArray() as number[];
  f.realTransform(spec, input as unknown as number[]);
  f.completeSpectrum(spec);
  const gains = binGains(response, sampleRate, size);
  for (let k = 0; k <= size / 2; k++) {
    const g = gains[k];
    spec[2 * k] *= g;
    spec[2 * k + 1] *= g;
    if (k > 0 && k < size / 2) {
      const m = size - k;
      spec[2 * m] *= g;
      spec[2 * m + 1] *= g;
    }
  }
  const out = f.createComplexArray() as number[];
  f.inverseTransform(out, spec);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = out[2 * i];
  return y;
}

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 40; k++) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
  }
  return sum;
}

const upsampleKernels = new Map<number, Float64Array[]>();

/** Polyphase kernels of a Kaiser-windowed sinc (16 zero crossings a side, cutoff 0.9 × old Nyquist). */
function kernelsFor(factor: number): Float64Array[] {
  const cached = upsampleKernels.get(factor);
  if (cached) return cached;
  const zeros = 16;
  const beta = 8;
  const cutoff = 0.9;
  const phases: Float64Array[] = [];
  for (let p = 0; p < factor; p++) {
    const taps = new Float64Array(2 * zeros);
    for (let j = 0; j < 2 * zeros; j++) {
      // Output at base + p/factor takes input base + j − zeros + 1, at distance t (in input samples).
      const t = j - zeros + 1 - p / factor;
      const x = t * cutoff;
      const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
      const r = t / zeros;
      const w = Math.abs(r) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - r * r)) / besselI0(beta);
      taps[j] = cutoff * sinc * w;
    }
    phases.push(taps);
  }
  upsampleKernels.set(factor, phases);
  return phases;
}

/** Upsamples by a whole factor (band-limited interpolation); factor 1 returns the input. */
export function upsample(x: Float64Array, factor: number): Float64Array {
  if (factor === 1) return x;
  const kernels = kernelsFor(factor);
  const zeros = kernels[0].length / 2;
  const n = x.length;
  const y = new Float64Array(n * factor);
  for (let base = 0; base < n; base++) {
    const first = base - zeros + 1;
    for (let p = 0; p < factor; p++) {
      const taps = kernels[p];
      let s = 0;
      if (first >= 0 && first + taps.length <= n) {
        for (let j = 0; j < taps.length; j++) s += taps[j] * x[first + j];
      } else {
        for (let j = 0; j < taps.length; j++) {
          const i = first + j;
          if (i >= 0 && i < n) s += taps[j] * x[i];
        }
      }
      y[base * factor + p] = s;
    }
  }
  return y;
}

/** Gain that is flat to `kneeHz` and then falls `dbPerOctave` (smooth Butterworth-like corner). */
export function kneeResponse(kneeHz: number, dbPerOctave: number): MagnitudeResponse {
  const order = dbPerOctave / 6.0206; // 6.02 dB per octave per order of (f/knee)
  return (hz) => Math.pow(1 + (hz / kneeHz) ** 2, -order / 2);
}

/** A high-pass corner: rises `dbPerOctave` below `cornerHz`. */
export function highPassResponse(cornerHz: number, dbPerOctave: number): MagnitudeResponse {
  const order = dbPerOctave / 6.0206;
  return (hz) => (hz <= 0 ? 0 : Math.pow(1 + (cornerHz / hz) ** 2, -order / 2));
}

/** Root mean square of a signal (0 for an empty one). */
export function rms(x: ArrayLike<number>, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i] * x[i];
  return to > from ? Math.sqrt(s / (to - from)) : 0;
}
