/**
 * One patching, one set of numbers, one cycle lane: on real annotated recordings (ICBHI 107 with
 * crackles and wheezes, a SPRSound recording with events) `classify --json`, `gradcam --out F.json` and
 * `view --out F.json` cut the same patches and report the same per-class probabilities, and `view` carries
 * every annotated cycle with its true and predicted label — the ones `classify` prints. Values are compared
 * between surfaces, never against fixed numbers (the shipped models are retrained from time to time).
 * Real recordings are read in place from ../shared/realdata; nothing of them is written into the repository.
 */
import { describe, it, after } from 'node:test';
import * as assert from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot, runLungcam } from '../cliHarness';
import { cycleSummary } from '../../../kernels/shared/view/cycleVerdicts';
import { ICBHI_107, REALDATA_DIR, noRealData, sprsoundRecording } from '../../lib/realdata';
import type { CycleAnnotation } from '../../../kernels/shared/outputTypes';

const MODEL = path.join(repoRoot, 'samples/models/baseline');
const dir = mkdtempSync(path.join(tmpdir(), 'lungcam-one-set-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Surfaces {
  classify: { patches: { startSeconds: number; padded: boolean }[]; probabilities: number[]; label: string; classes: string[]; cycles?: { startSeconds: number; trueLabel?: string; label: string }[] };
  gradcam: { patches: { count: number; startFrame: number[] }; probabilities: number[][]; recordingProbabilities: number[]; class: string; annotations?: { cycles: unknown[] } };
  view: {
    predictions: { label: string; recordingProbabilities: number[]; probabilities: number[][]; patches: { startFrame: number[] }; annotations?: { cycles: { label?: string; predicted?: { label: string } }[] } };
    cam: { probabilities: number[][]; patches: { startFrame: number[] }; defaultClass: string; annotations?: { cycles: CycleAnnotation[]; source?: { format: 'icbhi' | 'sprsound'; fileName: string } } };
  };
  viewStdout: string;
}

function runSurfaces(wav: string, tag: string): Surfaces {
  const c = runLungcam(['classify', wav, '--model', MODEL, '--json'], { timeoutMs: 300_000 });
  assert.strictEqual(c.code, 0, c.stderr);
  const g = runLungcam(['gradcam', wav, '--model', MODEL, '--out', path.join(dir, `${tag}-g.json`), '--quiet'], { timeoutMs: 300_000 });
  assert.strictEqual(g.code, 0, g.stderr);
  const v = runLungcam(['view', wav, '--model', MODEL, '--out', path.join(dir, `${tag}-v.json`)], { timeoutMs: 300_000 });
  assert.strictEqual(v.code, 0, v.stderr);
  return {
    classify: JSON.parse(c.stdout),
    gradcam: JSON.parse(readFileSync(path.join(dir, `${tag}-g.json`), 'utf8')),
    view: JSON.parse(readFileSync(path.join(dir, `${tag}-v.json`), 'utf8')),
    viewStdout: v.stdout,
  };
}

/** Same numbers at the precision classify prints them (4 decimals; the forward passes differ by float rounding). */
function assertClose(a: number[], b: number[], what: string): void {
  assert.strictEqual(a.length, b.length, `${what}: as many classes`);
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < 2e-4, `${what}: class ${i}: ${x} vs ${b[i]}`));
}

function assertOneSet(s: Surfaces): void {
  const frames = s.classify.patches.map((p) => Math.round(p.startSeconds * 100));
  const count = frames.length;
  console.log(`# ${count} patches; recording ${s.classify.label} (${s.classify.probabilities.join(', ')})`);
  assert.strictEqual(s.gradcam.patches.count, count, 'gradcam cuts as many patches as classify');
  assert.deepStrictEqual(s.gradcam.patches.startFrame, frames, 'at the same frames');
  assert.deepStrictEqual(s.view.cam.patches.startFrame, frames, 'view\'s Grad-CAM: the same patches');
  assert.deepStrictEqual(s.view.predictions.patches.startFrame, frames, 'view\'s predictions: the same patches');
  assertClose(s.gradcam.recordingProbabilities, s.classify.probabilities, 'gradcam vs classify');
  assertClose(s.view.predictions.recordingProbabilities, s.classify.probabilities, 'view predictions vs classify');
  const camMean = s.classify.classes.map((_, k) => s.view.cam.probabilities.reduce((sum, p) => sum + p[k], 0) / s.view.cam.probabilities.length);
  assertClose(camMean, s.classify.probabilities, 'view Grad-CAM (mean of its patches) vs classify');
  s.view.cam.probabilities.forEach((p, i) => assertClose(p, s.gradcam.probabilities[i], `patch ${i + 1}: view vs gradcam`));
  assert.strictEqual(s.view.predictions.label, s.classify.label, 'one label');
  assert.strictEqual(s.view.cam.defaultClass, s.classify.label, 'the Grad-CAM view opens on the predicted class');
  assert.strictEqual(s.gradcam.class, s.classify.label, 'gradcam explains the predicted class by default');
}

function assertLane(s: Surfaces, format: 'icbhi' | 'sprsound'): void {
  const expected = s.classify.cycles ?? [];
  assert.ok(expected.length > 0, 'classify found the annotated cycles');
  const lane = s.view.cam.annotations;
  assert.ok(lane?.cycles, 'view\'s Grad-CAM carries the cycle lane');
  assert.strictEqual(lane.source?.format, format);
  assert.strictEqual(lane.cycles.length, expected.length, 'every annotated cycle');
  lane.cycles.forEach((c, i) => {
    assert.strictEqual(c.startSeconds, expected[i].startSeconds);
    assert.strictEqual(c.label, expected[i].trueLabel, `cycle ${i + 1}: the annotated label`);
    assert.strictEqual(c.predicted?.label, expected[i].label, `cycle ${i + 1}: classify's label`);
  });
  assert.deepStrictEqual(s.view.predictions.annotations?.cycles.map((c) => [c.label, c.predicted?.label]), lane.cycles.map((c) => [c.label, c.predicted?.label]), 'the predictions output carries the same lane');
  assert.strictEqual(s.gradcam.annotations?.cycles.length, expected.length, 'gradcam\'s JSON too');
  const summary = cycleSummary(lane.cycles, lane.source);
  assert.ok(s.viewStdout.includes(summary), `view prints the summary: ${summary}`);
  console.log(`# ${summary}`);
}

describe('one set of numbers on real recordings', { skip: noRealData }, () => {
  it('ICBHI 107 (crackles + wheezes): classify, gradcam and view agree; view carries the 8 cycles with true and predicted labels', () => {
    const s = runSurfaces(ICBHI_107, '107');
    assertOneSet(s);
    assertLane(s, 'icbhi');
    const lane = s.view.cam.annotations!.cycles;
    assert.strictEqual(lane.length, 8);
    assert.strictEqual(lane.filter((c) => c.label === 'both').length, 7, '7 cycles annotated crackle+wheeze');
  });

  it('a SPRSound recording: the same, with its events as the lane', (t) => {
    const wav = sprsoundRecording();
    if (!wav) return t.skip(`no SPRSound recording with events under ${path.join(REALDATA_DIR, 'sprsound')}`);
    const s = runSurfaces(wav, 'sprsound');
    assertOneSet(s);
    assertLane(s, 'sprsound');
  });
});
