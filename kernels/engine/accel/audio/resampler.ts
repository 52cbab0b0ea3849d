/**
 * The resampler's polyphase inner loop in WebAssembly SIMD (resample.wat), for audio/resample.ts's
 * band-limited sinc resampler: same sums in the same order as its JavaScript loop.
 */
import { RESAMPLE_WASM_BASE64 } from './resampleWasm';

/** What the kernel needs of a polyphase resampler (audio/resample.ts's ResampleKernel). */
export interface PolyphaseKernel {
  readonly up: number;
  readonly down: number;
  readonly taps: number;
  readonly leftMax: number;
  /** Rows of `taps` weights, one per phase. */
  readonly polyphaseTable: Float64Array | null;
  /** Input indices [lo, hi) that outputs [t0, t1) read. */
  inputRange(t0: number, t1: number): [number, number];
}

/** The wasm inner loop for `kernel`, or null where WebAssembly SIMD is unavailable (or LUNGCAM_NO_WASM is set). */
export function wasmResampler(kernel: PolyphaseKernel): WasmResampler | null {
  return WasmResampler.create(kernel);
}

/**
 * The polyphase inner loop in WebAssembly SIMD (resample.wat), in bounded chunks of outputs: the table
 * (rows padded to a multiple of 4 taps) is copied in once, each chunk's input is copied in as float64
 * with zeros around it, so every tap is inside.
 */
export class WasmResampler {
  private static readonly CHUNK = 32768;
  private readonly memory: WebAssembly.Memory;
  private readonly renderFn: (
    table: number,
    stride: number,
    up: number,
    down: number,
    leftMax: number,
    t0: number,
    count: number,
    x: number,
    xBase: number,
    out: number,
  ) => void;
  private readonly stride: number;
  private readonly xOffset: number;

  private constructor(
    private readonly kernel: PolyphaseKernel,
    instance: WebAssembly.Instance,
  ) {
    this.memory = instance.exports.memory as WebAssembly.Memory;
    this.renderFn = instance.exports.render as WasmResampler['renderFn'];
    const { up, taps } = kernel;
    this.stride = Math.ceil(taps / 4) * 4;
    const tableBytes = up * this.stride * 8;
    this.xOffset = tableBytes;
    this.ensure(tableBytes);
    const padded = new Float64Array(this.memory.buffer, 0, up * this.stride);
    const table = kernel.polyphaseTable!;
    for (let p = 0; p < up; p++) padded.set(table.subarray(p * taps, (p + 1) * taps), p * this.stride);
  }

  static create(kernel: PolyphaseKernel): WasmResampler | null {
    if (process.env.LUNGCAM_NO_WASM) return null;
    try {
      const bytes = Buffer.from(RESAMPLE_WASM_BASE64, 'base64');
      return new WasmResampler(kernel, new WebAssembly.Instance(new WebAssembly.Module(bytes), {}));
    } catch {
      return null;
    }
  }

  private ensure(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / 65536));
  }

  render(x: Float32Array, xBase: number, t0: number, t1: number, out: Float32Array, outOffset: number): void {
    const k = this.kernel;
    for (let a = t0; a < t1; a += WasmResampler.CHUNK) {
      const b = Math.min(t1, a + WasmResampler.CHUNK);
      const [lo, hi] = k.inputRange(a, b);
      const span = hi - lo + (this.stride - k.taps); // the padded taps read past the last real one
      const outOffsetBytes = this.xOffset + span * 8;
      this.ensure(outOffsetBytes + (b - a) * 4);
      const xs = new Float64Array(this.memory.buffer, this.xOffset, span);
      xs.fill(0);
      const from = Math.max(lo, xBase);
      const to = Math.min(hi, xBase + x.length);
      if (to > from) xs.set(x.subarray(from - xBase, to - xBase), from - lo);
      this.renderFn(0, this.stride, k.up, k.down, k.leftMax, a, b - a, this.xOffset, lo, outOffsetBytes);
      out.set(new Float32Array(this.memory.buffer, outOffsetBytes, b - a), outOffset + (a - t0));
    }
  }
}
