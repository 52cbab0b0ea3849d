// `lungcam gradcam|view --cutoff HZ` end to end in a child process, with a family (the rung trained at
// that cutoff, else the masked what-if) and with one model (the what-if); outputs say which; bad cutoffs
// are one line naming the valid range, exit 2, no file.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { assertOneLineError, runLungcam } from '../cliHarness';
import { pcm16Wav, sine } from '../audio/wavBuilder';
import { decodeNpy } from '../../../kernels/engine/io/npy';
import { initBackend } from '../../../kernels/engine/model/backend';
import { keptBands } from '../../../kernels/engine/audio/melFilter';
import { FAMILY_PARAMS, saveTinyFamily, saveTinyModel } from './fixtures';

let dir: string;
let family: string;
let single: string;
let wav: string;
const kept = (hz: number) => keptBands({ ...FAMILY_PARAMS, bandCutoffHz: hz });

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'lungcam-cli-cutoff-'));
  await initBackend('wasm', { quiet: true });
  family = await saveTinyFamily(dir, [null, 1000, 1500]);
  single = await saveTinyModel(dir, 'single', null);
  // 3 s: a 400 Hz tone and a 1.7 kHz one, so the bands above a cutoff carry something to remove.
  const x = sine(400, 3, 16000, 0.3);
  const high = sine(1700, 3, 16000, 0.2);
  for (let i = 0; i < x.length; i++) x[i] += high[i];
  wav = path.join(dir, 'rec.wav');
  writeFileSync(wav, pcm16Wav(x));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[]) => runLungcam(args, { timeoutMs: 180_000 });
const json = (file: string) => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));

describe('lungcam gradcam --cutoff', () => {
  it('with a family: the member trained at that cutoff (cutoffMode "model")', () => {
    const r = run(['gradcam', wav, '--model', family, '--cutoff', '1000', '--out', path.join(dir, 'g1000.json')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /gradcam of model cut1000 \(trained at 1 kHz\)/);
    const doc = json('g1000.json');
    assert.deepEqual([doc.cutoffMode, doc.modelId, doc.bandCutoffHz, doc.family, doc.bands], ['model', 'cut1000', 1000, 'tiny-cutoffs', kept(1000)]);
    assert.equal(doc.maskFill, undefined);
  });

  it('with a family, between rungs: the next wider member with the bands above masked (cutoffMode "masked")', () => {
    const r = run(['gradcam', wav, '--model', family, '--cutoff', '1250', '--out', path.join(dir, 'g1250.npy')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /what-if: model cut1500 with the bands above 1\.25 kHz masked \(floor\)/);
    const npy = decodeNpy(readFileSync(path.join(dir, 'g1250.npy')));
    assert.equal(npy.shape[1], kept(1500), 'the map covers the answering model\'s bands');
    const asJson = run(['gradcam', wav, '--model', family, '--cutoff', '1250', '--mask-fill', 'bandMean', '--out', path.join(dir, 'g1250.json')]);
    assert.equal(asJson.code, 0, asJson.stderr);
    const doc = json('g1250.json');
    assert.deepEqual([doc.cutoffMode, doc.modelId, doc.bandCutoffHz, doc.maskFill], ['masked', 'cut1500', 1250, 'bandMean']);
  });

  it('with one model: the what-if for any cutoff inside its band; "full" or none is the model itself', () => {
    const r = run(['gradcam', wav, '--model', single, '--cutoff', '800', '--out', path.join(dir, 's800.json')]);
    assert.equal(r.code, 0, r.stderr);
    const masked = json('s800.json');
    assert.deepEqual([masked.cutoffMode, masked.modelId, masked.bandCutoffHz, masked.bands], ['masked', 'single', 800, 32]);
    assert.equal(run(['gradcam', wav, '--model', single, '--cutoff', 'full', '--out', path.join(dir, 'sfull.json')]).code, 0);
    const own = json('sfull.json');
    assert.deepEqual([own.cutoffMode, own.bandCutoffHz], ['model', null]);
    assert.notDeepEqual(masked.probabilities, own.probabilities, 'masking the bands above 800 Hz changes what the model says');
  });

  it('a cutoff that is not a number, outside the band or at/under the lowest band: one line naming the range, exit 2, no file', () => {
    for (const [cutoff, why] of [['abc', /"abc" is not a frequency/], ['2500', /2500 Hz is outside the band/], ['90', /90 Hz is at or under the lowest band/]] as const) {
      const out = path.join(dir, `bad-${cutoff}.json`);
      const r = run(['gradcam', wav, '--model', family, '--cutoff', cutoff, '--out', out]);
      assert.equal(r.code, 2);
      const line = assertOneLineError(r);
      assert.match(line, why);
      assert.match(line, /family tiny-cutoffs answers cutoffs above \d+(\.\d)? Hz \(its lowest band centre\) up to 2000 Hz/);
      assert.equal(existsSync(out), false);
    }
    const r = run(['gradcam', wav, '--model', path.join(dir, 'single'), '--cutoff', '2100', '--out', path.join(dir, 'x.json')]);
    assert.match(assertOneLineError(r), /model single answers cutoffs above .* up to 2000 Hz/);
  });
});

describe('lungcam view --cutoff', () => {
  it('with a family: opens at the cutoff asked and carries every other member as a rung', () => {
    const r = run(['view', wav, '--model', family, '--cutoff', '1500', '--out', path.join(dir, 'v.json')]);
    assert.equal(r.code, 0, r.stderr);
    const doc = json('v.json');
    assert.deepEqual(doc.cutoff, { bandCutoffHz: 1500, cutoffMode: 'model', modelId: 'cut1500', family: 'tiny-cutoffs' });
    assert.deepEqual(doc.cam.cutoff, { bandCutoffHz: 1500, cutoffMode: 'model', modelId: 'cut1500', bands: kept(1500), keptBands: kept(1500) });
    assert.equal(doc.cam.axes.bands, 32, 'the full band is shown; the maps cover the model\'s bands');
    assert.equal(doc.cam.logMel.cols, 32);
    assert.deepEqual(doc.cam.rungs.map((g: { modelId: string; bands: number }) => [g.modelId, g.bands]), [['cut1000', kept(1000)], ['full', 32]]);
    for (const g of doc.cam.rungs) assert.deepEqual(Object.keys(g.maps), doc.cam.layers, 'every layer of every rung');
    assert.equal(doc.predictions.modelId, 'cut1500');
  });

  it('with an annotated recording: each rung carries its own member\'s label for every cycle, as classify gives it', () => {
    const annotated = path.join(dir, 'annotated.wav');
    copyFileSync(wav, annotated);
    writeFileSync(path.join(dir, 'annotated.txt'), '0.1\t1.4\t1\t0\n1.4\t2.9\t0\t1\n');
    const r = run(['view', annotated, '--model', family, '--out', path.join(dir, 'va.json')]);
    assert.equal(r.code, 0, r.stderr);
    const { cam } = json('va.json');
    assert.equal(cam.annotations.cycles.length, 2);
    for (const rung of cam.rungs) {
      const c = run(['classify', annotated, '--model', path.join(family, rung.modelId), '--json']);
      assert.equal(c.code, 0, c.stderr);
      const own = JSON.parse(c.stdout).cycles.map((k: { label: string; probabilities: number[] }) => ({ label: k.label, probabilities: k.probabilities }));
      assert.deepEqual(rung.cyclePredictions, own, `${rung.modelId}: the rung's cycle labels are that member's`);
    }
  });

  it('with one model: the what-if, labelled masked; --only-cutoff leaves a family\'s rungs out', () => {
    const r = run(['view', wav, '--model', single, '--cutoff', '1000', '--out', path.join(dir, 'vs.json')]);
    assert.equal(r.code, 0, r.stderr);
    const doc = json('vs.json');
    assert.deepEqual(doc.cam.cutoff, { bandCutoffHz: 1000, cutoffMode: 'masked', modelId: 'single', bands: 32, keptBands: kept(1000), maskFill: 'floor' });
    assert.equal(doc.cam.rungs, undefined);
    const only = run(['view', wav, '--model', family, '--cutoff', '1250', '--only-cutoff', '--out', path.join(dir, 'vo.json')]);
    assert.equal(only.code, 0, only.stderr);
    const o = json('vo.json');
    assert.deepEqual([o.cam.cutoff.cutoffMode, o.cam.cutoff.modelId, o.cam.rungs], ['masked', 'cut1500', undefined]);
  });
});
