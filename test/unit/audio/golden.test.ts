// Every case in /work/shared/golden/manifest.json (read in place), both configurations, within the
// manifest's tolerances — through the file path (streaming) and through decodeWav + resample in memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { logMelFromFile, logMelFromAudio } from '../../../kernels/engine/audio/features';
import { decodeWav } from '../../../kernels/engine/audio/wav';
import { readNpy } from '../../../kernels/engine/io/npy';
import type { LogMel } from '../../../kernels/engine/types';

const GOLDEN = process.env.LUNGCAM_GOLDEN_DIR ?? path.resolve(__dirname, '../../../../shared/golden');
const manifestPath = path.join(GOLDEN, 'manifest.json');

interface Expected { fmin: number; fmax: number; bands: number; file: string; shape: number[]; tolerance: { maxAbs?: number; meanAbs?: number } }
interface Case { file: string; sampleRate: number; channels: number; expected: Record<string, Expected> }

function compare(got: LogMel, want: { data: Float32Array | Float64Array; shape: number[] }, tol: Expected['tolerance'], label: string) {
  assert.deepEqual([got.frames, got.bands], want.shape, `${label}: shape`);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < want.data.length; i++) {
    const d = Math.abs(got.data[i] - want.data[i]);
    sum += d;
    if (d > max) max = d;
  }
  const mean = sum / want.data.length;
  if (tol.maxAbs !== undefined) assert.ok(max <= tol.maxAbs, `${label}: max |diff| ${max} > ${tol.maxAbs}`);
  if (tol.meanAbs !== undefined) assert.ok(mean <= tol.meanAbs, `${label}: mean |diff| ${mean} > ${tol.meanAbs}`);
}

const manifest: { cases: Case[] } | null = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')) : null;

test('the golden manifest is present', () => {
  assert.ok(manifest, `no golden manifest at ${manifestPath} (set LUNGCAM_GOLDEN_DIR)`);
  assert.ok(manifest.cases.length >= 3);
});

for (const c of manifest?.cases ?? []) {
  for (const [config, exp] of Object.entries(c.expected)) {
    test(`golden ${c.file} · ${config} (${exp.fmin}–${exp.fmax} Hz)`, async () => {
      const wavPath = path.join(GOLDEN, c.file);
      const want = await readNpy(path.join(GOLDEN, exp.file));
      const params = { fmin: exp.fmin, fmax: exp.fmax, bands: exp.bands };
      const streamed = await logMelFromFile(wavPath, params);
      assert.equal(streamed.source?.originalSampleRate, c.sampleRate);
      assert.equal(streamed.source?.channels, c.channels);
      compare(streamed, want, exp.tolerance, `${c.file} ${config} (file)`);
      const inMemory = logMelFromAudio(decodeWav(readFileSync(wavPath), c.file), params);
      compare(inMemory, want, exp.tolerance, `${c.file} ${config} (in memory)`);
      assert.equal(streamed.axes.bandCentersHz.length, exp.bands);
      assert.equal(streamed.axes.bandEdgesHz.length, exp.bands + 2);
    });
  }
}

test('worker threads give the same log-mel as one thread, bit for bit (44.1 kHz stereo, small jobs, helpers alone or with this thread)', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { chunk, encodeSamples, fmtBody, riff } = await import('./wavBuilder');
  const dir = mkdtempSync(path.join(tmpdir(), 'lungcam-threads-'));
  try {
    // 20 s in jobs of 300 rows, so the pool is used and job edges fall everywhere.
    const n = 44100 * 20;
    const ints = new Array<number>(2 * n);
    let seed = 7;
    for (let i = 0; i < n; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const v = Math.round(8000 * Math.sin(i * 0.05) + (seed >>> 20) - 2048);
      ints[2 * i] = v;
      ints[2 * i + 1] = -v >> 1;
    }
    const wav = path.join(dir, 'long.wav');
    writeFileSync(wav, riff([chunk('fmt ', fmtBody(1, 2, 44100, 16)), chunk('data', encodeSamples(ints, 'i16'))]));
    const one = await logMelFromFile(wav, undefined, { threads: 1 });
    // Two helper threads computing every job, then this thread and one helper sharing them.
    const two = await logMelFromFile(wav, undefined, { threads: 3, rowsPerJob: 300, helpersOnly: true });
    const mixed = await logMelFromFile(wav, undefined, { threads: 2, rowsPerJob: 300 });
    assert.equal(one.frames, 1998);
    assert.equal(one.threads, 1);
    assert.equal(two.threads, 2, 'the worker pool ran');
    assert.equal(two.frames, one.frames);
    assert.ok(Buffer.from(one.data.buffer).equals(Buffer.from(two.data.buffer)), 'identical bytes');
    assert.ok(Buffer.from(one.data.buffer).equals(Buffer.from(mixed.data.buffer)), 'identical bytes, shared work');
    // And the streaming file path equals the in-memory path.
    const mem = logMelFromAudio(decodeWav(readFileSync(wav)));
    assert.ok(Buffer.from(one.data.buffer).equals(Buffer.from(mem.data.buffer)), 'file = in-memory');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
