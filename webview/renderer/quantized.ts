// Decoding of the 8-bit quantised matrices the kernel sends (kernels/shared/outputTypes.ts): base64, and
// raw DEFLATE when the matrix says so (fflate's synchronous inflate: a first paint cannot wait on streams).
import { inflateSync } from 'fflate';
import type { QuantizedMatrix } from '../../kernels/shared/outputTypes';

const BASE64_CODES = (() => {
  const t = new Uint8Array(256).fill(255);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (let i = 0; i < alphabet.length; i++) t[alphabet.charCodeAt(i)] = i;
  return t;
})();

/**
 * base64 → bytes. Maps are megabytes of base64 and decoding them is most of a first paint, so: the native
 * Uint8Array.fromBase64 where the browser has it, else a table decoder (≈ 3× faster than atob + a copy loop).
 */
export function base64ToBytes(base64: string): Uint8Array {
  const native = (Uint8Array as unknown as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
  if (typeof native === 'function') return native(base64);
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
    if (rest === 3) out[o++] = (n >> 8) & 255;
  }
  return out;
}

/** bytes → base64, in chunks so large arrays do not overflow the argument list. */
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
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
    const stored = base64ToBytes(m.u8);
    const bytes = m.encoding === 'deflate' ? inflateSync(stored, { out: new Uint8Array(m.rows * m.cols) }) : stored;
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
