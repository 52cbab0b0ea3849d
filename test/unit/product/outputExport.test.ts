/**
 * Export Heatmap… of a notebook's CAM output (extension/camOutputExport.ts): the map it writes is the one
 * `lungcam gradcam --out F.npy` computes for the same recording, layer and class (within the output's
 * 8-bit display quantisation), and every format is a well-formed file of the right shape.
 */
import { describe, it, before, after } from 'node:test';
import * as assert from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot, runLungcam } from '../cliHarness';
import { EXPORT_FORMATS, exportCamOutput, exportableMaps } from '../../../extension/camOutputExport';
import { decodeNpy } from '../../../kernels/engine/formats';
import { mapOnFrames } from '../../../kernels/shared/view/maps';
import { classWords } from '../../../kernels/shared/view/words';
import type { CamOutput } from '../../../kernels/shared/outputTypes';
import { makeCamOutput } from '../../renderer/fixtures';

const wav = path.join(repoRoot, 'samples', 'wav', 'S003_1b1_Lr_sc_SYNTH.wav');
const model = path.join(repoRoot, 'samples', 'models', 'baseline');
const dir = mkdtempSync(path.join(tmpdir(), 'lungcam-output-export-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('exporting a notebook CAM output', () => {
  let cam: CamOutput;
  before(() => {
    const out = path.join(dir, 'view.json');
    const r = runLungcam(['view', wav, '--model', model, '--out', out], { timeoutMs: 180_000 });
    assert.strictEqual(r.code, 0, r.stderr);
    cam = JSON.parse(readFileSync(out, 'utf8')).cam;
  });

  it('the NPY is the map `lungcam gradcam` writes for that layer and class (within the 8-bit display steps)', () => {
    // the first (input-side) layer and a class other than the default: not just the defaults
    const pick = { layer: cam.layers[0], className: cam.classes.find((c) => c !== cam.defaultClass)! };
    const npyFile = path.join(dir, 'cli.npy');
    const r = runLungcam(['gradcam', wav, '--model', model, '--out', npyFile, '--layer', pick.layer, '--class', pick.className, '--quiet'], { timeoutMs: 180_000 });
    assert.strictEqual(r.code, 0, r.stderr);
    const cli = decodeNpy(readFileSync(npyFile));
    const ours = decodeNpy(exportCamOutput(cam, pick, 'npy') as Uint8Array);
    assert.deepStrictEqual(ours.shape, cli.shape, '[frames, bands] as the CLI');
    assert.deepStrictEqual(ours.shape, [cam.axes.frames, cam.axes.bands]);
    let worst = 0;
    let sum = 0;
    for (let i = 0; i < cli.data.length; i++) {
      const d = Math.abs(ours.data[i] - cli.data[i]);
      worst = Math.max(worst, d);
      sum += d;
    }
    console.log(`# ${pick.layer}/${pick.className}: max |export − CLI| ${worst.toFixed(4)}, mean ${(sum / cli.data.length).toFixed(5)}`);
    assert.ok(worst < 0.006, `largest difference ${worst} (one 8-bit step is 0.0039)`);
  });

  it('PNG, SVG, JSON and CSV: the right file type, size and numbers', () => {
    const pick = exportableMaps(cam)[0];
    assert.deepStrictEqual(pick, { layer: cam.defaultLayer, className: cam.defaultClass }, 'the map shown first is offered first');
    assert.deepStrictEqual(EXPORT_FORMATS.map((f) => f.ext), ['png', 'svg', 'json', 'npy', 'csv']);
    const png = Buffer.from(exportCamOutput(cam, pick, 'png') as Uint8Array);
    assert.strictEqual(png.subarray(1, 4).toString('latin1'), 'PNG');
    const svg = exportCamOutput(cam, pick, 'svg') as string;
    assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.ok(svg.includes(`class ${classWords(pick.className)}`) && svg.includes(pick.layer), 'the title names layer and class');
    const json = JSON.parse(exportCamOutput(cam, pick, 'json') as string);
    assert.strictEqual(json.kind, 'gradcam');
    assert.deepStrictEqual(json.layers, [pick.layer]);
    assert.strictEqual(json.class, pick.className);
    assert.strictEqual(json.map.length, cam.axes.frames);
    assert.strictEqual(json.map[0].length, cam.axes.bands);
    const npy = decodeNpy(exportCamOutput(cam, pick, 'npy') as Uint8Array);
    assert.ok(Math.abs(json.map[100][5] - npy.data[100 * cam.axes.bands + 5]) < 1e-6, 'JSON and NPY hold the same map');
    const csv = (exportCamOutput(cam, pick, 'csv') as string).trim().split('\n');
    assert.strictEqual(csv.length, cam.axes.frames + 1, 'a header and one row per frame');
    assert.strictEqual(csv[0].split(',').length, cam.axes.bands + 1);
    assert.strictEqual(csv[101].split(',')[0], '1.00', 'frame 100 is at 1.00 s');
  });
});

describe('mapOnFrames', () => {
  it('gives one value per frame and band, 0..1; a constant map stays constant where patches overlap', () => {
    const out = makeCamOutput({ durationSeconds: 2.5 });
    const { frames, bands } = out.axes;
    const pick = exportableMaps(out)[0];
    const grid = mapOnFrames(out.maps[pick.layer][pick.className], out.patches, frames, bands);
    assert.strictEqual(grid.length, frames * bands);
    assert.ok(grid.every((v) => Number.isFinite(v) && v >= -1e-6 && v <= 1 + 1e-6), 'normalised values 0..1');
    // a constant map gives the same constant everywhere a patch covers
    const m = out.maps[pick.layer][pick.className];
    const flat = { ...m, map: { ...m.map, min: 0.5, max: 0.5 } };
    const g = mapOnFrames(flat, out.patches, frames, bands);
    assert.ok(g.every((v) => Math.abs(v - 0.5) < 1e-6));
  });

  it('a layer left out of a large output is not offered', () => {
    const out = makeCamOutput();
    const dropped = out.layers[0];
    delete out.maps[dropped];
    out.omittedLayers = [dropped];
    assert.ok(!exportableMaps(out).some((p) => p.layer === dropped));
    assert.throws(() => exportCamOutput(out, { layer: dropped, className: out.classes[0] }, 'png'), /has no map for layer/);
  });
});
