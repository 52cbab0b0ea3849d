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
