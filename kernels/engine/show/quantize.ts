/**
 * 8-bit quantisation of a row-major matrix for display (see QuantizedMatrix), and its inverse (bytes or
 * values). The bytes travel deflated (raw DEFLATE, then base64): maps are mostly smooth or zero, so a 20 s
 * recording's every layer × class fits a notebook in about half the space.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { QuantizedMatrix } from '../../shared/outputTypes';

/** The `u8` and `encoding` fields of a QuantizedMatrix holding `bytes`. */
export function encodeBytes(bytes: Uint8Array): Pick<QuantizedMatrix, 'u8' | 'encoding'> {
  return { u8: deflateRawSync(bytes).toString('base64'), encoding: 'deflate' };
}

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
  return { rows, cols, min, max, ...encodeBytes(bytes) };
}

/** The bytes of a quantised matrix (value = byte / 255 of its range), row-major. */
export function unitBytes(m: QuantizedMatrix): Uint8Array {
  const raw = Buffer.from(m.u8, 'base64');
  return new Uint8Array(m.encoding === 'deflate' ? inflateRawSync(raw) : raw);
}

/** The same matrix with its bytes stored plain (for readers that only base64-decode). */
export function plainMatrix(m: QuantizedMatrix): QuantizedMatrix {
  if (m.encoding !== 'deflate') return m;
  return { rows: m.rows, cols: m.cols, min: m.min, max: m.max, u8: Buffer.from(unitBytes(m)).toString('base64') };
}

/** The values a quantised matrix stands for (min + byte/255 · (max − min)), row-major. */
export function dequantize(m: QuantizedMatrix): Float32Array {
  const bytes = unitBytes(m);
  if (bytes.length !== m.rows * m.cols) throw new Error(`the output's matrix has ${bytes.length} values, expected ${m.rows} × ${m.cols}`);
  const out = new Float32Array(bytes.length);
  const scale = (m.max - m.min) / 255;
  for (let i = 0; i < bytes.length; i++) out[i] = m.min + bytes[i] * scale;
  return out;
}
