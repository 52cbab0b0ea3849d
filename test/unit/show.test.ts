// lc.show's conversions and fallbacks (pure: no kernel): what JupyterLab/GitHub users see.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePng } from './pngDecode';
import { mimeBundle, toOutput, summaryText } from '../../kernels/engine/show/display';
import { isInputError } from '../../kernels/engine/errors';
import type { LogMel } from '../../kernels/engine/types';
import type { PredictionsOutput, SpectrogramOutput } from '../../kernels/shared/outputTypes';
import { matrixBytes as unitBytes } from '../../kernels/shared/view/quantized';

/** Width, height and raw scanlines of an 8-bit RGB PNG. */
function readPng(b64: string) {
  return decodePng(Buffer.from(b64, 'base64'));
}

const logMel = (frames: number, bands: number): LogMel => ({
  data: Float32Array.from({ length: frames * bands }, (_, i) => (i % bands) / bands - 4),
  frames,
  bands,
  params: { fmin: 125, fmax: 7500, bands, bandCutoffHz: null },
  axes: {
    sampleRate: 16000, fmin: 125, fmax: 7500, melBands: bands, bands, bandCutoffHz: null, frames, hopSeconds: 0.01, windowSeconds: 0.025,
    bandCentersHz: Array.from({ length: bands }, (_, i) => 125 + i * 100), bandEdgesHz: Array.from({ length: bands + 2 }, (_, i) => 75 + i * 100),
  },
});

describe('lc.show conversions', () => {
  it('a log-mel becomes a spectrogram output whose quantised values map back within one step', () => {
    const lm = logMel(120, 8);
    const out = toOutput(lm, { fileName: 'a.wav' }) as SpectrogramOutput;
    assert.equal(out.kind, 'spectrogram');
    assert.equal(out.source.fileName, 'a.wav');
    assert.deepEqual([out.logMel.rows, out.logMel.cols], [120, 8]);
    const bytes = unitBytes(out.logMel);
    const step = (out.logMel.max - out.logMel.min) / 255;
    for (let i = 0; i < bytes.length; i += 37) assert.ok(Math.abs(out.logMel.min + bytes[i] * step - lm.data[i]) <= step / 2 + 1e-6);
  });

  it('a classification becomes a predictions output with patch start frames and the recording label', () => {
    const out = toOutput({
      file: '/data/101_1b1_Al_sc_Meditron.wav', durationSeconds: 2.5, sampleRate: 44100, model: 'baseline', classes: ['normal', 'crackle'],
      label: 'crackle', probabilities: [0.3, 0.7],
      patches: [
        { startSeconds: 0, endSeconds: 0.96, padded: false, label: 'crackle', probabilities: [0.2, 0.8] },
        { startSeconds: 0.96, endSeconds: 1.92, padded: true, label: 'normal', probabilities: [0.6, 0.4] },
      ],
    }) as PredictionsOutput;
    assert.equal(out.kind, 'predictions');
    assert.equal(out.source.fileName, '101_1b1_Al_sc_Meditron.wav');
    assert.deepEqual(out.patches, { startFrame: [0, 96], frames: 96, padded: [false, true] });
    assert.deepEqual(out.probabilities, [[0.2, 0.8], [0.6, 0.4]]);
    assert.equal(summaryText(out), 'Prediction 101_1b1_Al_sc_Meditron.wav (2.50 s) by baseline: crackle — crackle 70.0%, normal 30.0% (2 patches)');
  });

  it('anything else is a one-line input error naming lc.show', () => {
    for (const bad of [42, null, 'x.wav', [1, 2], { samples: [1, 2] }]) {
      assert.throws(() => toOutput(bad), (e: Error) => isInputError(e) && /^lc\.show: cannot show/.test(e.message) && !e.message.includes('\n'));
    }
  });
});

describe('lc.show fallbacks', () => {
  it('the spectrogram PNG is time × bands (2 px per band) and not blank', () => {
    const bundle = mimeBundle(toOutput(logMel(120, 8)));
    const { width, height, rgb } = readPng(bundle['image/png'] as string);
    assert.deepEqual([width, height], [120, 16]);
    const row = (y: number) => rgb.subarray(y * width * 3, (y + 1) * width * 3);
    assert.notDeepEqual(row(0), row(height - 1), 'top (high bands) and bottom (low bands) rows differ');
  });

  it('the audio PNG draws the waveform envelope; png: false leaves it out', () => {
    const audio = { samples: Float32Array.from({ length: 16000 }, (_, i) => (i < 8000 ? 0.9 : 0.05) * Math.sin(i)), sampleRate: 16000, channels: 1, durationSeconds: 1, warnings: [] };
    const bundle = mimeBundle(toOutput(audio, { fileName: 'loud-then-quiet.wav' }));
    const { width, height, rgb } = readPng(bundle['image/png'] as string);
    const inked = (x: number) => { let n = 0; for (let y = 0; y < height; y++) if (rgb[(y * width + x) * 3] !== 255) n++; return n; };
    assert.ok(inked(width / 4) > 4 * inked((3 * width) / 4), 'the loud half is taller than the quiet half');
    assert.deepEqual(Object.keys(mimeBundle(toOutput(audio), { png: false })), ['application/vnd.lungcam.audio+json', 'text/plain']);
    assert.match(bundle['text/plain'] as string, /^Audio loud-then-quiet\.wav \(1\.00 s\): 16000 Hz, 1 channel/);
  });
});
