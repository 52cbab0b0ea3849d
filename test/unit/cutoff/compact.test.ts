// Compact maps (7 bits, zlib) for outputs that carry a family's every member: read back by the one decoder
// within a step of 255/127 of the original byte, and smaller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesToBase64, compactMatrix, decodeMatrix, matrixBytes } from '../../../kernels/shared/view/quantized';
import type { QuantizedMatrix } from '../../../kernels/shared/outputTypes';

test('compactMatrix keeps every value within one 7-bit step and takes fewer bytes', () => {
  const rows = 96 * 4;
  const cols = 32;
  // A smooth blob per patch with a zero floor, like a normalised Grad-CAM map.
  const bytes = Uint8Array.from({ length: rows * cols }, (_, i) => {
    const r = Math.floor(i / cols) % 96;
    const c = i % cols;
    return Math.max(0, Math.round(255 * Math.exp(-(((r - 40) / 20) ** 2) - ((c - 12) / 6) ** 2) - 20));
  });
  const plain: QuantizedMatrix = { rows, cols, min: 0, max: 1, u8: bytesToBase64(bytes) };
  const compact = compactMatrix(plain);
  assert.equal(compact.zlib, true);
  assert.equal(compact.levels, 127);
  assert.ok(compact.u8.length < plain.u8.length / 3, `${compact.u8.length} vs ${plain.u8.length} base64 characters`);
  const back = matrixBytes(compact);
  assert.equal(back.length, bytes.length);
  let worst = 0;
  for (let i = 0; i < bytes.length; i++) worst = Math.max(worst, Math.abs(back[i] - bytes[i]));
  assert.ok(worst <= 2, `largest difference ${worst} (of 255)`);
  assert.deepEqual(decodeMatrix(compact).bytes, back, 'the renderer\'s decoder reads it the same');
  assert.equal(compactMatrix(compact), compact, 'compacting twice changes nothing');
  assert.deepEqual(matrixBytes(plain), bytes, 'plain matrices read as before');
});
