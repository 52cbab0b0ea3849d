// The adventitious-sound waveforms follow the clinical measures they are drawn with.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crackleWaveform, drawCrackleShape } from '../../../kernels/engine/data/crackles';
import { wheezePitchHz, wheezePitchRange, type WheezeVoice } from '../../../kernels/engine/data/wheezes';
import { Rng } from '../../../kernels/engine/data/random';

/** Times (ms) where the waveform changes sign after its start. */
function zeroCrossingsMs(w: Float64Array, rate: number): number[] {
  const z: number[] = [];
  for (let i = 2; i < w.length; i++) if (w[i - 1] !== 0 && Math.sign(w[i]) !== Math.sign(w[i - 1])) z.push((i / rate) * 1000);
  return z;
}

test('crackles: initial deflection width and two-cycle duration as drawn (fine ≈ 0.7/5 ms, coarse ≈ 1.5/10 ms)', () => {
  const rng = new Rng('crackle-test');
  const rate = 200000;
  for (const kind of ['fine', 'coarse'] as const) {
    for (let k = 0; k < 20; k++) {
      const shape = drawCrackleShape(rng, kind);
      const z = zeroCrossingsMs(crackleWaveform(shape, rate), rate);
      const [idw, twoCycles] = [z[0], z[3]];
      assert.ok(Math.abs(idw - shape.initialDeflectionMs) / shape.initialDeflectionMs < 0.15, `${kind} ${shape.sweep}: IDW ${idw} vs ${shape.initialDeflectionMs}`);
      assert.ok(Math.abs(twoCycles - shape.twoCycleDurationMs) < 0.05, `${kind} ${shape.sweep}: 2CD ${twoCycles} vs ${shape.twoCycleDurationMs}`);
      if (kind === 'fine') assert.ok(shape.initialDeflectionMs < 1 && shape.twoCycleDurationMs < 7);
      else assert.ok(shape.initialDeflectionMs > 1 && shape.twoCycleDurationMs > 7);
    }
  }
});

test('wheeze pitch range covers the whole contour', () => {
  const v: WheezeVoice = {
    startSeconds: 1, endSeconds: 1.6, baseHz: 400, glideOctaves: 0.5, archOctaves: -0.2,
    wander: [{ hz: 2, octaves: 0.05, phase: 1 }], harmonicRatio: 0.3, harmonics: 3, level: 1, vibratoDepth: 0.01, vibratoHz: 5,
  };
  const [lo, hi] = wheezePitchRange(v);
  for (let t = 0; t <= 0.6; t += 0.001) {
    const f = wheezePitchHz(v, t);
    assert.ok(f >= lo - 0.5 && f <= hi + 0.5, `${f} Hz at ${t} s outside ${lo}–${hi}`);
  }
  assert.ok(hi / lo > 1.2, 'the contour glides');
});
