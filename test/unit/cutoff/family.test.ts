// Model families by band cutoff (family.json), the what-if masking and which model answers a cutoff.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initBackend } from '../../../kernels/engine/model/backend';
import { readModelFamily, writeFamilyManifest } from '../../../kernels/engine/model/family';
import { readModelMetadata } from '../../../kernels/engine/model/metadata';
import { maskBandsAbove } from '../../../kernels/engine/cutoff/bandMask';
import { openModelSource, planBandCutoff, readBandCutoff } from '../../../kernels/engine/cutoff/plan';
import { keptBands, melAxes } from '../../../kernels/engine/audio/melFilter';
import { SILENCE_LOG_MEL } from '../../../kernels/engine/audio/logMel';
import { FAMILY_PARAMS, editMetadata, saveTinyFamily, saveTinyModel } from './fixtures';

const REPO = path.resolve(__dirname, '../../..');
const keptAt = (hz: number) => keptBands({ ...FAMILY_PARAMS, bandCutoffHz: hz });
let dir: string;
let family: string;

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lungcam-family-'));
  await initBackend('wasm', { quiet: true });
  family = await saveTinyFamily(dir, [1500, null, 1000]);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the tiny family to break in one way. */
function copyFamily(name: string): string {
  const copy = path.join(dir, name);
  cpSync(family, copy, { recursive: true });
  return copy;
}

const refused = (folder: string, pattern: RegExp) =>
  assert.throws(() => readModelFamily(folder), (e: Error) => {
    assert.match(e.message, pattern);
    assert.equal(e.message.includes('\n'), false, 'one line');
    return true;
  });

describe('family.json', () => {
  it('reads the members fewest bands first, with the shared filterbank', () => {
    const f = readModelFamily(family);
    assert.equal(f.name, 'tiny-cutoffs');
    assert.deepEqual(f.members.map((m) => m.bandCutoffHz), [1000, 1500, null]);
    assert.deepEqual(f.members.map((m) => m.bands), [keptAt(1000), keptAt(1500), 32]);
    assert.deepEqual(f.featureParams, { fmin: 100, fmax: 2000, bands: 32, bandCutoffHz: null });
  });

  it('refuses a missing member, naming it', () => {
    const broken = copyFamily('missing');
    rmSync(path.join(broken, 'cut1000'), { recursive: true });
    refused(broken, /member 3 \(cut1000\): .*cut1000: model folder not found/);
  });

  it('refuses mixed feature parameters, naming the member and what differs', () => {
    const broken = copyFamily('mixed');
    editMetadata(path.join(broken, 'cut1500'), (m) => { m.featureParams.fmin = 125; });
    refused(broken, /member 1 \(cut1500\): mixed feature parameters: it has fmin 125 Hz/);
  });

  it('refuses a member listed at another cutoff than it was trained with', () => {
    const broken = copyFamily('wrong-cutoff');
    editMetadata(path.join(broken, 'cut1000'), (m) => { m.featureParams.bandCutoffHz = 1250; });
    refused(broken, /member 3 \(cut1000\): listed at 1000 Hz but the model was trained with a cutoff at 1250 Hz/);
  });

  it('refuses absolute member folders, two members keeping the same bands, another format and broken JSON', () => {
    const write = (name: string, doc: unknown) => {
      const f = copyFamily(name);
      writeFileSync(path.join(f, 'family.json'), typeof doc === 'string' ? doc : JSON.stringify(doc));
      return f;
    };
    refused(write('absolute', { format: 'lungcam-family/1', name: 'x', members: [{ bandCutoffHz: null, dir: path.join(family, 'full') }] }), /member 1 .*must be relative/);
    refused(write('twins', { format: 'lungcam-family/1', name: 'x', members: [{ bandCutoffHz: null, dir: 'full' }, { bandCutoffHz: null, dir: '../tiny-cutoffs/full' }] }), /member 2 .*keeps the same 32 bands as member 1/);
    refused(write('format', { format: 'other/2', name: 'x', members: [] }), /should say format "lungcam-family\/1" \(format "other\/2"\)/);
    refused(write('json', '{ members: '), /family\.json is not valid JSON/);
    refused(write('empty', { format: 'lungcam-family/1', name: 'x', members: [] }), /lists no members/);
  });

  it('writeFamilyManifest checks before it writes; the shipped baseline and cut1500 make a family', async () => {
    const shipped = path.join(dir, 'shipped');
    const rel = (m: string) => path.relative(shipped, path.join(REPO, 'samples/models', m));
    cpSync(path.join(family, 'full'), path.join(shipped, 'unused'), { recursive: true });
    const f = await writeFamilyManifest(shipped, { name: 'synthetic', members: [{ bandCutoffHz: null, dir: rel('baseline') }, { bandCutoffHz: 1500, dir: rel('cut1500') }] });
    assert.deepEqual(f.members.map((m) => [m.meta.name, m.bands]), [['cut1500', 54], ['baseline', 64]]);
    await assert.rejects(writeFamilyManifest(path.join(dir, 'bad'), { name: 'bad', members: [{ bandCutoffHz: 1500, dir: rel('baseline') }] }), /trained on the full band/);
  });

  it('model folders written before the band cutoff had its name still read (featureParams.cutoffHz)', () => {
    assert.equal(readModelMetadata(path.join(REPO, 'samples/models/cut1500')).featureParams.bandCutoffHz, 1500);
  });
});

describe('which model answers a cutoff', () => {
  it('the member keeping the same bands answers as itself; otherwise the nearest wider member, masked', () => {
    const source = openModelSource(family);
    const plan = (hz: number | null) => {
      const p = planBandCutoff(source, hz);
      return [p.cutoffMode, p.member.meta.name, p.keptBands];
    };
    assert.deepEqual(plan(null), ['model', 'full', 32]);
    assert.deepEqual(plan(1500), ['model', 'cut1500', keptAt(1500)]);
    assert.deepEqual(plan(1000), ['model', 'cut1000', keptAt(1000)]);
    assert.equal(keptAt(1010), keptAt(1000));
    assert.deepEqual(plan(1010), ['model', 'cut1000', keptAt(1000)], 'a cutoff keeping the same bands is the same rung');
    assert.deepEqual(plan(1250), ['masked', 'cut1500', keptAt(1250)]);
    assert.deepEqual(plan(1800), ['masked', 'full', keptAt(1800)]);
    assert.deepEqual(plan(500), ['masked', 'cut1000', keptAt(500)]);
    assert.deepEqual(plan(2000), ['model', 'full', 32]);
  });

  it('one model: itself at its own cutoff, the what-if below; never above its band', async () => {
    const cut = openModelSource(await saveTinyModel(dir, 'alone1500', 1500));
    assert.equal(planBandCutoff(cut, null).bandCutoffHz, 1500, 'no cutoff asked: the model\'s own');
    assert.equal(planBandCutoff(cut, 1500).cutoffMode, 'model');
    assert.equal(planBandCutoff(cut, 900).cutoffMode, 'masked');
    assert.throws(() => planBandCutoff(cut, 1600), /1600 Hz is outside the band: model alone1500 answers cutoffs above 1\d\d(\.\d)? Hz \(its lowest band centre\) up to 1500 Hz/);
  });

  it('a cutoff that is not a number, outside the band or at/under the lowest band: one line naming the range', () => {
    const source = openModelSource(family);
    for (const [text, why] of [['abc', /"abc" is not a frequency/], ['3000', /3000 Hz is outside the band/], ['100', /100 Hz is at or under the lowest band/], ['', /is not a frequency/]] as const) {
      assert.throws(() => readBandCutoff(text, source), (e: Error) => {
        assert.match(e.message, why);
        assert.match(e.message, /family tiny-cutoffs answers cutoffs above 1\d\d(\.\d)? Hz \(its lowest band centre\) up to 2000 Hz/);
        return true;
      });
    }
    assert.equal(readBandCutoff('full', source), null);
    assert.equal(readBandCutoff(' 1250 ', source), 1250);
  });
});

describe('maskBandsAbove', () => {
  const axes = melAxes({ fmin: 100, fmax: 2000, bands: 8, bandCutoffHz: null }, 3);
  const data = Float32Array.from({ length: 3 * 8 }, (_, i) => (i % 8) + Math.floor(i / 8) * 0.5);
  const logMel = { data, bands: 8 };
  const kept = axes.bandCentersHz.filter((c) => c <= 1000).length;

  it('replaces the bands above the cutoff by the fill; the rest and the input are unchanged', () => {
    const floor = maskBandsAbove(logMel, axes.bandCentersHz, 1000, 'floor');
    const mean = maskBandsAbove(logMel, axes.bandCentersHz, 1000, 'bandMean');
    for (let r = 0; r < 3; r++) {
      for (let b = 0; b < 8; b++) {
        const i = r * 8 + b;
        if (b < kept) {
          assert.equal(floor.data[i], data[i]);
          assert.equal(mean.data[i], data[i]);
        } else {
          assert.ok(Math.abs(floor.data[i] - SILENCE_LOG_MEL) < 1e-6);
          assert.ok(Math.abs(mean.data[i] - (b + 0.5)) < 1e-6, 'the band\'s mean over the rows');
        }
      }
    }
    assert.equal(data[7], 7, 'the input is not written');
  });

  it('noise: the band\'s mean and spread, the same for the same seed', () => {
    const long = { data: Float32Array.from({ length: 4000 * 8 }, (_, i) => ((i * 7919) % 13) / 3), bands: 8 };
    const a = maskBandsAbove(long, axes.bandCentersHz, 1000, 'noise', 1);
    const b = maskBandsAbove(long, axes.bandCentersHz, 1000, 'noise', 1);
    assert.deepEqual(a.data, b.data);
    const col = (x: Float32Array, band: number) => Array.from({ length: 4000 }, (_, r) => x[r * 8 + band]);
    const stats = (v: number[]) => { const m = v.reduce((s, x) => s + x, 0) / v.length; return [m, Math.sqrt(v.reduce((s, x) => s + (x - m) ** 2, 0) / v.length)]; };
    const [m0, s0] = stats(col(long.data, 7));
    const [m1, s1] = stats(col(a.data, 7));
    assert.ok(Math.abs(m1 - m0) < 0.1 && Math.abs(s1 - s0) < 0.1, `mean ${m1} vs ${m0}, sd ${s1} vs ${s0}`);
  });

  it('refuses band centres that do not match the features and unknown fills', () => {
    assert.throws(() => maskBandsAbove(logMel, axes.bandCentersHz.slice(1), 1000), /band centres list 7 bands but the features have 8/);
    assert.throws(() => maskBandsAbove(logMel, axes.bandCentersHz, 1000, 'zero' as never), /unknown mask fill "zero"/);
  });
});
