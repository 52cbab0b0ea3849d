// Model families by cutoff: a manifest with its members loads (full band first, then ascending cutoffs);
// missing members, members whose own cutoff differs from the manifest's, mixed feature parameters and
// duplicate cutoffs are refused naming the member. And the masking what-if: which bands it replaces, with
// which values, and the cutoff checks' one-line errors.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend } from '../../../kernels/engine/model/backend';
import { buildModel, convLayerNames } from '../../../kernels/engine/model/model';
import { saveModel, MODEL_FORMAT, type ModelMetadata } from '../../../kernels/engine/model/modelIO';
import { familyMember, loadModelFamily, readModelFamily, FAMILY_FORMAT } from '../../../kernels/engine/model/family';
import { bandStatistics, checkCutoffHz, maskBandsAbove } from '../../../kernels/engine/model/bandMask';
import { melAxes } from '../../../kernels/engine/audio/melFilter';
import { keptBands, resolveFeatureParams } from '../../../kernels/engine/audio/melFilter';
import { isInputError } from '../../../kernels/engine/errors';
import { SEED_PARAMS, type FeatureParams } from '../../../kernels/engine/types';

const root = mkdtempSync(path.join(tmpdir(), 'lungcam-family-'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));

before(async () => {
  await initBackend('wasm', { quiet: true });
});

async function member(dir: string, params: FeatureParams): Promise<void> {
  const model = buildModel({ filters: [2, 4], seed: 1 });
  const meta: ModelMetadata = {
    format: MODEL_FORMAT, name: path.basename(dir), classes: ['normal', 'crackle', 'wheeze', 'both'], featureParams: params,
    inputBands: keptBands(resolveFeatureParams(params)), convLayers: convLayerNames(model), architecture: { filters: [2, 4], batchNorm: false, inputNorm: true },
    training: { command: 'test', seed: 1, epochs: 0, epochsRun: 0, bestEpoch: 0, batchSize: 32, patience: 0, learningRate: 0.001, augment: false, classWeights: [1, 1, 1, 1], msPerSamplePerEpoch: 0, seconds: 0 },
    data: {}, metrics: {}, backend: 'wasm', created: new Date(0).toISOString(),
  };
  await saveModel(dir, model, meta);
}

function inputError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isInputError(e), `expected a LungcamInputError, got ${e}`);
    assert.match((e as Error).message, pattern);
    assert.ok(!(e as Error).message.includes('\n'), 'one line');
    return true;
  });
}

test('a family manifest lists its members; they load full band first, then by cutoff', async () => {
  const dir = path.join(root, 'fam');
  mkdirSync(dir);
  await member(path.join(dir, 'cut1500'), { ...SEED_PARAMS, cutoffHz: 1500 });
  await member(path.join(dir, 'full'), { ...SEED_PARAMS });
  await member(path.join(dir, 'cut1000'), { ...SEED_PARAMS, cutoffHz: 1000 });
  const manifest = { format: FAMILY_FORMAT, name: 'test family', members: [{ cutoffHz: 1500, dir: 'cut1500' }, { cutoffHz: null, dir: 'full' }, { cutoffHz: 1000, dir: 'cut1000' }] };
  writeFileSync(path.join(dir, 'family.json'), JSON.stringify(manifest));
  const fam = await loadModelFamily(dir);
  assert.equal(fam.name, 'test family');
  assert.deepEqual(fam.members.map((m) => m.cutoffHz), [null, 1000, 1500]);
  assert.deepEqual(fam.members.map((m) => m.loaded.meta.inputBands), [64, 40, 54]);
  assert.equal(familyMember(fam, 1000)?.dir, path.join(dir, 'cut1000'));
  assert.equal(familyMember(fam, 1250), undefined);

  // Refusals, each naming the member.
  const write = (m: unknown) => writeFileSync(path.join(dir, 'family.json'), JSON.stringify({ ...manifest, members: m }));
  write([...manifest.members, { cutoffHz: 1750, dir: 'cut1750' }]);
  inputError(() => readModelFamily(dir), /member 4 \(cut1750\): member folder cut1750 is missing/);
  write([{ cutoffHz: 1250, dir: 'cut1000' }]);
  inputError(() => readModelFamily(dir), /member cut1000 was trained with cutoff 1000 but the manifest says 1250/);
  await member(path.join(dir, 'other'), { fmin: 125, fmax: 7500, bands: 64, cutoffHz: null });
  write([{ cutoffHz: 1000, dir: 'cut1000' }, { cutoffHz: null, dir: 'other' }]);
  inputError(() => readModelFamily(dir), /member other mixes feature parameters with the family: fmin 125 \(member cut1000: 100\), fmax 7500 \(member cut1000: 2000\)/);
  write([{ cutoffHz: null, dir: 'full' }, { cutoffHz: null, dir: 'full' }]);
  inputError(() => readModelFamily(dir), /two members share the cutoff none/);
  write([]);
  inputError(() => readModelFamily(dir), /lists no members/);
  writeFileSync(path.join(dir, 'family.json'), JSON.stringify({ format: 'lungcam-model/1' }));
  inputError(() => readModelFamily(dir), /not a LungCAM model family: expected format "lungcam-family\/1"/);
  inputError(() => readModelFamily(path.join(dir, 'full')), /not a model family: family\.json is missing/);
});

test('masking replaces exactly the bands centred above the cutoff, with the floor, the band mean or seeded noise', () => {
  const centres = melAxes(resolveFeatureParams(SEED_PARAMS), 0).bandCentersHz;
  const frames = 20;
  const data = Float32Array.from({ length: frames * 64 }, (_, i) => Math.sin(i) - 2);
  const stats = bandStatistics(data, frames, 64);
  const kept = centres.filter((hz) => hz <= 1500).length;
  assert.equal(kept, 54);
  const floor = maskBandsAbove(data, centres, 1500, 'floor');
  const mean = maskBandsAbove(data, centres, 1500, 'band-mean', stats);
  const noise = maskBandsAbove(data, centres, 1500, 'noise', stats, 7);
  for (let f = 0; f < frames; f++) {
    for (let b = 0; b < 64; b++) {
      const i = f * 64 + b;
      if (b < kept) {
        assert.equal(floor[i], data[i]);
        assert.equal(mean[i], data[i]);
        assert.equal(noise[i], data[i]);
      } else {
        assert.ok(Math.abs(floor[i] - Math.log(0.01)) < 1e-6);
        assert.equal(mean[i], stats.mean[b]);
        assert.notEqual(noise[i], stats.mean[b]);
      }
    }
  }
  assert.deepEqual(Array.from(maskBandsAbove(data, centres, 1500, 'noise', stats, 7)), Array.from(noise), 'noise is seeded');
  assert.ok(Math.abs(maskBandsAbove(data, centres, 1500, -3)[63] + 3) < 1e-6, 'a number fills as given');
  assert.equal(data[63], Math.fround(Math.sin(63) - 2), 'the input is not changed');
  inputError(() => checkCutoffHz(50, centres), /the cutoff 50 Hz is outside the model's bands: choose one between 115 Hz \(the lowest band centre\) and 1950 Hz \(the highest\)/);
  inputError(() => checkCutoffHz(Number.NaN, centres), /the cutoff must be a number of Hz between 115 Hz/);
  assert.equal(checkCutoffHz(1234, centres), 1234);
});
