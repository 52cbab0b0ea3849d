/**
 * NumPy .npy files (format 1.0/2.0): float32 and float64, little-endian, C order — what numpy.save writes
 * and numpy.load reads. Reading also accepts big-endian floats (converted).
 */
import { promises as fs } from 'node:fs';
import type { RowFile } from './rowFile';
import { LungcamInputError } from '../errors';
import { atomicWriteFileSync, writeAllSync, writeFileGuarded } from './atomicWrite';

export type NpyData = Float32Array | Float64Array;
export interface NpyArray {
  data: NpyData;
  shape: number[];
  dtype: 'float32' | 'float64';
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function shapeString(shape: number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** The .npy header (magic, version, length, dict padded so the data starts on a 64-byte boundary). */
export function npyHeader(shape: number[], dtype: 'float32' | 'float64'): Uint8Array {
  const descr = dtype === 'float32' ? '<f4' : '<f8';
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeString(shape)}, }`;
  const v1 = Math.ceil((10 + dict.length + 1) / 64) * 64 - 10 <= 0xffff;
  const prefix = v1 ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  dict = dict + ' '.repeat(total - prefix - dict.length - 1) + '\n';
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = v1 ? 1 : 2;
  out[7] = 0;
  const len = total - prefix;
  if (v1) { out[8] = len & 0xff; out[9] = len >> 8; }
  else new DataView(out.buffer).setUint32(8, len, true);
  for (let i = 0; i < dict.length; i++) out[prefix + i] = dict.charCodeAt(i);
  return out;
}

function checkShape(data: NpyData, shape: number[]): void {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new RangeError(`npy: shape [${shape}] holds ${n} values but the data has ${data.length}`);
}

/** Encodes an array as .npy bytes (dtype follows the typed array unless given). */
export function encodeNpy(data: NpyData, shape: number[], dtype?: 'float32' | 'float64'): Uint8Array {
  checkShape(data, shape);
  const type = dtype ?? (data instanceof Float64Array ? 'float64' : 'float32');
  const body = type === 'float32'
    ? (data instanceof Float32Array ? data : Float32Array.from(data))
    : (data instanceof Float64Array ? data : Float64Array.from(data));
  const header = npyHeader(shape, type);
  const out = new Uint8Array(header.length + body.byteLength);
  out.set(header);
  out.set(new Uint8Array(body.buffer, body.byteOffset, body.byteLength), header.length);
  return out;
}

/** Decodes .npy bytes (float32/float64, C order). `fileName` names the file in errors. */
export function decodeNpy(bytes: Uint8Array, fileName = 'array.npy'): NpyArray {
  const bad = (why: string) => new LungcamInputError(`not a readable .npy file: ${why}`, fileName);
  if (bytes.length < 10 || !MAGIC.every((v, i) => bytes[i] === v)) throw bad('no NUMPY magic');
  const major = bytes[6];
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let start: number;
  if (major === 1) { headerLen = dv.getUint16(8, true); start = 10; }
  else if (major === 2 || major === 3) { if (bytes.length < 12) throw bad('truncated header'); headerLen = dv.getUint32(8, true); start = 12; }
  else throw bad(`unknown format version ${major}`);
  if (start + headerLen > bytes.length) throw bad('truncated header');
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined) throw bad('header is missing descr, fortran_order or shape');
  if (fortran === 'True') throw bad('Fortran-order arrays are not supported (save with C order)');
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw bad(`bad shape (${shapeText})`);
  const m = /^([<>|=])f([48])$/.exec(descr);
  if (!m) throw bad(`dtype '${descr}' is not float32 or float64`);
  const width = Number(m[2]);
  const little = m[1] !== '>';
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  if (dataStart + count * width > bytes.length) throw bad(`data is truncated (need ${count * width} bytes, have ${bytes.length - dataStart})`);
  const data = width === 4 ? new Float32Array(count) : new Float64Array(count);
  const body = new DataView(bytes.buffer, bytes.byteOffset + dataStart, count * width);
  for (let i = 0; i < count; i++) data[i] = width === 4 ? body.getFloat32(4 * i, little) : body.getFloat64(8 * i, little);
  return { data, shape, dtype: width === 4 ? 'float32' : 'float64' };
}

/** Writes an array as .npy, atomically (no partial file on failure); synchronous inside (see atomicWriteFileSync). */
export async function writeNpy(path: string, data: NpyData, shape: number[], dtype?: 'float32' | 'float64'): Promise<void> {
  checkShape(data, shape);
  const type = dtype ?? (data instanceof Float64Array ? 'float64' : 'float32');
  const body = type === 'float32'
    ? (data instanceof Float32Array ? data : Float32Array.from(data))
    : (data instanceof Float64Array ? data : Float64Array.from(data));
  atomicWriteFileSync(path, [npyHeader(shape, type), body]);
}

/**
 * Writes a float32 [frames, bands] .npy whose rows `fill` writes into the file itself (rowFile.ts), e.g.
 * from several threads as they compute them; atomically (no partial file if `fill` fails). `fill` calls
 * `begin(frames, bands)` once, before any row: it writes the header and returns where row 0 goes.
 */
export async function writeNpyRows(path: string, fill: (begin: (frames: number, bands: number) => RowFile) => Promise<void>): Promise<void> {
  await writeFileGuarded(path, async (fd) => {
    let begun = false;
    await fill((frames, bands) => {
      if (begun) throw new Error('writeNpyRows: begin() called twice');
      begun = true;
      const header = npyHeader([frames, bands], 'float32');
      writeAllSync(fd, header, 0);
      return { fd, position: header.length };
    });
    if (!begun) throw new Error('writeNpyRows: no rows were written (begin() was never called)');
  });
}

/** Reads a .npy file. */
export async function readNpy(path: string): Promise<NpyArray> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new LungcamInputError('file not found', path);
    throw e;
  }
  return decodeNpy(bytes, path);
}
