// The PNG writer of the fallbacks and figures (kernels/engine/show/png.ts): what goes in comes out, written
// with a palette when the image has few colours (smaller notebooks), with row filters either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodePng } from '../../../kernels/engine/export/raster';
import { decodePng } from '../pngDecode';

test('an image of ≤ 256 colours is written with a palette and reads back pixel for pixel', () => {
  const w = 300, h = 40;
  const rgb = new Uint8Array(w * h * 3);
  const colours = [[255, 255, 255], [0, 0, 0], [78, 121, 167], [242, 142, 44], [225, 87, 89], [118, 183, 178]];
  for (let i = 0; i < w * h; i++) rgb.set(colours[(i * 7 + Math.floor(i / w)) % colours.length], i * 3);
  const png = decodePng(encodePng(w, h, rgb));
  assert.equal(png.colourType, 3);
  assert.deepEqual(png.rgb, rgb);
});

test('a photo-like image is written as RGB and reads back pixel for pixel; smooth images shrink with filters', () => {
  const w = 200, h = 50;
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) rgb.set([x, (x + y) & 255, (x * y) & 255], (y * w + x) * 3);
  const bytes = encodePng(w, h, rgb);
  const png = decodePng(bytes);
  assert.equal(png.colourType, 2);
  assert.deepEqual(png.rgb, rgb);
  assert.ok(bytes.length < (w * 3 + 1) * h / 4, `${bytes.length} bytes`);
});
