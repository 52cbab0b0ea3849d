/**
 * A minimal PNG writer (8-bit RGB, zlib from Node) and the colour maps the fallback images use.
 * Fallback images are for frontends without the LungCAM renderer (JupyterLab, GitHub), so small.
 */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

/**
 * RGB image, `rgb` row-major width*height*3, top row first. An image of at most 256 colours (spectrogram,
 * waveform and bar fallbacks) is written with a palette, one byte a pixel; every row takes the PNG filter
 * that leaves the smallest residues (libpng's heuristic), so figures compress well.
 */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  const palette = paletteOf(rgb, width * height);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = palette ? 3 : 2; // colour type: indexed or RGB
  const pixels = palette ? palette.indices : rgb;
  const bpp = palette ? 1 : 3;
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature, chunk('IHDR', ihdr),
    ...(palette ? [chunk('PLTE', palette.colours)] : []),
    chunk('IDAT', deflateSync(filterRows(pixels, width * bpp, height, bpp))), chunk('IEND', new Uint8Array(0)),
  ]);
}

/** Palette (≤ 256 colours) and per-pixel indices, or null when the image has more colours. */
function paletteOf(rgb: Uint8Array, pixels: number): { colours: Uint8Array; indices: Uint8Array } | null {
  const index = new Map<number, number>();
  const indices = new Uint8Array(pixels);
  for (let i = 0; i < pixels; i++) {
    const key = (rgb[i * 3] << 16) | (rgb[i * 3 + 1] << 8) | rgb[i * 3 + 2];
    let k = index.get(key);
    if (k === undefined) {
      if (index.size === 256) return null;
      k = index.size;
      index.set(key, k);
    }
    indices[i] = k;
  }
  const colours = new Uint8Array(index.size * 3);
  for (const [key, k] of index) colours.set([key >> 16, (key >> 8) & 255, key & 255], k * 3);
  return { colours, indices };
}

const paeth = (a: number, b: number, c: number) => {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
};

/** Each row prefixed with the filter (none, sub, up, average, paeth) whose residues sum smallest. */
function filterRows(pixels: Uint8Array, rowBytes: number, height: number, bpp: number): Buffer {
  const out = Buffer.alloc((rowBytes + 1) * height);
  const trial = new Uint8Array(rowBytes);
  const best = new Uint8Array(rowBytes);
  for (let y = 0; y < height; y++) {
    const row = y * rowBytes;
    let bestScore = Infinity;
    let bestFilter = 0;
    for (let f = 0; f < 5; f++) {
      let score = 0;
      for (let x = 0; x < rowBytes; x++) {
        const a = x >= bpp ? pixels[row + x - bpp] : 0;
        const b = y > 0 ? pixels[row - rowBytes + x] : 0;
        const c = x >= bpp && y > 0 ? pixels[row - rowBytes + x - bpp] : 0;
        const predicted = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : paeth(a, b, c);
        const v = (pixels[row + x] - predicted) & 255;
        trial[x] = v;
        score += v < 128 ? v : 256 - v;
      }
      if (score < bestScore) {
        bestScore = score;
        bestFilter = f;
        best.set(trial);
      }
    }
    out[y * (rowBytes + 1)] = bestFilter;
    out.set(best, y * (rowBytes + 1) + 1);
  }
  return out;
}

export type Rgb = [number, number, number];

/** Viridis (a few stops, linear between them): perceptually even, readable in grey. */
const VIRIDIS: Rgb[] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
/** Inferno-like stops for attention maps (dark = ignored, bright = attended). */
const HEAT: Rgb[] = [[0, 0, 4], [87, 16, 110], [188, 55, 84], [249, 142, 9], [252, 255, 164]];

function ramp(stops: Rgb[], t: number): Rgb {
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((c) => Math.round(stops[i][c] + (stops[i + 1][c] - stops[i][c]) * f)) as Rgb;
}

export const viridis = (t: number): Rgb => ramp(VIRIDIS, t);
export const heat = (t: number): Rgb => ramp(HEAT, t);

/** A raster to draw into, then encode. */
export class Canvas {
  readonly rgb: Uint8Array;
  constructor(readonly width: number, readonly height: number, background: Rgb = [255, 255, 255]) {
    this.rgb = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) this.rgb.set(background, i * 3);
  }
  set(x: number, y: number, c: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.rgb.set(c, (Math.floor(y) * this.width + Math.floor(x)) * 3);
  }
  fillRect(x0: number, y0: number, w: number, h: number, c: Rgb): void {
    for (let y = Math.max(0, Math.floor(y0)); y < Math.min(this.height, Math.ceil(y0 + h)); y++) {
      for (let x = Math.max(0, Math.floor(x0)); x < Math.min(this.width, Math.ceil(x0 + w)); x++) this.set(x, y, c);
    }
  }
  png(): Buffer {
    return encodePng(this.width, this.height, this.rgb);
  }
}
