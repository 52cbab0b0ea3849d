// Streaming reads (openWavStream): any slice of the file decodes to exactly what the whole-file decoder
// gives, for the WebAssembly SIMD 16-bit path (mono, stereo) and the JS paths (other layouts), including
// slices that cross read blocks or run past the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeWav, openWavStream } from '../../../kernels/engine/audio/wav';
import { chunk, encodeSamples, fmtBody, riff } from './wavBuilder';

const dir = mkdtempSync(path.join(tmpdir(), 'lungcam-wav-stream-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

/** A file of `frames` frames of full-range 16-bit (or 24-bit) noise, extremes included. */
function noiseWav(name: string, channels: number, frames: number, bits = 16): string {
  let seed = 7 + channels;
  const full = bits === 16 ? 32768 : 8388608;
  const values = Array.from({ length: frames * channels }, (_, i) => {
    if (i < 4) return [-full, full - 1, 0, -1][i];
    seed = (seed * 1103515245 + 12345) >>> 0;
    return (seed % (2 * full)) - full;
  });
  const file = path.join(dir, name);
  writeFileSync(file, riff([chunk('fmt ', fmtBody(1, channels, 16000, bits)), chunk('data', encodeSamples(values, bits === 16 ? 'i16' : 'i24'))]));
  return file;
}

for (const [channels, bits] of [[1, 16], [2, 16], [3, 16], [2, 24]]) {
  test(`${bits}-bit ${channels}-channel: any slice equals the whole-file decode bit for bit`, () => {
    const frames = 65536 * 2 + 1001; // crosses the 64 Ki-frame read blocks, odd tail
    const file = noiseWav(`n${channels}-${bits}.wav`, channels, frames, bits);
    const whole = decodeWav(new Uint8Array(readFileSync(file))).samples;
    const stream = openWavStream(file);
    try {
      for (const [first, length] of [[0, frames], [3, 7], [65530, 20], [65536, 65536], [frames - 5, 5], [frames - 3, 10], [frames + 2, 4]]) {
        const out = new Float32Array(length).fill(NaN);
        const got = stream.readFrames(first, out);
        assert.equal(got, Math.max(0, Math.min(length, frames - first)), `frames read at ${first}`);
        assert.deepEqual(out.subarray(0, got), whole.subarray(first, first + got), `slice at ${first}`);
      }
      const blocks: number[] = [];
      for (const b of stream.blocks(50000)) blocks.push(...b.subarray(0, 3));
      assert.equal(blocks.length, 9);
      assert.deepEqual(blocks.slice(3, 6), Array.from(whole.subarray(50000, 50003)));
    } finally {
      stream.close();
    }
  });
}
