// The shipped real-data models and their family, as a user gets them: `baseline` (the default model) and
// `cut1500` trained on real ICBHI + SPRSound recordings with the committed patient-wise split, the family
// `seed-cutoffs` (full band + 1000/1250/1500/1750 Hz) readable by the engine's family loader, every member
// trained the same way, and Grad-CAM answering on every conv layer of every member for a real recording
// (read in place; that part is skipped with a reason when ../shared/realdata is absent).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { initBackend } from '../../../kernels/engine/model/backend';
import { loadModel } from '../../../kernels/engine/model/modelIO';
import { readModelMetadata } from '../../../kernels/engine/model/metadata';
import { readModelFamily } from '../../../kernels/engine/model/family';
import { DEFAULT_MODEL } from '../../../kernels/cli/modelOptions';
import { logMelFromFile } from '../../../kernels/engine/audio/features';
import { recordingCam } from '../../../kernels/engine/cam/explain';
import { lowBandsOf } from '../../../kernels/engine/cutoff/lowBands';

const REPO = path.resolve(__dirname, '../../..');
const MODELS = path.join(REPO, 'samples/models');
const SPLIT = 'samples/models/splits/real.tsv';
const REAL = process.env.LUNGCAM_REALDATA_DIR ?? path.resolve(REPO, '../shared/realdata');
const RECORDING = path.join(REAL, '107_2b3_Ar_mc_AKGC417L.wav');
const noReal = !existsSync(RECORDING) && `no real recording at ${RECORDING} (set LUNGCAM_REALDATA_DIR)`;

/** The split file's test patients: no shipped real-data model may have trained or selected on them. */
function splitSides(): Map<string, string> {
  const sides = new Map<string, string>();
  for (const line of readFileSync(path.join(REPO, SPLIT), 'utf8').split('\n')) {
    const [name, side] = line.trim().split('\t');
    if (name && side) sides.set(name, side);
  }
  return sides;
}

describe('the shipped real-data models', () => {
  before(async () => {
    await initBackend('wasm', { quiet: true });
  });

  it('the default model is baseline, trained on the real recordings with the committed split (no synthetic data)', () => {
    assert.equal(path.basename(DEFAULT_MODEL), 'baseline');
    for (const [name, cutoff] of [['baseline', null], ['cut1500', 1500]] as const) {
      const meta = readModelMetadata(path.join(MODELS, name));
      assert.equal(meta.name, name);
      assert.equal(meta.featureParams.bandCutoffHz, cutoff, `${name}: band cutoff`);
      assert.deepEqual([meta.featureParams.fmin, meta.featureParams.fmax, meta.featureParams.bands], [100, 2000, 64], `${name}: the seed's front end`);
      assert.match(meta.training.command, /lungcam train \S*realdata --split-file samples\/models\/splits\/real\.tsv /, `${name}: ${meta.training.command}`);
      assert.equal(meta.training.seed, 1);
      assert.equal(meta.cycleAggregation, 'max-flags');
    }
    const sides = new Set(splitSides().values());
    assert.deepEqual([...sides].sort(), ['test', 'train', 'validation']);
  });

  it('seed-cutoffs is a family of five members trained the same way, read by the engine loader', () => {
    const family = readModelFamily(path.join(MODELS, 'seed-cutoffs'));
    assert.deepEqual(family.members.map((m) => m.bandCutoffHz), [1000, 1250, 1500, 1750, null]);
    assert.deepEqual(family.members.map((m) => m.meta.inputBands), family.members.map((m) => m.bands));
    assert.deepEqual(family.members.map((m) => path.basename(m.dir)), ['cut1000', 'cut1250', 'cut1500', 'cut1750', 'baseline']);
    // The same recipe: their training commands differ only in --cutoff and --out.
    const recipe = (c: string) => c.replace(/ --cutoff \d+/, '').replace(/ --out \S+/, '');
    assert.equal(new Set(family.members.map((m) => recipe(m.meta.training.command))).size, 1, family.members.map((m) => m.meta.training.command).join('\n'));
  });

  it('Grad-CAM answers on every conv layer of every member for a real recording', { skip: noReal }, async () => {
    const family = readModelFamily(path.join(MODELS, 'seed-cutoffs'));
    const full = await logMelFromFile(RECORDING, family.featureParams);
    for (const member of family.members) {
      const loaded = await loadModel(member.dir);
      const logMel = lowBandsOf(full, member.bandCutoffHz);
      for (const layer of loaded.meta.convLayers) {
        const rc = await recordingCam(loaded, logMel, { layers: [layer] });
        assert.equal(rc.map.length, logMel.frames * member.bands, `${member.meta.name} ${layer}: a value per frame and band`);
        let max = 0;
        for (const v of rc.map) {
          assert.ok(Number.isFinite(v), `${member.meta.name} ${layer}: finite`);
          max = Math.max(max, v);
        }
        assert.ok(max > 0, `${member.meta.name} ${layer}: a map that is not all dark`);
      }
    }
  });
});
