// The renderer's pure pieces (no browser): the mel-warped Hz scale, patch lookup, half-pixel upsampling,
// the cutoff share and quantised coding, checked against hand-computed values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bandScale, hzTicks, patchAtFrame, patchesInView, formatHz } from '../../webview/renderer/scales';
import { shareAboveCutoff, bandProfile, camAt, patchPeaks } from '../../kernels/shared/view/summaries';
import { resizeMaps } from '../../kernels/shared/view/maps';
import { base64ToBytes, bytesToBase64, matrixBytes, quantize } from '../../kernels/shared/view/quantized';
import { exportFileName } from '../../webview/renderer/export';
import { featureAxes, makeCamOutput, patchInfo } from './fixtures';

test('Hz scale: band centres sit at the middle of their rows, low frequencies at the bottom', () => {
  const axes = featureAxes(10, 100, 2000, 64);
  const y = bandScale(axes, 256);
  assert.ok(Math.abs(y(axes.bandCentersHz[0]) - (256 - 2)) < 1e-9, 'band 0 centre 2 px above the bottom');
  assert.ok(Math.abs(y(axes.bandCentersHz[63]) - 2) < 1e-9, 'top band centre 2 px below the top');
  assert.ok(y(500) > y(1000), 'higher frequency, smaller y');
  const ticks = hzTicks(axes, 256);
  assert.ok(ticks.includes(500) && ticks.includes(1000), `ticks ${ticks.join(', ')}`);
  assert.ok(ticks.every((t, i) => i === 0 || y(ticks[i - 1]) - y(t) >= 18), 'labels do not collide');
});

test('patch lookup by frame and by time window', () => {
  const p = patchInfo(1000);
  assert.equal(p.startFrame.length, 11);
  assert.deepEqual([p.padded[9], p.padded[10]], [false, true]);
  assert.equal(patchAtFrame(p, 0), 0);
  assert.equal(patchAtFrame(p, 95), 0);
  assert.equal(patchAtFrame(p, 96), 1);
  assert.equal(patchAtFrame(p, 1055), 10);
  assert.equal(patchAtFrame(p, 1056), -1);
  assert.deepEqual(patchesInView(p, 0.01, 0.95, 2.0), [0, 2]);
});

test('upsampling uses half-pixel centres: 2 → 4 gives weights 0, .25, .75, 1 of the second cell', () => {
  assert.deepEqual(Array.from(resizeMaps(Float32Array.from([0, 1]), 1, 1, 2, 1, 4)), [0, 0.25, 0.75, 1]);
});

test('share above the cutoff counts bands whose centre lies above it', () => {
  const share = (profile: number[], hz: number) => shareAboveCutoff(profile, [100, 200, 300], hz).attentionShare;
  assert.equal(share([1, 1, 2], 150), 0.75);
  assert.equal(share([1, 1, 2], 300), 0);
  assert.equal(share([0, 0, 0], 0), 0, 'an all-zero map gives 0, not NaN');
});

test('band profile, readout value and top regions of a map with one hot cell', () => {
  const axes = featureAxes(2, 100, 2000, 8);
  const patches = patchInfo(axes.frames);
  const values = new Float32Array(patches.startFrame.length * 2 * 2);
  values[(1 * 2 + 1) * 2 + 1] = 1; // patch 1, second time step, upper band step
  const map = { timeSteps: 2, bandSteps: 2, map: { ...quantize(values, patches.startFrame.length * 2, 2), min: 0, max: 1 }, rawMin: [0, 0, 0], rawMax: [1, 3, 1], zeroPatches: [0, 2] };
  const prof = bandProfile(map, 8);
  assert.ok(prof[7] > prof[0], 'attention sits in the upper bands');
  assert.equal(camAt(map, patches, 1, 96 + 60, 7, 8)?.normalised, 1);
  assert.equal(camAt(map, patches, 1, 96 + 60, 7, 8)?.raw, 3);
  assert.equal(camAt(map, patches, 1, 96 + 10, 7, 8)?.normalised, 0);
  const top = patchPeaks(map, patches, axes, 3);
  assert.equal(top.length, 1, 'zero patches are not regions');
  assert.equal(top[0].patch, 1);
  assert.ok(Math.abs(top[0].startSeconds - 1.44) < 1e-9 && Math.abs(top[0].endSeconds - 1.92) < 1e-9);
});

test('base64 round trip and export names that cannot escape the folder', () => {
  const bytes = Uint8Array.from({ length: 70000 }, (_, i) => i % 256);
  assert.deepEqual(base64ToBytes(bytesToBase64(bytes)), bytes);
  assert.equal(exportFileName('<img src=x onerror=alert(1)>.wav', 'conv3_crackle', 'png'), '_img_src_x_onerror_alert_1__conv3_crackle.png');
  assert.equal(exportFileName('../../etc/passwd.wav', 'a/b', 'svg'), 'passwd_a_b.svg');
  assert.equal(formatHz(1500), '1.5 kHz');
});

test('fixture outputs keep the data contract: maps for every layer × class at native size', () => {
  const o = makeCamOutput({ durationSeconds: 5 });
  for (const l of o.layers) for (const c of o.classes) {
    const m = o.maps[l][c];
    assert.equal(m.map.rows, o.patches.startFrame.length * m.timeSteps);
    assert.equal(matrixBytes(m.map).length, m.map.rows * m.map.cols);
  }
  assert.equal(o.axes.bandEdgesHz.length, o.axes.bands + 2);
});

test('top regions never point past the end of a recording shorter than one patch', () => {
  const o = makeCamOutput({ durationSeconds: 0.5 });
  const end = o.axes.frames * o.axes.hopSeconds;
  for (const l of o.layers) for (const c of o.classes) {
    for (const r of patchPeaks(o.maps[l][c], o.patches, o.axes, 3)) assert.ok(r.startSeconds < end, `${l}/${c}: ${r.startSeconds} s ≥ ${end} s`);
  }
});
