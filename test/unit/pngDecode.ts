/** A PNG reader for tests (8-bit RGB or palette, every row filter): what a viewer would show, as RGB. */
import { inflateSync } from 'node:zlib';

export interface DecodedPng {
  width: number;
  height: number;
  /** RGB, row-major, top row first. */
  rgb: Uint8Array;
  colourType: number;
}

function chunks(png: Buffer): Map<string, Buffer[]> {
  const out = new Map<string, Buffer[]>();
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    out.set(type, [...(out.get(type) ?? []), png.subarray(at + 8, at + 8 + length)]);
    at += 12 + length;
  }
  return out;
}

export function decodePng(png: Buffer): DecodedPng {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  const c = chunks(png);
  const ihdr = c.get('IHDR')![0];
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const colourType = ihdr[9];
  if (ihdr[8] !== 8 || (colourType !== 2 && colourType !== 3)) throw new Error(`unsupported PNG: depth ${ihdr[8]}, colour type ${colourType}`);
  const bpp = colourType === 2 ? 3 : 1;
  const data = inflateSync(Buffer.concat(c.get('IDAT')!));
  const rowBytes = width * bpp;
  const pixels = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    const filter = data[y * (rowBytes + 1)];
    for (let x = 0; x < rowBytes; x++) {
      const v = data[y * (rowBytes + 1) + 1 + x];
      const a = x >= bpp ? pixels[y * rowBytes + x - bpp] : 0;
      const b = y > 0 ? pixels[(y - 1) * rowBytes + x] : 0;
      const cc = x >= bpp && y > 0 ? pixels[(y - 1) * rowBytes + x - bpp] : 0;
      const p = a + b - cc;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - cc) ? a : Math.abs(p - b) <= Math.abs(p - cc) ? b : cc;
      const predicted = [0, a, b, (a + b) >> 1, paeth][filter];
      if (predicted === undefined) throw new Error(`row ${y}: filter ${filter}`);
      pixels[y * rowBytes + x] = (v + predicted) & 255;
    }
  }
  if (colourType === 2) return { width, height, rgb: pixels, colourType };
  const palette = c.get('PLTE')![0];
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; i++) rgb.set(palette.subarray(pixels[i] * 3, pixels[i] * 3 + 3), i * 3);
  return { width, height, rgb, colourType };
}
