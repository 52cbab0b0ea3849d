// The 8-bit quantised matrices of the outputs (QuantizedMatrix in ../outputTypes.ts): encoded by the engine,
// decoded by the renderer, the extension's export and the fallback images. Runs in Node and in browsers.
import { unzlibSync, zlibSync } from 'fflate';
import type { QuantizedMatrix } from '../outputTypes';

/** Node's Buffer when running in Node (much faster than the portable code below); absent in browsers. */
const NodeBuffer = (globalThis as unknown as { Buffer?: { from(data: unknown, a?: unknown, b?: unknown): Uint8Array & { toString(enc: string): string } } }).Buffer;

const BASE64_CODES = (() => {
  const t = new Uint8Array(256).fill(255);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
})();

/**
 * base64 → bytes. Maps are megabytes of base64 and decoding them is most of a first paint, so: the native
 * Uint8Array.fromBase64 where the browser has it, Node's Buffer in Node, else a table decoder (≈ 3× faster than atob + a copy loop).
 */
export function base64ToBytes(base64: string): Uint8Array {
  const native = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (typeof native === 'function') return native(base64);
  if (NodeBuffer) return new Uint8Array(NodeBuffer.from(base64, 'base64'));
  let end = base64.length;
  while (end > 0 && base64.charCodeAt(end - 1) === 61 /* = */) end--;
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  const t = BASE64_CODES;
  let o = 0;
  let i = 0;
  for (; i + 4 <= end; i += 4) {
    const n = (t[base64.charCodeAt(i)] << 18) | (t[base64.charCodeAt(i + 1)] << 12) | (t[base64.charCodeAt(i + 2)] << 6) | t[base64.charCodeAt(i + 3)];
    out[o++] = n >> 16;
    out[o++] = (n >> 8) & 255;
    out[o++] = n & 255;
  }
  const rest = end - i;
  if (rest >= 2) {
    const n = (t[base64.charCodeAt(i)] << 18) | (t[base64.charCodeAt(i + 1)] << 12) | (rest === 3 ? t[base64.charCodeAt(i + 2)] << 6 : 0);
    out[o++] = n >> 16;
    if (rest === 3) out[o] = (n >> 8) & 255;
  }
  return out;
}

/** bytes → base64: Node's Buffer where there is one, else btoa in chunks (no argument-list overflow). */
export function bytesToBase64(bytes: Uint8Array): string {
  if (NodeBuffer) return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/**
 * The matrix's bytes on the 0..255 scale (inflated when compressed, stretched when stored with fewer
 * levels), so colour tables index them directly whatever the encoding. Every reader goes through it.
 */
export function matrixBytes(m: QuantizedMatrix): Uint8Array {
  const stored = base64ToBytes(m.u8);
  const bytes = m.zlib ? unzlibSync(stored) : stored;
  const levels = m.levels ?? 255;
  if (levels === 255) return bytes;
  const stretch = new Uint8Array(levels + 1).map((_, q) => Math.round((q * 255) / levels));
  return bytes.map((q) => stretch[Math.min(q, levels)]);
}

/**
 * The same matrix in fewer bytes: `levels` steps (from its 0..255 bytes) and zlib. For outputs carrying
 * many maps; 127 levels keep each value within 0.4 % of its range.
 */
export function compactMatrix(m: QuantizedMatrix, levels = 127): QuantizedMatrix {
  if (m.zlib && (m.levels ?? 255) === levels) return m;
  const bytes = matrixBytes(m);
  const requantised = levels === 255 ? bytes : bytes.map((b) => Math.round((b * levels) / 255));
  const compact: QuantizedMatrix = { rows: m.rows, cols: m.cols, min: m.min, max: m.max, u8: bytesToBase64(zlibSync(requantised, { level: 9 })), zlib: true };
  if (levels !== 255) compact.levels = levels;
  return compact;
}

/** A decoded matrix: bytes stay bytes (they index colour tables directly); values on demand. */
export interface ByteMatrix {
  rows: number;
  cols: number;
  min: number;
  max: number;
  bytes: Uint8Array;
}

const cache = new WeakMap<QuantizedMatrix, ByteMatrix>();

/** Decodes once per matrix object: layer/class switches reuse earlier decodes. */
export function decodeMatrix(m: QuantizedMatrix): ByteMatrix {
  let out = cache.get(m);
  if (!out) {
    const bytes = matrixBytes(m);
    if (bytes.length !== m.rows * m.cols) {
      throw new Error(`matrix has ${bytes.length} bytes, expected ${m.rows} × ${m.cols}`);
    }
    out = { rows: m.rows, cols: m.cols, min: m.min, max: m.max, bytes };
    cache.set(m, out);
  }
  return out;
}

/** The value a byte stands for: min + byte/255 · (max − min). */
export function byteValue(m: ByteMatrix, byte: number): number {
  return m.min + (byte / 255) * (m.max - m.min);
}

export function valueAt(m: ByteMatrix, row: number, col: number): number {
  return byteValue(m, m.bytes[row * m.cols + col]);
}

/** Values as bytes over their own finite range (min → 0, max → 255); non-finite values count as the minimum. */
export function quantize(values: ArrayLike<number>, rows: number, cols: number): QuantizedMatrix {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < rows * cols; i++) {
    const v = values[i];
    if (Number.isFinite(v)) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (!Number.isFinite(min)) min = max = 0;
  const span = max - min || 1;
  const bytes = new Uint8Array(rows * cols);
  for (let i = 0; i < bytes.length; i++) {
    const v = Number.isFinite(values[i]) ? values[i] : min;
    bytes[i] = Math.round(((v - min) / span) * 255);
  }
  return { rows, cols, min, max, ...packed(bytes) };
}

/**
 * Values already in 0..1 (normalised CAM maps) as bytes over that fixed range, so byte 255 always means
 * "the patch maximum"; values outside are clamped, non-finite ones count as 0. `compress: false` for a
 * matrix that never leaves the page (a view's derived maps): no zlib round trip.
 */
export function quantizeUnit(values: ArrayLike<number>, rows: number, cols: number, opts: { compress?: boolean } = {}): QuantizedMatrix {
  const bytes = new Uint8Array(rows * cols);
  quantizeUnitInto(bytes, 0, values);
  return opts.compress === false ? { rows, cols, min: 0, max: 1, u8: bytesToBase64(bytes) } : unitMatrix(bytes, rows, cols);
}

/** quantizeUnit's bytes of `values`, written into `bytes` from `at` (a matrix filled a piece at a time). */
export function quantizeUnitInto(bytes: Uint8Array, at: number, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) bytes[at + i] = Math.round(Math.min(1, Math.max(0, values[i] || 0)) * 255);
}

/** The matrix of bytes quantizeUnitInto filled (against the fixed 0..1 range), as an output stores it. */
export function unitMatrix(bytes: Uint8Array, rows: number, cols: number): QuantizedMatrix {
  return { rows, cols, min: 0, max: 1, ...packed(bytes) };
}

/**
 * Bytes as an output stores them: zlib-compressed, then base64. Maps are mostly smooth or zero and a
 * log-mel's quiet bands repeat, so a 20 s recording's every layer × class fits a notebook in half the space.
 */
function packed(bytes: Uint8Array): Pick<QuantizedMatrix, 'u8' | 'zlib'> {
  return { u8: bytesToBase64(zlibSync(bytes, { level: 6 })), zlib: true };
}

/** The values a quantised matrix stands for (min + byte/255 · (max − min)), row-major. */
export function dequantize(m: QuantizedMatrix): Float32Array {
  const bytes = matrixBytes(m);
  if (bytes.length !== m.rows * m.cols) throw new Error(`the output's matrix has ${bytes.length} values, expected ${m.rows} × ${m.cols}`);
  const out = new Float32Array(bytes.length);
  const scale = (m.max - m.min) / 255;
  for (let i = 0; i < bytes.length; i++) out[i] = m.min + bytes[i] * scale;
  return out;
}
