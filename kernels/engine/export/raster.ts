/**
 * The engine's pictures as pixels: an RGB raster with alpha blending, rectangles, lines and text in a small
 * embedded font (font.ts), and a minimal PNG writer (8-bit RGB, zlib from Node). Figures (png.ts,
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

/** RGB image, `rgb` row-major width*height*3, top row first. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0; // filter: none
    Buffer.from(rgb.buffer, rgb.byteOffset + y * width * 3, width * 3).copy(raw, y * (width * 3 + 1) + 1);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}

/** An RGB raster with alpha blending, rectangles, lines and text in the embedded font. */
export class Raster {
  readonly rgb: Uint8Array;
  constructor(readonly width: number, readonly height: number, background: Rgb = [255, 255, 255]) {
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
    return [...s].reduce((sum, ch) => sum + (GLYPHS[ch]?.[0] ?? 6), 0);
  }
  /** Text with its baseline at y; anchor start | middle | end. */
  text(s: string, x: number, y: number, anchor: 'start' | 'middle' | 'end' = 'start', c: Rgb = [0, 0, 0]): void {
    let cx = Math.round(anchor === 'start' ? x : anchor === 'middle' ? x - this.textWidth(s) / 2 : x - this.textWidth(s));
    const top = Math.round(y - FONT_ASCENT);
    for (const ch of s) {
      const g = GLYPHS[ch];
      if (!g) { cx += 6; continue; }
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

