/**
 * Band-limited resampling to 16 kHz with resampy's `kaiser_best` filter (what VGGish used): a Kaiser-windowed
 * sinc tabulated per zero crossing and linearly interpolated in the table — the weights resampy computes,
 * so results match it closely. Output length floor(n · toRate / fromRate), as resampy.
 *
 * Which kaiser_best — what we use and why: 50 zero crossings, Kaiser beta 12.9846, roll-off 0.917347 of
 * Nyquist, 2^13 = 8192 table points per zero crossing. That is the filter resampy ≥ 0.3 ships as
 * kaiser_best (re-designed with optuna; its filters.py docstring gives the values to 6 digits), and the
 * golden files were made with resampy 0.4: the golden 44.1 kHz case matches it (test/unit/audio/
 * golden.test.ts). Descriptions of kaiser_best taken from older resampy (≤ 0.2: 64 crossings, beta
 * 14.769656459379492, roll-off 0.9475937167399596, 2^9 points) do not describe what resampy 0.4 computes,
 * so we do not use them; ../shared/notes/anchors.md names kaiser_best without its parameters.
 *
 * Where the ratio is rational with a modest number of phases (every common rate: 44.1k→16k has 160) the
 * weights are computed once per phase (polyphase); otherwise per output sample. Works on streams: push
 * blocks, then finish().
 */

import { wasmResampler, type WasmResampler } from '../accel';

const NUM_ZEROS = 50;
const PRECISION_BITS = 13;
const KAISER_BETA = 12.9846;
const ROLLOFF = 0.917347;
/** Polyphase tables above this many weights are not worth their memory; compute per sample instead. */
const MAX_TABLE_WEIGHTS = 4_000_000;

/** Modified Bessel function of the first kind, order 0 (power series; converges fast for x ≤ 30). */
function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 200; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

const HALF_WINDOW_LENGTH = (1 << PRECISION_BITS) * NUM_ZEROS + 1;
let i0Beta: number | undefined;
/** Values of the half window computed so far (NaN = not yet): a rate pair reads only a few of its 409 601. */
let halfWindowMemo: Float64Array | undefined;

/**
 * resampy's kaiser_best half window at index i: rolloff·sinc(rolloff·t)·kaiser, t = i / 2^PRECISION_BITS
 * zero crossings. Computed on demand — the full table costs ≈ 400 000 Bessel series (tens of ms at every
 * start-up), while 44.1 kHz → 16 kHz reads ≈ 90 000 of them — and the same arithmetic either way.
 */
function halfWindowAt(i: number): number {
  const memo = (halfWindowMemo ??= new Float64Array(HALF_WINDOW_LENGTH).fill(NaN));
  const known = memo[i];
  if (known === known) return known;
  i0Beta ??= besselI0(KAISER_BETA);
  const n = HALF_WINDOW_LENGTH - 1;
  const t = (i / n) * NUM_ZEROS;
  const x = ROLLOFF * t;
  const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
  // Right half of a symmetric Kaiser window of 2n+1 points (scipy.signal.kaiser, sym=True).
  const r = i / n;
  const taper = besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - r * r))) / i0Beta;
  return (memo[i] = ROLLOFF * sinc * taper);
}

/** The whole kaiser_best half window (NUM_ZEROS · 2^PRECISION_BITS + 1 values). */
export function kaiserBestHalfWindow(): Float64Array {
  return Float64Array.from({ length: HALF_WINDOW_LENGTH }, (_, i) => halfWindowAt(i));
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** The filter, scaled as resampy scales it for a given ratio. */
interface ScaledFilter {
  /** The scaled window at i (resampy's `interp_win`), and its forward difference (`interp_delta`, 0 at the end). */
  win: (i: number) => number;
  delta: (i: number) => number;
  /** Length of the window table. */
  length: number;
  /** Table step between taps (int(scale · 2^precision)). */
  step: number;
  /** min(1, toRate / fromRate). */
  scale: number;
  numTable: number;
}

function scaledFilter(ratio: number): ScaledFilter {
  const win = ratio < 1 ? (i: number) => halfWindowAt(i) * ratio : halfWindowAt;
  const length = HALF_WINDOW_LENGTH;
  const delta = (i: number) => (i < length - 1 ? win(i + 1) - win(i) : 0);
  const scale = Math.min(1, ratio);
  const numTable = 1 << PRECISION_BITS;
  return { win, delta, length, step: Math.floor(scale * numTable), scale, numTable };
}

/**
 * Weights for one output sample whose position lies `fracPosition` (0 ≤ f < 1) input samples after input
 * sample n, laid out for inputs n − leftMax + 1 … n + rightMax (resampy's left wing reads x[n − i], the right
 * wing x[n + k + 1]).
 */
function phaseWeights(f: ScaledFilter, fracPosition: number, leftMax: number, rightMax: number, out: Float64Array): void {
  out.fill(0);
  const nwin = f.length;
  let frac = f.scale * fracPosition;
  let indexFrac = frac * f.numTable;
  let offset = Math.floor(indexFrac);
  let eta = indexFrac - offset;
  const iMax = Math.min(leftMax, Math.floor((nwin - offset) / f.step));
  for (let i = 0; i < iMax; i++) {
    const at = offset + i * f.step;
    out[leftMax - 1 - i] = f.win(at) + eta * f.delta(at);
  }
  frac = f.scale - frac;
  indexFrac = frac * f.numTable;
  offset = Math.floor(indexFrac);
  eta = indexFrac - offset;
  const kMax = Math.min(rightMax, Math.floor((nwin - offset) / f.step));
  for (let k = 0; k < kMax; k++) {
    const at = offset + k * f.step;
    out[leftMax + k] = f.win(at) + eta * f.delta(at);
  }
}

/**
 * The polyphase filter for one rate pair: computes any range of output samples from any slice of the
 * input, so a stream (StreamingResampler) and parallel chunks (features.ts) give bit-identical results.
 */
export class ResampleKernel {
  readonly up: number; // L: output samples per cycle
  readonly down: number; // M: input samples per cycle
  readonly leftMax: number;
  readonly rightMax: number;
  readonly taps: number;
  private readonly filter: ScaledFilter;
  private readonly table: Float64Array | null; // [up][taps] when polyphase
  private readonly scratch: Float64Array;
  private readonly wasm: WasmResampler | null;

  constructor(readonly fromRate: number, readonly toRate = 16000, opts: { wasm?: boolean } = {}) {
    if (!(fromRate > 0) || !(toRate > 0) || !Number.isInteger(fromRate) || !Number.isInteger(toRate)) {
      throw new RangeError(`resample: sample rates must be positive integers (got ${fromRate} → ${toRate})`);
    }
    const g = gcd(fromRate, toRate);
    this.up = toRate / g;
    this.down = fromRate / g;
    this.filter = scaledFilter(toRate / fromRate);
    // Widest wing over all phases (offset 0 gives the most taps).
    this.leftMax = Math.ceil(this.filter.length / this.filter.step);
    this.rightMax = this.leftMax;
    this.taps = this.leftMax + this.rightMax;
    this.scratch = new Float64Array(this.taps);
    if (this.up * this.taps <= MAX_TABLE_WEIGHTS) {
      this.table = new Float64Array(this.up * this.taps);
      for (let p = 0; p < this.up; p++) {
        phaseWeights(this.filter, p / this.up, this.leftMax, this.rightMax, this.scratch);
        this.table.set(this.scratch, p * this.taps);
      }
    } else {
      this.table = null;
    }
    this.wasm = this.table && opts.wasm !== false ? wasmResampler(this) : null;
  }

  /** The polyphase table (rows of `taps`), or null when weights are computed per output. */
  get polyphaseTable(): Float64Array | null {
    return this.table;
  }

  /** True when render() runs on WebAssembly SIMD. */
  get usesWasm(): boolean {
    return this.wasm !== null;
  }

  /** Output length for `inputLength` input samples (resampy: floor(n · to / from)). */
  outputLength(inputLength: number): number {
    return Math.floor((inputLength * this.up) / this.down);
  }

  /** Input indices [lo, hi) that outputs [t0, t1) read (may reach below 0 or past the end: zeros there). */
  inputRange(t0: number, t1: number): [number, number] {
    const nFirst = Math.floor((t0 * this.down) / this.up);
    const nLast = Math.floor(((t1 - 1) * this.down) / this.up);
    return [nFirst - this.leftMax + 1, nLast + this.rightMax + 1];
  }

  /**
   * Writes outputs t0..t1−1 to out[outOffset…]. `x` holds input samples xBase … xBase + x.length − 1;
   * every other input sample counts as zero (before the recording, after it, or not needed).
   */
  render(x: Float32Array, xBase: number, t0: number, t1: number, out: Float32Array, outOffset: number): void {
    if (this.wasm) {
      this.wasm.render(x, xBase, t0, t1, out, outOffset);
      return;
    }
    const { up, down, taps, leftMax, table } = this;
    const weights = this.scratch;
    const xLen = x.length;
    for (let t = t0, o = outOffset; t < t1; t++, o++) {
      const num = t * down;
      const n = Math.floor(num / up);
      const p = num - n * up;
      const start = n - leftMax + 1 - xBase;
      let w: Float64Array;
      let w0: number;
      if (table) {
        w = table;
        w0 = p * taps;
      } else {
        phaseWeights(this.filter, p / up, leftMax, this.rightMax, weights);
        w = weights;
        w0 = 0;
      }
      // Four partial sums by j mod 4, added as (s0 + s1) + (s2 + s3): independent sums hide the add
      // latency, and the order is the one the wasm kernel (resample.wat) uses.
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      if (start >= 0 && start + taps <= xLen) {
        let j = 0;
        for (; j + 3 < taps; j += 4) {
          a0 += w[w0 + j] * x[start + j];
          a1 += w[w0 + j + 1] * x[start + j + 1];
          a2 += w[w0 + j + 2] * x[start + j + 2];
          a3 += w[w0 + j + 3] * x[start + j + 3];
        }
        for (; j < taps; j++) {
          const v = w[w0 + j] * x[start + j];
          if ((j & 3) === 0) a0 += v; else if ((j & 3) === 1) a1 += v; else if ((j & 3) === 2) a2 += v; else a3 += v;
        }
      } else {
        // Taps outside the slice read zeros (before or after the recording).
        const jTo = Math.min(taps, xLen - start);
        for (let j = Math.max(0, -start); j < jTo; j++) {
          const v = w[w0 + j] * x[start + j];
          if ((j & 3) === 0) a0 += v; else if ((j & 3) === 1) a1 += v; else if ((j & 3) === 2) a2 += v; else a3 += v;
        }
      }
      out[o] = (a0 + a1) + (a2 + a3);
    }
  }
}


/** Resamples a stream block by block. Total output = floor(total input · toRate / fromRate). */
export class StreamingResampler {
  private readonly kernel: ResampleKernel;
  private buf = new Float32Array(1 << 16);
  private bufLength = 0;
  /** Absolute input index of buf[0]. */
  private bufStart = 0;
  private inputCount = 0;
  private nextOut = 0;
  private finished = false;

  constructor(readonly fromRate: number, readonly toRate = 16000) {
    this.kernel = new ResampleKernel(fromRate, toRate);
  }

  private append(block: Float32Array): void {
    if (this.bufLength + block.length > this.buf.length) {
      const next = new Float32Array(Math.max(this.buf.length * 2, this.bufLength + block.length));
      next.set(this.buf.subarray(0, this.bufLength));
      this.buf = next;
    }
    this.buf.set(block, this.bufLength);
    this.bufLength += block.length;
  }

  /** Computes every output up to `endOut` (exclusive) and drops input no later output needs. */
  private drain(endOut: number): Float32Array {
    if (endOut <= this.nextOut) return new Float32Array(0);
    const out = new Float32Array(endOut - this.nextOut);
    this.kernel.render(this.buf.subarray(0, this.bufLength), this.bufStart, this.nextOut, endOut, out, 0);
    this.nextOut = endOut;
    const keepFrom = this.kernel.inputRange(this.nextOut, this.nextOut + 1)[0] - this.bufStart;
    if (keepFrom > 0) {
      const drop = Math.min(keepFrom, this.bufLength);
      this.buf.copyWithin(0, drop, this.bufLength);
      this.bufLength -= drop;
      this.bufStart += drop;
    }
    return out;
  }

  /** Adds input samples; returns the output samples that are now complete. */
  push(block: Float32Array): Float32Array {
    if (this.finished) throw new Error('StreamingResampler: push after finish');
    if (this.fromRate === this.toRate) return block.slice();
    this.inputCount += block.length;
    this.append(block);
    // Output t is complete once its last tap (n + rightMax) has arrived.
    const lastHeld = this.inputCount - 1;
    const maxN = lastHeld - this.kernel.rightMax;
    const end = maxN < 0 ? 0 : Math.floor(((maxN + 1) * this.kernel.up - 1) / this.kernel.down) + 1;
    return this.drain(Math.min(end, this.kernel.outputLength(this.inputCount)));
  }

  /** Ends the input (zeros after it, as resampy); returns the remaining output. */
  finish(): Float32Array {
    this.finished = true;
    if (this.fromRate === this.toRate) return new Float32Array(0);
    return this.drain(this.kernel.outputLength(this.inputCount));
  }
}

/** Resamples a whole signal (kaiser_best quality). Output length floor(n · toRate / fromRate). */
export function resample(samples: Float32Array, fromRate: number, toRate = 16000): Float32Array {
  if (fromRate === toRate) return samples.slice();
  const kernel = new ResampleKernel(fromRate, toRate);
  const out = new Float32Array(kernel.outputLength(samples.length));
  kernel.render(samples, 0, 0, out.length, out, 0);
  return out;
}
