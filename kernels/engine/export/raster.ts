/**
 * The engine's pictures as pixels: an RGB raster with alpha blending, rectangles, lines and text in a small
 * embedded font (font.ts), and a small PNG writer (8-bit RGB or palette, row filters, zlib from Node). Figures (png.ts,
 * profile.ts) and the fallback images of `lc.show` (show/fallbacks.ts) draw with it.
 */
import { deflateSync } from 'node:zlib';
import type { Rgb } from '../../shared/view/colormaps';
import { FONT_ASCENT, FONT_HEIGHT, GLYPHS } from './font';

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

/** Width in pixels of text in the embedded 11 px font (figures lay their text out with it). */
export function textWidth(s: string): number {
  return [...s].reduce((sum, ch) => sum + (GLYPHS[ch]?.[0] ?? 6), 0);
}

/** An RGB raster with alpha blending, rectangles, lines and text in the embedded font. */
export class Raster {
  readonly rgb: Uint8Array;
  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    this.rgb = new Uint8Array(width * height * 3);
    if (background.every((v) => v === 255)) this.rgb.fill(255);
    else for (let i = 0; i < width * height; i++) this.rgb.set(background, i * 3);
  }
  /** Copies rows of RGB pixels (w × h, top row first) to (x, y). */
  put(x: number, y: number, w: number, h: number, pixels: Uint8Array): void {
    for (let j = 0; j < h; j++) this.rgb.set(pixels.subarray(j * w * 3, (j + 1) * w * 3), ((y + j) * this.width + x) * 3);
  }
  blend(x: number, y: number, c: Rgb, alpha = 1): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = (y * this.width + x) * 3;
    for (let k = 0; k < 3; k++) this.rgb[o + k] = Math.round(this.rgb[o + k] * (1 - alpha) + c[k] * alpha);
  }
  rect(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let j = Math.round(y); j < Math.round(y + h); j++) for (let i = Math.round(x); i < Math.round(x + w); i++) this.blend(i, j, c);
  }
  outline(x: number, y: number, w: number, h: number, c: Rgb): void {
    this.rect(x, y, w, 1, c);
    this.rect(x, y + h - 1, w, 1, c);
    this.rect(x, y, 1, h, c);
    this.rect(x + w - 1, y, 1, h, c);
  }
  /** A straight line, `width` px thick (DDA, no anti-aliasing). */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, width = 1): void {
    const n = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    for (let i = 0; i <= n; i++) {
      const x = x0 + ((x1 - x0) * i) / n;
      const y = y0 + ((y1 - y0) * i) / n;
      this.rect(x - width / 2, y - width / 2, width, width, c);
    }
  }
  png(): Buffer {
    return encodePng(this.width, this.height, this.rgb);
  }
  textWidth(s: string): number {
    return textWidth(s);
  }
  /** Text with its baseline at y; anchor start | middle | end. */
  text(s: string, x: number, y: number, anchor: 'start' | 'middle' | 'end' = 'start', c: Rgb = [0, 0, 0]): void {
    let cx = Math.round(anchor === 'start' ? x : anchor === 'middle' ? x - this.textWidth(s) / 2 : x - this.textWidth(s));
    const top = Math.round(y - FONT_ASCENT);
    for (const ch of s) {
      const g = GLYPHS[ch];
      if (!g) {
        cx += 6;
        continue;
      }
      const [w, b64] = g;
      const bytes = Buffer.from(b64, 'base64');
      for (let i = 0; i < w * FONT_HEIGHT; i++) {
        const v = (bytes[i >> 1] >> (i % 2 === 0 ? 4 : 0)) & 15;
        if (v) this.blend(cx + (i % w), top + Math.floor(i / w), c, v / 15);
      }
      cx += w;
    }
  }
  /** Text rotated a quarter turn anticlockwise (reads bottom to top), centred on (x, y). */
  verticalText(s: string, x: number, y: number): void {
    const tmp = new Raster(this.textWidth(s) + 2, FONT_HEIGHT);
    tmp.text(s, 0, FONT_ASCENT);
    for (let j = 0; j < tmp.height; j++) {
      for (let i = 0; i < tmp.width; i++) {
        const darkness = 1 - tmp.rgb[(j * tmp.width + i) * 3] / 255;
        if (darkness > 0) this.blend(x - tmp.height / 2 + j, y + tmp.width / 2 - i, [0, 0, 0], darkness);
      }
    }
  }
}
