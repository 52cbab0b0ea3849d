// Decoding of the 8-bit quantised matrices the kernel sends (kernels/shared/outputTypes.ts).
import type { QuantizedMatrix } from '../../kernels/shared/outputTypes';

/** base64 → bytes. atob is available in browsers and in Node ≥ 16, so the same code runs in tests. */
export function base64ToBytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
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
    const bytes = base64ToBytes(m.u8);
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
