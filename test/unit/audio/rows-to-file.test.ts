/**
 * `lungcam features --out F.npy` writes rows straight into the file from every thread (rowsTo / writeNpyRows):
 * the file must hold exactly the in-memory result, whichever thread wrote which rows, and a failed run must
 * leave no file (not even the temporary one).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { logMelFromFile } from '../../../kernels/engine/audio/features';
import { LungcamInputError } from '../../../kernels/engine/errors';
import { readNpy, writeNpyRows } from '../../../kernels/engine/io/npy';
import { chunk, encodeSamples, fmtBody, riff } from './wavBuilder';

function noiseWav(file: string, rate: number, channels: number, seconds: number): void {
  const n = rate * seconds;
  const ints = new Array<number>(channels * n);
  let seed = 11;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const v = Math.round(6000 * Math.sin(i * 0.031) + (seed >>> 19) - 4096);
    for (let c = 0; c < channels; c++) ints[channels * i + c] = c ? -v >> 1 : v;
  }
  writeFileSync(file, riff([chunk('fmt ', fmtBody(1, channels, rate, 16)), chunk('data', encodeSamples(ints, 'i16'))]));
}

test('rows written into the .npy by this thread and by helper threads equal the in-memory log-mel, bit for bit (16 kHz and 44.1 kHz stereo)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lungcam-rowfile-'));
  try {
    for (const [rate, channels] of [[16000, 1], [44100, 2]]) {
      const wav = path.join(dir, `in-${rate}.wav`);
      noiseWav(wav, rate, channels, 12);
      const want = await logMelFromFile(wav, undefined, { threads: 1 });
      for (const opts of [{ threads: 1 }, { threads: 3, rowsPerJob: 250, helpersOnly: true }, { threads: 2, rowsPerJob: 250 }]) {
        const out = path.join(dir, `out-${rate}-${opts.threads}.npy`);
        let result: Awaited<ReturnType<typeof logMelFromFile>> | undefined;
        await writeNpyRows(out, async (begin) => { result = await logMelFromFile(wav, undefined, { ...opts, rowsTo: begin }); });
        assert.equal(result!.data.length, 0, 'rows went to the file, not to memory');
        if (opts.helpersOnly) assert.equal(result!.threads, 2, 'helper threads wrote rows');
        const npy = await readNpy(out);
        assert.deepEqual(npy.shape, [want.frames, want.bands]);
        assert.ok(Buffer.from((npy.data as Float32Array).buffer).equals(Buffer.from(want.data.buffer)), `${rate} Hz, ${JSON.stringify(opts)}: identical bytes`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a run that fails while rows are being written leaves neither the output nor a temporary file', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'lungcam-rowfile-'));
  try {
    const out = path.join(dir, 'features.npy');
    writeFileSync(path.join(dir, 'empty.wav'), new Uint8Array(0));
    await assert.rejects(
      writeNpyRows(out, async (begin) => { await logMelFromFile(path.join(dir, 'empty.wav'), undefined, { rowsTo: begin }); }),
      LungcamInputError,
    );
    await assert.rejects(writeNpyRows(out, async (begin) => { begin(10, 64); throw new Error('stopped half way'); }), /stopped half way/);
    assert.deepEqual(readdirSync(dir), ['empty.wav']);
    // An existing output stays as it was when a run fails.
    writeFileSync(out, 'previous');
    await assert.rejects(writeNpyRows(out, async () => { throw new Error('failed before any row'); }), /failed before any row/);
    assert.equal(readFileSync(out, 'utf8'), 'previous');
    assert.deepEqual(readdirSync(dir).sort(), ['empty.wav', 'features.npy']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
