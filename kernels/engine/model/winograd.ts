/**
 * Winograd F(2×2, 3×3) convolutions (winograd.wat) on the tfjs wasm heap, on every wasm thread: 3×3
 * filters, stride 1, any padding, float32 NHWC, Ci ≥ 8 and a multiple of 4, Co a multiple of 8. A 2×2 output
 * tile takes 16 multiplies per channel pair instead of 36, so the reference net's c2/c3 layers (97 % of a
 * training step's multiply-adds) do 2.25× fewer. Used for the forward conv, the input gradient (forward
 * conv with the rotated filter) and the filter gradient; the direct kernels stay for everything else and
 * when switched off (LUNGCAM_WINOGRAD=0, setWinograd(false)).
 * Accuracy: float32 rounding of the transforms; relative error ≈ 1e-6 of the output magnitude (tests).
 */
import { kernelThreadCount, runSplit } from './kernelThreads';
import type { ConvShape, FilterReader, HeapBackend } from './convForward';

type Info = { dataId: object; shape: number[]; dtype: string };

let enabled = process.env.LUNGCAM_WINOGRAD !== '0';

/** Turns the Winograd kernels off/on (benchmarks compare them with the direct kernels in one run). */
export function setWinograd(on: boolean): void {
  enabled = on;
}

/** Whether a conv of this shape goes through the Winograd kernels (when they are on). */
export function winogradApplies(s: ConvShape): boolean {
  return enabled && s.filterHeight === 3 && s.filterWidth === 3 && s.inChannels >= 8 && s.inChannels % 4 === 0
    && s.outChannels % 8 === 0 && s.outChannels > 0 && s.batch > 0 && s.outHeight > 0 && s.outWidth > 0;
}

/** Tiles per block: the block's transformed input and output (16 × Tb × (Ci + Co) floats) fit in L2. */
export function blockTiles(ci: number, co: number): number {
  const fromEnv = Number(process.env.LUNGCAM_WINOGRAD_TILES);
  const t = fromEnv > 0 ? fromEnv : Math.floor((512 * 1024) / (64 * (ci + co)));
  return Math.max(8, Math.min(256, Math.floor(t / 4) * 4));
}

/** Filter-gradient partial sums: a fixed number of tile chunks (not the thread count), added in order. */
const FILTER_GRAD_CHUNKS = 8;

/** Tile grid of an output: ⌈Ho/2⌉ × ⌈Wo/2⌉ tiles per image, the padded input they read (2·th + 2 rows). */
function tiles(s: ConvShape) {
  const th = Math.ceil(s.outHeight / 2), tw = Math.ceil(s.outWidth / 2);
  const count = s.batch * th * tw;
  const tb = blockTiles(s.inChannels, s.outChannels);
  return { th, tw, hp: 2 * th + 2, wp: 2 * tw + 2, count, tb, blocks: Math.ceil(count / tb) };
}

/**
 * into[n, r, c, ch] = x[n, r − top, c − left, ch] inside x, else 0; into is [N, Hp, Wp, C] (x is [N, H, W, C]).
 * Rows are copied whole; only the border is zeroed.
 */
export function padInto(x: Float32Array, n: number, h: number, w: number, c: number, top: number, left: number, hp: number, wp: number, into: Float32Array): void {
  const w0 = Math.max(0, -left), w1 = Math.max(w0, Math.min(w, wp - left));
  const c0 = (w0 + left) * c, c1 = (w1 + left) * c, row = wp * c;
  for (let b = 0; b < n; b++) {
    for (let r = 0; r < hp; r++) {
      const src = r - top;
      const dst = (b * hp + r) * row;
      if (src < 0 || src >= h || c1 === c0) {
        into.fill(0, dst, dst + row);
        continue;
      }
      into.fill(0, dst, dst + c0);
      const from = ((b * h + src) * w + w0) * c;
      into.set(x.subarray(from, from + c1 - c0), dst + c0);
      into.fill(0, dst + c1, dst + row);
    }
  }
}

/** U = G g Gᵀ per (ci, co), packed for the kernel as U[e][co / 8][ci][co % 8] (e = 4·row + column). */
export function packTransformedFilter(get: (a: number, b: number, ci: number, co: number) => number, ci: number, co: number, into: Float32Array): void {
  const cb = co / 8;
  const g = new Float64Array(9), q = new Float64Array(12);
  for (let i = 0; i < ci; i++) {
    for (let o = 0; o < co; o++) {
      for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) g[a * 3 + b] = get(a, b, i, o);
      // Q = G g (4×3), G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]
      for (let b = 0; b < 3; b++) {
        const g0 = g[b], g1 = g[3 + b], g2 = g[6 + b];
        q[b] = g0; q[3 + b] = 0.5 * (g0 + g1 + g2); q[6 + b] = 0.5 * (g0 - g1 + g2); q[9 + b] = g2;
      }
      const base = (Math.floor(o / 8) * ci + i) * 8 + (o % 8);
      const eStride = cb * ci * 8;
      for (let r = 0; r < 4; r++) {
        const q0 = q[r * 3], q1 = q[r * 3 + 1], q2 = q[r * 3 + 2];
        const e = r * 4;
        into[base + e * eStride] = q0;
        into[base + (e + 1) * eStride] = 0.5 * (q0 + q1 + q2);
        into[base + (e + 2) * eStride] = 0.5 * (q0 - q1 + q2);
        into[base + (e + 3) * eStride] = q2;
      }
    }
  }
}

/**
 * dW[a][b][ci][co] = (Gᵀ M G)[a][b] with M[e] = Σ_k parts[k][e][ci][co] (chunks added in order).
 */
export function filterFromTransformed(parts: Float32Array, chunks: number, ci: number, co: number, into: Float32Array): void {
  const plane = ci * co, size = 16 * plane;
  const m = new Float32Array(size);
  m.set(parts.subarray(0, size));
  for (let k = 1; k < chunks; k++) {
    const off = k * size;
    for (let i = 0; i < size; i++) m[i] += parts[off + i];
  }
  const p = new Float64Array(12);
  for (let x = 0; x < plane; x++) {
    // P = M G (4×3)
    for (let r = 0; r < 4; r++) {
      const m0 = m[(r * 4) * plane + x], m1 = m[(r * 4 + 1) * plane + x], m2 = m[(r * 4 + 2) * plane + x], m3 = m[(r * 4 + 3) * plane + x];
      p[r * 3] = m0 + 0.5 * (m1 + m2);
      p[r * 3 + 1] = 0.5 * (m1 - m2);
      p[r * 3 + 2] = 0.5 * (m1 + m2) + m3;
    }
    // dW = Gᵀ P (3×3)
    for (let b = 0; b < 3; b++) {
      const p0 = p[b], p1 = p[3 + b], p2 = p[6 + b], p3 = p[9 + b];
      into[b * plane + x] = p0 + 0.5 * (p1 + p2);
      into[(3 + b) * plane + x] = 0.5 * (p1 - p2);
      into[(6 + b) * plane + x] = 0.5 * (p1 + p2) + p3;
    }
  }
}

/** Per-thread scratch floats: V [16][Tb][Ci] then M or D [16][Tb][Co]. */
const scratchFloats = (tb: number, ci: number, co: number) => 16 * tb * (ci + co);

/**
 * out = act(conv(input, filter) + bias) by Winograd F(2×2, 3×3); the filter read through `reader`
 * (forwardFilter, rotatedFilter). `s` must satisfy winogradApplies. Returns the output tensor.
 */
export function winogradConvOnHeap(
  backend: HeapBackend, memory: WebAssembly.Memory, input: Info, s: ConvShape,
  filter: Info, reader: FilterReader, bias: Info | null, relu: boolean,
): Info {
  const { batch: N, inChannels: ci, outChannels: co } = s;
  const t = tiles(s);
  const out = backend.makeOutput([N, s.outHeight, s.outWidth, co], 'float32');
  const packed = backend.makeOutput([16, ci, co], 'float32');
  const noPad = s.padTop === 0 && s.padLeft === 0 && s.inHeight === t.hp && s.inWidth === t.wp;
  const staged = noPad ? null : backend.makeOutput([N, t.hp, t.wp, ci], 'float32');
  const slots = Math.max(1, Math.min(kernelThreadCount(), t.blocks));
  const per = scratchFloats(t.tb, ci, co);
  const scratch = backend.makeOutput([slots, per], 'float32');
  // Views only after every allocation (an allocation may grow, and so detach, the heap).
  packTransformedFilter(reader(backend.typedArrayFromHeap(filter)), ci, co, backend.typedArrayFromHeap(packed));
  if (staged) {
    padInto(backend.typedArrayFromHeap(input), N, s.inHeight, s.inWidth, ci, s.padTop, s.padLeft, t.hp, t.wp, backend.typedArrayFromHeap(staged));
  }
  const xp = backend.getMemoryOffset((staged ?? input).dataId);
  const up = backend.getMemoryOffset(packed.dataId);
  const bp = bias ? backend.getMemoryOffset(bias.dataId) : 0;
  const op = backend.getMemoryOffset(out.dataId);
  const sp = backend.getMemoryOffset(scratch.dataId);
  let slot = 0;
  runSplit(memory, 'winoConv', t.blocks, (b0, b1) => {
    const v = sp + (slot++ % slots) * per * 4;
    return [xp, up, bp, op, v, v + 16 * t.tb * ci * 4, N, ci, co, s.outHeight, s.outWidth, t.tb, bias ? 1 : 0, relu ? 1 : 0, b0, b1];
  });
  for (const x of [packed, staged, scratch]) if (x) backend.disposeData(x.dataId);
  return out;
}

/**
 * The filter gradient [3, 3, Ci, Co] of the conv `s` (x: its input, dy: its output's gradient) by Winograd
 * F(2×2, 3×3). `s` must satisfy winogradApplies.
 */
export function winogradFilterGradOnHeap(backend: HeapBackend, memory: WebAssembly.Memory, x: Info, dy: Info, s: ConvShape): Info {
  const { batch: N, inChannels: ci, outChannels: co, outHeight: Ho, outWidth: Wo } = s;
  const t = tiles(s);
  const out = backend.makeOutput([3, 3, ci, co], 'float32');
  const xNoPad = s.padTop === 0 && s.padLeft === 0 && s.inHeight === t.hp && s.inWidth === t.wp;
  const xStaged = xNoPad ? null : backend.makeOutput([N, t.hp, t.wp, ci], 'float32');
  const dyStaged = Ho % 2 === 0 && Wo % 2 === 0 ? null : backend.makeOutput([N, 2 * t.th, 2 * t.tw, co], 'float32');
  const chunks = Math.min(FILTER_GRAD_CHUNKS, t.blocks);
  const parts = backend.makeOutput([chunks, 16, ci, co], 'float32');
  const slots = Math.max(1, Math.min(kernelThreadCount(), chunks));
  const per = scratchFloats(t.tb, ci, co);
  const scratch = backend.makeOutput([slots, per], 'float32');
  if (xStaged) {
    padInto(backend.typedArrayFromHeap(x), N, s.inHeight, s.inWidth, ci, s.padTop, s.padLeft, t.hp, t.wp, backend.typedArrayFromHeap(xStaged));
  }
  if (dyStaged) padInto(backend.typedArrayFromHeap(dy), N, Ho, Wo, co, 0, 0, 2 * t.th, 2 * t.tw, backend.typedArrayFromHeap(dyStaged));
  const xp = backend.getMemoryOffset((xStaged ?? x).dataId);
  const dp = backend.getMemoryOffset((dyStaged ?? dy).dataId);
  const gp = backend.getMemoryOffset(parts.dataId);
  const sp = backend.getMemoryOffset(scratch.dataId);
  let slot = 0;
  runSplit(memory, 'winoFilterGrad', chunks, (k0, k1) => {
    const v = sp + (slot++ % slots) * per * 4;
    return [xp, dp, gp, v, v + 16 * t.tb * ci * 4, N, ci, co, Ho, Wo, t.tb, chunks, k0, k1];
  });
  filterFromTransformed(backend.typedArrayFromHeap(parts), chunks, ci, co, backend.typedArrayFromHeap(out));
  for (const b of [xStaged, dyStaged, parts, scratch]) if (b) backend.disposeData(b.dataId);
  return out;
}
