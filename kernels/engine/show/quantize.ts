/** 8-bit quantisation of a row-major matrix for display (see QuantizedMatrix), and its inverse (bytes or values). */
import { matrixBytes } from '../../shared/view/quantized';
import type { QuantizedMatrix } from '../../shared/outputTypes';

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
  return { rows, cols, min, max, u8: Buffer.from(bytes).toString('base64') };
}

/** Values 0..1 (byte / 255) of a quantised matrix, row-major (whatever its encoding). */
export function unitBytes(m: QuantizedMatrix): Uint8Array {
  return matrixBytes(m);
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
