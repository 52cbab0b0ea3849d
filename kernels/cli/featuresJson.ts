/**
 * The JSON document `lungcam features --out F.json` writes: data plus its axes and parameters. The data is
 * streamed row by row (io/jsonStream.ts): a 1-hour recording's rows never exist as one string.
 */
import type { LogMel, Patches } from '../engine/types';
import { axesFields, patchFields } from '../engine/io/axesJson';
import { streamedArray } from '../engine/io/jsonStream';

const round = (v: number) => Number(v.toPrecision(7));

/** Nested arrays of `shape` from flat row-major data, values rounded to 7 significant digits; the outer level streamed. */
function nest(data: Float32Array, shape: number[]): unknown {
  const build = (dim: number, offset: number): unknown => {
    const n = shape[dim];
    if (dim === shape.length - 1) return Array.from(data.subarray(offset, offset + n), round);
    const stride = shape.slice(dim + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: n }, (_, i) => build(dim + 1, offset + i * stride));
  };
  const stride = shape.slice(1).reduce((a, b) => a * b, 1);
  return shape.length === 1 ? build(0, 0) : streamedArray(shape[0], (i) => build(1, i * stride));
}

export function featuresJson(logMel: LogMel, patches: Patches | null, shape: number[], data: Float32Array): Record<string, unknown> {
  return {
    kind: 'features',
    version: 1,
    source: logMel.source,
    ...axesFields(logMel),
    layout: patches ? 'patches' : 'frames',
    patches: patches ? patchFields(patches) : undefined,
    shape,
    /** ln(mel + 0.01): [frames][bands], or [patch][frame][band] with --patches. */
    data: nest(data, shape),
  };
}
