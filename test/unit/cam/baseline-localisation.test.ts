// Acceptance on the shipped baseline model and the project's synthetic test set: Grad-CAM energy inside the
// ground-truth crackle and wheeze boxes is at least twice the boxes' share of the area, on average. The test
// set is the test split of the corpus the model was trained on when it is on this machine (metadata
// data.dir, e.g. .bench/corpus-s1), else the default corpus (`lungcam synth DIR`: 40 recordings, seed 0,
// which the model never saw), all of it. Skipped until samples/models/baseline exists. Prints the figures.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend } from '../../../kernels/engine/model/backend';
import { loadModel } from '../../../kernels/engine/model/modelIO';
import { writeSynthCorpus } from '../../../kernels/engine/data/synth';
import { readDataset } from '../../../kernels/engine/data/dataset';
import { localiseRecordings } from '../../../kernels/engine/cam/localiseDataset';

const BASELINE = path.resolve(__dirname, '../../../samples/models/baseline');
const present = existsSync(path.join(BASELINE, 'metadata.json'));
let dir: string;

describe('Grad-CAM localisation on the shipped baseline', { skip: present ? false : 'samples/models/baseline is not there yet' }, () => {
  before(async () => {
    await initBackend(undefined, { quiet: true });
    dir = mkdtempSync(path.join(tmpdir(), 'lungcam-loc-'));
  });
  after(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('puts at least twice the area share of the energy inside crackle and wheeze boxes', async () => {
    const loaded = await loadModel(BASELINE);
    const cm = { model: loaded.model, id: loaded.meta.name, classes: loaded.meta.classes, convLayers: loaded.meta.convLayers };
    const own = String(loaded.meta.data?.dir ?? '');
    let test;
    if (own && existsSync(path.join(own, 'synth.json'))) {
      test = readDataset(own, { seed: loaded.meta.training?.seed ?? 1 }).split.test;
    } else {
      writeSynthCorpus(dir, { count: 40, seed: 0 });
      test = readDataset(dir, { seed: 0 }).recordings;
    }
    const r = await localiseRecordings(cm, test, loaded.meta.featureParams);
    console.log(`baseline localisation on ${r.recordings} test recordings, ${r.events} events: energy/area ${r.meanRatio.toFixed(2)} (energy ${(r.meanEnergyShare * 100).toFixed(1)} % in ${(r.meanAreaShare * 100).toFixed(1)} % of the area), pointing game ${(r.pointingGameRate * 100).toFixed(1)} %; ${JSON.stringify(r.byType)}`);
    assert.ok(r.events > 10, 'enough events to judge');
    assert.ok(r.meanRatio >= 2, `energy inside the boxes is ${r.meanRatio.toFixed(2)}× their area share`);
  });
});
